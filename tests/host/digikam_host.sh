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
# 12, Qt 5) and 8.6 (Debian 13, Qt 6; see showfoto_8_6.sh).
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
# Exit 77 (skipped) when digikam or the X tools are missing.
set -uo pipefail

[ "$#" -ge 3 ] || { echo "usage: $0 PLUGIN.so EMULATOR ARTIFACTS_DIR [VERSION_TAG]"; exit 2; }
plugin="$(readlink -f "$1")"
emulator="$2"
artifacts="$3"
tag="${4:-}"

for tool in digikam Xvfb openbox xdotool import sqlite3 curl; do
    if ! command -v "$tool" >/dev/null; then
        echo "SKIP: $tool is missing (apt-get install digikam xvfb xauth openbox xdotool imagemagick sqlite3 curl)"
        exit 77
    fi
done
[ -x "$emulator" ] || { echo "SKIP: no emulator at $emulator (cargo build -p dkcloud-emulator)"; exit 77; }
[ -f "$plugin" ] || { echo "FAIL: no plugin at $plugin"; exit 1; }
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
shot() { import -window root "$artifacts/digikam_${tag}_$1.png" 2>/dev/null; }

qt_plugins="$(qmake -query QT_INSTALL_PLUGINS 2>/dev/null)"
dk_plugins=""
for dir in "$qt_plugins/digikam" /usr/lib/x86_64-linux-gnu/qt6/plugins/digikam /usr/lib/x86_64-linux-gnu/qt5/plugins/digikam; do
    if [ -d "$dir/dimg" ]; then dk_plugins="$dir"; break; fi
done
[ -n "$dk_plugins" ] || { echo "FAIL: cannot find digiKam's plugin folder (dimg)"; exit 1; }

# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/lib.sh"
host_work dkhost-digikam
note() { echo "[digikam_$tag $((SECONDS - start_time)) s] $*"; }

# 1. A clean user; our plugin beside digiKam's image loaders and tools, not its generic plugins.
clean_user
mkdir -p "$work/db"
plugin_path "$plugin" "$dk_plugins" dimg editor rawimport bqm

# 2. The collection: PHOTOS, album Trip, 4 distinct JPEGs.
album="$work/PHOTOS/Trip"
mkdir -p "$album"
photos=()
colours=(steelblue-orange darkgreen-yellow purple-pink black-white)
for i in 1 2 3 4; do
    "$convert_bin" -size 800x600 "gradient:${colours[$((i - 1))]}" -pointsize 72 -fill white \
        -annotate +60+320 "Trip photo $i" "$album/photo$i.jpg"
    [ -s "$album/photo$i.jpg" ] || { echo "FAIL: could not make test JPEGs"; exit 1; }
    photos+=("$album/photo$i.jpg")
done
selected=("${photos[0]}" "${photos[1]}") # a click on the first, Shift+Right

# Not at the default place: the plugin must follow `digikam --config`.
mkdir -p "$work/profile"
rc="$work/profile/digikamrc"
# (write_rc: tests/host/digikam_lib.sh)

# The emulator, with the real (browser) login.
start_emulator "$emulator"
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
# digiKam start/stop, windows, keys and screen analysis: tests/host/digikam_lib.sh
# shellcheck source=tests/host/digikam_lib.sh
. "$(dirname "$0")/digikam_lib.sh"


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

if [ "$failed" -gt 0 ]; then
    echo "--- hook.log"; cat "$hook"
    echo "--- browser.log"; cat "$work/browser.log" 2>/dev/null
    echo "--- digikam.log (dkcloud and plugin lines)"; grep -E 'dkcloud\.|DkCloud' "$work/digikam.log" | head -60
fi
note "done"
echo "screenshots: $artifacts/digikam_${tag}_*.png"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
