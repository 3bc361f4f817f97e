#!/usr/bin/env bash
# A resized export of many photos: does preparation overlap with the upload?
#
#   tests/bench/resized.sh [RUNS] [PHOTOS]      (default 3 runs, 200 photos)
#
# PHOTOS copies of a 6000x4000 JPEG (8.8 MB) go to the emulator's OneDrive at
# 2048 px, quality 85, through an emulator with 40 ms latency, at two uplinks:
# 2 MiB/s (a home connection: the link is the bound) and 50 MiB/s (the
# resizing is the bound). Side by side, alternating within each run:
#   prepare  `dkcloud prepare` alone (the resize rate: nothing is sent);
#   send     `dkcloud upload` of those prepared files (the upload alone);
#   export   `dkcloud upload --resize 2048 --quality 85` of the originals
#            (what the dialog does with "Resize photos before uploading").
# If preparation and upload overlap, export takes about max(prepare, send),
# not their sum; the link limit is the prepared bytes / the uplink. Every
# upload gets a fresh remote folder, journal and prepared-file cache, and the
# stored file count is checked. Medians; a Markdown table on stdout.
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
PHOTOS=${2:-200}
LATENCY=40
[[ "$RUNS$PHOTOS" =~ ^[0-9]+$ ]] && [ "$RUNS" -ge 1 ] && [ "$PHOTOS" -ge 1 ] || { echo "usage: $0 [RUNS] [PHOTOS]" >&2; exit 2; }
for tool in time bc; do command -v "$tool" >/dev/null || [ -x "/usr/bin/$tool" ] || { apt-get update -qq && apt-get install -y -qq "$tool"; }; done
convert -version 2>/dev/null | grep -q ImageMagick || { apt-get update -qq && apt-get install -y -qq imagemagick; }
build_release_tools
target=$(readlink -f "${CARGO_TARGET_DIR:-target}/release")
work=$(mktemp -d /tmp/dkcloud-resized.XXXXXX)
emu_pid=
trap 'kill $emu_pid 2>/dev/null || true; rm -rf "$work"' EXIT

make_test_photo "${BENCH_DIR:-/tmp/dkcloud-bench-prepare}/photo.jpg"
mkdir -p "$work/photos"
for i in $(seq -w 1 "$PHOTOS"); do cp "${BENCH_DIR:-/tmp/dkcloud-bench-prepare}/photo.jpg" "$work/photos/photo$i.jpg"; done
source_mib=$(du -sm "$work/photos" | cut -f1)

cat >"$work/browser.sh" <<'SH'
#!/bin/sh
exec curl -s -L -o /dev/null "$1"
SH
chmod +x "$work/browser.sh"
export DKCLOUD_CONFIG_DIR=$work/config DKCLOUD_TOKEN_STORE=file BROWSER=$work/browser.sh

start_emulator() {
    local bw=$1
    rm -rf "$work/emu"
    emulator_start "$work/emu-run.$bw" "$target/dkcloud-emulator" --data "$work/emu" --latency-ms $LATENCY --bandwidth "$bw" || exit 1
    emu_pid=$EMULATOR_PID
    export DKCLOUD_EMULATOR=$EMULATOR_URL
    rm -rf "$work/config"
    "$target/dkcloud" login onedrive >/dev/null
}
stop_emulator() { kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; emu_pid=; }

# run NAME: one measurement with fresh state; prints seconds.
run() {
    local name=$1 start end folder=$1-$RANDOM$RANDOM
    rm -rf "$work/state" "$work/cache"
    export XDG_STATE_HOME=$work/state XDG_CACHE_HOME=$work/cache
    case $name in
    prepare) rm -rf "$work/prepared"
             cmd=("$target/dkcloud" prepare --resize 2048 --quality 85 --out "$work/prepared" "$work/photos"/*.jpg) ;;
    send)    cmd=("$target/dkcloud" upload --no-progress "$work/prepared" "onedrive:/$folder") ;;
    export)  cmd=("$target/dkcloud" upload --no-progress --resize 2048 --quality 85 "$work/photos" "onedrive:/$folder") ;;
    esac
    start=$(date +%s%N)
    "${cmd[@]}" >"$work/log" 2>&1 || { tail -n 20 "$work/log" >&2; echo "resized.sh: $name failed" >&2; exit 1; }
    end=$(date +%s%N)
    if [ "$name" != prepare ]; then
        local stored
        stored=$(find "$work/emu/onedrive/$folder" -type f | wc -l)
        [ "$stored" -eq "$PHOTOS" ] || { echo "resized.sh: $name: $stored files stored, expected $PHOTOS" >&2; exit 1; }
    fi
    awk -v ns=$((end - start)) 'BEGIN {printf "%.2f\n", ns / 1e9}'
}

printf '| uplink | prepared bytes | link limit | prepare alone | send alone | resized export | max(prepare, send) | export / max | export / link limit |\n'
printf '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
echo "# $(date -u '+%F %H:%M UTC'), $PHOTOS photos ($source_mib MiB), load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for bw in $((2 * 1048576)) $((50 * 1048576)); do
    start_emulator "$bw"
    # The first prepare also makes the files `send` uploads.
    declare -A t=()
    names=(prepare send export)
    run prepare >/dev/null
    prepared_bytes=$(du -sb "$work/prepared" | cut -f1)
    for r in $(seq "$RUNS"); do
        for i in 0 1 2; do
            name=${names[$(((i + r - 1) % 3))]}
            s=$(run "$name")
            echo "# run $r, $((bw / 1048576)) MiB/s: $name $s s (load $(cut -d' ' -f1 /proc/loadavg))" >&2
            t[$name]+="$s "
        done
    done
    stop_emulator
    for name in prepare send export; do t[$name]=$(printf '%s\n' ${t[$name]} | median); done
    limit=$(echo "scale=2; $prepared_bytes/$bw" | bc)
    max=$(echo "if (${t[prepare]} > ${t[send]}) ${t[prepare]} else ${t[send]}" | bc)
    printf '| %s MiB/s | %.1f MB | %.1f s | %.1f s | %.1f s | %.1f s | %.1f s | %.2f | %.2f |\n' "$((bw / 1048576))" \
        "$(echo "$prepared_bytes/1000000" | bc -l)" "$limit" "${t[prepare]}" "${t[send]}" "${t[export]}" "$max" \
        "$(echo "${t[export]}/$max" | bc -l)" "$(echo "${t[export]}/$limit" | bc -l)"
done
printf '\n%s photos of 6000x4000 (%s MiB) to 2048 px, quality 85; latency %s ms; medians of %s alternating run(s); load average at the end: %s.\n' \
    "$PHOTOS" "$source_mib" $LATENCY "$RUNS" "$(cut -d' ' -f1-3 /proc/loadavg)"
