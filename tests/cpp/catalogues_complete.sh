#!/bin/sh
# Every catalogue (po/<lang>/dkcloud.po) translates every string the plugin and
# the BQM tools show today: the sources' strings are extracted afresh with KDE's
# keywords and each catalogue must hold all of them, translated, none fuzzy,
# with the same placeholders (msgfmt --check on kde-format).
#   catalogues_complete.sh SOURCE_DIR LANG...
set -eu
src=$1; shift
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$src"
find cpp/core cpp/dialog cpp/common cpp/bqm cpp/plugin -name '*.cpp' | sort > "$tmp/sources"
xgettext --from-code=UTF-8 -C --kde -ci18n --no-location -ki18n:1 -ki18nc:1c,2 -ki18np:1,2 -ki18ncp:1c,2,3 \
    -kki18n:1 -kki18nc:1c,2 -kki18np:1,2 -kki18ncp:1c,2,3 -f "$tmp/sources" -o "$tmp/now.pot"
total=$(grep -c '^msgid ' "$tmp/now.pot")
status=0
for lang in "$@"; do
    po=po/$lang/dkcloud.po
    stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1) || { echo "$po: $stats"; status=1; continue; }
    case $stats in
        *fuzzy*|*untranslated*) echo "$po: $stats"; status=1 ;;
    esac
    if ! msgcmp "$po" "$tmp/now.pot" 2>"$tmp/cmp"; then
        echo "$po lacks strings of the sources (run: cmake --build build --target dkcloud_pot, then translate):"
        cat "$tmp/cmp"; status=1
    fi
    echo "$lang: $stats ($((total - 1)) strings in the sources)"
done
exit $status
