#!/usr/bin/env bash
# Plugin start-up benchmark: what loading our plugin and its setup() add to
# digiKam's start, measured the way digiKam's loader does it
# (QPluginLoader::instance(), the cast, setup() with a main window) by
# plugin_load_bench, each run a fresh process. Runs alternate with digiKam's
# own OneDrive exporter as the baseline, so the machine's load touches both
# alike. Prints medians (and the range) of RUNS runs as a Markdown table.
#
#   tests/bench/plugin_load.sh [RUNS] [BUILD_DIR]     (default 21 runs, build/)
#
# BUILD_DIR is a configured build of this tree (scripts/test makes build/,
# Debug); the plugin and the bench binary are built there first. Target: our
# load + setup under 5 ms; the Rust runtime is created on first use, not here.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-21}
BUILD=${2:-build}
[ -f "$BUILD/CMakeCache.txt" ] || { echo "no configured build in $BUILD (cmake -S . -B $BUILD)" >&2; exit 2; }
cmake --build "$BUILD" -j2 --target Generic_DkCloud_Plugin plugin_load_bench >&2
bench="$BUILD/tests/cpp/plugin_load_bench"
ours="$(readlink -f "$BUILD/Generic_DkCloud_Plugin.so")"
qt_plugins="$(qmake -query QT_INSTALL_PLUGINS 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/qt5/plugins)"
builtin="$qt_plugins/digikam/generic/Generic_OneDrive_Plugin.so"
plugins=(ours)
[ -f "$builtin" ] && plugins+=(builtin)
work=$(mktemp -d /tmp/dkcloud-bench-load.XXXXXX)
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR="$work"

# One run: "load_us setup_us total_us", from "load N us, setup N us, total N us ...".
run() {
    "$bench" "$1" 2>/dev/null | sed -n 's/^load \([0-9]*\) us, setup \([0-9]*\) us, total \([0-9]*\) us.*/\1 \2 \3/p'
}
for i in $(seq "$RUNS"); do
    for p in "${plugins[@]}"; do
        file=$([ "$p" = ours ] && echo "$ours" || echo "$builtin")
        line="$(run "$file")"
        [ -n "$line" ] || { echo "plugin_load_bench failed on $file" >&2; "$bench" "$file" >&2; exit 1; }
        echo "$line" >>"$work/$p"
    done
done

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : int((a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
ms() { awk -v us="$1" 'BEGIN {printf "%.1f", us / 1000}'; }
column() { awk -v c="$2" '{print $c}' "$work/$1"; }

build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD/CMakeCache.txt")"
printf '\nPlugin start-up, %s, %s cores, %s build, %s runs alternating, medians (range of the total).\n\n' \
    "$(date -u +%Y-%m-%d)" "$(nproc)" "${build_type:-default}" "$RUNS"
printf '| plugin | size | load | setup() | load + setup | range |\n| --- | ---: | ---: | ---: | ---: | ---: |\n'
for p in "${plugins[@]}"; do
    file=$([ "$p" = ours ] && echo "$ours" || echo "$builtin")
    name=$([ "$p" = ours ] && echo "dkcloud (Generic_DkCloud_Plugin.so)" || echo "digiKam's OneDrive exporter")
    load=$(column "$p" 1 | median); setup=$(column "$p" 2 | median); total=$(column "$p" 3 | median)
    low=$(column "$p" 3 | sort -n | head -1); high=$(column "$p" 3 | sort -n | tail -1)
    printf '| %s | %s MiB | %s ms | %s ms | %s ms | %s to %s ms |\n' "$name" "$(awk -v b="$(stat -c %s "$file")" 'BEGIN {printf "%.1f", b / 1048576}')" \
        "$(ms "$load")" "$(ms "$setup")" "$(ms "$total")" "$(ms "$low")" "$(ms "$high")"
done
