#!/usr/bin/env bash
# An album of a few hundred photos, all selected, opens the export window
# with every one of them listed, and the rows in view get their thumbnails
# from digiKam's own thumbnail loader (issue 25). The timing is the
# benchmark's (tests/bench/open_dialog.sh), not this test's.
#
#   digikam_many_photos.sh PLUGIN.so EMULATOR ARTIFACTS_DIR [VERSION_TAG] [COUNT]
#
#  1. A clean user and a seeded digiKam as in digikam_host.sh, an album Many
#     of COUNT (300) distinct 1600x1200 JPEGs and one RAW photo, a 600x400
#     DNG drawn by tests/host/make_dng.py (no embedded preview: digiKam must
#     develop it); digiKam scans them.
#  2. Ctrl+A selects all, Ctrl+Alt+Shift+O opens "Export to OneDrive".
#  3. The window lists exactly the COUNT + 1 photos; thumbnails of the rows in
#     view come from digiKam ("thumbnail from=digikam"), at the photos'
#     proportions: 4:3 for the JPEGs, 3:2 for the RAW photo (its first row),
#     not a generic icon; the last row gets its thumbnail once scrolled to
#     (End in the list). Screenshots: digikam_many_TAG_onedrive_window*.png.
#  4. Ctrl+Alt+Shift+D: the Dropbox window lists them too.
# Exit 77 (skipped) when digikam or the X tools are missing.
set -uo pipefail

[ "$#" -ge 3 ] || { echo "usage: $0 PLUGIN.so EMULATOR ARTIFACTS_DIR [VERSION_TAG] [COUNT]"; exit 2; }
plugin="$(readlink -f "$1")"
emulator="$2"
artifacts="$3"
tag="${4:-}"
count="${5:-300}"
here="$(cd "$(dirname "$0")" && pwd)"

# shellcheck source=tests/host/digikam_lib.sh
. "$here/digikam_lib.sh"
need_digikam_tools "$emulator" "$plugin" digikam Xvfb openbox xdotool import sqlite3 python3
digikam_prelude digikam_many
# shellcheck source=tests/host/lib.sh
. "$here/lib.sh"
host_work dkhost-many

# 1. A clean user, our plugin beside digiKam's loaders and tools; the album.
clean_user
mkdir -p "$work/db" "$work/profile"
plugin_path "$plugin" "$dk_plugins" dimg editor rawimport bqm
rc="$work/profile/digikamrc"
album="$work/PHOTOS/Many"
"$convert_bin" -size 1600x1200 plasma:steelblue-orange -pointsize 120 -fill white -annotate +100+650 "Many" \
    -quality 90 "$work/source.jpg" || { echo "FAIL: could not make the source photo"; exit 1; }
python3 "$here/many_photos.py" "$work/source.jpg" "$album" "$count"
photos=("$album"/IMG_*.jpg)
check "$count photos made" test "${#photos[@]}" = "$count"
# The RAW photo sorts first: its row is in view when the window opens.
raw="$album/IMG_0000_raw.dng"
python3 "$here/make_dng.py" "$raw"
check "a RAW photo made (DNG)" test -s "$raw"
photos=("$raw" "${photos[@]}")

start_emulator "$emulator"
hook="$work/hook.log"
: >"$hook"
export DKCLOUD_EMULATOR="$base" DKCLOUD_CONFIG_DIR="$work/dkcloud" DKCLOUD_TOKEN_STORE=file DKCLOUD_TEST_HOOK="$hook"
export BROWSER=true
start_x
export QT_LOGGING_RULES="digikam.general=true;dkcloud.plugin=true"
export QTWEBENGINE_DISABLE_SANDBOX=1

start_in_album Many
scanned() { test "$(sqlite3 "$work/db/digikam4.db" "select count(*) from Images where album = 2" 2>/dev/null)" = "${#photos[@]}"; }
for _ in $(seq 120); do scanned && break; sleep 0.5; done
check "digiKam scanned the album's ${#photos[@]} photos" scanned
note "album open"

# 2. All selected, the window by its shortcut.
set_mark
press_in_main ctrl+a
sleep 1
key ctrl+alt+shift+o
check "Ctrl+Alt+Shift+O opens the OneDrive window" wait_hook '^OneDrive opened ' 60
window="$(wait_window "$(title 'Export to OneDrive')" 30)"
check "the OneDrive window is on the screen" test -n "$window"
note "OneDrive window open"

# 3. Every photo listed; thumbnails from digiKam's loader.
check "it lists exactly the ${#photos[@]} selected photos" items_are '^OneDrive opened ' "${photos[@]}"
check "rows in view get their thumbnails from digiKam's loader" wait_hook '^OneDrive thumbnail from=digikam size=[0-9]+x[0-9]+ path=' 30
# thumbnail_shape PATH W H: the row of PATH shows a picture of proportions W:H
# (a generic icon has none: size=0x0, or square).
thumbnail_shape() {
    local size
    size="$(new_lines | sed -n "s|^OneDrive thumbnail from=digikam size=\([0-9]*x[0-9]*\) path=$(re "$1")\$|\1|p" | tail -1)"
    echo "     $(basename "$1"): ${size:-no thumbnail}"
    [ -n "$size" ] && awk -v s="$size" -v w="$2" -v h="$3" 'BEGIN { split(s, d, "x"); exit !(d[2] > 0 && d[1] * h - d[2] * w <= h && d[2] * w - d[1] * h <= h) }'
}
wait_hook "path=$(re "$raw")\$" 30
check "the RAW photo's row shows its developed preview (3:2, not a generic icon)" thumbnail_shape "$raw" 3 2
wait_hook "path=$(re "${photos[1]}")\$" 30
check "a JPEG's row shows its picture (4:3)" thumbnail_shape "${photos[1]}" 4 3
shown="$(new_lines | grep -c '^OneDrive thumbnail from=digikam')"
check "only the rows in view and a few beyond are thumbnailed at first ($shown)" test "$shown" -lt 60
check "no thumbnail from the worker threads inside digiKam" bash -c "! grep -q '^OneDrive thumbnail from=reader' '$hook'"
sleep 1
shot onedrive_window
last="${photos[-1]}"
if [ -n "$window" ]; then
    activate "$window"
    list_y=200
    xdotool mousemove 300 "$list_y" click 1 # a row of the list: the keys go to it
    sleep 0.3
    key End
fi
check "the last row gets its thumbnail once scrolled to" wait_hook "^OneDrive thumbnail from=digikam size=64x48 path=$(re "$last")\$" 30
sleep 1
shot onedrive_window_end
close_dialog "$window" "the OneDrive window"

# 4. Dropbox lists them too.
set_mark
press_in_main ctrl+alt+shift+d
check "Ctrl+Alt+Shift+D opens the Dropbox window" wait_hook '^Dropbox opened ' 60
check "the Dropbox window lists exactly the ${#photos[@]} selected photos" items_are '^Dropbox opened ' "${photos[@]}"
check "its rows get thumbnails from digiKam's loader" wait_hook '^Dropbox thumbnail from=digikam size=[0-9]+x[0-9]+ path=' 30
window="$(wait_window "$(title 'Export to Dropbox')" 30)"
close_dialog "$window" "the Dropbox window"

note "done"
stop_digikam
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
