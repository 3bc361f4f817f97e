# What the in-host tests share (sourced by showfoto_7_9.sh and digikam_host.sh):
# a work folder cleaned up on exit, the ok/FAIL tally, a clean user, the
# plugin folder for DK_PLUGIN_PATH, the emulator, and an X server with a
# window manager (key presses reach Qt windows only with one).

# host_work PREFIX: a temp work folder; processes added to `pids` end with it.
host_work() {
    work="$(mktemp -d "/tmp/$1.XXXXXX")"
    pids=()
    trap host_cleanup EXIT
}

host_cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    sleep 0.5
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null; done
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
}

passed=0
failed=0
check() { # check NAME COMMAND...
    local name="$1"; shift
    if "$@"; then echo "ok   $name"; passed=$((passed + 1)); else echo "FAIL $name"; failed=$((failed + 1)); fi
}

# A clean user: own config, data, cache, state (upload journals) and runtime
# folders under $work.
clean_user() {
    export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_CACHE_HOME="$work/cache" XDG_STATE_HOME="$work/state" XDG_RUNTIME_DIR="$work/runtime"
    mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR"
    chmod 700 "$XDG_RUNTIME_DIR"
}

# copy_host_plugins DK_PLUGINS KIND...: copies of digiKam's plugin kinds named
# into $work/plugins, leaving out any dkcloud plugin installed among them (by a
# package or scripts/quickstart): the build under test is the only dkcloud
# plugin digiKam finds, and no copy can land on the link to it.
copy_host_plugins() {
    local dk_plugins="$1" kind
    shift
    for kind in "$@"; do
        mkdir -p "$work/plugins/$kind"
        [ -d "$dk_plugins/$kind" ] || continue
        find "$dk_plugins/$kind" -mindepth 1 -maxdepth 1 ! -name '*_DkCloud_Plugin.so' -exec cp -r -t "$work/plugins/$kind/" {} +
    done
}

# plugin_path PLUGIN DK_PLUGINS KIND...: DK_PLUGIN_PATH with our plugin beside
# copies of digiKam's plugin kinds named (7.9 reads it as one folder; leave
# out `generic` to keep the built-in exporters and their shortcuts away).
plugin_path() {
    local plugin="$1" dk_plugins="$2"
    shift 2
    copy_host_plugins "$dk_plugins" "$@"
    mkdir -p "$work/plugins/generic"
    ln -s "$plugin" "$work/plugins/generic/Generic_DkCloud_Plugin.so"
    export DK_PLUGIN_PATH="$work/plugins"
}

# shellcheck source=tests/lib/emulator.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/emulator.sh"

# start_emulator EMULATOR ARGS...: sets `base` to its address.
start_emulator() {
    local emulator="$1"
    shift
    emulator_start "$work" "$emulator" "$@" --data "$work/emulator" || { echo "FAIL: emulator did not start"; exit 1; }
    pids+=("$EMULATOR_PID")
    base="$EMULATOR_URL"
}

# start_x: Xvfb on a free display and openbox; exports DISPLAY.
start_x() {
    local n display=""
    for n in $(seq 90 130); do
        if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then display=":$n"; break; fi
    done
    [ -n "$display" ] || { echo "FAIL: no free X display"; exit 1; }
    Xvfb "$display" -screen 0 1280x900x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
    pids+=($!)
    export DISPLAY="$display"
    for _ in $(seq 100); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
    openbox >"$work/openbox.log" 2>&1 &
    pids+=($!)
    sleep 1
}
