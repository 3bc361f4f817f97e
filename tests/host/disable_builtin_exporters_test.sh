#!/usr/bin/env bash
# The helper turns the two built-in exporters off in both rc files, keeps every
# other line, and is idempotent.
set -euo pipefail
tool="$1"
home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
export XDG_CONFIG_HOME="$home"

cat >"$home/digikamrc" <<'RC'
[General]
Recent Files[$e]=$HOME/a.jpg

[EnabledDPlugins]
org.kde.digikam.plugin.generic.OneDrive=true
org.kde.digikam.plugin.generic.Flickr=false

[Onedrive Settings]
Current Album=/x
RC

"$tool" >/dev/null
"$tool" >/dev/null   # twice: nothing may be duplicated

fail() { echo "FAIL: $*"; cat "$home/digikamrc"; exit 1; }
rc="$home/digikamrc"
[ "$(grep -c '^org.kde.digikam.plugin.generic.OneDrive=false$' "$rc")" = 1 ] || fail "OneDrive not disabled exactly once"
[ "$(grep -c '^org.kde.digikam.plugin.generic.DropBox=false$' "$rc")" = 1 ] || fail "DropBox not disabled exactly once"
grep -q '^org.kde.digikam.plugin.generic.Flickr=false$' "$rc" || fail "other plugin keys lost"
grep -q '^Recent Files\[\$e\]=\$HOME/a.jpg$' "$rc" || fail "other groups changed"
grep -q '^Current Album=/x$' "$rc" || fail "later groups changed"
[ "$(grep -c '^\[EnabledDPlugins\]$' "$rc")" = 1 ] || fail "group duplicated"
# The DropBox key belongs to the EnabledDPlugins group, not to the group after it.
awk '/^\[/{g=$0} /DropBox=false/{print g}' "$rc" | grep -qx '\[EnabledDPlugins\]' || fail "key written into the wrong group"

sf="$home/showfotorc"
grep -q '^\[EnabledDPlugins\]$' "$sf" && grep -q 'OneDrive=false' "$sf" && grep -q 'DropBox=false' "$sf" || fail "showfotorc not written"

"$tool" --enable >/dev/null
grep -q '^org.kde.digikam.plugin.generic.OneDrive=true$' "$rc" || fail "--enable did not re-enable"
echo "1 passed, 0 failed"
