#!/usr/bin/env bash
# The Debian packages as a user gets them: scripts/package writes them, lintian
# finds no error, each holds what it should (the plugin in digiKam's plugin
# folder and no test code, man pages, completions, the digiKam release
# dependency), and `apt-get install ./dist/...` (as README says) installs
# them here: the installed dkcloud runs its
# demo, its man pages and completions are where man and the shells look, and
# the timer units it writes pass `systemd-analyze verify` with their man page.
# The packages are purged again at the end (the in-host tests load their own
# plugin build; DKCLOUD_KEEP_PACKAGES=1 keeps them installed, and packages that
# were installed before the test stay installed).
#
#   tests/pkg/debian_packages.sh SOURCE_DIR
#
# Exit 77 (skipped) when not root (installing needs it) or not on Debian.
set -uo pipefail
src="$(cd "${1:?usage: $0 SOURCE_DIR}" && pwd)"
skip() { echo "SKIP: $*"; exit 77; }
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }

[ "$(id -u)" -eq 0 ] || skip "installing packages needs root"
command -v dpkg-deb >/dev/null || skip "not a Debian system"
if ! command -v lintian >/dev/null; then
    apt-get install -y -q --no-install-recommends lintian >/dev/null 2>&1 || skip "lintian is missing and cannot be installed"
fi

# Built as a distributor builds them: with app registrations built in (test
# ids, registered only with the emulator below, never with a real service).
# shellcheck source=tests/pkg/test_registrations.sh
. "$src/tests/pkg/test_registrations.sh"
# shellcheck source=tests/lib/emulator.sh
. "$src/tests/lib/emulator.sh"
t0=$SECONDS
DKCLOUD_BUILTIN_ONEDRIVE_CLIENT_ID=$builtin_onedrive DKCLOUD_BUILTIN_DROPBOX_APP_KEY=$builtin_dropbox \
    "$src/scripts/package" || { echo "FAIL: scripts/package"; exit 1; }
echo "== scripts/package took $((SECONDS - t0)) s"
codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
arch="$(dpkg --print-architecture)"
deb() { echo "$src/dist/${1}_0.1.0-1~${codename}_${arch}.deb"; }
plugin="$(deb digikam-plugin-dkcloud)"; cli="$(deb dkcloud)"; emulator="$(deb dkcloud-emulator)"
for p in "$plugin" "$cli" "$emulator"; do
    [ -f "$p" ] || { echo "FAIL: no $p"; ls -l "$src/dist"; exit 1; }
done

echo "== lintian"
lintian_out="$(lintian "$src"/dist/*.deb 2>&1 | grep -v 'running with root privileges')"
echo "$lintian_out"
check "lintian reports no error" '! grep -q "^E: " <<<"$lintian_out"'

echo "== contents"
contents() { dpkg-deb -c "$1" | awk '{ print $6 }'; }
plugin_dir="./usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)/qt5/plugins/digikam/generic"
check "the plugin is in digiKam's plugin folder" 'contents "$plugin" | grep -qx "$plugin_dir/Generic_DkCloud_Plugin.so"'
check "the BQM module is in digiKam's bqm plugin folder" 'contents "$plugin" | grep -qx "${plugin_dir%/generic}/bqm/Bqm_DkCloud_Plugin.so"'
check "the plugin package holds two modules (generic and BQM), without the test probe" \
    '[ "$(contents "$plugin" | grep -c "\.so$")" = 2 ] && ! dpkg-deb --fsys-tarfile "$plugin" | grep -aq DKCLOUD_TEST_HOOK'
for lang in de fr es; do
    check "the $lang catalogue is in the plugin package, where KI18n looks" \
        'contents "$plugin" | grep -qx "./usr/share/locale/$lang/LC_MESSAGES/dkcloud.mo"'
done
check "the handbook the Help button opens is in the plugin package" \
    'contents "$plugin" | grep -qx "./usr/share/dkcloud/help/handbook.html"'
