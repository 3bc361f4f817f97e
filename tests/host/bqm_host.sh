#!/usr/bin/env bash
# digiKam's Batch Queue Manager (BQM) run as a user runs it, under Xvfb +
# openbox: a queue with digiKam's own Resize tool over a generated album.
#
#   bqm_host.sh BQM_PLUGIN.so|- EMULATOR ARTIFACTS_DIR [VERSION_TAG]
#
# BQM_PLUGIN.so is dkcloud's BQM module (its upload tools), the test build
# (build/testing/): its probe writes the tools BQM got and each item's outcome
# to $DKCLOUD_TEST_HOOK (bqm-plugin ..., bqm-item ...), which this script
# reads beside the tool's own log lines (dkcloud.bqm). "-" runs the
# resize-only queue. VERSION_TAG (7_9, 8_6) names the screenshots,
# ARTIFACTS_DIR/bqm_TAG_*.png; by default it comes from `digikam --version`.
# Runs with digiKam 7.9 (Debian 12, Qt 5) and 8.6 (Debian 13, Qt 6; see
# showfoto_qt6.sh).
#
#  1. A clean user (XDG_* folders in a temp dir), DK_PLUGIN_PATH with digiKam's
#     dimg/editor/rawimport/bqm plugins (bqm has Resize), a seeded digikamrc
#     at a non-default --config path.
#  2. A collection PHOTOS: album Trip with 4 generated 800x600 JPEGs, album Web
#     (empty) for BQM's output.
#  3. A saved BQM workflow seeded in $XDG_DATA_HOME/digikam/queue.xml (the
#     format of digiKam's WorkflowManager): Resize to the "Small" preset
#     (640x480), output to the album Web, original names, overwrite.
#  4. In the album view Ctrl+A, then Ctrl+B ("Add to Current Queue") opens BQM
#     with the 4 photos in its queue.
#  5. BQM's Control Panel, tab Workflow: a double click on the workflow assigns
#     its tools and queue settings to the queue; Ctrl+P runs it.
#  6. Checks: 4 JPEGs in Web, 640x480, the originals untouched, digiKam's
#     database knows the new files; BQM's end is its log's "List of Pending
#     Jobs is empty".
# With dkcloud's BQM module (BQM_PLUGIN.so), before digiKam starts: `dkcloud
# login` to both services of the emulator (curl plays the browser), remote
# folders /dkcloud-bqm and /dkcloud-gone made, the latter removed again, a
# folder /dkcloud-mixed/Trip/photo2.jpg made. Then,
# each in a new queue (Ctrl+A, Ctrl+Shift+B "Add to New Queue"):
#  7. Resize + "Upload to OneDrive" (folder /dkcloud-bqm, pattern {album}):
#     per item the tool's log line says uploaded into /dkcloud-bqm/Trip, the
#     stored file equals BQM's resized output (album WebOneDrive) byte for
#     byte, and is 640x480. The same for Dropbox (album WebDropbox).
#  8. Resize + Upload to OneDrive with an account that is not logged in, and
#     Resize + Upload to Dropbox into the removed folder: every item gets its
#     own error (the queue goes on after the first), BQM ends the queue,
#     nothing uploaded, the removed folder not made again.
#  9. A queue where one item cannot be stored (a remote folder has its name):
#     that item gets its error, the 3 others of the same queue are uploaded
#     (bytes equal BQM's output, album WebMixed).
# 10. The account logged in, but its saved login refused by the service
#     (tokens replaced in the file store): as 8, every item its own error.
# Exit 77 (skipped) when digikam or the X tools are missing.
set -uo pipefail

[ "$#" -ge 3 ] || { echo "usage: $0 BQM_PLUGIN.so|- EMULATOR ARTIFACTS_DIR [VERSION_TAG]"; exit 2; }
bqm_plugin="$1"
[ "$bqm_plugin" = - ] || bqm_plugin="$(readlink -f "$1")"
emulator="$2"
artifacts="$3"
tag="${4:-}"

