#!/usr/bin/env bash
# digiKam's Batch Queue Manager (BQM) run as a user runs it, under Xvfb +
# openbox: a queue with digiKam's own Resize tool over a generated album.
#
#   bqm_host.sh BQM_PLUGIN.so|- EMULATOR ARTIFACTS_DIR [VERSION_TAG]
#
# BQM_PLUGIN.so is dkcloud's BQM plugin (its upload tools); "-" runs the
# resize-only queue. VERSION_TAG (7_9, 8_6) names the screenshots,
# ARTIFACTS_DIR/bqm_TAG_*.png; by default it comes from `digikam --version`.
# Runs with digiKam 7.9 (Debian 12, Qt 5) and 8.6 (Debian 13, Qt 6; see
# showfoto_8_6.sh).
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
#  6. Checks: 4 JPEGs in Web, 640x480, different from the originals, and BQM
#     says done (its status bar; digiKam's database knows the new files).
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
[ "$bqm_plugin" = - ] || [ -f "$bqm_plugin" ] || { echo "FAIL: no BQM plugin at $bqm_plugin"; exit 1; }
convert_bin=/usr/bin/convert
[ -x "$convert_bin" ] || convert_bin=convert
command -v "$convert_bin" >/dev/null || { echo "SKIP: ImageMagick's convert is missing"; exit 77; }
mkdir -p "$artifacts"
artifacts="$(readlink -f "$artifacts")"

start_time=$SECONDS
version="$(QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=/tmp timeout 60 digikam --version 2>/dev/null \
    | sed -n 's/^digikam \([0-9][0-9.]*\).*/\1/p' | head -1)"
[ -n "$version" ] || { echo "FAIL: digikam --version says no version"; exit 1; }
[ -n "$tag" ] || tag="$(echo "$version" | cut -d. -f1-2 | tr . _)"
shot() { import -window root "$artifacts/bqm_${tag}_$1.png" 2>/dev/null; }

qt_plugins="$(qmake -query QT_INSTALL_PLUGINS 2>/dev/null)"
dk_plugins=""
for dir in "$qt_plugins/digikam" /usr/lib/x86_64-linux-gnu/qt6/plugins/digikam /usr/lib/x86_64-linux-gnu/qt5/plugins/digikam; do
    if [ -d "$dir/dimg" ]; then dk_plugins="$dir"; break; fi
done
[ -n "$dk_plugins" ] || { echo "FAIL: cannot find digiKam's plugin folder (dimg)"; exit 1; }

# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/lib.sh"
host_work dkhost-bqm
note() { echo "[bqm_$tag $((SECONDS - start_time)) s] $*"; }

# 1. A clean user; digiKam's image loaders and BQM tools, with ours among them.
clean_user
mkdir -p "$work/db"
for kind in dimg editor rawimport bqm; do
    mkdir -p "$work/plugins/$kind"
    cp -r "$dk_plugins/$kind/." "$work/plugins/$kind/"
done
[ "$bqm_plugin" = - ] || ln -s "$bqm_plugin" "$work/plugins/bqm/Bqm_DkCloud_Plugin.so"
export DK_PLUGIN_PATH="$work/plugins"

# 2. The collection: PHOTOS, album Trip with 4 distinct JPEGs, album Web for BQM's output.
album="$work/PHOTOS/Trip"
web="$work/PHOTOS/Web"
mkdir -p "$album" "$web"
photos=()
colours=(steelblue-orange darkgreen-yellow purple-pink black-white)
for i in 1 2 3 4; do
    "$convert_bin" -size 800x600 "gradient:${colours[$((i - 1))]}" -pointsize 72 -fill white \
        -annotate +60+320 "Trip photo $i" "$album/photo$i.jpg"
    [ -s "$album/photo$i.jpg" ] || { echo "FAIL: could not make test JPEGs"; exit 1; }
    photos+=("$album/photo$i.jpg")
done

mkdir -p "$work/profile"
rc="$work/profile/digikamrc"

# 3. The saved workflow (WorkflowManager's queue.xml in digiKam's data folder).
# Tool groups: BatchTool::BatchToolGroup (TransformTool = 4). Resize with
# UseCustom=false takes LengthPreset (1 = Small, 640x480). Queue settings:
# useoriginalalbum=0 + workingurl = the target album; conflictrule 0 =
# overwrite; renamingrule 0 = the original name.
# workflow_tool NAME GROUP PARAM=TYPE:VALUE...: one <tool> element.
workflow_tool() {
    local name="$1" group="$2" p
    shift 2
    printf '  <tool>\n   <toolname value="%s"/>\n   <toolgroup value="%s"/>\n   <index value="0"/>\n   <version value="1"/>\n' "$name" "$group"
    for p in "$@"; do
        printf '   <parameter name="%s" type="%s" value="%s"/>\n' "${p%%=*}" "$(echo "${p#*=}" | cut -d: -f1)" "${p#*:}"
    done
    printf '  </tool>\n'
}
resize_tool() {
    workflow_tool Resize 4 UseCustom=bool:false PreserveRatioBox=bool:false UsePixel=bool:false \
        UsePercent=bool:false UseCM=bool:false UseInches=bool:false LengthCustom=int:1024 LengthPreset=int:1
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
mkdir -p "$XDG_DATA_HOME/digikam"
{
    echo '<!DOCTYPE XMLQueueList>'
    echo '<queuelist version="2.0" client="digikam" encoding="UTF-8">'
    workflow "Resize for the web" "$web" "$(resize_tool)"
    echo '</queuelist>'
} >"$XDG_DATA_HOME/digikam/queue.xml"

start_emulator "$emulator"
start_x

export QT_LOGGING_RULES="digikam.general=true"
export QTWEBENGINE_DISABLE_SANDBOX=1
# shellcheck source=tests/host/digikam_lib.sh
. "$(dirname "$0")/digikam_lib.sh"

start_in_album Trip Web
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

if [ "$failed" -gt 0 ]; then
    echo "--- digikam.log (BQM lines)"; grep -E 'Tool|queue|Queue|Jobs|job' "$work/digikam.log" | tail -40
fi
note "done"
echo "screenshots: $artifacts/bqm_${tag}_*.png"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
