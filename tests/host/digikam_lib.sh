# digiKam itself as a test host (sourced by digikam_host.sh and bqm_host.sh):
# what they find before they start (digikam_prelude), the seeded digikamrc,
# start and stop, windows by title, keys, and the screen analysis that finds
# the album tree and thumbnails.
# Needs: work, rc (after host_work), and what digikam_prelude sets.

# need_digikam_tools EMULATOR PLUGIN TOOL...: exits 77 (skipped) when a tool
# or the emulator is missing, 1 when the plugin is.
need_digikam_tools() {
    local emulator="$1" plugin="$2" tool
    shift 2
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null; then
            echo "SKIP: $tool is missing (apt-get install digikam xvfb xauth openbox xdotool imagemagick sqlite3 curl)"
            exit 77
        fi
    done
    [ -x "$emulator" ] || { echo "SKIP: no emulator at $emulator (cargo build -p dkcloud-emulator)"; exit 77; }
    [ -f "$plugin" ] || { echo "FAIL: no plugin at $plugin"; exit 1; }
}

# digikam_prelude NAME: ImageMagick's convert (convert_bin), the artifacts
# folder made absolute, digiKam's version and tag (from `digikam --version`
# unless tag is set), digiKam's own plugin folder (dk_plugins), and shot()
# and note() named NAME_TAG. Exits 77 without convert.
digikam_prelude() {
    local dir qt_plugins
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
    run_name="$1_$tag"
    qt_plugins="$(qmake -query QT_INSTALL_PLUGINS 2>/dev/null)"
    dk_plugins=""
    for dir in "$qt_plugins/digikam" /usr/lib/x86_64-linux-gnu/qt6/plugins/digikam /usr/lib/x86_64-linux-gnu/qt5/plugins/digikam; do
        if [ -d "$dir/dimg" ]; then dk_plugins="$dir"; break; fi
    done
    [ -n "$dk_plugins" ] || { echo "FAIL: cannot find digiKam's plugin folder (dimg)"; exit 1; }
}
# make_trip_photos: the album folder Trip (album) with 4 distinct generated
# JPEGs (photos, in order).
make_trip_photos() {
    local i colours=(steelblue-orange darkgreen-yellow purple-pink black-white)
    album="$work/PHOTOS/Trip"
    mkdir -p "$album"
    photos=()
    for i in 1 2 3 4; do
        "$convert_bin" -size 800x600 "gradient:${colours[$((i - 1))]}" -pointsize 72 -fill white \
            -annotate +60+320 "Trip photo $i" "$album/photo$i.jpg"
        [ -s "$album/photo$i.jpg" ] || { echo "FAIL: could not make test JPEGs"; exit 1; }
        photos+=("$album/photo$i.jpg")
    done
}
shot() { import -window root "$artifacts/${run_name}_$1.png" 2>/dev/null; }
note() { echo "[$run_name $((SECONDS - start_time)) s] $*"; }

write_rc() { # write_rc [with-album-tree-state]
    cat >"$rc" <<EOF
[General Settings]
Version=$version

[Album Settings]
Show Splash=false

[Database Settings]
Database Type=QSQLITE
Database Name=$work/db/
Database Name Thumbnails=$work/db/
Database Name Face=$work/db/
Database Name Similarity=$work/db/
Internal Database Server=false

[EnabledDPlugins]
org.kde.digikam.plugin.generic.OneDrive=false
org.kde.digikam.plugin.generic.DropBox=false
EOF
    # Album ids 1 (the collection's root PHOTOS) and 2 (the first album, see start_in_album):
    # PHOTOS current and expanded, so that album is the row below it.
    [ -z "${1:-}" ] || printf '\n[AlbumFolderView Sidebar]\nCurrentIndex=1\nExpansion=0,1\nSelection=1\n' >>"$rc"
}

dk_pid=""
start_digikam() {
    digikam --config "$rc" --database-directory "$work/db" >>"$work/digikam.log" 2>&1 &
    dk_pid=$!
    pids+=($dk_pid)
}
stop_digikam() {
    kill "$dk_pid" 2>/dev/null
    for _ in $(seq 40); do kill -0 "$dk_pid" 2>/dev/null || return 0; sleep 0.25; done
    kill -9 "$dk_pid" 2>/dev/null
    sleep 0.5
}

