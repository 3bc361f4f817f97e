#!/usr/bin/env bash
# The plugin inside the real digiKam 8.6 on Qt 6: Debian 13 ("trixie") in a
# chroot made with debootstrap, since the host is Debian 12 (digiKam 7.9).
#
#   showfoto_8_6.sh SOURCE_DIR FFI_LIBRARY FFI_INCLUDE_DIR EMULATOR ARTIFACTS_DIR
#   showfoto_8_6.sh --prepare-root          # only create/refresh the cached root
#
# 1. Creates (once; cached in $DKCLOUD_TRIXIE_ROOT, default
#    /var/cache/dkcloud/trixie-root) a trixie root with debootstrap and installs
#    showfoto, digikam (8.6.0), qt6-base-dev, cmake, g++, Xvfb and the X tools.
# 2. Configures and builds this source tree in the root with
#    -DDKCLOUD_QT_MAJOR=6 against libdigikamcore.so.8.6.0 and the Rust static
#    library (and cxx headers) built on the host: the host's glibc is older
#    than trixie's, so its staticlib and emulator run there unchanged.
# 3. Runs that build's ctest there (the ABI check of cpp/digikam/abi-8.6
#    against libdigikamcore.so.8.6.0, digiKam's own OneDrive plugin driven
#    through our declarations, no test code in the shipped plugin, bridge,
#    offscreen dialog), then, with that build's test plugin
#    (BUILD/testing/Generic_DkCloud_Plugin.so, the one with the probe), the
#    same in-host test as for 7.9 (tests/host/showfoto_7_9.sh) against showfoto
#    8.6 under Xvfb: logged in beforehand with `dkcloud login` (the host's, beside
#    the emulator), the plugin loads, both actions with their shortcuts, the
#    dialog opens with the photo, Alt+S uploads it byte-identical; and the clash
#    case; then digiKam 8.6 itself (tests/host/digikam_host.sh: album view,
#    selection, login, nested album, upload, edit and upload again), an album
#    of 300 photos and a RAW one (tests/host/digikam_many_photos.sh), and its
#    Batch Queue Manager (tests/host/bqm_host.sh: a queue with Resize).
#    Screenshots: ARTIFACTS_DIR/showfoto_8_6_*.png, digikam_8_6_*.png,
#    digikam_many_8_6_*.png, bqm_8_6_*.png.
#
# Host paths are bind-mounted into the root at the same paths, in a private
# mount namespace (nothing is left mounted afterwards); the network namespace
# is shared, so the emulator listens on the host's loopback.
# Exit 77 (skipped) only where the machine cannot run debootstrap: not root,
# or no way to reach the Debian mirror.
set -uo pipefail

root="${DKCLOUD_TRIXIE_ROOT:-/var/cache/dkcloud/trixie-root}"
mirror="${DKCLOUD_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
packages=(showfoto digikam qt6-base-dev libkf6config-dev libkf6i18n-dev gettext locales qt6-declarative-dev sqlite3 cmake make g++ dpkg-dev file xvfb xauth openbox xdotool imagemagick curl python3 binutils ca-certificates)
here="$(cd "$(dirname "$0")" && pwd)"

skip() { echo "SKIP: $*"; exit 77; }
log() { echo "[showfoto_8_6 $(date +%T)] $*"; }

[ "$(id -u)" -eq 0 ] || skip "creating a Debian 13 root with debootstrap needs root (run as root, or see docs/plugin.md)"
for tool in unshare chroot mount flock; do
    command -v "$tool" >/dev/null || skip "$tool is missing"
done

source "$here/trixie_root.sh"   # in_root

# Removes a half-made root, never following a mount left inside it.
remove_tree() {
    local m
    if [ -e "$1" ]; then
        findmnt -rn -o TARGET | grep -F "$1/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
        rm -rf --one-file-system "$1"
    fi
}

