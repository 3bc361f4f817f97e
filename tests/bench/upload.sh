#!/usr/bin/env bash
# Upload benchmark: 200 files of 1 to 8 MiB, and one 512 MiB file, through an
# emulator with 40 ms latency and a bandwidth cap. Side by side in one run:
# the link limit (bytes / bandwidth), dkcloud (parallel), and a one-file-at-a-time
# baseline (dkcloud --jobs 1: what digiKam's exporters do). Medians of RUNS runs.
# Peak RSS of the 512 MiB upload from /usr/bin/time.
#
# Usage: tests/bench/upload.sh [RUNS] [BANDWIDTH_BYTES_PER_SEC]
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
BW=${2:-$((50 * 1024 * 1024))}
LATENCY=40
for tool in time bc; do command -v "$tool" >/dev/null || [ -x "/usr/bin/$tool" ] || { apt-get update -qq && apt-get install -y -qq "$tool"; }; done
build_release_tools
target=${CARGO_TARGET_DIR:-target}/release
work=$(mktemp -d /tmp/dkcloud-bench.XXXXXX)
trap 'kill $emu_pid 2>/dev/null || true; rm -rf "$work"' EXIT

echo "Generating 200 files of 1-8 MiB and one of 512 MiB in $work ..." >&2
python3 - "$work" <<'PY'
import os, random, sys
root = sys.argv[1]
rnd = random.Random(42)
os.makedirs(f"{root}/batch/photos")
block = os.urandom(1 << 20)
for i in range(200):
    size = rnd.randint(1 << 20, 8 << 20)
    with open(f"{root}/batch/photos/img_{i:03d}.jpg", "wb") as f:
        left = size
        while left:
            n = min(left, len(block))
            f.write(block[:n][::-1] if i % 2 else block[:n])
            left -= n
        f.write(i.to_bytes(4, "little"))
os.makedirs(f"{root}/big")
with open(f"{root}/big/video.mp4", "wb") as f:
    for _ in range(512):
        f.write(os.urandom(1 << 20))
PY
batch_bytes=$(du -sb "$work/batch" | cut -f1)
big_bytes=$(stat -c %s "$work/big/video.mp4")

emulator_start "$work" "$target/dkcloud-emulator" --data "$work/emu" --latency-ms $LATENCY --bandwidth "$BW" || exit 1
emu_pid=$EMULATOR_PID base=$EMULATOR_URL
cat >"$work/browser.sh" <<'SH'
#!/bin/sh
exec curl -s -L -o /dev/null "$1"
SH
chmod +x "$work/browser.sh"
export DKCLOUD_EMULATOR=$base DKCLOUD_CONFIG_DIR=$work/config DKCLOUD_TOKEN_STORE=file XDG_STATE_HOME=$work/state BROWSER=$work/browser.sh
"$target/dkcloud" login onedrive >/dev/null
"$target/dkcloud" login dropbox >/dev/null

# Runs one upload into a fresh remote folder; prints "seconds peak_rss_kib".
run() {
    local remote=$1 src=$2 jobs=$3
    rm -rf "$work/state"
    /usr/bin/time -f "%e %M" -o "$work/time" "$target/dkcloud" upload --no-progress --jobs "$jobs" --on-conflict replace "$src" "$remote" >/dev/null 2>"$work/log" || { cat "$work/log" >&2; exit 1; }
    cat "$work/time"
}

printf '\nBandwidth cap %s MiB/s, latency %s ms, %s run(s), medians.\n\n' "$(echo "scale=1; $BW/1048576" | bc)" $LATENCY "$RUNS"
printf '| service | workload | link limit | dkcloud (defaults: 8 jobs) | share of link | one at a time | dkcloud peak RSS |\n'
printf '| --- | --- | ---: | ---: | ---: | ---: | ---: |\n'
for service in onedrive dropbox; do
    for workload in batch big; do
        src="$work/$workload"; bytes=$([ $workload = batch ] && echo "$batch_bytes" || echo "$big_bytes")
        limit=$(echo "scale=2; $bytes/$BW" | bc)
        par=(); seq_=(); rss=()
        for r in $(seq "$RUNS"); do
            read -r t m < <(run "$service:/bench-$r-par" "$src" 8); par+=("$t"); rss+=("$m")
            read -r t m < <(run "$service:/bench-$r-seq" "$src" 1); seq_+=("$t")
        done
        p=$(printf '%s\n' "${par[@]}" | median); s=$(printf '%s\n' "${seq_[@]}" | median)
        m=$(printf '%s\n' "${rss[@]}" | median)
        label=$([ $workload = batch ] && echo "200 files, $((batch_bytes / 1048576)) MiB" || echo "1 file, 512 MiB")
        printf '| %s | %s | %.1f s | %.1f s | %.0f%% | %.1f s | %.0f MiB |\n' "$service" "$label" "$limit" "$p" \
            "$(echo "100*$limit/$p" | bc -l)" "$s" "$(echo "$m/1024" | bc -l)"
    done
done
