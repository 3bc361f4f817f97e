#!/usr/bin/env bash
# The installed Debian package in digiKam itself, as a user meets it: the
# packages from dist/ installed with `dpkg -i` (no DK_PLUGIN_PATH: digiKam
# finds dkcloud in its system plugin folder, beside its own OneDrive and
# Dropbox exporters, which are enabled), a clean user, digiKam 7.9 (Debian
# 12) or 8.6 (Debian 13: installed_package_qt6.sh runs this script in the
# Debian 13 root) under Xvfb + openbox. The shipped plugin has no test probe: everything is seen
# from outside (window titles, the host's rc file, screenshots, the emulator's
# stored files).
#
#   installed_package.sh SOURCE_DIR EMULATOR ARTIFACTS_DIR
#
#  1. dist/'s packages for this system (scripts/package makes them when
#     missing; dkcloud and dkcloud-emulator built on Debian 12 serve Debian 13
#     too) are installed with dpkg -i, unless already installed; they are
#     purged at the end if this script installed them.
#  2. User A, first start (after digiKam made its database): the take-over
#     question "dkcloud and digiKam's own exporters" appears; Alt+T (Take
#     Over). digikamrc then has both built-ins false in [EnabledDPlugins].
#     Ctrl+Alt+Shift+O opens dkcloud's "Export to OneDrive" (no "Ambiguous
#     Shortcuts"); Alt+L logs in through $BROWSER against the emulator, Alt+S
#     uploads, the stored photo equals the original; Ctrl+Alt+Shift+D does the
#     same for Dropbox. The packages are built with app registrations built
#     in (test ids, as tests/pkg/debian_packages.sh builds them) and the
#     emulator knows only those (--registrations): with an empty
#     configuration both sign in and upload with no registration step.
#     Ctrl+Q quits digiKam
#     (its own save keeps the answer); the next start asks nothing, and
#     Ctrl+Alt+Shift+O opens ours again.
#  3. User B, a fresh one: Alt+K (Keep Both). dkcloud's OneDrive entry moves to
#     the key the rc file names; that key opens ours, with no ambiguity.
#  4. showfoto for user B (its own showfotorc): the question in showfoto's
#     words, Alt+T (Take Over), both built-ins off in showfotorc,
#     Ctrl+Alt+Shift+O opens ours.
# Screenshots: ARTIFACTS_DIR/installed_TAG_*.png (TAG: 7_9, 8_6). Exit 77
# (skipped) when not root (dpkg -i) or digiKam or the X tools are missing.
set -uo pipefail

