#!/usr/bin/env bash
# The plugin inside digiKam itself (the album view), driven as a user would:
# keys in the real GUI under Xvfb + openbox, the browser login against the
# emulator, uploads checked byte for byte.
#
#   digikam_host.sh PLUGIN.so EMULATOR ARTIFACTS_DIR [VERSION_TAG]
#
# PLUGIN.so is the test build of the plugin (build/testing/): its probe writes
# what the plugin and its windows signal to $DKCLOUD_TEST_HOOK, which this
# script reads. VERSION_TAG (7_9, 8_6) names the screenshots, ARTIFACTS_DIR/digikam_TAG_*.png;
# by default it comes from `digikam --version`. Runs with digiKam 7.9 (Debian
# 12, Qt 5) and 8.6 (Debian 13, Qt 6; see showfoto_qt6.sh).
#
#  1. A clean user (XDG_* folders in a temp dir), the plugin on DK_PLUGIN_PATH
#     beside copies of digiKam's dimg/editor/rawimport/bqm plugins, the
#     built-in OneDrive/Dropbox exporters disabled in the seeded digikamrc.
#  2. A collection PHOTOS with an album Trip of 4 generated JPEGs: digiKam is
#     started once to create its database, the collection is added with
#     sqlite3, digiKam restarts with the collection highlighted in its album
#     tree (seeded sidebar state); a click on it and Down open Trip.
#  3. Ctrl+A, a click on the first thumbnail and Shift+Right select 2 photos; both
#     Export entries exist with their shortcuts (Alt+X shows the menu).
#  4. Ctrl+Alt+Shift+O opens "Export to OneDrive" with exactly those 2.
#  5. Alt+L logs in through $BROWSER (a script that fetches the sign-in address
#     and follows its redirects to the plugin's loopback listener).
#  6. Alt+N makes the nested album /dkcloud-test/2026/Trip.
#  7. Alt+S uploads both; the emulator's stored files equal the originals.
#  8. One photo edited on disk, the dialog reopened (still logged in, album
#     remembered), Alt+S: one replaced, one already there, bytes equal.
#  9. Select None (Ctrl+Shift+A): the dialog gets the album's 4 photos.
# 10. The same as 4-7 for Dropbox (Ctrl+Alt+Shift+D, /dkcloud-test/Trip).
# 11. Two photos grow by 16 MB (the emulator takes 2 MiB/s); with nothing
#     selected, Alt+S uploads the album, Escape and Alt+K keep it going in
#     the background, in digiKam's own progress area; digiKam is killed
#     (kill -9) half-way. At the next start the dialog offers the unfinished
#     upload, Alt+U resumes it: the stored files equal the photos, no
#     duplicate, and what is sent after the restart is exactly what the
#     service had not confirmed (each open session asked for its offset).
# 12. The same, but Ctrl+Q during the upload: digiKam says an upload is
#     running, Alt+Q (Quit Anyway) quits, the session is kept (not
#     cancelled), and the resume again sends only what was not confirmed.
# Exit 77 (skipped) when digikam or the X tools are missing.
set -uo pipefail

[ "$#" -ge 3 ] || { echo "usage: $0 PLUGIN.so EMULATOR ARTIFACTS_DIR [VERSION_TAG]"; exit 2; }
plugin="$(readlink -f "$1")"
emulator="$2"
artifacts="$3"
tag="${4:-}"

# shellcheck source=tests/host/digikam_lib.sh
. "$(dirname "$0")/digikam_lib.sh"
need_digikam_tools "$emulator" "$plugin" digikam Xvfb openbox xdotool import sqlite3 curl
digikam_prelude digikam

# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/lib.sh"
host_work dkhost-digikam

# 1. A clean user; our plugin beside digiKam's image loaders and tools, not its generic plugins.
clean_user
mkdir -p "$work/db"
plugin_path "$plugin" "$dk_plugins" dimg editor rawimport bqm