# The digiKam release a plugin package was built for: any Debian build of it.
# Prints "PKG (>= E:X.Y.Z), PKG (<< E:X.Y.(Z+1)~)" for libdigikamcore LIB in
# the dpkg database ADMINDIR, read from the package's own version.
#   release_dependency LIB ADMINDIR
release_dependency() {
    local pkg version epoch="" upstream release
    pkg="$(dpkg-query --admindir="$2" -S "$1" 2>/dev/null | cut -d: -f1)"
    version="$(dpkg-query --admindir="$2" -W -f='${Version}' "$pkg" 2>/dev/null)"
    [ -n "$pkg" ] && [ -n "$version" ] || return 1
    case "$version" in *:*) epoch="${version%%:*}:" ;; esac
    upstream="${version#*:}"; upstream="${upstream%-*}"
    release="${1##*.so.}"
    case "$upstream" in "$release"|"$release"[~+.]*) ;; *) return 1 ;; esac
    echo "$pkg (>= $epoch$release), $pkg (<< $epoch${release%.*}.$(( ${release##*.} + 1 ))~)"
}
# Does the plugin package DEB's Depends hold DEPENDENCY, and no exact "(= ...)" one?
depends_on_release() {
    local depends
    depends="$(dpkg-deb -f "$1" Depends)"
    [ -n "$2" ] && grep -qF "$2" <<<"$depends" && ! grep -q "digikam[^,]*(= " <<<"$depends"
}
want="$(release_dependency /usr/lib/digikam/libdigikamcore.so.7.9.0 /var/lib/dpkg)"
check "the plugin depends on digiKam's release, any Debian build of it: $want" 'depends_on_release "$plugin" "$want"'
# Each digikam-private-libs relation of the plugin's Depends, applied to a version: true when all hold.
satisfies() {
    local rel op ver ok=0
    while read -r rel; do
        op="${rel%% *}"; ver="${rel#* }"
        case "$op" in ">=") op=ge ;; "<<") op=lt ;; "=") op=eq ;; "<=") op=le ;; ">>") op=gt ;; esac
        dpkg --compare-versions "$2" "$op" "$ver" || ok=1
    done < <(dpkg-deb -f "$1" Depends | tr ',' '\n' | sed -n 's/^ *digikam-private-libs (\(.*\))$/\1/p')
    return $ok
}
v="$(dpkg-query -W -f='${Version}' digikam-private-libs 2>/dev/null)"
check "its Depends admit the installed build ($v) and a later Debian rebuild (${v}+b9, 4:7.9.0-2), not 4:7.9.1-1 nor 4:7.8.0-1" \
    'satisfies "$plugin" "$v" && satisfies "$plugin" "${v}+b9" && satisfies "$plugin" 4:7.9.0-2 && ! satisfies "$plugin" 4:7.9.1-1 && ! satisfies "$plugin" 4:7.8.0-1'
check "sections: graphics, utils, net" \
    '[ "$(dpkg-deb -f "$plugin" Section) $(dpkg-deb -f "$cli" Section) $(dpkg-deb -f "$emulator" Section)" = "graphics utils net" ]'
for page in dkcloud dkcloud-upload dkcloud-schedule dkcloud-schedule-add dkcloud-schedule-run; do
    check "man page $page(1) in dkcloud" 'contents "$cli" | grep -qx "./usr/share/man/man1/$page.1.gz"'
done
check "man page dkcloud-emulator(1) in dkcloud-emulator" 'contents "$emulator" | grep -qx ./usr/share/man/man1/dkcloud-emulator.1.gz'
for program in dkcloud dkcloud-emulator; do
    p="$cli"; [ "$program" = dkcloud-emulator ] && p="$emulator"
    for f in "bash-completion/completions/$program" "zsh/vendor-completions/_$program" "fish/vendor_completions.d/$program.fish"; do
        check "$f in its package" 'contents "$p" | grep -qx "./usr/share/$f"'
    done
done
for p in "$plugin" "$cli" "$emulator"; do
    name="$(dpkg-deb -f "$p" Package)"
    check "$name has a machine-readable copyright (GPL-2.0-or-later)" \
        'dpkg-deb --fsys-tarfile "$p" | tar -xO "./usr/share/doc/$name/copyright" | grep -qx "License: GPL-2.0-or-later"'
