#!/usr/bin/env bash
# The installed Qt 6 package in digiKam 8.6 (SUITE trixie) or 9.1 (SUITE
# forky): tests/host/installed_package.sh run inside the cached Debian root of
# SUITE (showfoto_qt6.sh makes it), on a throw-away overlay of it: `dpkg -i`
# of dist/'s SUITE plugin package (and of
# dkcloud and dkcloud-emulator, built on Debian 12) lands in the overlay's
# upper layer, so the shared root never holds the installed plugin (other
# tests put the root's plugin folders on DK_PLUGIN_PATH) and nothing needs
# purging from it.
#
#   installed_package_qt6.sh SUITE SOURCE_DIR ARTIFACTS_DIR
#
# Exit 77 (skipped) when not root, without the root, or without the SUITE
# package in dist/ (scripts/package makes it when the root exists).
set -uo pipefail
[ "$#" -eq 3 ] || { echo "usage: $0 SUITE SOURCE_DIR ARTIFACTS_DIR"; exit 2; }
suite="$1"
src="$(cd "$2" && pwd)"
artifacts="$3"
mkdir -p "$artifacts"
artifacts="$(readlink -f "$artifacts")"
# shellcheck source=tests/host/debian_root.sh
source "$src/tests/host/debian_root.sh"
root="$(debian_root "$suite")"
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "dpkg -i in the Debian $suite root needs root"
[ -f "$root/.dkcloud-ready" ] || skip "no Debian $suite root at $root (tests/host/showfoto_qt6.sh --prepare-root $suite)"
ls "$src"/dist/digikam-plugin-dkcloud_*~"${suite}"_*.deb >/dev/null 2>&1 || skip "no $suite package in $src/dist (scripts/package)"

layer="$(mktemp -d "/var/tmp/dkcloud-$suite-overlay.XXXXXX")"
trap 'rm -rf --one-file-system "$layer"' EXIT
mkdir -p "$layer/upper" "$layer/work" "$layer/merged"
# The overlay, then the root's usual mounts (debian_root.sh) on top of it, all
# in one private mount namespace that ends with the test.
unshare --mount --propagation private bash -c '
    set -e
    root="$1" layer="$2" src="$3" artifacts="$4"
    mount -t overlay overlay -o "lowerdir=$root,upperdir=$layer/upper,workdir=$layer/work" "$layer/merged"
    source "$src/tests/host/debian_root.sh"
    BINDS=("$src:ro" "$artifacts")
    in_root "$layer/merged" /bin/bash "$src/tests/host/installed_package.sh" "$src" /usr/bin/dkcloud-emulator "$artifacts"
' installed_qt6 "$root" "$layer" "$src" "$artifacts"
