# Starting dkcloud-emulator from a test or benchmark script (source this file).
#
# emulator_start DIR EMULATOR ARGS...
#   Starts EMULATOR ARGS... in the background, its stdout and stderr in
#   DIR/emulator.out and DIR/emulator.err, and waits (up to 20 s) for the
#   address it writes to DIR/address once it accepts connections
#   (--address-file). Sets EMULATOR_PID and EMULATOR_URL (http://127.0.0.1:PORT,
#   https:// with --tls-cert). Returns 1, with the emulator's stderr on
#   stderr, when it stops or does not answer in time.
# emulator_stop
#   Stops it (SIGTERM, then waits for it).

emulator_start() {
    local dir="$1" emulator="$2" i
    shift 2
    mkdir -p "$dir"
    rm -f "$dir/address"
    "$emulator" "$@" --address-file "$dir/address" >"$dir/emulator.out" 2>"$dir/emulator.err" &
    EMULATOR_PID=$!
    EMULATOR_URL=
    for i in $(seq 400); do
        [ -s "$dir/address" ] && break
        kill -0 "$EMULATOR_PID" 2>/dev/null || break
        sleep 0.05
    done
    if [ ! -s "$dir/address" ]; then
        echo "the emulator did not start: $emulator $*" >&2
        sed 's/^/  /' "$dir/emulator.err" >&2
        return 1
    fi
    EMULATOR_URL="$(cat "$dir/address")"
}

emulator_stop() {
    [ -n "${EMULATOR_PID:-}" ] || return 0
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
    EMULATOR_PID=
}
