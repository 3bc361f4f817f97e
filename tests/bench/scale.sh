#!/usr/bin/env bash
# Scale benchmark: one job of N small files (default 100,000, in 100 folders)
# uploaded to the emulator's OneDrive. The job is killed (SIGKILL) part way,
# then run again: it must resume where it stopped (finished files are not sent
# again) and end with every file stored exactly once. Reports wall time and
# peak RSS of both runs (memory must stay flat: it must not grow with N).
#
# Usage: tests/bench/scale.sh [N] [KILL_AFTER_SECONDS]
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."
N=${1:-100000}
KILL_AFTER=${2:-20}
for tool in time curl; do command -v "$tool" >/dev/null || [ -x "/usr/bin/$tool" ] || { apt-get update -qq && apt-get install -y -qq "$tool"; }; done
build_release_tools
target=${CARGO_TARGET_DIR:-target}/release
work=$(mktemp -d /tmp/dkcloud-scale.XXXXXX)
trap 'kill $emu_pid 2>/dev/null || true; rm -rf "$work"' EXIT

echo "Creating $N files ..." >&2
python3 - "$work/library" "$N" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = f"{root}/folder {i % 100:02d}"
    if i < 100:
        os.makedirs(d)
    with open(f"{d}/photo_{i:06d}.jpg", "wb") as f:
        f.write(i.to_bytes(8, "little") * 8)
PY

emulator_start "$work" "$target/dkcloud-emulator" --data "$work/emu" || exit 1
emu_pid=$EMULATOR_PID base=$EMULATOR_URL
printf '#!/bin/sh\nexec curl -s -L -o /dev/null "$1"\n' >"$work/browser.sh"; chmod +x "$work/browser.sh"
export DKCLOUD_EMULATOR=$base DKCLOUD_CONFIG_DIR=$work/config DKCLOUD_TOKEN_STORE=file XDG_STATE_HOME=$work/state BROWSER=$work/browser.sh
"$target/dkcloud" login onedrive >/dev/null

upload() { /usr/bin/time -f "%e %M" -o "$work/time" "$target/dkcloud" upload --no-progress --jobs 8 "$work/library" onedrive:/Scale >"$work/out" 2>"$work/log"; }
set +e
timeout -s KILL "$KILL_AFTER" /usr/bin/time -f "%e %M" -o "$work/time" "$target/dkcloud" upload --no-progress --jobs 8 "$work/library" onedrive:/Scale >"$work/out1" 2>"$work/log1"
set -e
stored_at_kill=$(find "$work/emu/onedrive/Scale" -type f | wc -l)
read -r t2 m2 < <(upload; cat "$work/time")
stored=$(find "$work/emu/onedrive/Scale" -type f | wc -l)
already=$(grep -o '[0-9]* already uploaded' "$work/out" | cut -d' ' -f1)
uploaded=$(grep -o 'Done: [0-9]* uploaded' "$work/out" | grep -o '[0-9]*')
printf '\n| files | killed after | stored at kill | resumed run: skipped as done | resumed run: uploaded | stored in the end | resumed run wall | resumed run peak RSS |\n'
printf '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n'
printf '| %s | %s s | %s | %s | %s | %s | %s s | %.0f MiB |\n' "$N" "$KILL_AFTER" "$stored_at_kill" "${already:-0}" "${uploaded:-0}" "$stored" "$t2" "$(echo "$m2/1024" | bc -l)"
[ "$stored" -eq "$N" ] || { echo "FAILED: $stored of $N files stored" >&2; exit 1; }