for tool in digikam Xvfb openbox xdotool import identify sqlite3 curl; do
    if ! command -v "$tool" >/dev/null; then
        echo "SKIP: $tool is missing (apt-get install digikam xvfb xauth openbox xdotool imagemagick sqlite3 curl)"
        exit 77
    fi
done
[ -x "$emulator" ] || { echo "SKIP: no emulator at $emulator (cargo build -p dkcloud-emulator)"; exit 77; }
cli="${DKCLOUD_CLI:-$(dirname "$emulator")/dkcloud}"
[ "$bqm_plugin" = - ] || [ -x "$cli" ] || { echo "FAIL: no dkcloud at $cli (cargo build -p dkcloud-cli)"; exit 1; }
[ "$bqm_plugin" = - ] || [ -f "$bqm_plugin" ] || { echo "FAIL: no BQM plugin at $bqm_plugin"; exit 1; }
# shellcheck source=tests/host/digikam_lib.sh
. "$(dirname "$0")/digikam_lib.sh"
digikam_prelude bqm

# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/lib.sh"
host_work dkhost-bqm

# 1. A clean user; digiKam's image loaders and BQM tools, with ours among them.
clean_user
mkdir -p "$work/db"
copy_host_plugins "$dk_plugins" dimg editor rawimport bqm
[ "$bqm_plugin" = - ] || ln -s "$bqm_plugin" "$work/plugins/bqm/Bqm_DkCloud_Plugin.so"
export DK_PLUGIN_PATH="$work/plugins"

# 2. The collection: PHOTOS, album Trip with 4 distinct JPEGs, album Web for BQM's output.
make_trip_photos
web="$work/PHOTOS/Web"
mkdir -p "$web"

mkdir -p "$work/profile"
rc="$work/profile/digikamrc"

