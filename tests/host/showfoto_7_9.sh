#!/usr/bin/env bash
# The plugin inside the real host: Debian's showfoto 7.9 under Xvfb + openbox.
#
#   showfoto_7_9.sh PLUGIN.so EMULATOR ARTIFACTS_DIR [clash]
#
# With "clash", digiKam's own exporters stay enabled beside ours (the first
# start after installing dkcloud): no "Ambiguous Shortcuts", the take-over
# question instead; Keep Both moves our keys to free ones that work.
#
# PLUGIN.so is the test build of the plugin (build/testing/): its probe writes
# what the plugin and its windows signal to $DKCLOUD_TEST_HOOK. Logins are
# real: `dkcloud login` ($DKCLOUD_CLI, default: beside EMULATOR) signs in to
# both services of the emulator before showfoto starts, curl playing the
# browser; the plugin finds those logins in the same token store.
#
# Proves: digiKam's loader loads the plugin (its own log says so), both
# actions sit in the Export menu with their shortcuts, Ctrl+Alt+Shift+O opens
# our window with the photo showfoto shows, Alt+S (Start Upload) sends it and
# it reaches the emulator byte-identical; the same for Ctrl+Alt+Shift+D and
# Dropbox. Then an upload that outlives its window: the photo changes, Alt+S
# starts it (the emulator's upload rate is capped at 2 MiB/s), Escape asks
# what to do with it, Alt+K keeps it uploading in the background: the export
# window goes, a small progress window shows it, and at the end says what
# happened; the cloud holds the changed photo. Screenshots go to ARTIFACTS_DIR.
# Exit 77 (skipped) when showfoto or the X tools are missing.
set -uo pipefail

plugin="$(readlink -f "$1")"
emulator="$2"
artifacts="$3"
mode="${4:-normal}"
mkdir -p "$artifacts"

need=(showfoto Xvfb openbox xdotool import)
for tool in "${need[@]}"; do
    if ! command -v "$tool" >/dev/null; then
        echo "SKIP: $tool is missing (apt-get install showfoto xvfb xauth openbox xdotool imagemagick)"
        exit 77
    fi
done
[ -x "$emulator" ] || { echo "SKIP: no emulator at $emulator (cargo build -p dkcloud-emulator)"; exit 77; }
cli="${DKCLOUD_CLI:-$(dirname "$emulator")/dkcloud}"
[ -x "$cli" ] || { echo "FAIL: no dkcloud at $cli (cargo build -p dkcloud-cli)"; exit 1; }
convert_bin=/usr/bin/convert
[ -x "$convert_bin" ] || convert_bin=convert

qt_plugins="$(qmake -query QT_INSTALL_PLUGINS 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/qt5/plugins)"
dk_plugins="$qt_plugins/digikam"

# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/lib.sh"
host_work dkcloud-host

# A clean user: own config, data and cache folders; built-ins disabled.
clean_user
[ "$mode" = clash ] || "$(dirname "$0")/../../cpp/tools/disable-builtin-exporters" >/dev/null

# Our plugin beside copies of digiKam's image loaders and editor tools (7.9
# reads DK_PLUGIN_PATH as one folder); digiKam's own generic plugins (and
# their shortcuts) stay out.
kinds=(dimg editor rawimport bqm)
[ "$mode" = clash ] && kinds+=(generic)
plugin_path "$plugin" "$dk_plugins" "${kinds[@]}"

mkdir -p "$work/photos"
photo="$work/photos/dkcloud-test.jpg"
# Big enough (about 6 MB of fine noise) to take seconds at the capped rate.
"$convert_bin" -size 1600x1200 gradient:steelblue-orange -attenuate 2 +noise Gaussian -pointsize 48 -fill white \
    -annotate +40+300 'dkcloud' -quality 97 "$photo"
[ -s "$photo" ] || { echo "FAIL: could not make a test JPEG"; exit 1; }

# The emulator, and a real login to each of its services before the host
# starts: curl plays the browser (the emulator consents at once and redirects
# to dkcloud's loopback listener). Dropbox's loopback port is fixed by
# configuration: one that is free here.
start_emulator "$emulator" --bandwidth $((2 * 1024 * 1024))
export DKCLOUD_EMULATOR="$base" DKCLOUD_CONFIG_DIR="$work/dkcloud" DKCLOUD_TOKEN_STORE=file
export DKCLOUD_TEST_HOOK="$work/hook.log"
: >"$DKCLOUD_TEST_HOOK"
if [ "$mode" != clash ]; then
    mkdir -p "$DKCLOUD_CONFIG_DIR"
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    printf '[dropbox]\nredirect_port = %s\n' "$port" >"$DKCLOUD_CONFIG_DIR/config.toml"
    for service in onedrive dropbox; do
        check "logged in to $service with dkcloud login before showfoto starts" \
            env BROWSER="curl -s -L -o /dev/null" timeout 60 "$cli" login "$service"
    done