# Windows by title (xdotool's --name misses digiKam's main window): visible
# windows of class digikam whose title matches the extended regex $1.
find_window() {
    local w
    xdotool search --onlyvisible --class digikam 2>/dev/null | while read -r w; do
        if xdotool getwindowname "$w" 2>/dev/null | grep -Eqi -- "$1"; then echo "$w"; break; fi
    done
}
wait_window() { # wait_window REGEX [SECONDS] -> window id
    local w="" i
    for i in $(seq $((${2:-60} * 2))); do
        w="$(find_window "$1")"
        [ -n "$w" ] && { echo "$w"; return 0; }
        sleep 0.5
    done
    return 1
}
wait_gone() { # wait_gone WINDOW [SECONDS]
    local i
    for i in $(seq $((${2:-10} * 2))); do
        xdotool search --onlyvisible --class digikam 2>/dev/null | grep -qx "$1" || return 0
        sleep 0.5
    done
    return 1
}
# The main window: the largest "digiKam" (progress pop-ups have that title too).
title() { printf '^%s( — [[:alnum:]]+)?$' "$1"; } # the window manager's title: "TITLE — digiKam"
find_main() {
    local w best="" area=0 WIDTH HEIGHT
    for w in $(xdotool search --onlyvisible --class digikam 2>/dev/null); do
        [ "$(xdotool getwindowname "$w" 2>/dev/null)" = digiKam ] || continue
        eval "$(xdotool getwindowgeometry --shell "$w" 2>/dev/null | grep -E '^(WIDTH|HEIGHT)=')"
        if [ "${WIDTH:-0}" -ge 500 ] && [ $((WIDTH * HEIGHT)) -gt "$area" ]; then best="$w"; area=$((WIDTH * HEIGHT)); fi
    done
    echo "$best"
}
activate() { xdotool windowactivate --sync "$1" 2>/dev/null || xdotool windowfocus --sync "$1" 2>/dev/null; sleep 0.5; }
key() { xdotool key --clearmodifiers "$@"; }
close_download_dialog() { # digiKam's "Download required files" (face models; 9.1: "Download Required Model Files"), at every start
    local dl
    dl="$(find_window "$(title 'Download [Rr]equired ([Mm]odel )?[Ff]iles')")"
    [ -n "$dl" ] || return 1
    activate "$dl"
    key Escape
    wait_gone "$dl" 5
}
press_in_main() {
    close_download_dialog
    activate "$(find_main)"
    key "$@"
}

# Hook lines since a mark: each step looks only at what it caused.
mark=0
set_mark() { mark="$(wc -l <"$hook")"; }
new_lines() { tail -n +$((mark + 1)) "$hook"; }
wait_hook() { # wait_hook REGEX [SECONDS]: a new line matches
    local i
    for i in $(seq $((${2:-60} * 2))); do
        new_lines | grep -Eq -- "$1" && return 0
        sleep 0.5
    done
    return 1
}
has_hook() { new_lines | grep -Eq -- "$1"; }
re() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }
items_are() { # items_are REGEX FILE...: the items= of the new line matching REGEX are exactly FILE...
    local line got want
    line="$(new_lines | grep -E -- "$1" | tail -1)"
    got="$(printf '%s\n' "${line##* items=}" | tr '|' '\n' | sort)"
    shift
    want="$(printf '%s\n' "$@" | sort)"
    if [ -n "$line" ] && [ "$got" = "$want" ]; then return 0; fi
    echo "     items: ${line##* items=}"
    return 1
}
close_dialog() { # close_dialog WINDOW NAME: Alt+C ("&Close"), as a user closes it
    [ -n "$1" ] || return 0
    activate "$1"
    key alt+c
    if wait_gone "$1" 10; then
        check "$2 closes with Alt+C" true
    else
        check "$2 closes with Alt+C" false
        activate "$1" # so that the next steps can go on
        key Escape
        wait_gone "$1" 5
    fi
    sleep 0.5
}
same_bytes() { [ -f "$2" ] && cmp -s "$1" "$2"; }

# Screen analysis (main window 1280x870 at 0,0), on screenshots:
# blue_runs PNG X: the runs "FIRST LAST" of digiKam's selection blue (the album
# header, selected thumbnails) down the column X, between y=40 and y=700.
blue_runs() {
    "$convert_bin" "$1" -crop "1x660+$2+40" txt:- 2>/dev/null | awk -F'[ ,:()]+' 'NR > 1 {
        y = $2 + 40; blue = ($5 > 200 && $3 < 120 && $4 > 140)
        if (blue) { if (first == "") first = y; last = y } else if (first != "") { print first, last; first = "" } }
        END { if (first != "") print first, last }'
}
# row_y PNG: the middle of the album tree's highlighted (light blue) row, at x=300.
row_y() {
    "$convert_bin" "$1" -crop 1x500+300+40 txt:- 2>/dev/null | awk -F'[ ,:()]+' 'NR > 1 {
        y = $2; r = $3; b = $5
        if (b - r > 30 && r > 150) { if (first == "") first = y; last = y } else if (first != "") exit }
        END { if (first != "") print int((first + last) / 2) + 40 }'
}
# The album view's header (a blue bar 30-60 px high at x=1000; the welcome page has none).
album_header_shown() { blue_runs "$1" 1000 | awk '$2 - $1 >= 30 && $2 - $1 <= 70 { found = 1 } END { exit !found }'; }
# tile_y PNG: the date line, low in the caption part (below the picture, 80-160 px
# of blue at x=470) of the first selected thumbnail (not its rating stars).
tile_y() { blue_runs "$1" 470 | awk '$2 - $1 >= 80 && $2 - $1 <= 160 { print int($1 + ($2 - $1) * 0.8); exit }'; }