done

# shellcheck source=tests/host/debian_root.sh
. "$src/tests/host/debian_root.sh"   # DKCLOUD_QT6_SUITES, debian_root, root_digikam_version
for suite in "${DKCLOUD_QT6_SUITES[@]}"; do
    root="$(debian_root "$suite")"
    qt6_plugin="$src/dist/digikam-plugin-dkcloud_0.1.0-1~${suite}_${arch}.deb"
    if [ ! -f "$root/.dkcloud-ready" ]; then
        echo "SKIPPED: the Qt 6 package for $suite: no Debian $suite root at $root"
        continue
    fi
    dkversion="$(root_digikam_version "$root")"
    echo "== the digiKam $dkversion / Qt 6 package (built in $root)"
    check "the Qt 6 plugin for $suite is in digiKam's Qt 6 plugin folder" \
        '[ -f "$qt6_plugin" ] && contents "$qt6_plugin" | grep -qx "./usr/lib/x86_64-linux-gnu/qt6/plugins/digikam/generic/Generic_DkCloud_Plugin.so" && contents "$qt6_plugin" | grep -qx "./usr/lib/x86_64-linux-gnu/qt6/plugins/digikam/bqm/Bqm_DkCloud_Plugin.so"'
    core="$(ls "$root"/usr/lib/x86_64-linux-gnu/libdigikamcore.so."$dkversion" "$root"/usr/lib/digikam/libdigikamcore.so."$dkversion" 2>/dev/null | head -1)"
    want="$(release_dependency "${core#"$root"}" "$root/var/lib/dpkg")"
    check "the Qt 6 plugin for $suite depends on digiKam $dkversion, any Debian build of it: $want" 'depends_on_release "$qt6_plugin" "$want"'
done

echo "== apt-get install ./dist/... (the README's install command; dependencies from the archive)"
# Purged afterwards unless kept or installed before this test (then they stay, at this version).
installed_before="$(dpkg-query -W -f='${Status}\n' digikam-plugin-dkcloud dkcloud dkcloud-emulator 2>/dev/null | grep -c 'ok installed')"
purge() {
    if [ "${DKCLOUD_KEEP_PACKAGES:-0}" != 1 ] && [ "$installed_before" = 0 ]; then
        dpkg --purge digikam-plugin-dkcloud dkcloud dkcloud-emulator >/dev/null 2>&1
    fi
}
trap purge EXIT
if ! apt-get install -y -q --no-install-recommends "$plugin" "$cli" "$emulator"; then
    echo "FAIL: apt-get install of the packages"; exit 1
fi
check "dkcloud --version" '[ "$(/usr/bin/dkcloud --version)" = "dkcloud 0.1.0" ]'
check "dkcloud-emulator --version" '[ "$(/usr/bin/dkcloud-emulator --version)" = "dkcloud-emulator 0.1.0" ]'
check "man -w dkcloud" '[ "$(man -w dkcloud)" = /usr/share/man/man1/dkcloud.1.gz ]'
check "man -w dkcloud-schedule-add" '[ "$(man -w dkcloud-schedule-add)" = /usr/share/man/man1/dkcloud-schedule-add.1.gz ]'
check "the plugin is installed where digiKam loads it" '[ -f "/${plugin_dir#./}/Generic_DkCloud_Plugin.so" ]'
check "bash completes dkcloud's subcommands" \
    'bash -c "source /usr/share/bash-completion/completions/dkcloud; COMP_WORDS=(dkcloud sch); COMP_CWORD=1; _dkcloud dkcloud sch dkcloud; printf \"%s\\n\" \"\${COMPREPLY[@]}\"" | grep -qx schedule'

check "bash does not offer the hidden generate-docs" \
    '! bash -c "source /usr/share/bash-completion/completions/dkcloud; COMP_WORDS=(dkcloud gen); COMP_CWORD=1; _dkcloud dkcloud gen dkcloud; printf \"%s\\n\" \"\${COMPREPLY[@]}\"" | grep -q generate'

work="$(mktemp -d)"
trap 'rm -rf "$work"; purge' EXIT
check "the installed dkcloud uploads its demo photos to the embedded emulator" \
    '(cd "$work" && HOME="$work" /usr/bin/dkcloud demo --data "$work/demo" >"$work/demo.log" 2>&1) && [ "$(ls "$work/demo/emulator/onedrive/Pictures/dkcloud demo/Holiday 2026" | wc -l)" = 6 ]'
mkdir -p "$work/photos" "$work/runtime" && chmod 700 "$work/runtime"
check "the installed dkcloud's timer units pass systemd-analyze verify, man page included" \
    'HOME="$work" XDG_CONFIG_HOME="$work/config" /usr/bin/dkcloud schedule add "$work/photos" onedrive:/Backup --every weekly --name pkgtest >/dev/null 2>&1 \
     && [ -z "$(XDG_RUNTIME_DIR="$work/runtime" systemd-analyze --user verify "$work"/config/systemd/user/dkcloud-upload-pkgtest.* 2>&1)" ]'
echo "== the built-in registrations: an empty configuration signs in and uploads; a refusal is named at once"
# The emulator holds apps to their registration: only the built-in ids are known.
registration_file "$work/registrations.toml" "$builtin_onedrive" "$builtin_dropbox"
registration_file "$work/other-app.toml" some-other-app someotherapp
# A browser that follows the sign-in page's redirect back to dkcloud, as a person's would.
printf '#!/bin/sh\nexec curl -fsSL -o /dev/null "$1"\n' >"$work/browser" && chmod +x "$work/browser"
start_emulator() { # $1: registrations file, $2: data folder; sets emu_pid and emu_url
    emulator_start "$2.run" /usr/bin/dkcloud-emulator --registrations "$1" --data "$2" || exit 1
    emu_pid=$EMULATOR_PID emu_url=$EMULATOR_URL
}
as_new_user() { # an empty configuration: no config.toml, no account
    env -u DKCLOUD_ONEDRIVE_CLIENT_ID -u DKCLOUD_DROPBOX_CLIENT_ID HOME="$work/newuser" XDG_CONFIG_HOME="$work/newuser/config" \
        DKCLOUD_TOKEN_STORE=file DKCLOUD_EMULATOR="$emu_url" BROWSER="$work/browser" timeout 60 /usr/bin/dkcloud "$@"
}
start_emulator "$work/registrations.toml" "$work/emu"
echo "photo bytes $RANDOM" >"$work/photos/builtin.jpg"
for service in onedrive dropbox; do
    check "$service: an empty configuration logs in with the built-in registration, no setup step" \
        'as_new_user login $service >"$work/login-$service.log" 2>&1 && grep -q "Logged in to" "$work/login-$service.log"'
    check "$service: and uploads; the stored bytes are the photo's" \
        'as_new_user upload "$work/photos/builtin.jpg" $service:/Builtin >"$work/upload-$service.log" 2>&1 \
         && cmp -s "$work/photos/builtin.jpg" "$work/emu/$service/Builtin/builtin.jpg"'
done
kill "$emu_pid" 2>/dev/null; wait "$emu_pid" 2>/dev/null
start_emulator "$work/other-app.toml" "$work/emu2"
rm -rf "${work:?}/newuser"
for service in onedrive dropbox; do
    t1=$SECONDS
    as_new_user login $service >"$work/refused-$service.log" 2>&1; rc=$?
    check "$service: a built-in registration the service does not know is refused within seconds (exit 3, $((SECONDS - t1)) s)" \
        '[ $rc = 3 ] && [ $((SECONDS - t1)) -lt 20 ]'
    check "$service: the message says it is the build's registration and names the setting" \
        'grep -q "registration built into this dkcloud" "$work/refused-$service.log" && grep -Eq "App registrations|App Console" "$work/refused-$service.log"'
done
kill "$emu_pid" 2>/dev/null; wait "$emu_pid" 2>/dev/null
for service in onedrive dropbox; do cat "$work/refused-$service.log"; done
echo "== $((SECONDS - t0)) s in all"
exit $fail
