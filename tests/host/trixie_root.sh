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