[ "$#" -ge 3 ] || { echo "usage: $0 SOURCE_DIR EMULATOR ARTIFACTS_DIR"; exit 2; }
src="$(cd "$1" && pwd)"
emulator="$2"
artifacts="$3"
skip() { echo "SKIP: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "dpkg -i needs root"
command -v dpkg-deb >/dev/null || skip "not a Debian system"
for tool in digikam Xvfb openbox xdotool import sqlite3 curl convert; do
    command -v "$tool" >/dev/null || skip "$tool is missing"
done
mkdir -p "$artifacts"
artifacts="$(readlink -f "$artifacts")"
start_time=$SECONDS
version="$(QT_QPA_PLATFORM=offscreen XDG_RUNTIME_DIR=/tmp timeout 60 digikam --version 2>/dev/null \
    | sed -n 's/^digikam \([0-9][0-9.]*\).*/\1/p' | head -1)"
[ -n "$version" ] || { echo "FAIL: digikam --version says no version"; exit 1; }
tag="$(echo "$version" | cut -d. -f1-2 | tr . _)"
note() { echo "[installed_$tag $((SECONDS - start_time)) s] $*"; }

# shellcheck source=tests/host/lib.sh
. "$(dirname "$0")/lib.sh"
host_work dkhost-installed

# 1. The packages, installed as a user installs them.
codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
arch="$(dpkg --print-architecture)"
debs=()
for name in digikam-plugin-dkcloud dkcloud dkcloud-emulator; do
    deb="$src/dist/${name}_0.1.0-1~${codename}_${arch}.deb"
    [ "$name" = digikam-plugin-dkcloud ] || [ -f "$deb" ] || deb="$src/dist/${name}_0.1.0-1~bookworm_${arch}.deb"
    debs+=("$deb")
done
# The test registrations the packages are built with (the same as
# tests/pkg/debian_packages.sh's), known only to the emulator below.
# shellcheck source=tests/pkg/test_registrations.sh
. "$src/tests/pkg/test_registrations.sh"
if [ ! -f "${debs[0]}" ] || [ ! -f "${debs[1]}" ]; then
    note "no packages in dist/: scripts/package --no-roots, with the test registrations built in"
    DKCLOUD_BUILTIN_ONEDRIVE_CLIENT_ID=$builtin_onedrive DKCLOUD_BUILTIN_DROPBOX_APP_KEY=$builtin_dropbox \
        "$src/scripts/package" --no-roots >"$work/package.log" 2>&1 || { tail -30 "$work/package.log"; echo "FAIL: scripts/package"; exit 1; }
fi
[ "$(dpkg-deb --fsys-tarfile "${debs[0]}" | grep -ac "$builtin_onedrive")" -gt 0 ] \
    || { echo "FAIL: ${debs[0]} has no built-in test registration: remove dist/ (or run debian_packages) to rebuild it"; exit 1; }
installed_before="$(dpkg-query -W -f='${Status}\n' digikam-plugin-dkcloud 2>/dev/null | grep -c 'ok installed')"
purge_packages() {
    [ "$installed_before" = 0 ] && dpkg --purge digikam-plugin-dkcloud dkcloud dkcloud-emulator >/dev/null 2>&1
    host_cleanup
}
trap purge_packages EXIT
if [ "$installed_before" = 0 ]; then
    dpkg -i "${debs[@]}" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; echo "FAIL: dpkg -i"; exit 1; }
fi
system_plugin="$(dpkg -L digikam-plugin-dkcloud | grep '/Generic_DkCloud_Plugin\.so$' | head -1)"
echo "     installed: $system_plugin"
check "the installed plugin is in digiKam's system plugin folder" test -f "$system_plugin"
# The installed emulator too, when its package is there.
[ -x /usr/bin/dkcloud-emulator ] && emulator=/usr/bin/dkcloud-emulator
[ -x "$emulator" ] || { echo "FAIL: no emulator at $emulator"; exit 1; }
check "digiKam's own OneDrive exporter is installed beside it" test -f "$(dirname "$system_plugin")/Generic_OneDrive_Plugin.so"
unset DK_PLUGIN_PATH DKCLOUD_TEST_HOOK
shot() { import -window root "$artifacts/installed_${tag}_$1.png" 2>/dev/null; }

# The collection: PHOTOS/Trip with 2 JPEGs, one database made once and copied per user.
album="$work/PHOTOS/Trip"
mkdir -p "$album"
for i in 1 2; do
    convert -size 800x600 "gradient:steelblue-orange" -pointsize 72 -fill white -annotate +60+320 "Photo $i" "$album/photo$i.jpg"
done

# The emulator knows the built-in registrations only (as debian_packages.sh's does).
registration_file "$work/registrations.toml" "$builtin_onedrive" "$builtin_dropbox"
start_emulator "$emulator" --registrations "$work/registrations.toml"
export DKCLOUD_EMULATOR="$base" DKCLOUD_TOKEN_STORE=file
cat >"$work/browser.sh" <<EOF
#!/bin/sh
echo "open \$1" >>"$work/browser.log"
curl -sfL -o /dev/null "\$1" >>"$work/browser.log" 2>&1
EOF
chmod 755 "$work/browser.sh"
export BROWSER="$work/browser.sh"
start_x
export QT_LOGGING_RULES="digikam.general=true;dkcloud.plugin=true"
export QTWEBENGINE_DISABLE_SANDBOX=1

