#!/usr/bin/env python3
"""Dropbox's official Python SDK (dropbox 12.2.x) against dkcloud-emulator.

Usage: dropbox_sdk.py BASE_URL CA_PATH
  BASE_URL  the emulator over TLS, e.g. https://127.0.0.1:8443
  CA_PATH   the PEM certificate the emulator serves (or the CA that signed it)

The SDK is used unmodified: its hosts come from the environment variables it
reads at import (DROPBOX_API_HOST, DROPBOX_API_CONTENT_HOST, DROPBOX_WEB_HOST)
and the CA from its documented ca_certs= argument. Prints one "ok NAME" or
"FAIL NAME: why" line per check and exits non-zero when any check failed.
"""

import hashlib
import html
import os
import random
import re
import sys
import threading
import traceback
import urllib.parse

APP_KEY = "dkcloud-sdk-peer"
UNIT = 4 * 1024 * 1024  # concurrent sessions take multiples of this

results = []


def check(name):
    """Runs the decorated function as one named check, now."""

    def run(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001 - every failure is reported, none stops the run
            detail = "".join(traceback.format_exception_only(type(e), e)).strip().replace("\n", " ")
            print("FAIL %s: %s" % (name, detail), flush=True)
            results.append(False)
        else:
            print("ok %s" % name, flush=True)
            results.append(True)
        return fn

    return run


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def content_hash(data):
    blocks = b"".join(hashlib.sha256(data[i : i + UNIT]).digest() for i in range(0, len(data), UNIT))
    return hashlib.sha256(blocks).hexdigest()


def payload(size, seed):
    rng = random.Random(seed)
    return rng.randbytes(size)


def main():
    if len(sys.argv) != 3:
        print("usage: dropbox_sdk.py BASE_URL CA_PATH", file=sys.stderr)
        return 2
    base, ca = sys.argv[1].rstrip("/"), sys.argv[2]
    parsed = urllib.parse.urlparse(base)
    if parsed.scheme != "https" or not parsed.netloc:
        print("BASE_URL must be https://HOST:PORT, got %r" % base, file=sys.stderr)
        return 2
    host = parsed.netloc
    # requests lets these variables override a session's own `verify`, which
    # is where the SDK puts ca_certs=; the emulator's CA is the one to trust.
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        os.environ.pop(name, None)
    # Configuration the SDK reads when it is imported.
    os.environ["DROPBOX_API_HOST"] = host
    os.environ["DROPBOX_API_CONTENT_HOST"] = host
    os.environ["DROPBOX_API_NOTIFY_HOST"] = host
    os.environ["DROPBOX_WEB_HOST"] = host

    import dropbox
    import requests
    from dropbox import files as dfiles
    from dropbox.exceptions import ApiError

    print("# dropbox SDK %s against %s" % (dropbox.__version__, base), flush=True)
    run_id = "%08x" % random.getrandbits(32)
    root = "/sdk-%s" % run_id
    state = {}

    @check("oauth_pkce_offline")
    def _():
        flow = dropbox.DropboxOAuth2FlowNoRedirect(
            APP_KEY, use_pkce=True, token_access_type="offline", ca_certs=ca
        )
        url = flow.start()
        expect(url.startswith("https://%s/oauth2/authorize?" % host), "authorize URL %s" % url)
        query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
        expect(query.get("code_challenge_method") == ["S256"], "PKCE S256 in %s" % url)
        page = requests.get(url, verify=ca, timeout=30)
        page.raise_for_status()
        found = re.search(r'<code id="auth-code">([^<]+)</code>', page.text)
        expect(found, "no auth code on the authorize page")
        result = flow.finish(html.unescape(found.group(1)).strip())
        expect(result.refresh_token, "no refresh token for offline access")
        expect(len(result.account_id) == 40, "account_id %r is not 40 characters" % result.account_id)
        state["account_id"] = result.account_id
        state["refresh_token"] = result.refresh_token

    @check("refresh_token_client")
    def _():
        expect("refresh_token" in state, "no refresh token from the login check")
        dbx = dropbox.Dropbox(oauth2_refresh_token=state["refresh_token"], app_key=APP_KEY, ca_certs=ca)
        dbx.check_and_refresh_access_token()
        expect(dbx._oauth2_access_token, "no access token after check_and_refresh_access_token")
        expect(dbx._oauth2_access_token_expiration is not None, "no expiry after refresh")
        state["dbx"] = dbx

    static = os.environ.get("DKCLOUD_EMULATOR_STATIC_TOKEN")
    if "dbx" not in state and static:
        # The login failed: go on with the emulator's static token, so the
        # remaining checks still say what works.
        state["dbx"] = dropbox.Dropbox(oauth2_access_token=static, ca_certs=ca)
    if "dbx" not in state:
        print("FAIL setup: no way to call the API (login failed, no DKCLOUD_EMULATOR_STATIC_TOKEN)")
        return 1
    dbx = state["dbx"]

    @check("users_get_current_account")
    def _():
        me = dbx.users_get_current_account()
        expect(len(me.account_id) == 40 and me.account_id.startswith("dbid:"), "account_id %r" % me.account_id)
        if "account_id" in state:
            expect(me.account_id == state["account_id"], "token and account disagree on the account id")
        expect(me.name.display_name, "no display name")
        expect(me.account_type.is_basic() or me.account_type.is_pro() or me.account_type.is_business(), "type")
        expect(me.root_info.root_namespace_id, "no root namespace")
        state["me"] = me

    @check("users_get_account")
    def _():
        me = state["me"]
        other = dbx.users_get_account(me.account_id)
        expect(other.account_id == me.account_id, "get_account gives another id")

    @check("users_get_space_usage")
    def _():
        usage = dbx.users_get_space_usage()
        expect(usage.used >= 0, "used")
        expect(usage.allocation.is_individual(), "allocation is not individual")
        expect(usage.allocation.get_individual().allocated > 0, "allocated")

    @check("files_create_folder_v2")
    def _():
        made = dbx.files_create_folder_v2(root + "/Album")
        expect(made.metadata.path_display == root + "/Album", "path_display %r" % made.metadata.path_display)
        try:
            dbx.files_create_folder_v2(root + "/Album")
        except ApiError as e:
            expect(e.error.is_path() and e.error.get_path().is_conflict(), "error %r" % e.error)
        else:
            raise AssertionError("creating an existing folder succeeded")

    @check("files_upload")
    def _():
        data = payload(300_000, 1)
        md = dbx.files_upload(data, root + "/Album/one.jpg", mode=dfiles.WriteMode.add)
        expect(md.size == len(data), "size %d" % md.size)
        expect(md.content_hash == content_hash(data), "content_hash")
        state["one"] = (md, data)

    @check("files_list_folder_continue")
    def _():
        names = {"f%d.txt" % i for i in range(5)}
        for n in names:
            dbx.files_upload(n.encode(), root + "/List/" + n)
        page = dbx.files_list_folder(root + "/List", limit=2)
        seen = [e.name for e in page.entries]
        expect(len(page.entries) <= 2, "limit 2 gave %d entries" % len(page.entries))
        pages = 1
        while page.has_more:
            page = dbx.files_list_folder_continue(page.cursor)
            seen += [e.name for e in page.entries]
            pages += 1
            expect(pages < 20, "listing does not end")
        expect(sorted(seen) == sorted(names), "listed %r" % seen)
        expect(pages >= 3, "only %d pages for 5 entries at limit 2" % pages)

    @check("upload_session_sequential")
    def _():
        data = payload(3 * 1024 * 1024 + 777, 2)
        a, b, c = data[:1_000_000], data[1_000_000:2_500_000], data[2_500_000:]
        started = dbx.files_upload_session_start(a)
        cursor = dfiles.UploadSessionCursor(started.session_id, len(a))
        dbx.files_upload_session_append_v2(b, cursor)
        cursor.offset += len(b)
        commit = dfiles.CommitInfo(path=root + "/seq.bin", mode=dfiles.WriteMode.overwrite)
        md = dbx.files_upload_session_finish(c, cursor, commit)
        expect(md.size == len(data) and md.content_hash == content_hash(data), "metadata %r" % md)

    @check("upload_session_concurrent")
    def _():
        data = payload(3 * UNIT + 12_345, 3)
        started = dbx.files_upload_session_start(b"", session_type=dfiles.UploadSessionType.concurrent)
        sid = started.session_id
        chunks = [(off, data[off : off + UNIT]) for off in range(0, len(data), UNIT)]
        last = chunks[-1][0]
        order = list(chunks)
        random.Random(7).shuffle(order)
        errors = []

        def send(off, chunk):
            try:
                dbx.files_upload_session_append_v2(chunk, dfiles.UploadSessionCursor(sid, off), close=off == last)
            except Exception as e:  # noqa: BLE001
                errors.append((off, e))

        threads = [threading.Thread(target=send, args=c) for c in order]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        expect(not errors, "appends failed: %r" % errors)
        entry = dfiles.UploadSessionFinishArg(
            dfiles.UploadSessionCursor(sid, len(data)), dfiles.CommitInfo(path=root + "/concurrent.bin")
        )
        out = dbx.files_upload_session_finish_batch_v2([entry])
        expect(len(out.entries) == 1 and out.entries[0].is_success(), "batch result %r" % out.entries)
        md = out.entries[0].get_success()
        expect(md.size == len(data) and md.content_hash == content_hash(data), "metadata %r" % md)

    @check("upload_session_start_batch")
    def _():
        started = dbx.files_upload_session_start_batch(3)
        expect(len(started.session_ids) == 3, "session ids %r" % started.session_ids)
        blobs = [payload(10_000 + i, 10 + i) for i in range(3)]
        entries = []
        for i, (sid, blob) in enumerate(zip(started.session_ids, blobs)):
            dbx.files_upload_session_append_v2(blob, dfiles.UploadSessionCursor(sid, 0), close=True)
            entries.append(
                dfiles.UploadSessionFinishArg(
                    dfiles.UploadSessionCursor(sid, len(blob)), dfiles.CommitInfo(path="%s/batch/%d.bin" % (root, i))
                )
            )
        out = dbx.files_upload_session_finish_batch_v2(entries)
        for res, blob in zip(out.entries, blobs):
            expect(res.is_success(), "entry %r" % res)
            expect(res.get_success().content_hash == content_hash(blob), "hash")
        concurrent = dbx.files_upload_session_start_batch(2, session_type=dfiles.UploadSessionType.concurrent)
        expect(len(concurrent.session_ids) == 2, "concurrent ids %r" % concurrent.session_ids)

    @check("upload_session_incorrect_offset")
    def _():
        started = dbx.files_upload_session_start(b"12345")
        try:
            dbx.files_upload_session_append_v2(b"678", dfiles.UploadSessionCursor(started.session_id, 3))
        except ApiError as e:
            expect(e.error.is_incorrect_offset(), "error %r" % e.error)
            expect(e.error.get_incorrect_offset().correct_offset == 5, "correct_offset %r" % e.error)
        else:
            raise AssertionError("a wrong offset was accepted")

    @check("files_download")
    def _():
        expect("one" in state, "nothing uploaded")
        uploaded, data = state["one"]
        md, resp = dbx.files_download(root + "/album/ONE.jpg")
        expect(resp.content == data, "downloaded bytes differ")
        expect(md.id == uploaded.id and md.rev == uploaded.rev, "metadata %r" % md)
        md, resp = dbx.files_download(uploaded.path_lower, extra_headers=dropbox.build_range_headers((10, 19)))
        expect(resp.status_code == 206, "range status %d" % resp.status_code)
        expect(resp.content == data[10:20], "range bytes differ")
        try:
            dbx.files_download(root + "/missing.jpg")
        except ApiError as e:
            expect(e.error.is_path() and e.error.get_path().is_not_found(), "error %r" % e.error)
        else:
            raise AssertionError("a missing file downloaded")

    @check("files_get_temporary_link")
    def _():
        expect("one" in state, "nothing uploaded")
        uploaded, data = state["one"]
        link = dbx.files_get_temporary_link(uploaded.path_display)
        expect(link.metadata.id == uploaded.id, "metadata %r" % link.metadata)
        expect(link.link.startswith(base + "/"), "link %s is not on %s" % (link.link, base))
        got = requests.get(link.link, verify=ca, timeout=30)  # no token
        expect(got.status_code == 200 and got.content == data, "status %d" % got.status_code)
        part = requests.get(link.link, verify=ca, timeout=30, headers={"Range": "bytes=-100"})
        expect(part.status_code == 206 and part.content == data[-100:], "range status %d" % part.status_code)

    passed = sum(results)
    failed = len(results) - passed
    print("# dropbox_sdk: %d passed, %d failed" % (passed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