prepare_root() {
    local wanted
    wanted="$(printf '%s\n' "${packages[@]}")"
    mkdir -p "$(dirname "$root")"
    exec 8>"$root.lock"
    flock 8
    if [ -f "$root/.dkcloud-ready" ] && [ "$(cat "$root/.dkcloud-ready")" = "$wanted" ]; then
        log "cached trixie root: $root"
        return 0
    fi
    local t0=$SECONDS
    if [ ! -f "$root/.dkcloud-ready" ]; then
        if ! command -v debootstrap >/dev/null; then
            log "installing debootstrap on the host"
            apt-get install -y --no-install-recommends debootstrap >/dev/null 2>&1 \
                || skip "debootstrap is missing and apt-get install debootstrap failed"
        fi
        if ! curl -sfI --max-time 20 "$mirror/dists/trixie/Release" >/dev/null 2>&1 \
            && ! wget -q --spider --timeout=20 "$mirror/dists/trixie/Release" 2>/dev/null; then
            skip "cannot reach the Debian mirror $mirror (no network): cannot create the trixie root"
        fi
        remove_tree "$root.tmp"
        log "debootstrap --variant=minbase trixie $root.tmp $mirror"
        if ! debootstrap --variant=minbase trixie "$root.tmp" "$mirror" >"$root.debootstrap.log" 2>&1; then
            tail -20 "$root.debootstrap.log"
            remove_tree "$root.tmp"
            echo "FAIL: debootstrap failed (log above)"
            exit 1
        fi
        printf '#!/bin/sh\nexit 101\n' >"$root.tmp/usr/sbin/policy-rc.d"
        chmod 755 "$root.tmp/usr/sbin/policy-rc.d"
        remove_tree "$root"
        mv "$root.tmp" "$root"
        log "debootstrap done in $((SECONDS - t0)) s"
    fi
    local t1=$SECONDS
    log "apt-get install ${packages[*]}"
    BINDS=()
    if ! in_root "$root" sh -c "apt-get update -q && apt-get install -y -q --no-install-recommends ${packages[*]} && apt-get clean && localedef -i en_US -f UTF-8 en_US.UTF-8" \
        >"$root.apt.log" 2>&1; then
        tail -30 "$root.apt.log"
        echo "FAIL: apt-get install in the trixie root failed (log above)"
        exit 1
    fi
    log "packages installed in $((SECONDS - t1)) s"
    printf '%s\n' "$wanted" >"$root/.dkcloud-ready"
    flock -u 8
}

if [ "${1:-}" = "--prepare-root" ]; then
    prepare_root
    exit 0
fi

[ "$#" -eq 5 ] || { echo "usage: $0 SOURCE_DIR FFI_LIBRARY FFI_INCLUDE_DIR EMULATOR ARTIFACTS_DIR"; exit 2; }
src="$(readlink -f "$1")"
ffi_lib="$(readlink -f "$2")"
ffi_inc="$(readlink -f "$3")"
emulator="$(readlink -f "$4")"
artifacts="$5"
mkdir -p "$artifacts"
artifacts="$(readlink -f "$artifacts")"
[ -f "$ffi_lib" ] || { echo "FAIL: no Rust static library at $ffi_lib (cargo build --locked -p dkcloud-ffi)"; exit 1; }
[ -f "$ffi_inc/dkcloud-ffi/src/lib.rs.h" ] || { echo "FAIL: no cxx headers under $ffi_inc"; exit 1; }
[ -x "$emulator" ] || { echo "FAIL: no emulator at $emulator (cargo build --locked -p dkcloud-emulator)"; exit 1; }

start=$SECONDS
prepare_root
exec 8>&-

# One build folder in the root per host build (so that two host builds never
# share one), kept between runs: reruns only recompile what changed.
build="$(qt6_build_dir "$ffi_inc")"
exec 9>"$root$build.lock"
flock 9
if [ -f "$root$build/CMakeCache.txt" ] && ! grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$src" "$root$build/CMakeCache.txt"; then
    rm -rf "${root:?}$build"
fi
run="$(mktemp -d /tmp/dkcloud-trixie.XXXXXX)"
chmod 755 "$run"
trap 'rm -rf "$run"' EXIT

BINDS=("$src:ro" "$(dirname "$ffi_lib"):ro" "$ffi_inc:ro" "$(dirname "$emulator"):ro" "$artifacts" "$run")
# The inner steps. The 7.9 script reads Qt's plugin folder from `qmake`:
# trixie's Qt 6 qmake lives in /usr/lib/qt6/bin.
cat >"$run/inner.sh" <<EOF
#!/bin/bash
set -uo pipefail
export PATH=/usr/lib/qt6/bin:\$PATH
echo "== digiKam in the root: \$(ls /usr/lib/digikam/libdigikamcore.so.*.*.* /usr/lib/x86_64-linux-gnu/libdigikamcore.so.*.*.* 2>/dev/null)"
t0=\$SECONDS
source "$src/tests/host/trixie_root.sh"
qt6_configure "$src" "$build" "$ffi_lib" "$ffi_inc" "$emulator" "$run/configure.log" \\
    || { cat "$run/configure.log"; echo "FAIL: cmake configure (Qt 6)"; exit 1; }