# A user: XDG folders under $work/USER, digikamrc where digiKam looks by
# default, seeded past the first-run assistant (as FACTS.md says); plugin
# settings untouched, so digiKam's own exporters are enabled.
user() { # user NAME
    # (XDG_STATE_HOME: dkcloud's upload journals, so no other run's unfinished upload is offered)
    export XDG_CONFIG_HOME="$work/$1/config" XDG_DATA_HOME="$work/$1/data" XDG_CACHE_HOME="$work/$1/cache" \
        XDG_STATE_HOME="$work/$1/state" XDG_RUNTIME_DIR="$work/$1/runtime"
    export DKCLOUD_CONFIG_DIR="$work/$1/dkcloud"
    mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$XDG_RUNTIME_DIR" "$work/$1/db"
    chmod 700 "$XDG_RUNTIME_DIR"
    rc="$XDG_CONFIG_HOME/digikamrc"
    db="$work/$1/db"
    cat >"$rc" <<EOF
[General Settings]
Version=$version

[Album Settings]
Show Splash=false

[Database Settings]
Database Type=QSQLITE
Database Name=$db/
Database Name Thumbnails=$db/
Database Name Face=$db/
Database Name Similarity=$db/
Internal Database Server=false
EOF
}
rc_group() { awk -v g="[$1]" '/^\[/ { on = ($0 == g); next } on' "$rc"; }
rc_has() { rc_group "$1" | grep -qx -- "$2"; }

. "$src/tests/host/windows.sh"
wm_class=digikam
# Case matters: digiKam's own exporter is "Export to Onedrive", ours "Export to OneDrive".
title_flags=-Eq
dk_pid=""
start_digikam() { digikam >>"$work/digikam.log" 2>&1 & dk_pid=$!; pids+=("$dk_pid"); }
stop_digikam() {
    kill "$dk_pid" 2>/dev/null
    for _ in $(seq 40); do kill -0 "$dk_pid" 2>/dev/null || return 0; sleep 0.25; done
    kill -9 "$dk_pid" 2>/dev/null
}
question_title='^dkcloud and digiKam.s own exporters'
showfoto_question_title='^dkcloud and Showfoto.s own exporters'
wait_main() { # the main window, the download dialog closed
    local main="" i
    for i in $(seq 180); do main="$(find_main)"; [ -n "$main" ] && break; sleep 0.5; done
    [ -n "$main" ] || return 1
    for i in $(seq 20); do close_download_dialog && break; sleep 0.5; done
    echo "$main"
}
# The question, closing digiKam's download dialog whenever it comes (late on
# a slow start; being modal, it holds the question back).
wait_question() {
    local i
    for i in $(seq 120); do
        close_download_dialog
        find_window "${1:-$question_title}" && return 0
        sleep 0.5
    done
    return 1
}
# answer WHO KEY WHAT [TITLE]: the question appears (screenshot WHO_question),
# KEY answers it; sets `question`.
answer() {
    question="$(wait_question "${4:-$question_title}")"
    check "$1: the take-over question appears once the main window is up" test -n "$question"
    sleep 1
    shot "${1// /_}_question"
    [ -n "$question" ] || return 1
    echo "     question window: $(xdotool getwindowname "$question")"
    activate "$question"
    key "$2"
    check "$1: $3 answers it" wait_gone "$question" 10
    sleep 1
}
# opens_ours WHO KEYS SHOT: KEYS in the main window open dkcloud's window, no ambiguity; sets `od`.
opens_ours() {
    press_in_main "$2"
    od="$(wait_window '^Export to OneDrive( — (digiKam|Showfoto))?$' 20)"
    check "$1: $2 opens dkcloud's 'Export to OneDrive'" test -n "$od"
    check "$1: no 'Ambiguous Shortcuts' dialog" no_ambiguity
    sleep 2
    shot "$3"
}
# "Ctrl+Alt+Shift+N" -> "ctrl+alt+shift+n", "Ctrl+Alt+Shift+F11" -> "ctrl+alt+shift+F11"
xdotool_keys() { echo "$1" | awk -F+ '{ for (i = 1; i < NF; i++) printf "%s+", tolower($i); k = $NF; if (length(k) == 1) k = tolower(k); print k }'; }
no_ambiguity() { absent '^Ambiguous'; }