# 3. The saved workflow (WorkflowManager's queue.xml in digiKam's data folder).
# Tool groups: BatchTool::BatchToolGroup (TransformTool = 4). Resize with
# UseCustom=false takes LengthPreset (1 = Small, 640x480). Queue settings:
# useoriginalalbum=0 + workingurl = the target album; conflictrule 0 =
# overwrite; renamingrule 0 = the original name.
# workflow_tool INDEX NAME GROUP PARAM=TYPE:VALUE...: one <tool> element (INDEX
# counts from 0 in the chain; BQM knows the last tool by it).
workflow_tool() {
    local index="$1" name="$2" group="$3" p
    shift 3
    printf '  <tool>\n   <toolname value="%s"/>\n   <toolgroup value="%s"/>\n   <index value="%s"/>\n   <version value="1"/>\n' "$name" "$group" "$index"
    for p in "$@"; do
        printf '   <parameter name="%s" type="%s" value="%s"/>\n' "${p%%=*}" "$(echo "${p#*=}" | cut -d: -f1)" "${p#*:}"
    done
    printf '  </tool>\n'
}
resize_tool() {
    workflow_tool 0 Resize 4 UseCustom=bool:false PreserveRatioBox=bool:false UsePixel=bool:false \
        UsePercent=bool:false UseCM=bool:false UseInches=bool:false LengthCustom=int:1024 LengthPreset=int:1
}
# upload_tool SERVICE ACCOUNT FOLDER: dkcloud's tool after Resize
# (DkCloudUploadOneDrive / DkCloudUploadDropbox, group CustomTool = 1; the
# settings keys of cpp/core/bqmsettings.cpp): into FOLDER/<album name>,
# replacing, the uploaded file kept as BQM's output.
upload_tool() {
    workflow_tool 1 "DkCloudUpload$1" 1 Account=QString:"$2" Folder=QString:"$3" \
        FolderPattern=QString:'{album}' OnConflict=QString:replace KeepOutput=bool:true
}
# workflow TITLE TARGET_DIR TOOLS_XML: one <queue> element.
workflow() {
    cat <<EOF
 <queue>
  <queuetitle value="$1"/>
  <queuedesc value="dkcloud host test"/>
  <renamingparser value=""/>
  <useoriginalalbum value="0"/>
  <usemulticorecpu value="0"/>
  <workingurl value="$2"/>
  <conflictrule value="0"/>
  <renamingrule value="0"/>
  <rawloadingrule value="0"/>
  <jpegcompression value="75"/>
  <jpegsubsampling value="1"/>
  <pngcompression value="9"/>
  <tiffcompression value="0"/>
  <jpeg2000lossless value="1"/>
  <jpeg2000compression value="75"/>
  <pgflossless value="1"/>
  <pgfcompression value="3"/>
$3
 </queue>
EOF
}
# The emulator; with dkcloud's tools, a real login to both of its services
# before digiKam starts (curl plays the browser, as in showfoto_7_9.sh), the
# remote folders made, /dkcloud-gone removed again (a folder the tool was set
# up with and that no longer exists).
start_emulator "$emulator"
export DKCLOUD_EMULATOR="$base" DKCLOUD_CONFIG_DIR="$work/dkcloud" DKCLOUD_TOKEN_STORE=file
hook="$work/hook.log"
: >"$hook"
export DKCLOUD_TEST_HOOK="$hook"
account=user@emulator.invalid # the emulator's one user
if [ "$bqm_plugin" != - ]; then
    mkdir -p "$DKCLOUD_CONFIG_DIR" "$work/PHOTOS/WebOneDrive" "$work/PHOTOS/WebDropbox" "$work/PHOTOS/WebFailed" "$work/PHOTOS/WebMixed"
    port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    printf '[dropbox]\nredirect_port = %s\n' "$port" >"$DKCLOUD_CONFIG_DIR/config.toml"
    for service in onedrive dropbox; do
        check "logged in to $service with dkcloud login" \
            env BROWSER="curl -s -L -o /dev/null" timeout 60 "$cli" login "$service"
        check "$service: the folders /dkcloud-bqm and /dkcloud-gone made" \
            bash -c "'$cli' mkdir $service:/dkcloud-bqm && '$cli' mkdir $service:/dkcloud-gone" >/dev/null
    done
    rm -rf "$work/emulator/dropbox/dkcloud-gone"
    check "dropbox: /dkcloud-gone removed" bash -c "! '$cli' ls dropbox:/ | grep -q dkcloud-gone"
    # One item that cannot be stored: a folder where photo2.jpg would go.
    check "onedrive: a folder /dkcloud-mixed/Trip/photo2.jpg made" \
        "$cli" mkdir onedrive:/dkcloud-mixed/Trip/photo2.jpg >/dev/null
fi
export BROWSER=true

mkdir -p "$XDG_DATA_HOME/digikam"
{
    echo '<!DOCTYPE XMLQueueList>'
    echo '<queuelist version="2.0" client="digikam" encoding="UTF-8">'
    workflow "Resize for the web" "$web" "$(resize_tool)"
    if [ "$bqm_plugin" != - ]; then
        workflow "OneDrive upload" "$work/PHOTOS/WebOneDrive" "$(resize_tool; upload_tool OneDrive "$account" /dkcloud-bqm)"
        workflow "Dropbox upload" "$work/PHOTOS/WebDropbox" "$(resize_tool; upload_tool Dropbox "$account" /dkcloud-bqm)"
        workflow "Bad account upload" "$work/PHOTOS/WebFailed" "$(resize_tool; upload_tool OneDrive nobody@emulator.invalid /dkcloud-bqm)"
        workflow "Gone folder upload" "$work/PHOTOS/WebFailed" "$(resize_tool; upload_tool Dropbox "$account" /dkcloud-gone)"
        workflow "Mixed upload" "$work/PHOTOS/WebMixed" "$(resize_tool; upload_tool OneDrive "$account" /dkcloud-mixed)"
        workflow "Expired login upload" "$work/PHOTOS/WebFailed" "$(resize_tool; upload_tool OneDrive "$account" /dkcloud-bqm)"
    fi
    echo '</queuelist>'
} >"$XDG_DATA_HOME/digikam/queue.xml"

start_x

export QT_LOGGING_RULES="digikam.general=true;dkcloud.bqm=true"
export QTWEBENGINE_DISABLE_SANDBOX=1

if [ "$bqm_plugin" = - ]; then
    start_in_album Trip Web
else
    start_in_album Trip Web WebDropbox WebFailed WebMixed WebOneDrive
    check "digiKam's loader loaded dkcloud's BQM tools" \
        grep -q "Plugin of type Digikam::DPluginBqm loaded from .*Bqm_DkCloud_Plugin.so" "$work/digikam.log"
fi
check "digiKam scanned the album's 4 photos" \
    test "$(sqlite3 "$work/db/digikam4.db" "select count(*) from Images where album = 2 and name like 'photo%.jpg'")" = 4
note "album open"

# 4. All photos into BQM's current queue.
press_in_main ctrl+a
sleep 1
press_in_main ctrl+b
bqm="$(wait_window "$(title 'Batch Queue Manager')" 30)"
check "Ctrl+B (Add to Current Queue) opens the Batch Queue Manager" test -n "$bqm"
if [ -z "$bqm" ]; then
    shot no_bqm
    echo "--- digikam.log (last lines)"; tail -30 "$work/digikam.log"
    echo "$passed passed, $failed failed"
    exit 1
fi
xdotool windowmove "$bqm" 0 0 2>/dev/null
xdotool windowsize "$bqm" 1280 870 2>/dev/null
sleep 2
activate "$bqm"
shot queue
note "BQM open"
if [ "$bqm_plugin" != - ]; then
    check "BQM has Upload to OneDrive and Upload to Dropbox, in the Custom group" \
        grep -Eq '^bqm-plugin name=.* tools=(.*\|)?DkCloudUploadOneDrive:Upload to OneDrive:Custom.*\|?DkCloudUploadDropbox:Upload to Dropbox:Custom' "$hook"
fi

# 5. assign_workflow TITLE: BQM's Control Panel, tab Workflow (Alt+W); a click
# in the list's free space below the rows gives it the focus, typing the title
# selects that workflow (the list's keyboard search), the context menu key and
# "a" (&Assign Workflow to current queue) give its tools and settings to the
# current queue.
assign_workflow() {
    activate "$bqm"
    key alt+w
    sleep 1
    xdotool mousemove 1020 780 click 1
    sleep 0.5
    xdotool type --clearmodifiers --delay 40 "$1"
    sleep 0.5
    key Menu
    sleep 1
    shot "${2}_assign_menu"
    key a
    sleep 1.5
}
# run_queue NAME [SECONDS]: Ctrl+P, then waits for BQM's "List of Pending Jobs
# is empty" (its log, once per run) and the notification that follows.
runs_done() { grep -c 'List of Pending Jobs is empty' "$work/digikam.log"; }
run_queue() {
    local before i
    before="$(runs_done)"
    activate "$bqm"
    key ctrl+p
    for i in $(seq $((${2:-60} * 2))); do
        [ "$(runs_done)" -gt "$before" ] && { sleep 2; return 0; }
        sleep 0.5
    done
    return 1
}
# Files BQM wrote: the album's JPEGs, not its temp files.
outputs() { find "$1" -maxdepth 1 -name '*.jpg' ! -name '*digikamtempfile*' -printf '%f\n' | sort; }
names() { local f; for f in "$@"; do basename "$f"; done | sort; }

assign_workflow "Resize for the web" resize
shot resize_assigned
t0=$SECONDS
check "BQM runs the queue (Ctrl+P) to its end" run_queue resize 120
note "resize queue ran in $((SECONDS - t0)) s"
shot resize_done

# 6. What BQM wrote.
check "BQM wrote the 4 photos to the album Web under their own names" \
    test "$(outputs "$web")" = "$(names "${photos[@]}")"
resized_ok() {
    local f size
    for f in "${photos[@]}"; do
        size="$(identify -format '%wx%h' "$web/$(basename "$f")" 2>/dev/null)"
        [ "$size" = 640x480 ] || { echo "     $(basename "$f"): $size"; return 1; }
    done
}
check "each is resized to 640x480 (Resize, preset Small)" resized_ok
check "digiKam's database has the 4 new photos in Web" \
    test "$(sqlite3 "$work/db/digikam4.db" "select count(*) from Images where album = 3 and name like 'photo%.jpg'")" = 4
check "the originals in Trip are untouched (800x600)" \
    test "$(identify -format '%wx%h\n' "${photos[@]}" | sort -u)" = 800x600

# 7. With dkcloud's tools: each run in a new queue (Ctrl+Shift+B, "Add to New
# Queue", from the album view with the 4 photos selected).
new_queue() {
    press_in_main ctrl+a
    sleep 0.5
    press_in_main ctrl+shift+b
    sleep 2
    activate "$bqm"
}
# Per item, the tool's log line: "SERVICE ORIGINAL -> FOLDER OUTCOME TEXT".
item_line() { grep -F "dkcloud.bqm: $1 $2 -> " "$work/digikam.log" | tail -1; }
item_says() { # item_says SERVICE FILE REGEX: its last line matches, or is shown
    local line
    line="$(item_line "$1" "$2")"
    grep -Eq -- "$3" <<<"$line" && return 0
    echo "     ${line:-(no line for $2)}" | cut -c1-240
    return 1
}
# outcomes_since N SERVICE: the outcomes of the bqm-item lines after line N of
# the hook file, sorted, one line ("failed failed uploaded ...").
outcomes_since() {
    tail -n +$(($1 + 1)) "$hook" | sed -n "s/^bqm-item service=$2 outcome=\([a-z-]*\) .*/\1/p" | sort | tr '\n' ' ' | sed 's/ $//'
}
hook_lines() { wc -l <"$hook"; }
upload_run() { # upload_run SERVICE WORKFLOW TARGET_DIR STORE_DIR
    local service="$1" workflow="$2" target="$3" store="$4" f name t0 mark
    mark="$(hook_lines)"
    new_queue
    assign_workflow "$workflow" "${service,,}"
    shot "${service,,}_assigned"
    t0=$SECONDS
    check "$service: BQM runs Resize + Upload to $service to its end" run_queue "${service,,}" 180
    note "$service queue ran in $((SECONDS - t0)) s"
    activate "$bqm"
    shot "${service,,}_done"
    check "$service: the tool reports 4 items uploaded" \
        test "$(outcomes_since "$mark" "$service")" = "uploaded uploaded uploaded uploaded"
    check "$service: BQM wrote the 4 resized photos to $(basename "$target")" \
        test "$(outputs "$target")" = "$(names "${photos[@]}")"
    for f in "${photos[@]}"; do
        name="$(basename "$f")"
        check "$service: $name uploaded into /dkcloud-bqm/Trip (the album's name)" \
            item_says "$service" "$f" ' -> /dkcloud-bqm/Trip uploaded( |$)'
        check "$service: stored $name equals BQM's resized output byte for byte" \
            same_bytes "$target/$name" "$store/dkcloud-bqm/Trip/$name"
        check "$service: stored $name is the resized photo (640x480), not the original" \
            test "$(identify -format '%wx%h' "$store/dkcloud-bqm/Trip/$name" 2>/dev/null)" = 640x480
    done
    # The tool's settings as BQM shows them (after the run, so that showing
    # them cannot change it): a click on the first assigned tool, Down.
    activate "$bqm"
    xdotool mousemove 650 99 click 1
    sleep 0.5
    key Down
    sleep 2
    shot "${service,,}_tool_settings"
}
failing_run() { # failing_run SERVICE WORKFLOW WHY
    local service="$1" workflow="$2" why="$3" f name t0 before count=0 mark
    before="$(grep -c "dkcloud.bqm: $service " "$work/digikam.log")"
    mark="$(hook_lines)"
    new_queue
    assign_workflow "$workflow" "$why"
    t0=$SECONDS
    check "$why: BQM runs the queue to its end" run_queue "$why" 180
    note "$why queue ran in $((SECONDS - t0)) s"
    activate "$bqm"
    shot "${why}_done"
    for f in "${photos[@]}"; do
        name="$(basename "$f")"
        check "$why: $name has its own error" item_says "$service" "$f" ' failed '
        [ "$f" != "${photos[0]}" ] || echo "     ($(item_line "$service" "$f" | cut -c1-240))"
    done
    count="$(grep -c "dkcloud.bqm: $service " "$work/digikam.log")"
    check "$why: every item was tried (the queue went on after the first error)" test $((count - before)) -eq 4
    check "$why: the tool reports 4 items failed" test "$(outcomes_since "$mark" "$service")" = "failed failed failed failed"
    check "$why: nothing written to WebFailed" test -z "$(outputs "$work/PHOTOS/WebFailed")"
}
# One item fails on the service's side (a folder in its place), the rest of
# the same queue is uploaded.
mixed_run() {
    local f name mixed="$work/PHOTOS/WebMixed" store="$work/emulator/onedrive/dkcloud-mixed/Trip" t0 mark
    mark="$(hook_lines)"
    new_queue
    assign_workflow "Mixed upload" mixed
    t0=$SECONDS
    check "mixed: BQM runs the queue to its end" run_queue mixed 180
    note "mixed queue ran in $((SECONDS - t0)) s"
    activate "$bqm"
    shot mixed_done
    check "mixed: photo2.jpg has its own error (a folder is in its place)" \
        item_says OneDrive "${photos[1]}" ' failed .*folder'
    echo "     ($(item_line OneDrive "${photos[1]}" | cut -c1-240))"
    check "mixed: photo2.jpg not written to WebMixed" test ! -e "$mixed/photo2.jpg"
    check "mixed: the tool reports 1 item failed, 3 uploaded" \
        test "$(outcomes_since "$mark" OneDrive)" = "failed uploaded uploaded uploaded"
    for f in "${photos[0]}" "${photos[2]}" "${photos[3]}"; do
        name="$(basename "$f")"
        check "mixed: $name in the same queue still uploaded" \
            item_says OneDrive "$f" ' -> /dkcloud-mixed/Trip uploaded( |$)'
        check "mixed: stored $name equals BQM's resized output byte for byte" \
            same_bytes "$mixed/$name" "$store/$name"
    done
}
if [ "$bqm_plugin" != - ]; then
    upload_run OneDrive "OneDrive upload" "$work/PHOTOS/WebOneDrive" "$work/emulator/onedrive"
    upload_run Dropbox "Dropbox upload" "$work/PHOTOS/WebDropbox" "$work/emulator/dropbox"
    failing_run OneDrive "Bad account upload" bad_account
    check "bad account: nothing new on OneDrive" test "$(find "$work/emulator/onedrive" -type f | wc -l)" -eq 4
    failing_run Dropbox "Gone folder upload" removed_folder
    check "removed folder: not made again" test ! -e "$work/emulator/dropbox/dkcloud-gone"
    mixed_run
    # The account the tool names, logged in once, whose saved login the
    # service no longer accepts (both tokens replaced, the access token
    # expired): the engine's refresh is refused.
    cp "$DKCLOUD_CONFIG_DIR/tokens.json" "$work/tokens.json.good"
    python3 -c '
import json, sys
path = sys.argv[1]
tokens = json.load(open(path))
for key, entry in tokens.items():
    if key.startswith("onedrive:"):
        entry.update(access_token="revoked-access", refresh_token="revoked-refresh", expires_at="2020-01-01T00:00:00Z")
json.dump(tokens, open(path, "w"), indent=2)
' "$DKCLOUD_CONFIG_DIR/tokens.json"
    stored_before="$(find "$work/emulator/onedrive" -type f | wc -l)"
    failing_run OneDrive "Expired login upload" expired_login
    check "expired login: nothing new on OneDrive" test "$(find "$work/emulator/onedrive" -type f | wc -l)" -eq "$stored_before"
    cp "$work/tokens.json.good" "$DKCLOUD_CONFIG_DIR/tokens.json"
fi

if [ "$failed" -gt 0 ]; then
    echo "--- hook.log"; cat "$hook"
    echo "--- digikam.log (dkcloud lines)"; grep -E 'dkcloud|DkCloud' "$work/digikam.log" | tail -40
    echo "--- digikam.log (BQM lines)"; grep -E 'Tool|queue|Queue|Jobs|job' "$work/digikam.log" | tail -40
fi
note "done"
echo "screenshots: $artifacts/bqm_${tag}_*.png"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