# start_in_album ALBUM [ALBUM...]: folders under $work/PHOTOS. Start 1 makes
# the database, the collection PHOTOS and the albums (ids 2, 3, ... in the
# order given; the first must sort first) are added with sqlite3, start 2 opens
# the first one from the seeded album tree state (start_main, open_album).
# Sets main, dk_pid.
start_in_album() {
    local values id name schema today
    # Start 1: an empty database: digiKam creates its schema and asks for a collection.
    note "digiKam $version: first start (creates the database)"
    write_rc
    start_digikam
    schema=""
    for _ in $(seq 120); do
        if [ -n "$(find_window '^Configure')" ] \
            && sqlite3 "$work/db/digikam4.db" "select count(*) from AlbumRoots" >/dev/null 2>&1; then
            schema=yes; break
        fi
        kill -0 "$dk_pid" 2>/dev/null || break
        sleep 0.5
    done
    check "digiKam creates its database on the first start" test -n "$schema"
    stop_digikam

    # The collection and its albums; start 2 with the first album current in the album tree.
    today="$(date +%F)"
    values="(1, 1, '/', '$today')"
    id=2
    for name in "$@"; do values="$values, ($id, 1, '/$name', '$today')"; id=$((id + 1)); done
    sqlite3 "$work/db/digikam4.db" \
        "insert into AlbumRoots (id, label, status, type, identifier, specificPath) values (1, 'PHOTOS', 0, 1, 'volumeid:?path=$work/PHOTOS', '/');
         insert into Albums (id, albumRoot, relativePath, date) values $values;" \
        || echo "FAIL: could not add the collection to digikam4.db"
    write_rc with-album-tree-state
    note "second start (the collection is known)"
    start_main
    sleep 2
    open_album album "$1"
}

# start_main: digiKam up (the database and collection known), its main
# window at 0,0 and 1280x870; exits when it does not come. Sets main, dk_pid.
start_main() {
    start_digikam
    main=""
    for _ in $(seq 180); do
        main="$(find_main)"
        [ -n "$main" ] && break
        sleep 0.5
    done
    check "digiKam's main window appears" test -n "$main"
    if [ -z "$main" ]; then
        shot no_main
        echo "--- digikam.log (last lines)"; tail -30 "$work/digikam.log"
        echo "$passed passed, $failed failed"
        exit 1
    fi
    # The "Download required files" dialog comes with the main window: close it.
    for _ in $(seq 40); do close_download_dialog && break; sleep 0.5; done
    sleep 1
    main="$(find_main)"
    xdotool windowmove "$main" 0 0 2>/dev/null
    xdotool windowsize "$main" 1280 870 2>/dev/null
}

# open_album SHOT_NAME ALBUM: the album tree highlights PHOTOS (seeded
# state): a click on it, Down opens the first album, ALBUM; screenshot SHOT_NAME.
open_album() {
    local photos_y
    import -window root "$work/start.png" 2>/dev/null
    # After a proper quit digiKam reopens the album it showed.
    if album_header_shown "$work/start.png"; then
        shot "$1"
        check "the album $2 is open again" true
        return 0
    fi
    photos_y="$(row_y "$work/start.png")"
    check "the album tree shows the collection PHOTOS (seeded state)" test -n "$photos_y"
    [ -n "$photos_y" ] && xdotool mousemove 120 "$photos_y" click 1
    sleep 1
    key Down
    sleep 3 # thumbnails
    shot "$1"
    import -window root "$work/album.png" 2>/dev/null
    check "the album $2 is open (not the welcome page)" album_header_shown "$work/album.png"
}