# The album tree highlights PHOTOS (seeded sidebar state): a click on it and
# Down open Trip, whose first photo digiKam selects by itself.
open_trip() {
    local main y
    main="$(find_main)"
    xdotool windowmove "$main" 0 0 2>/dev/null
    xdotool windowsize "$main" 1280 870 2>/dev/null
    sleep 2
    import -window root "$work/tree.png" 2>/dev/null
    y="$(row_y "$work/tree.png")"
    [ -n "$y" ] || return 1
    xdotool mousemove 120 "$y" click 1
    sleep 1
    key Down
    sleep 3
    shot album
}

# The database, made by digiKam's own first start (it opens its Collections
# page on an empty one), then the collection added with sqlite3.
user template
note "digiKam $version, making its database"
start_digikam
for _ in $(seq 120); do
    sqlite3 "$db/digikam4.db" "select count(*) from AlbumRoots" >/dev/null 2>&1 && find_window '^Configure' >/dev/null && break
    sleep 0.5
done
stop_digikam
today="$(date +%F)"
sqlite3 "$db/digikam4.db" \
    "insert into AlbumRoots (id, label, status, type, identifier, specificPath) values (1, 'PHOTOS', 0, 1, 'volumeid:?path=$work/PHOTOS', '/');
     insert into Albums (id, albumRoot, relativePath, date) values (1, 1, '/', '$today'), (2, 1, '/Trip', '$today');" \
    || { echo "FAIL: could not add the collection to digikam4.db"; exit 1; }
