#!/usr/bin/env python3
"""Peer test: the O365 library (PyPI O365==2.1.10, a Microsoft Graph client) against dkcloud-emulator.

    python3 tests/sdk/graph_o365.py BASE_URL CA_PATH

BASE_URL is the emulator's https origin (https://127.0.0.1:PORT, started with --tls-cert/--tls-key,
without --static-token); CA_PATH is the PEM its certificate chains to. Prints one `ok   NAME` or
`FAIL NAME: why` line per check and exits non-zero when any check fails.

The library is used unmodified, through its public classes only:
- `Protocol(protocol_url=BASE_URL + "/", api_version="v1.0", ...)`, the arguments MSGraphProtocol
  passes to its base class, with the emulator's origin instead of graph.microsoft.com;
- `Account(..., protocol=..., token_backend=MemoryTokenBackend())` and `Storage(parent=account)`
  (`Account.storage()` refuses any protocol that is not an MSGraphProtocol instance);
- the token comes from the emulator's device code flow (plain HTTP) and is put into O365's token
  backend with MSAL's public `TokenCache.add(event)`, so O365 sends `Authorization: Bearer ...`.
"""

import io
import logging
import os
import shutil
import sys
import tempfile
import time
import uuid

if len(sys.argv) != 3:
    sys.stderr.write("usage: graph_o365.py BASE_URL CA_PATH\n")
    sys.exit(2)

BASE = sys.argv[1].rstrip("/")
CA_PATH = sys.argv[2]
# requests (used by O365 and by this script) trusts this bundle for every HTTPS request.
os.environ["REQUESTS_CA_BUNDLE"] = CA_PATH

import requests  # noqa: E402
from O365 import Account  # noqa: E402
from O365 import Protocol  # noqa: E402
from O365.drive import File, Folder, Storage  # noqa: E402
from O365.utils import Pagination, to_camel_case  # noqa: E402
from O365.utils.token import MemoryTokenBackend  # noqa: E402

CLIENT_ID = "dkcloud-emulator-client"
SCOPES = "Files.ReadWrite offline_access User.Read"
TOKEN_URL = f"{BASE}/common/oauth2/v2.0/token"
DEVICE_URL = f"{BASE}/common/oauth2/v2.0/devicecode"

CHUNK = 320 * 1024 * 10  # 3,276,800 bytes: a multiple of 320 KiB, as Graph requires
BIG_SIZE = 12 * 1024 * 1024  # above O365's 4 MiB simple-upload limit, so it opens an upload session
PAGED_ITEMS = 30
PAGE_SIZE = 7

failures = []


class _LastError(logging.Handler):
    """O365 logs (and swallows) some errors, e.g. in DriveItem.download; keep the last one."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.last = None

    def emit(self, record):
        self.last = record.getMessage()


last_error = _LastError()
logging.getLogger("O365").addHandler(last_error)
logging.getLogger("O365").propagate = False


def describe(exc):
    resp = getattr(exc, "response", None)
    if resp is not None:
        body = (resp.text or "")[:300].replace("\n", " ")
        return f"{type(exc).__name__}: HTTP {resp.status_code} {resp.request.method} {resp.url} -> {body}"
    return f"{type(exc).__name__}: {exc}"


def check(name, fn):
    """Run one check; fn returns None on success or raises / returns a reason."""
    last_error.last = None
    try:
        why = fn()
    except Exception as exc:  # noqa: BLE001 - every failure becomes a FAIL line
        why = describe(exc)
    if why is None:
        print(f"ok   {name}", flush=True)
        return True
    if last_error.last:
        why = f"{why} (O365 logged: {last_error.last})"
    print(f"FAIL {name}: {why}", flush=True)
    failures.append(name)
    return False


def emulator_stat(key):
    r = requests.get(f"{BASE}/_emulator/stats", timeout=30)
    r.raise_for_status()
    return int(r.json().get("requests", {}).get(key, 0))


def device_flow_token():
    """Device code flow against the emulator's Microsoft identity endpoints (bounded polling)."""
    r = requests.post(DEVICE_URL, data={"client_id": CLIENT_ID, "scope": SCOPES}, timeout=30)
    r.raise_for_status()
    dc = r.json()
    for key in ("device_code", "user_code", "verification_uri", "interval", "expires_in"):
        if key not in dc:
            raise AssertionError(f"devicecode answer lacks {key}: {dc}")
    interval = max(1, int(dc["interval"]))
    deadline = time.monotonic() + min(60, int(dc["expires_in"]))
    while time.monotonic() < deadline:
        t = requests.post(TOKEN_URL, timeout=30, data={
            "client_id": CLIENT_ID,
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
            "device_code": dc["device_code"],
        })
        answer = t.json()
        if t.status_code == 200 and "access_token" in answer:
            return answer
        if answer.get("error") == "slow_down":
            interval += 5
        elif answer.get("error") != "authorization_pending":
            raise AssertionError(f"token endpoint: HTTP {t.status_code} {answer}")
        time.sleep(interval)
    raise AssertionError("device flow: no token within 60 s")