# 2. The collection: PHOTOS, album Trip, 4 distinct JPEGs.
make_trip_photos
selected=("${photos[0]}" "${photos[1]}") # a click on the first, Shift+Right

# Not at the default place: the plugin must follow `digikam --config`.
mkdir -p "$work/profile"
rc="$work/profile/digikamrc"
# (write_rc: tests/host/digikam_lib.sh)

# The emulator, with the real (browser) login.
# Capped, so that the kill of round 11 lands half-way through (the small
# photos of the other rounds take a fraction of a second each).
start_emulator "$emulator" --bandwidth $((2 * 1024 * 1024))
hook="$work/hook.log"
: >"$hook"
export DKCLOUD_EMULATOR="$base" DKCLOUD_CONFIG_DIR="$work/dkcloud" DKCLOUD_TOKEN_STORE=file DKCLOUD_TEST_HOOK="$hook"
# What a person's browser does: open the sign-in page (the emulator consents
# at once) and follow the redirect to the plugin's loopback listener.
cat >"$work/browser.sh" <<EOF
#!/bin/sh
echo "open \$1" >>"$work/browser.log"
curl -sfL -o /dev/null "\$1" >>"$work/browser.log" 2>&1
echo "curl rc=\$?" >>"$work/browser.log"
EOF
chmod 755 "$work/browser.sh"
export BROWSER="$work/browser.sh"

start_x

export QT_LOGGING_RULES="digikam.general=true;dkcloud.plugin=true"
export QTWEBENGINE_DISABLE_SANDBOX=1


start_in_album Trip
check "digiKam scanned the album's 4 photos" \
    test "$(sqlite3 "$work/db/digikam4.db" "select count(*) from Images where album = 2 and name like 'photo%.jpg'")" = 4
check "digiKam's loader loaded our plugin" \
    grep -q "Plugin of type Digikam::DPluginGeneric loaded from .*Generic_DkCloud_Plugin.so" "$work/digikam.log"
note "album open"

# 3. Two photos: Select All (Ctrl+A) shows where the first thumbnail is; a
# click on it, Shift+Right.
select_two() {
    local y
    press_in_main ctrl+a
    sleep 1
    import -window root "$work/all.png" 2>/dev/null
    y="$(tile_y "$work/all.png")"
    [ -n "$y" ] || { echo "     (no selected thumbnail found on the screen)"; return 1; }
    xdotool mousemove 520 "$y" click 1
    sleep 0.5
    xdotool mousemove 1200 800 # no hover overlay in the screenshots
    key shift+Right
    sleep 1
}
check "two photos selected with the mouse and Shift+Right" select_two
shot selected
check "OneDrive action with Ctrl+Alt+Shift+O in digiKam's menus" \
    grep -Eq '^action export_dkcloud_onedrive text=Export to &OneDrive\.\.\. shortcut=Ctrl\+Alt\+Shift\+O in=.*QMenu' "$hook"
check "Dropbox action with Ctrl+Alt+Shift+D in digiKam's menus" \
    grep -Eq '^action export_dkcloud_dropbox text=Export to &Dropbox\.\.\. shortcut=Ctrl\+Alt\+Shift\+D in=.*QMenu' "$hook"
check "no shortcut clash reported" bash -c "! grep -q 'exporter is enabled' '$work/digikam.log'"
# The Export menu (Alt+X, "E&xport"), as a user sees it.
press_in_main alt+x
sleep 1.5
shot export_menu
key Escape
sleep 0.3
key Escape
sleep 0.5

# 4. Ctrl+Alt+Shift+O: the dialog with exactly the 2 selected photos.
set_mark
press_in_main ctrl+alt+shift+o
od="$(wait_window "$(title 'Export to OneDrive')" 30)"
check "Ctrl+Alt+Shift+O opens 'Export to OneDrive'" test -n "$od"
wait_hook '^OneDrive opened ' 10
check "the dialog lists exactly the 2 selected photos" items_are '^OneDrive opened ' "${selected[@]}"
sleep 2
shot onedrive_opened

