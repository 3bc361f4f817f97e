#!/usr/bin/env bash
# The shipped plugin holds no test code: none of the probe's words, no
# DKCLOUD_TEST_* variable, in 8-bit or UTF-16 strings (QStringLiteral). The
# test build of the plugin must show them all, or this check could not see.
#
#   no_test_hooks.sh SHIPPED.so TEST_BUILD.so [WORD...]
# WORDs: the probe's words to look for (default: the generic plugin's probe).
set -uo pipefail
shipped="$1"
test_build="$2"
shift 2
words=(DKCLOUD_TEST DKCLOUD_STATIC_TOKEN "upload-refused error=" "account-error error=" "folders count=" "plugin name=")
[ $# -gt 0 ] && words=(DKCLOUD_TEST DKCLOUD_STATIC_TOKEN "$@")

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Each library's 8-bit and 16-bit little-endian strings, once.
for kind in shipped test_build; do
    { strings -a "${!kind}"; strings -a -e l "${!kind}"; } >"$work/$kind.txt"
done
has() { grep -qF -- "$2" "$work/$1.txt"; } # has shipped|test_build WORD

failed=0
for word in "${words[@]}"; do
    # No build reads DKCLOUD_STATIC_TOKEN any more: only its absence is checked.
    if [ "$word" = DKCLOUD_STATIC_TOKEN ]; then
        if has shipped "$word"; then echo "FAIL the shipped plugin has \"$word\""; failed=1; else echo "ok   the shipped plugin has no \"$word\""; fi
        continue
    fi
    if has test_build "$word"; then echo "ok   the test build has \"$word\""; else echo "FAIL the test build lacks \"$word\" (the check cannot see it)"; failed=1; fi
    if has shipped "$word"; then echo "FAIL the shipped plugin has \"$word\""; failed=1; else echo "ok   the shipped plugin has no \"$word\""; fi
done
exit $failed
