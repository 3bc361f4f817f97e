#!/usr/bin/env bash
# Official SDKs as test peers: runs every tests/sdk/*.py and, when node and npm
# are there, every tests/sdk/*.js (names starting with "_" are helpers and are
# skipped) against one dkcloud-emulator over TLS.
#
# Usage: tests/sdk/run.sh EMULATOR_BINARY
#
# - A venv with the exact pins of tests/sdk/requirements.txt is kept under
#   ${DKCLOUD_SDK_VENV:-/var/cache/dkcloud/sdk-venv}; only what is missing or at
#   another version is installed.
# - A self-signed certificate for 127.0.0.1 is made with openssl; the emulator
#   serves it on 127.0.0.1:0 (a free port).
# - Each script gets BASE_URL (https://127.0.0.1:PORT) and CA_PATH as its two
#   arguments, the venv's bin/ first on PATH, and DKCLOUD_EMULATOR_STATIC_TOKEN
#   (a bearer token valid for both services, for scripts that need no login).
#   Scripts print "ok NAME" / "FAIL NAME: why" lines and exit non-zero on failure.
# - The JavaScript SDKs (pins in tests/sdk/package.json) are installed with npm
#   into ${DKCLOUD_SDK_NODE:-/var/cache/dkcloud/sdk-node} and run with the
#   machine's node, NODE_EXTRA_CA_CERTS=CA_PATH; without node or npm they are
#   skipped (said so in the output), the Python ones still run.
# - OneDrive upload URLs are on another host than Graph's, as the service issues
#   them: the emulator, reached as 127.0.0.1, issues them on localhost by default.
#
# Prints the scripts' ok/FAIL lines and a final "N passed, M failed" line; exits
# non-zero on any failure, 77 when python3, venv or pip (or openssl) cannot be had.
set -u

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/lib/emulator.sh
. "$here/../lib/emulator.sh"
emulator=${1:-}
if [ -z "$emulator" ] || [ ! -x "$emulator" ]; then
    echo "usage: $0 EMULATOR_BINARY (an executable dkcloud-emulator)" >&2
    exit 2
fi
venv=${DKCLOUD_SDK_VENV:-/var/cache/dkcloud/sdk-venv}
requirements="$here/requirements.txt"

skip() {
    echo "skipped: $*"
    exit 77
}

command -v python3 >/dev/null 2>&1 || skip "python3 is not installed"
command -v openssl >/dev/null 2>&1 || skip "openssl is not installed (needed for the test certificate)"

# --- the venv (created once, under a lock so parallel runs do not race) ---
mkdir -p "$(dirname "$venv")" || skip "cannot create $(dirname "$venv")"
exec 9>"$venv.lock" || skip "cannot lock $venv.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
fi
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    rm -rf "$venv"
    python3 -m venv "$venv" >/dev/null 2>&1 || skip "python3 cannot create a venv (python3-venv missing?)"
    "$venv/bin/python" -m pip --version >/dev/null 2>&1 || skip "the venv has no pip"
fi
# The pins that are not installed at exactly their version.
mapfile -t missing < <("$venv/bin/python" - "$requirements" <<'EOF'
import sys
from importlib import metadata

for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    name, _, version = line.partition("==")
    try:
        have = metadata.version(name.strip())
    except metadata.PackageNotFoundError:
        have = None
    if have != version.strip():
        print(line)
EOF
)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "# installing into $venv: ${missing[*]}"
    "$venv/bin/python" -m pip install --disable-pip-version-check --quiet "${missing[@]}" ||
        skip "pip could not install ${missing[*]}"
fi
exec 9>&-

