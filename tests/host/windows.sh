# Window helpers for the in-host tests and benchmarks (xdotool under Xvfb),
# sourced by every script that drives digiKam or showfoto by its windows.
# Settings, read at each call:
#   wm_class     the X class of the host's windows (default: digikam)
#   title_flags  grep flags for titles (default -Eqi: digiKam 7.9 and 8.6 differ
#                in title case; -Eq where case tells two windows apart, as
#                digiKam's own "Export to Onedrive" and ours "Export to OneDrive")
#   convert_bin  ImageMagick's convert (default: convert)

key() { xdotool key --clearmodifiers "$@"; }
activate() { xdotool windowactivate --sync "$1" 2>/dev/null || xdotool windowfocus --sync "$1" 2>/dev/null; sleep 0.5; }

# Windows by title (xdotool's --name misses digiKam's main window): the first
# visible window of the host whose title matches the extended regex $1; status 1 if none.
find_window() {
    local w
    for w in $(xdotool search --onlyvisible --class "${wm_class:-digikam}" 2>/dev/null); do
        if xdotool getwindowname "$w" 2>/dev/null | grep "${title_flags:--Eqi}" -- "$1"; then
            echo "$w"
            return 0
        fi
    done
    return 1
}
wait_window() { # wait_window REGEX [SECONDS] -> window id; status 1 when it never came
    local i
    for i in $(seq $((${2:-60} * 2))); do
        find_window "$1" && return 0
        sleep 0.5
    done
    return 1
}
wait_gone() { # wait_gone WINDOW [SECONDS]
    local i
    for i in $(seq $((${2:-10} * 2))); do
        xdotool search --onlyvisible --class "${wm_class:-digikam}" 2>/dev/null | grep -qx "$1" || return 0
        sleep 0.5
    done
    return 1
}
absent() { ! find_window "$1" >/dev/null; }
# The window manager's title of a dialog: "TITLE" or "TITLE — digiKam".
title() { printf '^%s( — [[:alnum:]]+)?$' "$1"; }

# The main window: the largest one titled "digiKam" ("DigiKam" in a French
# digiKam 8.6; progress pop-ups have that title too) or, in showfoto,
# "FOLDER/ — Showfoto".
find_main() {
    local w best="" area=0 WIDTH HEIGHT
    for w in $(xdotool search --onlyvisible --class "${wm_class:-digikam}" 2>/dev/null); do
        case "$(xdotool getwindowname "$w" 2>/dev/null)" in digiKam | DigiKam | *\ —\ Showfoto) ;; *) continue ;; esac
        eval "$(xdotool getwindowgeometry --shell "$w" 2>/dev/null | grep -E '^(WIDTH|HEIGHT)=')"
        if [ "${WIDTH:-0}" -ge 500 ] && [ $((WIDTH * HEIGHT)) -gt "$area" ]; then best="$w"; area=$((WIDTH * HEIGHT)); fi
    done
    echo "$best"
}
# digiKam's and showfoto's "Download required files" (face models; 9.1:
# "Download Required Model Files"), at every start: cancelled, it only gets in
# the way. Status 1 when it is not there.
close_download_dialog() {
    local dl
    dl="$(find_window '^Download [Rr]equired ([Mm]odel )?[Ff]iles')" || return 1
    activate "$dl"
    key Escape
    wait_gone "$dl" 5
}
press_in_main() {
    close_download_dialog
    activate "$(find_main)"
    key "$@"
}

# The middle of the album tree's highlighted (light blue) row in screenshot $1, at x=300.
row_y() {
    "${convert_bin:-convert}" "$1" -crop 1x500+300+40 txt:- 2>/dev/null | awk -F'[ ,:()]+' 'NR > 1 {
        y = $2; r = $3; b = $5
        if (b - r > 30 && r > 150) { if (first == "") first = y; last = y } else if (first != "") exit }
        END { if (first != "") print int((first + last) / 2) + 40 }'
}
same_bytes() { [ -f "$2" ] && cmp -s "$1" "$2"; }
