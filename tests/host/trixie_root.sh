# Sourced by the scripts that work in the cached Debian 13 root
# (tests/host/showfoto_8_6.sh makes it; scripts/package builds the Qt 6
# plugin's package in it).

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

# In the root: configures the Qt 6 / digiKam 8.6 build of SOURCE in BUILD
# with the host's Rust library, cxx headers and emulator; cmake's output in LOG.
#   qt6_configure SOURCE BUILD FFI_LIBRARY FFI_INCLUDE_DIR EMULATOR LOG
qt6_configure() {
    cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Debug -DDKCLOUD_QT_MAJOR=6 \
        -DDKCLOUD_PREBUILT_FFI_LIBRARY="$3" -DDKCLOUD_PREBUILT_FFI_INCLUDE_DIR="$4" \
        -DDKCLOUD_PREBUILT_EMULATOR="$5" >"$6" 2>&1
}