# --- certificate and emulator ---
work=$(mktemp -d "${TMPDIR:-/tmp}/dkcloud-sdk.XXXXXX")
emulator_pid=
cleanup() {
    if [ -n "$emulator_pid" ]; then
        kill "$emulator_pid" 2>/dev/null
        wait "$emulator_pid" 2>/dev/null
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cert="$work/cert.pem"
key="$work/key.pem"
if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=127.0.0.1" \
    -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,digitalSignature,keyCertSign" \
    -addext "extendedKeyUsage=serverAuth" \
    -keyout "$key" -out "$cert" >"$work/openssl.log" 2>&1; then
    cat "$work/openssl.log" >&2
    echo "FAIL setup: openssl could not make the test certificate"
    echo "0 passed, 1 failed"
    exit 1
fi

static_token="sdk-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
emulator_start "$work" "$emulator" --listen 127.0.0.1:0 --tls-cert "$cert" --tls-key "$key" --data "$work/data" \
    --static-token "$static_token"
emulator_pid=$EMULATOR_PID
base=$EMULATOR_URL
if [ -z "$base" ]; then
    echo "FAIL setup: the emulator did not start over TLS; its output:"
    sed 's/^/  /' "$work/emulator.out" "$work/emulator.err"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "# emulator at $base"

# --- the scripts ---
passed=0
failed=0
found=0
# The JavaScript SDKs, installed once at the pins of package.json.
node_dir=${DKCLOUD_SDK_NODE:-/var/cache/dkcloud/sdk-node}
node_ready=
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    if mkdir -p "$node_dir" && { cmp -s "$here/package.json" "$node_dir/package.json" && [ -d "$node_dir/node_modules" ] ||
        { cp "$here/package.json" "$node_dir/package.json" &&
            npm install --prefix "$node_dir" --no-audit --no-fund --silent >"$work/npm.log" 2>&1; }; }; then
        node_ready=1
    else
        echo "# skipped the JavaScript SDKs: npm could not install them:"
        tail -n 5 "$work/npm.log" 2>/dev/null | sed 's/^/#   /'
    fi
else
    echo "# skipped the JavaScript SDKs: node or npm is not installed"
fi

for script in "$here"/*.py "$here"/*.js; do
    [ -e "$script" ] || continue
    name=$(basename "$script")
    case "$name" in _*) continue ;; esac
    case "$name" in *.js) [ -n "$node_ready" ] || continue ;; esac
    found=$((found + 1))
    echo "# $name"
    out="$work/$name.out"
    case "$name" in
        *.js)
            env NODE_PATH="$node_dir/node_modules" NODE_EXTRA_CA_CERTS="$cert" DKCLOUD_EMULATOR_STATIC_TOKEN="$static_token" \
                timeout 900 node "$script" "$base" "$cert" >"$out" 2>"$work/$name.err"
            ;;
        *)
            # REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE would override the CA that SDKs
            # built on requests are given (a session's `verify` loses to them).
            env -u REQUESTS_CA_BUNDLE -u CURL_CA_BUNDLE PATH="$venv/bin:$PATH" DKCLOUD_EMULATOR_STATIC_TOKEN="$static_token" \
                timeout 900 "$venv/bin/python" "$script" "$base" "$cert" >"$out" 2>"$work/$name.err"
            ;;
    esac
    status=$?
    cat "$out"
    ok=$(grep -c '^ok ' "$out")
    bad=$(grep -c '^FAIL ' "$out")
    passed=$((passed + ok))
    failed=$((failed + bad))
    if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then
        echo "FAIL $name: exited with status $status without a FAIL line"
        failed=$((failed + 1))
    fi
    if [ "$status" -ne 0 ] && [ -s "$work/$name.err" ]; then
        echo "# $name stderr (last lines):"
        tail -n 20 "$work/$name.err" | sed 's/^/#   /'
    fi
    if ! kill -0 "$emulator_pid" 2>/dev/null; then
        echo "FAIL emulator: it exited during $name; its stderr:"
        sed 's/^/  /' "$work/emulator.err"
        failed=$((failed + 1))
        break
    fi
done
if [ "$found" -eq 0 ]; then
    echo "FAIL setup: no test scripts in $here"
    failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