grep 'dkcloud:' "$run/configure.log"
cmake --build "$build" -j2 >"$run/build.log" 2>&1 || { tail -60 "$run/build.log"; echo "FAIL: build (Qt 6)"; exit 1; }
echo "== built with Qt 6 in \$((SECONDS - t0)) s"
ok=0
plugin="$build/Generic_DkCloud_Plugin.so"
test_plugin="$build/testing/Generic_DkCloud_Plugin.so"
needed="\$(readelf -d "\$plugin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')"
echo "== the plugin needs: \$needed"
case "\$needed" in *libdigikamcore.so.8.6.0*libQt6*|*libQt6*libdigikamcore.so.8.6.0*) ;; *) echo "FAIL: the plugin is not linked to digiKam 8.6 and Qt 6"; ok=1 ;; esac
echo "== ctest of the Qt 6 / digiKam 8.6 build"
ctest --test-dir "$build" --output-on-failure -E '^(host_showfoto|sdk_peers|rclone_onedrive|debian_packages)' || ok=1
for mode in normal clash; do
    echo "== in-host test in showfoto 8.6 (\$mode)"
    mkdir -p "$run/shots-\$mode"
    # (its screenshot names say 7_9: they are renamed below)
    if ! bash "$src/tests/host/showfoto_7_9.sh" "\$test_plugin" "$emulator" "$run/shots-\$mode" \$mode | grep -v '^screenshots*: '; then
        ok=1
    fi
    for f in "$run/shots-\$mode"/showfoto_7_9_*.png; do
        [ -e "\$f" ] && cp "\$f" "$artifacts/\$(basename "\$f" | sed 's/^showfoto_7_9_/showfoto_8_6_/')"
    done
done
# digiKam itself (the album view), as a user: selection, browser login, upload.
echo "== in-host test in digiKam 8.6 (album view)"
mkdir -p "$run/shots-digikam"
if ! bash "$src/tests/host/digikam_host.sh" "\$test_plugin" "$emulator" "$run/shots-digikam" 8_6 | grep -v '^screenshots*: '; then
    ok=1
fi
for f in "$run/shots-digikam"/digikam_8_6_*.png; do
    [ -e "\$f" ] && cp "\$f" "$artifacts/"
done
# The export window in a German, French and Spanish digiKam 8.6 (catalogues
# of this Qt 6 build, found through XDG_DATA_DIRS as the installed ones are).
echo "== in-host test in digiKam 8.6 (German, French, Spanish)"
mkdir -p "$run/shots-languages"
if ! bash "$src/tests/host/digikam_languages.sh" "\$test_plugin" "$emulator" "$run/shots-languages" "$build" "$src" 8_6 | grep -v '^screenshots*: '; then
    ok=1
fi
for f in "$run/shots-languages"/digikam_8_6_*.png; do
    [ -e "\$f" ] && cp "\$f" "$artifacts/"
done
# An album of 300 photos and a RAW one, all selected: every one listed at
# once, thumbnails from digiKam 8.6's loader, the RAW row with its preview.
echo "== in-host test in digiKam 8.6 (300 photos and a RAW one)"
mkdir -p "$run/shots-many"
if ! bash "$src/tests/host/digikam_many_photos.sh" "\$test_plugin" "$emulator" "$run/shots-many" 8_6 300 | grep -v '^screenshots*: '; then
    ok=1
fi
for f in "$run/shots-many"/digikam_many_8_6_*.png; do
    [ -e "\$f" ] && cp "\$f" "$artifacts/"
done
# digiKam 8.6's Batch Queue Manager: a queue with Resize over an album, then
# dkcloud's upload tools after it (the test build of this build's BQM module,
# when it has one).
echo "== in-host test in digiKam 8.6 (Batch Queue Manager)"
mkdir -p "$run/shots-bqm"
bqm_plugin="$build/testing/Bqm_DkCloud_Plugin.so"
[ -f "\$bqm_plugin" ] || bqm_plugin=-
if ! bash "$src/tests/host/bqm_host.sh" "\$bqm_plugin" "$emulator" "$run/shots-bqm" 8_6 | grep -v '^screenshots*: '; then
    ok=1
fi
for f in "$run/shots-bqm"/bqm_8_6_*.png; do
    [ -e "\$f" ] && cp "\$f" "$artifacts/"
done
echo "screenshots: $artifacts/digikam_8_6_*.png, $artifacts/bqm_8_6_*.png"
exit \$ok
EOF
chmod 755 "$run/inner.sh"

log "building and testing in the trixie root (build folder $build)"
in_root "$root" /bin/bash "$run/inner.sh"
rc=$?
echo "screenshots: $artifacts/showfoto_8_6_*.png"
log "total $((SECONDS - start)) s"
exit $rc
