# The app registrations the package tests build into dkcloud, and the
# emulator's registrations file that knows them: sourced by
# tests/pkg/debian_packages.sh and tests/host/installed_package.sh. The ids
# are registered only with the tests' emulators, never with a real service.
builtin_onedrive=dkcloud-test-builtin-onedrive
builtin_dropbox=dkcloudtestbuiltin

# registration_file FILE ONEDRIVE_CLIENT_ID DROPBOX_APP_KEY: one app per
# service, registered as docs/cli.md's "App registrations" says.
registration_file() {
    cat >"$1" <<EOF
[[onedrive]]
client_id = "$2"
redirect_uris = ["http://localhost"]
audience = "both"
public_client_flows = true
permissions = ["Files.ReadWrite", "User.Read", "offline_access"]

[[dropbox]]
app_key = "$3"
redirect_uris = ["http://localhost:53682/"]
permissions = ["account_info.read", "files.metadata.read", "files.metadata.write", "files.content.read", "files.content.write", "sharing.read", "sharing.write"]
access = "full"
EOF
}