fi
# The plugin never needs a browser here.
export BROWSER=true

start_x

export QT_LOGGING_RULES="digikam.general=true;dkcloud.plugin=true"
export QTWEBENGINE_DISABLE_SANDBOX=1
showfoto "$work/photos" >"$work/showfoto.log" 2>&1 &
showfoto_pid=$!
pids+=($showfoto_pid)

if [ "$mode" = clash ]; then
    # The first start beside digiKam's own exporters: no "Ambiguous Shortcuts"
    # (our keys wait for the answer), the take-over question once showfoto's
    # own start-up dialog ("Download required files", modal) is closed.
    # Alt+K (Keep Both): our OneDrive entry moves to the key showfotorc names,
    # which opens our window.
    question=""
    for _ in $(seq 120); do
        download="$(xdotool search --onlyvisible --name '^Download [Rr]equired ([Mm]odel )?[Ff]iles' 2>/dev/null | head -1)"
        if [ -n "$download" ]; then
            xdotool windowactivate --sync "$download" 2>/dev/null
            xdotool key --clearmodifiers Escape
        fi
        question="$(xdotool search --onlyvisible --name "^dkcloud and Showfoto's own exporters" 2>/dev/null | head -1)"
        [ -n "$question" ] && break
        sleep 0.5
    done
    sleep 1
    import -window root "$artifacts/showfoto_7_9_clash.png" 2>/dev/null
    check "the take-over question appears" test -n "$question"
    check "no 'Ambiguous Shortcuts' dialog at start-up" bash -c "! xdotool search --onlyvisible --name '^Ambiguous' >/dev/null 2>&1"
    check "digiKam's loader loaded our plugin" grep -q "Plugin of type Digikam::DPluginGeneric loaded from .*Generic_DkCloud_Plugin.so" "$work/showfoto.log"
    check "our log says why it asks" grep -q "digiKam's own exporters hold dkcloud's keys: asking whether to take them over" "$work/showfoto.log"
    if [ -n "$question" ]; then
        xdotool windowactivate --sync "$question" 2>/dev/null
        sleep 0.5
        xdotool key --clearmodifiers alt+k
        sleep 1.5
    fi
    rc="$XDG_CONFIG_HOME/showfotorc"
    moved="$(awk '/^\[/ { on = ($0 == "[dkcloud]"); next } on' "$rc" 2>/dev/null | sed -n 's/^OneDrive Shortcut=//p')"
    check "Keep Both is remembered in showfotorc" grep -qx 'Built-in Exporters=keep-both' "$rc"
    check "our OneDrive entry moved to a free key ($moved)" test -n "$moved"
    check "the built-ins stay enabled" bash -c "! grep -q 'generic.OneDrive=false' '$rc'"
    if [ -n "$moved" ]; then
        main="$(xdotool search --onlyvisible --class showfoto 2>/dev/null | while read -r w; do
            case "$(xdotool getwindowname "$w")" in "$work/photos"*Showfoto) echo "$w"; break ;; esac; done)"
        xdotool windowactivate --sync "$main" 2>/dev/null
        sleep 0.5
        xdotool key --clearmodifiers "$(echo "$moved" | awk -F+ '{ for (i = 1; i < NF; i++) printf "%s+", tolower($i); k = $NF; if (length(k) == 1) k = tolower(k); print k }')"
        for _ in $(seq 40); do grep -q '^OneDrive opened ' "$DKCLOUD_TEST_HOOK" && break; sleep 0.5; done
        sleep 1
        import -window root "$artifacts/showfoto_7_9_keep_both.png" 2>/dev/null
        check "$moved opens our 'Export to OneDrive'" grep -q '^OneDrive opened ' "$DKCLOUD_TEST_HOOK"
        check "no 'Ambiguous Shortcuts' dialog on $moved" bash -c "! xdotool search --onlyvisible --name '^Ambiguous' >/dev/null 2>&1"
    fi
    echo "screenshots: $artifacts/showfoto_7_9_clash.png, $artifacts/showfoto_7_9_keep_both.png"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
