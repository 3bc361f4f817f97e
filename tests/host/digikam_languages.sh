#!/usr/bin/env bash
# The export window in a German, French and Spanish digiKam: digiKam starts
# with LANGUAGE=de (fr, es), as a user's desktop language (or digiKam's own
# Help > Configure Language) sets it, finds dkcloud's catalogue where the
# package installs it (here the build tree's locale/, first on XDG_DATA_DIRS)
# and Ctrl+Alt+Shift+O opens the window. The probe lists every visible text
# of it (title, labels, buttons, group titles, combo items, list headers,
# tool tips) and names each one that is still the English source of a
# translated string of po/LANG/dkcloud.po; the test fails on any. A
# screenshot of each window: ARTIFACTS/digikam_TAG_export_LANG.png.
#
#   digikam_languages.sh PLUGIN.so EMULATOR ARTIFACTS_DIR BUILD_DIR SOURCE_DIR [VERSION_TAG]
#
# One digiKam start makes the database, one opens the album, then one start
# per language. Exit 77 (skipped) when digikam or the X tools are missing.
set -uo pipefail

[ "$#" -ge 5 ] || { echo "usage: $0 PLUGIN.so EMULATOR ARTIFACTS_DIR BUILD_DIR SOURCE_DIR [VERSION_TAG]"; exit 2; }
plugin="$(readlink -f "$1")"
emulator="$2"
artifacts="$3"
build="$(readlink -f "$4")"
source_dir="$(readlink -f "$5")"
tag="${6:-}"

# shellcheck source=tests/host/digikam_lib.sh
. "$(dirname "$0")/digikam_lib.sh"
need_digikam_tools "$emulator" "$plugin" digikam Xvfb openbox xdotool import sqlite3 curl gettext
digikam_prelude digikam

# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/lib.sh"
host_work dkhost-languages

clean_user
mkdir -p "$work/db"
plugin_path "$plugin" "$dk_plugins" dimg editor rawimport bqm
make_trip_photos
mkdir -p "$work/profile"
rc="$work/profile/digikamrc"

start_emulator "$emulator"
hook="$work/hook.log"
: >"$hook"
export DKCLOUD_EMULATOR="$base" DKCLOUD_CONFIG_DIR="$work/dkcloud" DKCLOUD_TOKEN_STORE=file DKCLOUD_TEST_HOOK="$hook"
export XDG_DATA_DIRS="$build:/usr/local/share:/usr/share"
export QTWEBENGINE_DISABLE_SANDBOX=1
start_x

unset LANGUAGE DKCLOUD_TEST_CATALOGUE # the album is made in English, as digikam_lib.sh knows its windows
start_in_album Trip
note "album open"

# Our window titles in LANG, from po/LANG/dkcloud.po.
translation() { grep -A1 "^msgid \"$(re "$2")\"\$" "$source_dir/po/$1/dkcloud.po" | sed -n 's/^msgstr "\(.*\)"$/\1/p' | head -1; }

for lang in de fr es; do
    stop_digikam
    set_mark
    export LANGUAGE="$lang"
    # A desktop's locale where one is generated (glibc 2.41, Debian 13, ignores
    # LANGUAGE under C.UTF-8 as under C); Debian 12's glibc honours it there.
    if locale -a 2>/dev/null | grep -qx 'en_US.utf8'; then export LANG=en_US.UTF-8; fi
    # digiKam's "Download required files" comes at every start, titled in
    # LANG by a catalogue entry we cannot name: any window of digiKam's but
    # the main one and pop-ups titled plain "digiKam" is closed with Escape.
    close_download_dialog() {
        local w main_window name
        main_window="$(find_main)"
        for w in $(xdotool search --onlyvisible --class digikam 2>/dev/null); do
            [ "$w" = "$main_window" ] && continue
            name="$(xdotool getwindowname "$w" 2>/dev/null)"
            case "$name" in "" | digiKam | DigiKam) continue ;; esac
            activate "$w"
            key Escape
            wait_gone "$w" 5
            return 0
        done
        return 1
    }
    window_title="$(translation "$lang" "Export to %1" | sed 's/%1/OneDrive/')"
    expected_start="$(translation "$lang" "&Start Upload")"
    check "[$lang] the window's title and Start Upload are translated in the catalogue" \
        test -n "$window_title" -a "$window_title" != "Export to OneDrive" -a -n "$expected_start"
    note "start in $lang"
    export DKCLOUD_TEST_CATALOGUE="$source_dir/po/$lang/dkcloud.po"
    export DKCLOUD_TEST_SHOT="$artifacts/${run_name}_export_$lang.png"
    rm -f "$DKCLOUD_TEST_SHOT"
    start_main
    press_in_main ctrl+alt+shift+o
    dialog="$(wait_window "^$(re "$window_title")" 30)"
    check "[$lang] Ctrl+Alt+Shift+O opens \"$window_title\"" test -n "$dialog"
    check "[$lang] the probe listed the window's texts" wait_hook '^texts-checked ' 30
    start_read="$(new_lines | sed -n 's/^texts service=OneDrive count=[0-9]* start=//p' | tail -1)"
    check "[$lang] Start Upload reads \"${expected_start//&/}\" (accelerator aside)" test "${start_read//&/}" = "${expected_start//&/}"
    new_lines | grep '^untranslated ' | sed 's/^/     /'
    check "[$lang] no visible text of the window is left in English" has_hook '^texts-checked untranslated=0$'
    check "[$lang] screenshot ${run_name}_export_$lang.png (the probe's grab of the window)" \
        test -s "$DKCLOUD_TEST_SHOT" -a "$(new_lines | grep -c '^texts-shot saved=yes$')" = 1
    if [ -n "$dialog" ]; then
        activate "$dialog"
        key Escape
        wait_gone "$dialog" 10
    fi
done
unset LANGUAGE DKCLOUD_TEST_CATALOGUE DKCLOUD_TEST_SHOT
export LANG=C.UTF-8
stop_digikam

echo "$passed passed, $failed failed ($((SECONDS - start_time)) s)"
[ "$failed" -eq 0 ]
