#!/usr/bin/env bash
# The plugin inside the real digiKam of a newer Debian on Qt 6, in a chroot
# made with debootstrap, since the host is Debian 12 (digiKam 7.9):
# SUITE trixie (Debian 13, digiKam 8.6) or forky (Debian testing, digiKam 9.1).
#
#   showfoto_qt6.sh SUITE SOURCE_DIR FFI_LIBRARY FFI_INCLUDE_DIR EMULATOR ARTIFACTS_DIR
#   showfoto_qt6.sh --prepare-root SUITE   # only create/refresh the cached root
#
# 1. Creates (once; cached in /var/cache/dkcloud/SUITE-root, or
#    $DKCLOUD_TRIXIE_ROOT / $DKCLOUD_FORKY_ROOT) the root with debootstrap and
#    installs showfoto, digikam, qt6-base-dev, cmake, g++, Xvfb and the X tools
#    (the list is DKCLOUD_ROOT_PACKAGES in debian_root.sh).
# 2. Configures and builds this source tree in the root with
#    -DDKCLOUD_QT_MAJOR=6 against its libdigikamcore.so.X.Y.Z and the Rust
#    static library (and cxx headers) built on the host: the host's glibc is
#    older than the root's, so its staticlib and emulator run there unchanged.
# 3. Runs that build's ctest there (the ABI check of cpp/digikam/abi-X.Y
#    against the root's libdigikamcore, digiKam's own OneDrive plugin driven
#    through our declarations, no test code in the shipped plugin, bridge,
#    offscreen dialog), then, with that build's test plugin
#    (BUILD/testing/Generic_DkCloud_Plugin.so, the one with the probe), the
#    same in-host test as for 7.9 (tests/host/showfoto_7_9.sh) against that
#    showfoto under Xvfb: logged in beforehand with `dkcloud login` (the host's, beside
#    the emulator), the plugin loads, both actions with their shortcuts, the
#    dialog opens with the photo, Alt+S uploads it byte-identical; and the clash
#    case; then that digiKam itself (tests/host/digikam_host.sh: album view,
#    selection, login, nested album, upload, edit and upload again), an album
#    of 300 photos and a RAW one (tests/host/digikam_many_photos.sh), and its
#    Batch Queue Manager (tests/host/bqm_host.sh: a queue with Resize).
#    Screenshots (X_Y: 8_6 or 9_1): ARTIFACTS_DIR/showfoto_X_Y_*.png,
#    digikam_X_Y_*.png, digikam_many_X_Y_*.png, bqm_X_Y_*.png.
#
# Host paths are bind-mounted into the root at the same paths, in a private
# mount namespace (nothing is left mounted afterwards); the network namespace
# is shared, so the emulator listens on the host's loopback.
# Exit 77 (skipped) only where the machine cannot run debootstrap: not root,
# or no way to reach the Debian mirror.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
log() { echo "[showfoto_qt6 ${suite:-} $(date +%T)] $*"; }

for tool in unshare chroot mount flock; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing"; exit 77; }
done

source "$here/debian_root.sh"   # in_root, prepare_root, debian_root

if [ "${1:-}" = "--prepare-root" ]; then
    suite="${2:?usage: $0 --prepare-root SUITE}"
    prepare_root "$suite"
    exit $?
fi

[ "$#" -eq 6 ] || { echo "usage: $0 SUITE SOURCE_DIR FFI_LIBRARY FFI_INCLUDE_DIR EMULATOR ARTIFACTS_DIR"; exit 2; }
suite="$1"; shift
root="$(debian_root "$suite")"
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
prepare_root "$suite"
rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
exec 8>&-
# digiKam's version in the root: 8.6.0 -> "8.6" in messages, "8_6" in file names.
dkversion="$(root_digikam_version "$root")"
[ -n "$dkversion" ] || { echo "FAIL: no libdigikamcore.so.X.Y.Z in the $suite root $root"; exit 1; }
dk="${dkversion%.*}"
tag="${dk/./_}"
log "digiKam $dkversion in the $suite root"

# One build folder in the root per host build (so that two host builds never
# share one), kept between runs: reruns only recompile what changed.
build="$(qt6_build_dir "$ffi_inc")"
exec 9>"$root$build.lock"
flock 9
if [ -f "$root$build/CMakeCache.txt" ] && ! grep -qx "CMAKE_HOME_DIRECTORY:INTERNAL=$src" "$root$build/CMakeCache.txt"; then
    rm -rf "${root:?}$build"
fi
run="$(mktemp -d "/tmp/dkcloud-$suite.XXXXXX")"
chmod 755 "$run"
trap 'rm -rf "$run"' EXIT

