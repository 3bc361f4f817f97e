#!/usr/bin/env bash
# Photo preparation benchmark: dkcloud's preparer against vipsthumbnail and ImageMagick,
# side by side in one run, on test photos made here. Prints a Markdown table on stdout.
#
#   tests/bench/prepare.sh [RUNS]        (RUNS per measurement, median reported; default 5)
#
# A second table times photos stored turned (EXIF orientation 6 and 8, the portrait
# cases; the same pixels, only the tag differs) against vipsthumbnail, which turns
# them too, and against the decode floor: libjpeg-turbo's djpeg decoding the photo
# at 1/2 scale and nothing else, what any resize to 2048 px must at least do.
#
# Environment: BENCH_DIR (work folder, default /tmp/dkcloud-bench-prepare; the photos
# are kept there between runs), BATCH (photos in the batch, default 50).
set -euo pipefail

RUNS=${1:-5}
BATCH=${BATCH:-50}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${BENCH_DIR:-/tmp/dkcloud-bench-prepare}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BENCH=$TARGET_DIR/release/examples/bench
SIZE=2048
QUALITY=85

log() { echo "$*" >&2; }
# shellcheck source=tests/bench/lib.sh
. "$ROOT/tests/bench/lib.sh"

install_missing() {
    local need=()
    command -v vipsthumbnail >/dev/null || need+=(libvips-tools)
    convert -version 2>/dev/null | grep -q ImageMagick || need+=(imagemagick)
    [ -x /usr/bin/time ] || need+=(time)
    command -v cmake >/dev/null || need+=(cmake)
    command -v nasm >/dev/null || need+=(nasm)
    command -v djpeg >/dev/null || need+=(libjpeg-turbo-progs)
    command -v exiftool >/dev/null || need+=(libimage-exiftool-perl)
    if [ ${#need[@]} -gt 0 ]; then
        log "installing ${need[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >&2
        apt-get install -y -qq "${need[@]}" >&2
    fi
}

make_photos() {
    mkdir -p "$WORK/batch"
    make_test_photo "$WORK/photo.jpg"
    # The batch: distinct files with the same content (preparing them costs the same).
    for i in $(seq -w 1 "$BATCH"); do
        [ -s "$WORK/batch/photo$i.jpg" ] || cp "$WORK/photo.jpg" "$WORK/batch/photo$i.jpg"
    done
    for o in 6 8; do
        [ -s "$WORK/turned$o.jpg" ] && continue
        exiftool -q -n -Orientation="$o" -o "$WORK/turned$o.jpg" "$WORK/photo.jpg"
    done
}

build_ours() {
    log "building the bench binary (release)"
    (cd "$ROOT" && cargo build --release --quiet -p dkcloud-prepare --example bench >&2)
}

# measure NAME...: one untimed warm-up round (page cache, binaries, libraries), then RUNS
# rounds; each round runs every named command (the array CMD_NAME) once, in turn, so
# load from elsewhere falls on all of them alike. Records the median
# wall seconds (nanosecond clock) and peak RSS KiB of each, and the size of its output
# file (OUTFILE_NAME, when set) after its last run.
declare -A WALL RSS OUT
measure() {
    local -A walls=() rsss=()
    local i name
    for ((i = -1; i < RUNS; i++)); do
        for name in "$@"; do
            local -n cmd="CMD_$name" outfile="OUTFILE_$name"
            rm -rf "$WORK/out" && mkdir -p "$WORK/out"
            local start end
            start=$(date +%s%N)
            /usr/bin/time -v -o "$WORK/time.txt" "${cmd[@]}" >/dev/null 2>"$WORK/stderr.txt" || {
                log "$name failed:"; cat "$WORK/stderr.txt" >&2; exit 1; }
            end=$(date +%s%N)
            if ((i < 0)); then unset -n cmd outfile; continue; fi
            walls[$name]+="$(awk -v ns=$((end - start)) 'BEGIN {printf "%.3f", ns / 1e9}') "
            rsss[$name]+="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt") "
            [ -z "${outfile:-}" ] || OUT[$name]=$(stat -c %s "$outfile")
            unset -n cmd outfile
        done
    done
    for name in "$@"; do
        WALL[$name]=$(printf '%s\n' ${walls[$name]} | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
        RSS[$name]=$(printf '%s\n' ${rsss[$name]} | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
        log "$name: ${WALL[$name]} s, ${RSS[$name]} KiB (median of $RUNS; runs: ${walls[$name]})"
    done
}

output_size() { stat -c %s "$1"; }

install_missing
make_photos
build_ours
cd "$WORK"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
CMD_vips_single=(vipsthumbnail photo.jpg -s "$SIZE" -o "$WORK/out/%s.jpg[Q=$QUALITY]")
CMD_magick_single=(convert photo.jpg -resize "${SIZE}x${SIZE}" -quality "$QUALITY" out/photo.jpg)
CMD_ours_single=("$BENCH" --resize "$SIZE" --quality "$QUALITY" --out out photo.jpg)
OUTFILE_vips_single=out/photo.jpg
OUTFILE_magick_single=out/photo.jpg
OUTFILE_ours_single=out/photo.jpg
measure vips_single magick_single ours_single
identify -format '%wx%h' out/photo.jpg > "$WORK/dims.txt" 2>/dev/null || true

CMD_vips_batch=(vipsthumbnail batch/*.jpg -s "$SIZE" -o "$WORK/out/%s.jpg[Q=$QUALITY]")
CMD_ours_batch=("$BENCH" --resize "$SIZE" --quality "$QUALITY" --workers 2 --out out batch/*.jpg)
measure vips_batch ours_batch

# Turned photos, with the decode floor in the same rounds.
CMD_floor=(djpeg -scale 1/2 -outfile /dev/null photo.jpg)
measure_turned=()
for o in 6 8; do
    eval "CMD_vips_turned$o=(vipsthumbnail turned$o.jpg -s $SIZE -o '$WORK/out/%s.jpg[Q=$QUALITY]')"
    eval "CMD_ours_turned$o=(\"\$BENCH\" --resize $SIZE --quality $QUALITY --out out turned$o.jpg)"
    measure_turned+=("vips_turned$o" "ours_turned$o")
done
CMD_ours_upright=("${CMD_ours_single[@]}")
CMD_vips_upright=("${CMD_vips_single[@]}")
measure floor ours_upright vips_upright "${measure_turned[@]}"
turned_dims=$(identify -format '%wx%h' out/turned8.jpg 2>/dev/null || true)
# shellcheck disable=SC2016 # dpkg-query's own ${Version}
djpeg_version=$(dpkg-query -W -f '${Version}' libjpeg-turbo-progs 2>/dev/null || echo '?')

mib() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
kb() { awk -v b="$1" 'BEGIN {printf "%.0f", b / 1000}'; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.2f", n / s}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
verdict() { awk -v a="$1" -v op="$2" -v b="$3" 'BEGIN {ok = (op == "<=") ? (a <= b) : (a >= b); print ok ? "holds" : "misses"}'; }

photo_mb=$(awk -v b="$(output_size photo.jpg)" 'BEGIN {printf "%.1f", b / 1e6}')
single_rate=$(rate 1 "${WALL[ours_single]}")
batch_rate=$(rate "$BATCH" "${WALL[ours_batch]}")
vips_batch_rate=$(rate "$BATCH" "${WALL[vips_batch]}")

cat <<TABLE
Photo preparation, $(date -u +%Y-%m-%d), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)).
Input: 6000x4000 JPEG, quality 92, ${photo_mb} MB; output: longest side $SIZE px ($(cat "$WORK/dims.txt")), quality $QUALITY.
Medians of $RUNS alternating rounds after a warm-up round (each round runs every tool once, in turn); wall time from a nanosecond clock around \`/usr/bin/time -v\`, which gives peak RSS; process start included. Load average before/after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg).

| Tool | one photo: wall | one photo: peak RSS | output size | $BATCH photos: wall | $BATCH photos: throughput |
| --- | ---: | ---: | ---: | ---: | ---: |
| vipsthumbnail $(vips --version | cut -d- -f2) | ${WALL[vips_single]} s | $(mib "${RSS[vips_single]}") MiB | $(kb "${OUT[vips_single]}") kB | ${WALL[vips_batch]} s | $vips_batch_rate photos/s |
| ImageMagick \`convert\` $(convert -version | head -1 | awk '{print $3}') | ${WALL[magick_single]} s | $(mib "${RSS[magick_single]}") MiB | $(kb "${OUT[magick_single]}") kB | not run | |
| dkcloud prepare (bench) | ${WALL[ours_single]} s | $(mib "${RSS[ours_single]}") MiB | $(kb "${OUT[ours_single]}") kB | ${WALL[ours_batch]} s (2 workers) | $batch_rate photos/s |

| Target | Measured | |
| --- | --- | --- |
| wall time at most 0.5x vipsthumbnail's | $(ratio "${WALL[ours_single]}" "${WALL[vips_single]}")x | $(verdict "$(ratio "${WALL[ours_single]}" "${WALL[vips_single]}")" "<=" 0.5) |
| peak memory no higher than vipsthumbnail's | $(mib "${RSS[ours_single]}") MiB vs $(mib "${RSS[vips_single]}") MiB | $(verdict "${RSS[ours_single]}" "<=" "${RSS[vips_single]}") |
| output no larger than vipsthumbnail's at quality $QUALITY | $(kb "${OUT[ours_single]}") kB vs $(kb "${OUT[vips_single]}") kB | $(verdict "${OUT[ours_single]}" "<=" "${OUT[vips_single]}") |
| batch throughput at least 1.8x one photo's | $(ratio "$batch_rate" "$single_rate")x ($batch_rate vs $single_rate photos/s) | $(verdict "$(ratio "$batch_rate" "$single_rate")" ">=" 1.8) |

Turned photos: the same photo with EXIF orientation 6 and 8 (output $turned_dims, upright); the decode floor is \`djpeg -scale 1/2\` of libjpeg-turbo $djpeg_version, timed in the same alternating rounds (medians of $RUNS).

| Photo | dkcloud | vipsthumbnail | decode floor | dkcloud / vips (target <= 0.5) | dkcloud / floor (target <= 1.15) |
| --- | ---: | ---: | ---: | ---: | ---: |
| upright (1) | ${WALL[ours_upright]} s | ${WALL[vips_upright]} s | ${WALL[floor]} s | $(ratio "${WALL[ours_upright]}" "${WALL[vips_upright]}")x | $(ratio "${WALL[ours_upright]}" "${WALL[floor]}")x |
| orientation 6 | ${WALL[ours_turned6]} s | ${WALL[vips_turned6]} s | ${WALL[floor]} s | $(ratio "${WALL[ours_turned6]}" "${WALL[vips_turned6]}")x | $(ratio "${WALL[ours_turned6]}" "${WALL[floor]}")x |
| orientation 8 | ${WALL[ours_turned8]} s | ${WALL[vips_turned8]} s | ${WALL[floor]} s | $(ratio "${WALL[ours_turned8]}" "${WALL[vips_turned8]}")x | $(ratio "${WALL[ours_turned8]}" "${WALL[floor]}")x |
TABLE