fi

. "$(dirname "$0")/windows.sh"
wm_class=showfoto
main=""
for _ in $(seq 120); do
    main="$(find_main)"
    [ -n "$main" ] && break
    sleep 0.5
done
check "showfoto main window appears" test -n "$main"
sleep 3
import -window root "$artifacts/showfoto_7_9_main.png" 2>/dev/null

check "digiKam's loader loaded our plugin" grep -q "Plugin of type Digikam::DPluginGeneric loaded from .*Generic_DkCloud_Plugin.so" "$work/showfoto.log"
check "OneDrive action in a menu with Ctrl+Alt+Shift+O" \
    grep -Eq '^action export_dkcloud_onedrive text=Export to &OneDrive\.\.\. shortcut=Ctrl\+Alt\+Shift\+O in=.*QMenu' "$work/hook.log"
check "Dropbox action in a menu with Ctrl+Alt+Shift+D" \
    grep -Eq '^action export_dkcloud_dropbox text=Export to &Dropbox\.\.\. shortcut=Ctrl\+Alt\+Shift\+D in=.*QMenu' "$work/hook.log"
check "both menu entries have an icon" test "$(grep -Ec '^action export_dkcloud_(onedrive|dropbox) .* icon=yes' "$work/hook.log")" -ge 2
check "the plugin has an icon, its own version and a name that sorts by the services" \
    grep -Eq '^plugin name=OneDrive and Dropbox \(dkcloud\) version=[0-9]+\.[0-9]+\.[0-9]+ icon=yes' "$work/hook.log"
check "no shortcut clash reported" bash -c "! grep -q 'exporter is enabled' '$work/showfoto.log'"

# close_window WINDOW: Escape, as a user closes the dialog (the plugin's
# window object goes with it; a destroyed X window would leave it behind).
close_window() {
    [ -n "$1" ] || return 0
    xdotool windowactivate --sync "$1" 2>/dev/null || xdotool windowfocus --sync "$1" 2>/dev/null
    sleep 0.5
    xdotool key --clearmodifiers Escape
    for _ in $(seq 20); do xdotool getwindowname "$1" >/dev/null 2>&1 || return 0; sleep 0.25; done
}

wait_hook() { # wait_hook REGEX: a line of the hook file matches (30 s at most)
    for _ in $(seq 60); do
        grep -Eq -- "$1" "$work/hook.log" && return 0
        sleep 0.5
    done
    return 1
}

# upload_with_alt_s SERVICE WINDOW: once the dialog has the account and the
# albums, Alt+S (Start Upload) as a user presses it; waits for the end.
upload_with_alt_s() {
    local service="$1" window="$2"
    [ -n "$window" ] || return 1
    wait_hook "^$service (folders count=|account-error|folders-error)" || return 1
    grep -q "^$service folders count=" "$work/hook.log" || return 1
    xdotool windowactivate --sync "$window" 2>/dev/null || xdotool windowfocus --sync "$window"
    sleep 0.5
    xdotool key --clearmodifiers alt+s
    wait_hook "^$service (finished|upload-refused)"
}

if [ -n "$main" ]; then
    press_in_main ctrl+alt+shift+o
    od_window="$(wait_window "$(title 'Export to OneDrive')" 30)"
    check "Ctrl+Alt+Shift+O opens 'Export to OneDrive'" test -n "$od_window"
    check "the photo showfoto shows is in the list" grep -q "^OneDrive opened .*items=$photo\$" "$work/hook.log"
    check "OneDrive: Alt+S starts the upload once the albums are listed" upload_with_alt_s OneDrive "$od_window"
    sleep 1
    import -window root "$artifacts/showfoto_7_9_onedrive_dialog.png" 2>/dev/null

    check "upload to the emulator finished" grep -q '^OneDrive finished uploaded=1 already=0 replaced=0 kept=0 skipped=0 failed=0 cancelled=0 ' "$work/hook.log"
    folder="$(sed -n 's/^Current Album=//p' "$XDG_CONFIG_HOME/showfotorc" | head -1)"
    folder="${folder:-/Pictures}"
    check "the stored photo is byte-identical" cmp -s "$photo" "$work/emulator/onedrive${folder}/dkcloud-test.jpg"

    close_window "$od_window"
    sleep 1
    press_in_main ctrl+alt+shift+d
    db_window="$(wait_window "$(title 'Export to Dropbox')" 30)"
    check "Ctrl+Alt+Shift+D opens 'Export to Dropbox'" test -n "$db_window"
    check "Dropbox: Alt+S starts the upload once the albums are listed" upload_with_alt_s Dropbox "$db_window"
    check "Dropbox upload finished" grep -q '^Dropbox finished uploaded=1 already=0 replaced=0 kept=0 skipped=0 failed=0 cancelled=0 ' "$work/hook.log"
    # The emulator has no Dropbox download: compare Dropbox's content hash instead.
    check "the photo on Dropbox has the local file's content hash" python3 - "$photo" "$base" <<'PY'