# 5-7. Log in (browser), new album, upload.
export_round() { # export_round SERVICE WINDOW FOLDER STORE_DIR
    local service="$1" window="$2" folder="$3" store="$4" f logged="" dialog
    [ -n "$window" ] || { check "$service: no dialog, nothing to do" false; return 1; }
    activate "$window"
    key alt+l
    if wait_hook "^$service account name=" 60; then logged=yes; fi
    check "$service: Alt+L logs in through the browser" test -n "$logged"
    sleep 1
    shot "${service,,}_logged_in"
    [ -n "$logged" ] || return 1

    set_mark
    activate "$window"
    key alt+n
    dialog="$(wait_window "$(title 'New Album')" 15)"
    check "$service: Alt+N opens 'New Album'" test -n "$dialog"
    [ -n "$dialog" ] || return 1
    activate "$dialog"
    key ctrl+a
    xdotool type --clearmodifiers --delay 40 "$folder"
    sleep 0.5
    shot "${service,,}_new_album"
    key Return
    check "$service: album $folder created" wait_hook "^$service folder-created path=$(re "$folder")( |\$)" 60
    sleep 1

    set_mark
    activate "$window"
    key alt+s
    check "$service: Alt+S uploads both photos" \
        wait_hook "^$service finished uploaded=2 already=0 replaced=0 kept=0 skipped=0 failed=0 cancelled=0( |\$)" 60
    for f in "${selected[@]}"; do
        check "$service: $(basename "$f") uploaded to $folder" \
            has_hook "^$service file path=$(re "$f") state=uploaded remote=$(re "$folder/$(basename "$f")")( |\$)"
        check "$service: stored $(basename "$f") equals the original" same_bytes "$f" "$store$folder/$(basename "$f")"
    done
    sleep 1
    shot "${service,,}_uploaded"
}
od_ok=""
export_round OneDrive "$od" /dkcloud-test/2026/Trip "$work/emulator/onedrive" && od_ok=yes
close_dialog "$od" "OneDrive dialog"

# 8. One photo edited on disk; same selection, the dialog again: already logged
# in, album remembered; one replaced, one already there.
edited="${selected[1]}"
cp "$edited" "$work/before-edit.jpg"
"$convert_bin" "$edited" -negate "$edited"
check "the edited photo's bytes changed" bash -c "! cmp -s '$edited' '$work/before-edit.jpg'"
set_mark
press_in_main ctrl+alt+shift+o
od="$(wait_window "$(title 'Export to OneDrive')" 30)"
check "Ctrl+Alt+Shift+O opens 'Export to OneDrive' again" test -n "$od"
if [ -n "$od_ok" ] && [ -n "$od" ]; then
    check "OneDrive: still logged in when reopened" wait_hook '^OneDrive account name=' 30
    check "OneDrive: the same 2 photos" items_are '^OneDrive opened ' "${selected[@]}"
    sleep 1
    set_mark
    activate "$od"
    key alt+s
    check "OneDrive: second upload replaces one, finds one already there" \
        wait_hook '^OneDrive finished uploaded=0 already=1 replaced=1 kept=0 skipped=0 failed=0 cancelled=0( |$)' 60
    folder=/dkcloud-test/2026/Trip
    check "OneDrive: the edited photo is replaced in the remembered album" \
        has_hook "^OneDrive file path=$(re "$edited") state=replaced remote=$(re "$folder/$(basename "$edited")")( |\$)"
    check "OneDrive: the other photo is already there" \
        has_hook "^OneDrive file path=$(re "${selected[0]}") state=already-there remote=$(re "$folder/$(basename "${selected[0]}")")( |\$)"
    check "OneDrive: stored $(basename "$edited") equals the edited photo" \
        same_bytes "$edited" "$work/emulator/onedrive$folder/$(basename "$edited")"
    sleep 1
    shot onedrive_second_upload
