#!/usr/bin/env bash
# tests/bench/open_dialog.sh in digiKam 8.6 (Qt 6): the same benchmark, run
# inside the cached Debian 13 root (tests/host/showfoto_qt6.sh
# --prepare-root), on the Qt 6 build of this tree that host_showfoto_8_6 makes
# there from the host build's Rust library, cxx headers and emulator (built
# here when missing). The photos' cache is shared with the 7.9 runs;
# screenshots land in BUILD_DIR/artifacts/bench_open_dialog_8_6_*.png.
#
#   tests/bench/open_dialog_8_6.sh [RUNS] [COUNTS] [BUILD_DIR]   (5 runs, "300 1000", build/)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$(cd "$here/../.." && pwd)"
RUNS=${1:-5}
COUNTS=${2:-300 1000}
BUILD="$(readlink -f "${3:-build}")"
root="${DKCLOUD_TRIXIE_ROOT:-/var/cache/dkcloud/trixie-root}"
cache="${DKCLOUD_BENCH_CACHE:-/var/cache/dkcloud/open-dialog}"
[ "$(id -u)" -eq 0 ] || { echo "the Debian 13 root needs root" >&2; exit 77; }
[ -f "$root/.dkcloud-ready" ] || { echo "no Debian 13 root at $root (tests/host/showfoto_qt6.sh --prepare-root trixie)" >&2; exit 77; }
[ -f "$BUILD/CMakeCache.txt" ] || { echo "no configured build in $BUILD (cmake -S . -B $BUILD)" >&2; exit 2; }

# What host_showfoto_8_6 hands to the root: its arguments in the host build's ctest file.
# (script, suite, source, then the three).
read -r ffi_lib ffi_inc emulator < <(sed -n 's/^add_test(host_showfoto_8_6 "bash" "[^"]*" "trixie" "[^"]*" "\([^"]*\)" "\([^"]*\)" "\([^"]*\)".*/\1 \2 \3/p' \
    "$BUILD/tests/cpp/CTestTestfile.cmake")
[ -n "${emulator:-}" ] || { echo "$BUILD registers no host_showfoto_8_6 (a prebuilt-library build?)" >&2; exit 2; }
[ -f "$ffi_lib" ] && [ -x "$emulator" ] || cmake --build "$BUILD" --target dkcloud_ffi_cargo >&2 || exit 1

# shellcheck source=tests/host/debian_root.sh
. "$src/tests/host/debian_root.sh"
build="$(qt6_build_dir "$ffi_inc")"
artifacts="$BUILD/artifacts"
mkdir -p "$cache" "$artifacts"
exec 9>"$root$build.lock"
flock 9
BINDS=("$src:ro" "$(dirname "$ffi_lib"):ro" "$ffi_inc:ro" "$(dirname "$emulator"):ro" "$cache" "$artifacts")
# The photos are made on the host (the root's tools would do as well, slower to find).
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
make_test_photo "$cache/photo.jpg" || exit 1
in_root "$root" /usr/bin/env PATH=/usr/lib/qt6/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    DKCLOUD_BENCH_CACHE="$cache" DKCLOUD_BENCH_ARTIFACTS="$artifacts" /bin/bash -c '
    src="$1" build="$2"
    . "$src/tests/host/debian_root.sh"
    if [ ! -f "$build/CMakeCache.txt" ]; then
        qt6_configure "$src" "$build" "$3" "$4" "$5" /tmp/configure.log || { cat /tmp/configure.log; exit 1; }
    fi
    exec bash "$src/tests/bench/open_dialog.sh" "$6" "$7" "$build"
' open_dialog_8_6 "$src" "$build" "$ffi_lib" "$ffi_inc" "$emulator" "$RUNS" "$COUNTS"
