# Sourced by the scripts that work in the cached Debian roots of the Qt 6
# hosts: Debian 13 "trixie" (digiKam 8.6) and Debian "forky" (testing;
# digiKam 9.1). tests/host/showfoto_qt6.sh makes them (prepare_root below);
# scripts/package builds the Qt 6 plugin's packages in them.

# The suites with a Qt 6 host, oldest first.
DKCLOUD_QT6_SUITES=(trixie forky)

# Where the cached root of SUITE lives ($DKCLOUD_TRIXIE_ROOT, $DKCLOUD_FORKY_ROOT).
#   debian_root SUITE
debian_root() {
    local var="DKCLOUD_${1^^}_ROOT"
    printf '%s' "${!var:-/var/cache/dkcloud/$1-root}"
}

# Every root gets these (one list for all of them).
DKCLOUD_ROOT_PACKAGES=(showfoto digikam qt6-base-dev libkf6config-dev libkf6i18n-dev gettext locales qt6-declarative-dev sqlite3 cmake make g++ dpkg-dev file
    xvfb xauth openbox xdotool imagemagick curl python3 binutils ca-certificates)

# digiKam's version in ROOT, read from its libdigikamcore.so.X.Y.Z (e.g. 9.1.0).
#   root_digikam_version ROOT
root_digikam_version() {
    local lib
    lib="$(ls "$1"/usr/lib/x86_64-linux-gnu/libdigikamcore.so.*.*.* "$1"/usr/lib/digikam/libdigikamcore.so.*.*.* 2>/dev/null | head -1)"
    [ -n "$lib" ] && printf '%s' "${lib##*.so.}"
}

# Removes a half-made root, never following a mount left inside it.
remove_tree() {
    local m
    if [ -e "$1" ]; then
        findmnt -rn -o TARGET | grep -F "$1/" | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
        rm -rf --one-file-system "$1"
    fi
}

# Makes (once, under a lock; logs beside it) the cached root of SUITE with
# debootstrap and DKCLOUD_ROOT_PACKAGES; reinstalls the packages when the list
# changed. Returns 77 where the machine cannot (not root, no debootstrap, no
# mirror), 1 on failure. The lock stays held on fd 8 (close it when done).
#   prepare_root SUITE
prepare_root() {
    local suite="$1" root wanted mirror="${DKCLOUD_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
    case " ${DKCLOUD_QT6_SUITES[*]} " in
        *" $suite "*) ;;
        *) echo "FAIL: no Qt 6 host root for suite '$suite' (known: ${DKCLOUD_QT6_SUITES[*]})"; return 2 ;;
    esac
    root="$(debian_root "$suite")"
    wanted="$(printf '%s\n' "${DKCLOUD_ROOT_PACKAGES[@]}")"
    [ "$(id -u)" -eq 0 ] || { echo "SKIP: creating a Debian $suite root with debootstrap needs root"; return 77; }
    mkdir -p "$(dirname "$root")"
    exec 8>"$root.lock"
    flock 8
    if [ -f "$root/.dkcloud-ready" ] && [ "$(cat "$root/.dkcloud-ready")" = "$wanted" ]; then
        echo "cached $suite root: $root"
        return 0
    fi
    local t0=$SECONDS script=""
    if [ ! -f "$root/.dkcloud-ready" ]; then
        if ! command -v debootstrap >/dev/null; then
            echo "installing debootstrap on the host"
            apt-get install -y --no-install-recommends debootstrap >/dev/null 2>&1 \
                || { echo "SKIP: debootstrap is missing and apt-get install debootstrap failed"; return 77; }
        fi
        if ! curl -sfI --max-time 20 "$mirror/dists/$suite/Release" >/dev/null 2>&1 \
            && ! wget -q --spider --timeout=20 "$mirror/dists/$suite/Release" 2>/dev/null; then
            echo "SKIP: cannot reach the Debian mirror $mirror (no network): cannot create the $suite root"
            return 77
        fi
        # Debian 12's debootstrap has no script for suites newer than trixie:
        # they are made like sid.
        [ -e "/usr/share/debootstrap/scripts/$suite" ] || script=/usr/share/debootstrap/scripts/sid
        remove_tree "$root.tmp"
        echo "debootstrap --variant=minbase $suite $root.tmp $mirror $script"
        if ! debootstrap --variant=minbase "$suite" "$root.tmp" "$mirror" $script >"$root.debootstrap.log" 2>&1; then
            tail -20 "$root.debootstrap.log"
            remove_tree "$root.tmp"
            echo "FAIL: debootstrap failed (log above)"
            return 1
        fi
        printf '#!/bin/sh\nexit 101\n' >"$root.tmp/usr/sbin/policy-rc.d"
        chmod 755 "$root.tmp/usr/sbin/policy-rc.d"
        # testing's Release file carries a Valid-Until date a few days ahead;
        # a mirror snapshot older than that is refused by apt otherwise.
        echo 'Acquire::Check-Valid-Until "false";' >"$root.tmp/etc/apt/apt.conf.d/99dkcloud-no-valid-until"
        remove_tree "$root"
        mv "$root.tmp" "$root"
        echo "debootstrap done in $((SECONDS - t0)) s"
    fi
    local t1=$SECONDS
    echo "apt-get install ${DKCLOUD_ROOT_PACKAGES[*]} (in the $suite root)"
    BINDS=()
    if ! in_root "$root" sh -c "apt-get update -q && apt-get install -y -q --no-install-recommends ${DKCLOUD_ROOT_PACKAGES[*]} && apt-get clean && localedef -i en_US -f UTF-8 en_US.UTF-8" \
        >"$root.apt.log" 2>&1; then
        tail -30 "$root.apt.log"
        echo "FAIL: apt-get install in the $suite root failed (log above)"
        return 1
    fi
    echo "packages installed in $((SECONDS - t1)) s"
    printf '%s\n' "$wanted" >"$root/.dkcloud-ready"
}