template_db="$db"
new_user() { user "$1"; cp "$template_db"/*.db "$db/"; printf '\n[AlbumFolderView Sidebar]\nCurrentIndex=1\nExpansion=0,1\nSelection=1\n' >>"$rc"; }

# 2. User A: Take Over.
new_user alice
note "user A: first start with the package installed"
start_digikam
main="$(wait_main)"
check "digiKam's main window appears" test -n "$main"
check "digiKam's loader loaded the installed plugin from its system folder" \
    grep -q "Plugin of type Digikam::DPluginGeneric loaded from \"$system_plugin\"" "$work/digikam.log"
answer "user A" alt+t "Alt+T (Take Over)"
check "Take Over: digiKam's OneDrive exporter is off in digikamrc" rc_has EnabledDPlugins org.kde.digikam.plugin.generic.OneDrive=false
check "Take Over: digiKam's Dropbox exporter is off in digikamrc" rc_has EnabledDPlugins org.kde.digikam.plugin.generic.DropBox=false
check "the answer is remembered in dkcloud's own group" rc_has dkcloud 'Built-in Exporters=take-over'

check "the album Trip is open" open_trip
# sign_in_and_upload NAME SERVICE WINDOW SHOT: in the open export window, with
# an empty configuration: Alt+L signs in at once (with the built-in
# registration, which the sign-in page names: no registration step), Alt+S uploads.
sign_in_and_upload() {
    local name="$1" service="$2" window="$3" id stored=""
    id="$builtin_onedrive"; [ "$service" = dropbox ] && id="$builtin_dropbox"
    check "$name: an empty configuration (no App Registration in digikamrc, no config.toml)" \
        bash -c "! grep -q '^Client Id=.' '$rc' && [ ! -e '$DKCLOUD_CONFIG_DIR/config.toml' ]"
    activate "$window"
    key alt+l
    for _ in $(seq 60); do grep -q "^open .*client_id=$id" "$work/browser.log" 2>/dev/null && break; sleep 0.5; done
    check "$name: Alt+L opens the sign-in page with the built-in registration ($id)" grep -q "^open .*client_id=$id" "$work/browser.log"
    sleep 4
    shot "${4}_signed_in"
    activate "$window"
    key alt+s
    for _ in $(seq 60); do
        stored="$(find "$work/emulator/$service" -name 'photo*.jpg' 2>/dev/null | head -1)"
        [ -n "$stored" ] && break
        sleep 0.5
    done
    sleep 2
    shot "${4}_uploaded"
    check "$name: Alt+S uploads a photo to the emulator" test -n "$stored"
    [ -n "$stored" ] && check "$name: the stored $(basename "$stored") equals the original" cmp -s "$stored" "$album/$(basename "$stored")"
    activate "$window"
    key alt+c
    wait_gone "$window" 10
}
opens_ours "after Take Over, at once" ctrl+alt+shift+o takeover_onedrive
[ -n "$od" ] && sign_in_and_upload OneDrive onedrive "$od" takeover
press_in_main ctrl+alt+shift+d
dropbox_window="$(wait_window '^Export to Dropbox( — digiKam)?$' 20)"
check "after Take Over: Ctrl+Alt+Shift+D opens dkcloud's 'Export to Dropbox'" test -n "$dropbox_window"
sleep 2
[ -n "$dropbox_window" ] && sign_in_and_upload Dropbox dropbox "$dropbox_window" takeover_dropbox
note "quitting with Ctrl+Q (digiKam saves its config)"
press_in_main ctrl+q
for _ in $(seq 60); do kill -0 "$dk_pid" 2>/dev/null || break; sleep 0.5; done
kill -0 "$dk_pid" 2>/dev/null && stop_digikam
check "after digiKam's own save on quit, the built-ins stay off" rc_has EnabledDPlugins org.kde.digikam.plugin.generic.OneDrive=false

note "user A: second start"
start_digikam
main="$(wait_main)"
for _ in $(seq 16); do close_download_dialog; sleep 0.5; done # the question would be up by now
check "the second start asks nothing" absent "$question_title"
press_in_main alt+x
sleep 1.5
shot takeover_second_start_export_menu
key Escape
sleep 0.5
opens_ours "second start" ctrl+alt+shift+o takeover_second_start_onedrive
check "second start: digiKam's own OneDrive window does not open" absent '^Export to Onedrive'
stop_digikam

# 3. User B: Keep Both.
new_user bob
note "user B: first start, Keep Both"
start_digikam
main="$(wait_main)"
answer "user B" alt+k "Alt+K (Keep Both)"
moved="$(rc_group dkcloud | sed -n 's/^OneDrive Shortcut=//p')"
check "Keep Both: the moved OneDrive key is remembered ($moved)" test -n "$moved"
check "Keep Both: the built-ins stay enabled" bash -c "! grep -q 'generic.OneDrive=false' '$rc'"
[ -n "$moved" ] && opens_ours "Keep Both" "$(xdotool_keys "$moved")" keepboth_onedrive
stop_digikam

# 4. showfoto, for user B (it has its own showfotorc): asked once too; Take Over.
if command -v showfoto >/dev/null; then
    note "showfoto: first start, Take Over"
    wm_class=showfoto
    showfoto "$album" >>"$work/showfoto.log" 2>&1 &
    dk_pid=$!
    pids+=("$dk_pid")
    answer showfoto alt+t "Alt+T (Take Over)" "$showfoto_question_title"
    rc="$XDG_CONFIG_HOME/showfotorc"
    check "showfoto: both built-ins off in showfotorc" \
        bash -c "grep -qx 'org.kde.digikam.plugin.generic.OneDrive=false' '$rc' && grep -qx 'org.kde.digikam.plugin.generic.DropBox=false' '$rc'"
    opens_ours showfoto ctrl+alt+shift+o showfoto_onedrive
    stop_digikam
fi

if [ "$failed" -gt 0 ]; then
    echo "--- digikam.log (dkcloud lines)"; grep -Ei 'dkcloud|ambiguous' "$work/digikam.log" | head -40
fi
note "done"
echo "screenshots: $artifacts/installed_${tag}_*.png"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