else
    check "OneDrive: second upload (needs the first round)" false
    shot onedrive_reopened
fi
close_dialog "$od" "OneDrive dialog (second)"

# 9. Select None: the album's 4 photos (the plugin's fallback).
press_in_main ctrl+shift+a
sleep 1
shot select_none
set_mark
press_in_main ctrl+alt+shift+o
od="$(wait_window "$(title 'Export to OneDrive')" 30)"
check "with nothing selected, Ctrl+Alt+Shift+O opens 'Export to OneDrive'" test -n "$od"
wait_hook '^OneDrive opened ' 10
check "with nothing selected, the dialog lists the album's 4 photos" items_are '^OneDrive opened ' "${photos[@]}"
sleep 2
shot onedrive_album_fallback
close_dialog "$od" "OneDrive dialog (album)"

# 10. Dropbox on the 2 photos.
check "two photos selected again" select_two
set_mark
press_in_main ctrl+alt+shift+d
db="$(wait_window "$(title 'Export to Dropbox')" 30)"
check "Ctrl+Alt+Shift+D opens 'Export to Dropbox'" test -n "$db"
wait_hook '^Dropbox opened ' 10
check "the Dropbox dialog lists exactly the 2 selected photos" items_are '^Dropbox opened ' "${selected[@]}"
sleep 2
shot dropbox_opened
# The emulator keeps Dropbox paths with the case given (lookups ignore case).
export_round Dropbox "$db" /dkcloud-test/Trip "$work/emulator/dropbox"
close_dialog "$db" "Dropbox dialog"

# Settings went through digiKam's own configuration object: the file given
# with --config, one group per service, only what applies to it, no secret.
sleep 1
check "settings are in the --config file digiKam runs with" \
    bash -c "grep -qx 'Current Album=/dkcloud-test/2026/Trip' <(awk -v g='[dkcloud OneDrive Settings]' '/^\\[/{on=(\$0==g)} on' '$rc')"
check "the Dropbox group remembers its own album" bash -c "grep -qx 'Current Album=/dkcloud-test/Trip' <(awk -v g='[dkcloud Dropbox Settings]' '/^\\[/{on=(\$0==g)} on' '$rc')"
check "no secret and no Dropbox tenant in the host's settings" \
    bash -c "! grep -qi 'secret' '$rc' && ! awk -v g='[dkcloud Dropbox Settings]' '/^\\[/{on=(\$0==g)} on' '$rc' | grep -q '^Tenant'"
check "nothing written to the default digikamrc instead" test ! -e "$XDG_CONFIG_HOME/digikamrc"
check "the plugin has its own version, an icon and a name that sorts by the services" \
    grep -Eq '^plugin name=OneDrive and Dropbox \(dkcloud\) version=[0-9]+\.[0-9]+\.[0-9]+ icon=yes' "$hook"
check "both menu entries have an icon" test "$(grep -Ec '^action export_dkcloud_(onedrive|dropbox) .* icon=yes' "$hook")" -ge 2