# ---------------------------------------------------------------------------------------------

state = {}
run = "o365-peer-" + uuid.uuid4().hex[:8]
tmpdir = tempfile.mkdtemp(prefix=run + "-")


def t_token():
    answer = device_flow_token()
    if answer.get("token_type", "").lower() != "bearer":
        return f"token_type is {answer.get('token_type')!r}"
    if not answer.get("refresh_token"):
        return "no refresh_token although offline_access was asked for"
    state["token"] = answer


def t_account():
    protocol = Protocol(
        protocol_url=BASE + "/",  # what MSGraphProtocol passes as https://graph.microsoft.com/
        api_version="v1.0",
        default_resource="me",
        casing_function=to_camel_case,
        protocol_scope_prefix="",
    )
    backend = MemoryTokenBackend()
    # The same event MSAL records after a token request (msal/application.py): the tokens land in
    # O365's backend, which is an msal.TokenCache.
    backend.add({
        "client_id": CLIENT_ID,
        "scope": state["token"].get("scope", SCOPES).split(),
        "token_endpoint": TOKEN_URL,
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "response": state["token"],
    })
    account = Account(
        (CLIENT_ID,),
        protocol=protocol,
        auth_flow_type="public",
        tenant_id="common",
        token_backend=backend,
        requests_delay=0,  # O365 sleeps 200 ms between requests by default
        timeout=120,
    )
    if not account.is_authenticated:
        return "Account.is_authenticated is False with the device-flow token in the backend"
    at = backend.get_access_token()
    if not at or at.get("secret") != state["token"]["access_token"]:
        return f"token backend does not hand back the access token: {at}"
    state["account"] = account


def t_drive():
    storage = Storage(parent=state["account"])
    drive = storage.get_default_drive(request_drive=True)  # GET /v1.0/me/drive
    if drive is None or not drive.object_id:
        return f"GET /me/drive gave no drive id ({drive!r})"
    sent = state["account"].con.session.headers.get("Authorization", "")
    if sent != f"Bearer {state['token']['access_token']}":
        return f"O365 session does not send the device-flow token (Authorization: {sent[:20]}...)"
    state["storage"], state["fetched_drive"] = storage, drive


def t_drive_by_id():
    # Once a Drive has an id, O365 addresses it (and every item under it) as
    # /v1.0/me/drives/{drive-id}/..., e.g. GET /v1.0/me/drives/{id}/root here.
    root = state["fetched_drive"].get_root_folder()
    if root is None or not isinstance(root, Folder):
        return f"root is {root!r}"
    if not list(root.get_items(limit=5)) and root.child_count:
        return "root children listing under /me/drives/{id} is empty"


def t_root():
    # The un-fetched default drive: O365 addresses items as /v1.0/me/drive/... (used from here on,
    # so these checks do not depend on /me/drives/{id}).
    drive = state["storage"].get_default_drive()
    root = drive.get_root_folder()  # GET /v1.0/me/drive/root
    if root is None or not isinstance(root, Folder) or not root.object_id:
        return f"root is {root!r}"
    state["drive"], state["root"] = drive, root


def t_folders_nested():
    top = state["root"].create_child_folder(run)
    if not isinstance(top, Folder) or top.name != run:
        return f"create {run}: got {top!r}"
    a = top.create_child_folder("alpha")
    b = a.create_child_folder("beta") if isinstance(a, Folder) else None
    if not isinstance(b, Folder) or b.name != "beta":
        return f"create {run}/alpha/beta: got a={a!r} b={b!r}"
    if b.parent_id != a.object_id:
        return f"beta.parentReference.id {b.parent_id!r} != alpha id {a.object_id!r}"
    by_path = state["drive"].get_item_by_path(f"/{run}/alpha/beta")
    if by_path is None or by_path.object_id != b.object_id or not by_path.is_folder:
        return f"get by path /{run}/alpha/beta: {by_path!r}"
    state["top"], state["alpha"], state["beta"] = top, a, b


def t_folders_list():
    top, alpha = state["top"], state["alpha"]
    top.create_child_folder("gamma")
    names = sorted(i.name for i in top.get_items())
    if names != ["alpha", "gamma"]:
        return f"children of /{run}: {names}"
    kids = list(alpha.get_items())
    if [(k.name, k.is_folder) for k in kids] != [("beta", True)]:
        return f"children of /{run}/alpha: {[(k.name, k.is_folder) for k in kids]}"
    fresh = state["drive"].get_item(alpha.object_id)
    if not isinstance(fresh, Folder) or fresh.child_count != 1:
        return f"alpha folder.childCount: {getattr(fresh, 'child_count', None)!r}"