# Runs a command in the root with /proc, /dev and /sys mounted, in a private
# mount namespace. Extra bind mounts: BINDS=(host_path[:ro] ...) at the same path.
in_root() {
    local script='
        set -e
        r="$1"; shift
        mount -t proc proc "$r/proc"
        mount --rbind /dev "$r/dev"
        mount --rbind /sys "$r/sys"
        mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"
        mkdir -p "$r/tmp/.X11-unix"
        mount --bind /tmp/.X11-unix "$r/tmp/.X11-unix"
        while [ "$1" != "--" ]; do
            spec="$1"; shift
            path="${spec%:ro}"
            mkdir -p "$r$path"
            mount --bind "$path" "$r$path"
            [ "$spec" = "$path" ] || mount -o remount,bind,ro "$r$path"
        done
        shift
        exec chroot "$r" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive TERM=dumb "$@"'
    mkdir -p /tmp/.X11-unix && chmod 1777 /tmp/.X11-unix
    # Parents before children, so that nested bind mounts stack correctly.
    local sorted=()
    if [ "${#BINDS[@]}" -gt 0 ]; then
        mapfile -t sorted < <(printf '%s\n' "${BINDS[@]}" | awk '{ print length($0) "\t" $0 }' | sort -n | cut -f2-)
    fi
    unshare --mount --propagation private bash -c "$script" in_root "$1" "${sorted[@]}" -- "${@:2}"
}

# The Qt 6 build folder inside the root for one host build (named by its cxx
# header folder, so that two host builds never share one), kept between runs.
qt6_build_dir() { printf '/var/tmp/dkcloud-qt6-build-%s' "$(printf '%s' "$1" | md5sum | cut -c1-12)"; }

# In a root: configures the Qt 6 / digiKam 8.6 or 9.1 build of SOURCE in BUILD
# with the host's Rust library, cxx headers and emulator; cmake's output in LOG.
#   qt6_configure SOURCE BUILD FFI_LIBRARY FFI_INCLUDE_DIR EMULATOR LOG
qt6_configure() {
    cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Debug -DDKCLOUD_QT_MAJOR=6 \
        -DDKCLOUD_PREBUILT_FFI_LIBRARY="$3" -DDKCLOUD_PREBUILT_FFI_INCLUDE_DIR="$4" \
        -DDKCLOUD_PREBUILT_EMULATOR="$5" >"$6" 2>&1
}