# 11. Uploads that outlive the dialog and digiKam: the background in
# digiKam's progress area, kill -9, the offer at the next start, resume.
emulator_body_bytes() { curl -sf "$base/_emulator/stats" | python3 -c 'import json, sys; print(json.load(sys.stdin)["request_body_bytes"])'; }
# least_to_send FILE...: the bytes of FILE... the service has not confirmed,
# by the journal's records and each open upload session's next expected byte.
least_to_send() {
    python3 - "$XDG_STATE_HOME/dkcloud/jobs" "$@" <<'PY'
import glob, json, os, sys, urllib.request
jobs, files = sys.argv[1], sys.argv[2:]
# Records are of a file as it was (path, size, mtime): only those of the
# files as they are now count.
now = {f: (os.stat(f).st_size, os.stat(f).st_mtime_ns) for f in files}
def current(body):
    return now.get(body.get("local")) == (body.get("size"), body.get("mtime_ns"))
done, open_sessions = set(), {}
for journal in glob.glob(os.path.join(jobs, "*.jsonl")):
    for line in open(journal):
        try:
            record = json.loads(line)
        except ValueError:
            continue
        kind, body = next(iter(record.items()))
        local = body.get("local")
        if kind == "open" and current(body):
            open_sessions[local] = body["session"]
        elif kind == "closed":
            open_sessions.pop(local, None)
        elif kind == "done" and current(body):
            done.add(local)
            open_sessions.pop(local, None)
need = 0
for f in files:
    if f in done:
        continue
    size = now[f][0]
    session = open_sessions.get(f)
    if session and session.get("service") == "onedrive":
        status = json.load(urllib.request.urlopen(session["upload_url"]))
        size -= int(status["nextExpectedRanges"][0].split("-")[0])
    need += size
print(need)
PY
}
upload_not_finished() { ! has_hook '^OneDrive finished'; }
grown=("${photos[2]}" "${photos[3]}")
folder=/dkcloud-test/2026/Trip
# interrupted_round kill|quit: the 2 grown photos (grown by 16 MB more each
# round) go up in the background; digiKam is killed (kill -9), or quit with
# Ctrl+Q and "Quit Anyway", once the service confirmed a first fragment;
# restarted, the dialog offers the upload and Alt+U resumes it.
interrupted_round() {
    local how="$1" f od question stopped="" least sent_before_restart resent stored_names grown_total now settled
    for f in "${grown[@]}"; do head -c 16000000 /dev/urandom >>"$f"; done
    grown_total=$(($(stat -c %s "${grown[0]}") + $(stat -c %s "${grown[1]}")))
    press_in_main ctrl+shift+a # nothing selected: the album's 4 photos
    sleep 1
    set_mark
    press_in_main ctrl+alt+shift+o
    od="$(wait_window "$(title 'Export to OneDrive')" 30)"
    check "$how: Ctrl+Alt+Shift+O opens 'Export to OneDrive'" test -n "$od"
    if [ -z "$od" ] || ! wait_hook '^OneDrive account name=' 30; then
        check "$how: logged in when the dialog opens (needs round 5)" false
        return 1
    fi
    check "$how: the dialog lists the album's 4 photos, 2 of them grown" items_are '^OneDrive opened ' "${photos[@]}"
    sleep 1
    activate "$od"
    key alt+s
    check "$how: Alt+S starts the upload" wait_hook '^OneDrive started' 30
    sleep 1
    activate "$od"
    key Escape
    check "$how: Escape during the upload asks what to do with it" wait_hook '^OneDrive close-question' 15
    sleep 1
    shot "${how}_close_question"
    key alt+k
    check "$how: Alt+K keeps it uploading in the background" wait_hook '^OneDrive background' 15
    check "$how: the export window is gone" wait_gone "$od" 10
    check "$how: digiKam's own progress area shows the upload" \
        wait_hook "^host-progress added label=Uploading to OneDrive: $(re "$folder")\$" 15
    check "$how: the progress there moves" wait_hook '^host-progress percent=[1-9]' 30
    sleep 1
    shot "${how}_background_progress"
    # Stopped once the service confirmed a first fragment of a grown photo
    # (a 10 MiB fragment, then the rest).
    for _ in $(seq 120); do
        [ "$(least_to_send "${grown[@]}")" -lt "$grown_total" ] && break
        sleep 0.25
    done
    check "$how: the upload has not finished when digiKam stops" upload_not_finished
    if [ "$how" = kill ]; then
        kill -9 "$dk_pid"
        wait "$dk_pid" 2>/dev/null
        stopped=yes
    else
        press_in_main ctrl+q
        question="$(wait_window "$(title 'Uploads are still running')" 15)"
        check "quit: Ctrl+Q says an upload is still running" test -n "$question"
        shot quit_question
        if [ -n "$question" ]; then
            activate "$question"
            key alt+q
            for _ in $(seq 60); do kill -0 "$dk_pid" 2>/dev/null || { stopped=yes; break; }; sleep 0.5; done
            check "quit: Alt+Q (Quit Anyway) quits digiKam" test -n "$stopped"
            check "quit: the upload session is kept for the resume, not cancelled" \
                test "$(curl -sf "$base/_emulator/stats" | python3 -c 'import json, sys; print(json.load(sys.stdin)["requests"].get("graph.upload_cancel", 0))')" = 0
        fi
    fi
    [ -n "$stopped" ] || { stop_digikam; return 1; }
    # The emulator still reads what the kernel had buffered from the closed
    # connections: wait until nothing more arrives.
    settled="$(emulator_body_bytes)"
    for _ in $(seq 40); do
        sleep 0.5
        now="$(emulator_body_bytes)"
        [ "$now" = "$settled" ] && break
        settled="$now"
    done
    least="$(least_to_send "${grown[@]}")"
    check "$how: the service confirmed part of the grown photos, not all ($least of $grown_total bytes left)" \
        test "$least" -gt 0 -a "$least" -lt "$grown_total"
    sent_before_restart="$(emulator_body_bytes)"

    start_main
    open_album "${how}_album_after_restart" Trip
    set_mark
    press_in_main ctrl+alt+shift+o
    od="$(wait_window "$(title 'Export to OneDrive')" 30)"
    check "$how, restart: Ctrl+Alt+Shift+O opens 'Export to OneDrive'" test -n "$od"
    check "$how, restart: the unfinished upload is offered" wait_hook '^OneDrive unfinished-offered job=' 30
    # The 2 photos found already there are stored; the grown ones are not yet.
    check "$how, restart: the offer says what and how much is left" \
        has_hook "^OneDrive unfinished-offered job=[0-9a-f]+ text=An earlier upload to OneDrive did not finish: 4 photos from $(re "$album") to $(re "$folder"), 2 of 4 stored "
    wait_hook '^OneDrive account name=' 30
    sleep 2
    shot "${how}_resume_offered"
    activate "$od"
    key alt+u
    # The grown photos are new on the service the first time, replace the
    # stored ones the second.
    local counts="uploaded=2 already=2 replaced=0" done_as=uploaded
    [ "$how" = kill ] || { counts="uploaded=0 already=2 replaced=2"; done_as=replaced; }
    check "$how, restart: Alt+U resumes it: the 2 grown photos $done_as, the 2 others already there" \
        wait_hook "^OneDrive finished $counts kept=0 skipped=0 failed=0 cancelled=0( |\$)" 90
    sleep 1
    shot "${how}_resumed"
    for f in "${grown[@]}"; do
        check "$how, restart: stored $(basename "$f") equals the grown photo" same_bytes "$f" "$work/emulator/onedrive$folder/$(basename "$f")"
    done
    stored_names="$(ls "$work/emulator/onedrive$folder" | sort | tr '\n' ' ')"
    check "$how, restart: the album holds the 4 photos and nothing else ($stored_names)" \
        test "$stored_names" = "photo1.jpg photo2.jpg photo3.jpg photo4.jpg "
    resent=$(($(emulator_body_bytes) - sent_before_restart))
    # Plus a few KiB of JSON bodies (the session requests).
    check "$how, restart: only what the service had not confirmed is sent ($resent bytes for $least)" \
        test "$resent" -ge "$least" -a "$resent" -le $((least + 16384))
    close_dialog "$od" "OneDrive dialog (resumed after $how)"
}
interrupted_round kill
interrupted_round quit

if [ "$failed" -gt 0 ]; then
    echo "--- hook.log"; cat "$hook"
    echo "--- browser.log"; cat "$work/browser.log" 2>/dev/null
    echo "--- digikam.log (dkcloud and plugin lines)"; grep -E 'dkcloud\.|DkCloud' "$work/digikam.log" | head -60
fi
note "done"
echo "screenshots: $artifacts/digikam_${tag}_*.png"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