def t_upload_simple():
    data = b"hello from O365 " + uuid.uuid4().bytes * 64 + b"\n"
    path = os.path.join(tmpdir, "small.bin")
    with open(path, "wb") as f:
        f.write(data)
    before = emulator_stat("graph.upload_fragment")
    item = state["beta"].upload_file(path)  # PUT /items/{id}:/small.bin:/content
    if not isinstance(item, File):
        return f"upload_file returned {item!r}"
    if item.name != "small.bin" or item.size != len(data):
        return f"uploaded item name={item.name!r} size={item.size!r}, want small.bin/{len(data)}"
    if emulator_stat("graph.upload_fragment") != before:
        return "a small file went through an upload session"
    state["small"] = (item, data)


def t_upload_session():
    data = os.urandom(BIG_SIZE)
    path = os.path.join(tmpdir, "big.bin")
    with open(path, "wb") as f:
        f.write(data)
    fragments = -(-BIG_SIZE // CHUNK)
    before = emulator_stat("graph.upload_fragment")
    # Above 4 MiB O365 POSTs createUploadSession and PUTs Content-Range fragments to uploadUrl
    # (without Authorization).
    item = state["beta"].upload_file(path, chunk_size=CHUNK)
    if not isinstance(item, File):
        return f"upload_file returned {item!r}"
    if item.name != "big.bin" or item.size != BIG_SIZE:
        return f"uploaded item name={item.name!r} size={item.size!r}, want big.bin/{BIG_SIZE}"
    sent = emulator_stat("graph.upload_fragment") - before
    if sent != fragments:
        return f"emulator counted {sent} upload fragments, expected {fragments}"
    state["big"] = (item, data)


def t_paging():
    folder = state["top"].create_child_folder("paged")
    if not isinstance(folder, Folder):
        return f"create paged: {folder!r}"
    want = set()
    for i in range(PAGED_ITEMS):
        name = f"item-{i:02d}"
        if i % 3 == 0:
            made = folder.upload_file(None, item_name=name + ".txt",
                                      stream=io.BytesIO(name.encode()), stream_size=len(name))
            want.add(name + ".txt")
        else:
            made = folder.create_child_folder(name)
            want.add(name)
        if made is None:
            return f"creating {name} failed"
    lists_before = emulator_stat("graph.list_children")
    # limit must stay <= protocol.max_top_value, else O365 replaces batch by max_top_value.
    items = folder.get_items(limit=PAGED_ITEMS + 20, batch=PAGE_SIZE)
    if not isinstance(items, Pagination):
        return f"$top={PAGE_SIZE} over {PAGED_ITEMS} children gave no @odata.nextLink"
    got = [i.name for i in items]
    if len(got) != len(set(got)) or set(got) != want:
        return (f"paged listing: {len(got)} names, {len(set(got))} distinct, "
                f"missing {sorted(want - set(got))[:5]}, extra {sorted(set(got) - want)[:5]}")
    if items.total_count != PAGED_ITEMS:
        return f"Pagination.total_count {items.total_count}"
    pages = emulator_stat("graph.list_children") - lists_before
    if pages != -(-PAGED_ITEMS // PAGE_SIZE):
        return f"{pages} children requests for {PAGED_ITEMS} items at $top={PAGE_SIZE}"


def _download(key):
    item, data = state[key]
    out = io.BytesIO()
    # GET /items/{id}/content -> 302 to a pre-authenticated URL (requests follows it)
    if not item.download(output=out):
        return "DriveItem.download returned False"
    got = out.getvalue()
    if got != data:
        return f"downloaded {len(got)} bytes, differing from the {len(data)} uploaded"
    # Same again with chunked streaming
    out = io.BytesIO()
    if not item.download(output=out, chunk_size=CHUNK):
        return "DriveItem.download(chunk_size) returned False"
    if out.getvalue() != data:
        return "streamed download differs from the upload"


def needs(*keys):
    def deco(fn):
        def run_it():
            missing = [k for k in keys if k not in state]
            if missing:
                return f"skipped: an earlier check did not provide {', '.join(missing)}"
            return fn()
        return run_it
    return deco


def main():
    try:
        run_checks()
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    return 0


def run_checks():
    check("identity: device code flow token", t_token)
    check("O365 Account with emulator Protocol and token backend", needs("token")(t_account))
    check("drive: GET /me/drive", needs("account")(t_drive))
    check("drive: GET /me/drives/{id}/root (O365's address for a fetched drive)",
          needs("fetched_drive")(t_drive_by_id))
    check("drive: GET /me/drive/root", needs("storage")(t_root))
    check("folders: create nested", needs("root")(t_folders_nested))
    check("folders: list children", needs("top", "alpha")(t_folders_list))
    check("upload: simple PUT content", needs("beta")(t_upload_simple))
    check("upload: session (12 MiB, 3200 KiB fragments)", needs("beta")(t_upload_session))
    check(f"paging: {PAGED_ITEMS} children, $top={PAGE_SIZE}, @odata.nextLink",
          needs("top")(t_paging))
    check("download: small file bytes match", needs("small")(lambda: _download("small")))
    check("download: session-uploaded file bytes match", needs("big")(lambda: _download("big")))


if __name__ == "__main__":
    sys.exit(main())