import hashlib, json, sys, urllib.request
data = open(sys.argv[1], "rb").read()
blocks = b"".join(hashlib.sha256(data[i:i + 4194304]).digest() for i in range(0, len(data), 4194304))
local = hashlib.sha256(blocks).hexdigest()
files = json.load(urllib.request.urlopen(sys.argv[2] + "/_emulator/files?service=dropbox"))["files"]
stored = [f for f in files if f["path"].endswith("/dkcloud-test.jpg")]
sys.exit(0 if stored and stored[0]["contentHash"] == local and stored[0]["size"] == len(data) else 1)
PY
    sleep 1
    import -window root "$artifacts/showfoto_7_9_dropbox_dialog.png" 2>/dev/null
    close_window "$db_window"
    sleep 1

    # The photo changes (bytes appended after the image; it still opens), so
    # the next upload sends it again, replacing the stored copy.
    head -c 12000000 /dev/urandom >>"$photo"
    mark="$(wc -l <"$work/hook.log")"
    since_mark() { tail -n +$((mark + 1)) "$work/hook.log" | grep -Eq -- "$1"; }
    wait_new() { for _ in $(seq 60); do since_mark "$1" && return 0; sleep 0.5; done; return 1; }
    press_in_main ctrl+alt+shift+o
    od_window="$(wait_window "$(title 'Export to OneDrive')" 30)"
    check "background: Ctrl+Alt+Shift+O opens 'Export to OneDrive' again" test -n "$od_window"
    if [ -n "$od_window" ]; then
        wait_new "^OneDrive folders count=" || true
        xdotool windowactivate --sync "$od_window" 2>/dev/null || xdotool windowfocus --sync "$od_window"
        sleep 0.5
        xdotool key --clearmodifiers alt+s
        check "background: Alt+S starts the upload" wait_new "^OneDrive started"
        sleep 1
        xdotool key --clearmodifiers Escape
        check "background: Escape during the upload asks what to do with it" wait_hook "^OneDrive close-question"
        sleep 1
        import -window root "$artifacts/showfoto_7_9_close_question.png" 2>/dev/null
        xdotool key --clearmodifiers alt+k
        check "background: Alt+K keeps it uploading in the background" wait_hook "^OneDrive background"
        progress="$(wait_window "$(title 'Uploading to OneDrive')" 30)"
        check "background: a small window shows the upload" test -n "$progress"
        check "background: the export window is gone" bash -c "! xdotool search --onlyvisible --name '^Export to OneDrive\$' >/dev/null 2>&1"
        check "background: the upload is still running when the window goes" \
            bash -c "! grep -q '^OneDrive finished' <(grep -A100 '^OneDrive background' '$work/hook.log')"
        import -window root "$artifacts/showfoto_7_9_background_uploading.png" 2>/dev/null
        check "background: the upload ends, the changed photo replaced" \
            wait_hook '^OneDrive finished uploaded=0 already=0 replaced=1 kept=0 skipped=0 failed=0 cancelled=0 '
        finished="$(wait_window "$(title 'Upload to OneDrive finished')" 30)"
        check "background: the small window says the upload finished" test -n "$finished"
        sleep 1
        import -window root "$artifacts/showfoto_7_9_background_finished.png" 2>/dev/null
        check "background: the stored photo is the changed one, byte for byte" \
            cmp -s "$photo" "$work/emulator/onedrive${folder}/dkcloud-test.jpg"
    fi
fi

if [ "$failed" -gt 0 ]; then
    echo "--- hook.log"; cat "$work/hook.log" 2>/dev/null
    echo "--- showfoto.log (dkcloud and plugin lines)"; grep -Ei 'dkcloud|DkCloud|plugin' "$work/showfoto.log" | head -40
fi
echo "screenshots: $artifacts/showfoto_7_9_*.png"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