BINDS=("$src:ro" "$(dirname "$ffi_lib"):ro" "$ffi_inc:ro" "$(dirname "$emulator"):ro" "$artifacts" "$run")
# The inner steps. The 7.9 script reads Qt's plugin folder from `qmake`:
# the root's Qt 6 qmake lives in /usr/lib/qt6/bin.
cat >"$run/inner.sh" <<EOF
#!/bin/bash
set -uo pipefail
export PATH=/usr/lib/qt6/bin:\$PATH
echo "== digiKam in the root: \$(ls /usr/lib/digikam/libdigikamcore.so.*.*.* /usr/lib/x86_64-linux-gnu/libdigikamcore.so.*.*.* 2>/dev/null)"
t0=\$SECONDS
source "$src/tests/host/debian_root.sh"
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
case "\$needed" in *libdigikamcore.so.${dkversion}*libQt6*|*libQt6*libdigikamcore.so.${dkversion}*) ;; *) echo "FAIL: the plugin is not linked to digiKam ${dkversion} and Qt 6"; ok=1 ;; esac
echo "== ctest of the Qt 6 / digiKam ${dk} build"
ctest --test-dir "$build" --output-on-failure -E '^(host_showfoto|sdk_peers|rclone_onedrive|debian_packages|installed_package)' || ok=1
for mode in normal clash; do
    echo "== in-host test in showfoto ${dk} (\$mode)"
    mkdir -p "$run/shots-\$mode"
    # (its screenshot names say 7_9: they are renamed below)
    if ! bash "$src/tests/host/showfoto_7_9.sh" "\$test_plugin" "$emulator" "$run/shots-\$mode" \$mode | grep -v '^screenshots*: '; then
        ok=1
    fi
    for f in "$run/shots-\$mode"/showfoto_7_9_*.png; do
        [ -e "\$f" ] && cp "\$f" "$artifacts/\$(basename "\$f" | sed 's/^showfoto_7_9_/showfoto_${tag}_/')"
    done
done
# digiKam itself (the album view), as a user: selection, browser login, upload.
echo "== in-host test in digiKam ${dk} (album view)"
mkdir -p "$run/shots-digikam"
if ! bash "$src/tests/host/digikam_host.sh" "\$test_plugin" "$emulator" "$run/shots-digikam" ${tag} | grep -v '^screenshots*: '; then
    ok=1
fi
for f in "$run/shots-digikam"/digikam_${tag}_*.png; do
    [ -e "\$f" ] && cp "\$f" "$artifacts/"
done
# The export window in a German, French and Spanish digiKam ${dk} (catalogues
# of this Qt 6 build, found through XDG_DATA_DIRS as the installed ones are).
echo "== in-host test in digiKam ${dk} (German, French, Spanish)"
mkdir -p "$run/shots-languages"
if ! bash "$src/tests/host/digikam_languages.sh" "\$test_plugin" "$emulator" "$run/shots-languages" "$build" "$src" ${tag} | grep -v '^screenshots*: '; then
    ok=1
fi
for f in "$run/shots-languages"/digikam_${tag}_*.png; do
    [ -e "\$f" ] && cp "\$f" "$artifacts/"
done
# An album of 300 photos and a RAW one, all selected: every one listed at
# once, thumbnails from digiKam $dk's loader, the RAW row with its preview.
echo "== in-host test in digiKam ${dk} (300 photos and a RAW one)"
mkdir -p "$run/shots-many"
if ! bash "$src/tests/host/digikam_many_photos.sh" "\$test_plugin" "$emulator" "$run/shots-many" ${tag} 300 | grep -v '^screenshots*: '; then
    ok=1
fi
for f in "$run/shots-many"/digikam_many_${tag}_*.png; do
    [ -e "\$f" ] && cp "\$f" "$artifacts/"
done
# digiKam $dk's Batch Queue Manager: a queue with Resize over an album, then
# dkcloud's upload tools after it (the test build of this build's BQM module,
# when it has one).
echo "== in-host test in digiKam ${dk} (Batch Queue Manager)"
mkdir -p "$run/shots-bqm"
bqm_plugin="$build/testing/Bqm_DkCloud_Plugin.so"
[ -f "\$bqm_plugin" ] || bqm_plugin=-
if ! bash "$src/tests/host/bqm_host.sh" "\$bqm_plugin" "$emulator" "$run/shots-bqm" ${tag} | grep -v '^screenshots*: '; then
    ok=1
fi
for f in "$run/shots-bqm"/bqm_${tag}_*.png; do
    [ -e "\$f" ] && cp "\$f" "$artifacts/"
done
echo "screenshots: $artifacts/digikam_${tag}_*.png, $artifacts/bqm_${tag}_*.png"
exit \$ok
EOF
# An expansion that failed above leaves a truncated script that would "pass".
[ "$(tail -1 "$run/inner.sh")" = 'exit $ok' ] || { echo "FAIL: could not write $run/inner.sh"; exit 1; }
chmod 755 "$run/inner.sh"

log "building and testing in the $suite root (build folder $build)"
in_root "$root" /bin/bash "$run/inner.sh"
rc=$?
echo "screenshots: $artifacts/showfoto_${tag}_*.png"
log "total $((SECONDS - start)) s"
exit $rc
