#!/usr/bin/env bash
# The installed Qt 6 package in digiKam 8.6: tests/host/installed_package.sh
# run inside the cached Debian 13 root (showfoto_8_6.sh makes it), on a
# throw-away overlay of it: `dpkg -i` of dist/'s trixie plugin package (and of
# dkcloud and dkcloud-emulator, built on Debian 12) lands in the overlay's
# upper layer, so the shared root never holds the installed plugin (other
# tests put the root's plugin folders on DK_PLUGIN_PATH) and nothing needs
# purging from it.
#
#   installed_package_8_6.sh SOURCE_DIR ARTIFACTS_DIR
#
# Exit 77 (skipped) when not root, without the Debian 13 root, or without the
# trixie package in dist/ (scripts/package makes it when the root exists).
set -uo pipefail
[ "$#" -eq 2 ] || { echo "usage: $0 SOURCE_DIR ARTIFACTS_DIR"; exit 2; }
src="$(cd "$1" && pwd)"
artifacts="$2"
mkdir -p "$artifacts"
artifacts="$(readlink -f "$artifacts")"
root="${DKCLOUD_TRIXIE_ROOT:-/var/cache/dkcloud/trixie-root}"
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "dpkg -i in the Debian 13 root needs root"
[ -f "$root/.dkcloud-ready" ] || skip "no Debian 13 root at $root (tests/host/showfoto_8_6.sh --prepare-root)"
ls "$src"/dist/digikam-plugin-dkcloud_*~trixie_*.deb >/dev/null 2>&1 || skip "no trixie package in $src/dist (scripts/package)"

layer="$(mktemp -d /var/tmp/dkcloud-trixie-overlay.XXXXXX)"
trap 'rm -rf --one-file-system "$layer"' EXIT
mkdir -p "$layer/upper" "$layer/work" "$layer/merged"
# The overlay, then the root's usual mounts (trixie_root.sh) on top of it, all
# in one private mount namespace that ends with the test.
unshare --mount --propagation private bash -c '
    set -e
    root="$1" layer="$2" src="$3" artifacts="$4"
    mount -t overlay overlay -o "lowerdir=$root,upperdir=$layer/upper,workdir=$layer/work" "$layer/merged"
    source "$src/tests/host/trixie_root.sh"
    BINDS=("$src:ro" "$artifacts")
    in_root "$layer/merged" /bin/bash "$src/tests/host/installed_package.sh" "$src" /usr/bin/dkcloud-emulator "$artifacts"
' installed_8_6 "$root" "$layer" "$src" "$artifacts"
