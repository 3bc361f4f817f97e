#!/usr/bin/env python3
"""Drives Microsoft's MSAL for Python against a running dkcloud-emulator over TLS.

    msal_flows.py BASE_URL CA_PEM [CLIENT_ID]

BASE_URL is the emulator's https origin (its first stdout line without
"listening on "), CA_PEM the certificate it serves (or the CA that signed it).
MSAL is used as an application would use it, through documented options only:
the authority is the emulator, instance discovery is off (the emulator is not
a Microsoft host), and the emulator's certificate is trusted with `verify=` and
REQUESTS_CA_BUNDLE (requests lets that variable, when set, override a session's
`verify`, so the script sets it to CA_PEM).

Covered: device code flow, authorization code flow with PKCE, accounts from
MSAL's cache, silent token from the cache, silent refresh (force_refresh) in
the same app and in a new app that loads the serialized cache; the code flow
and a refresh again with the `consumers` and a directory-id authority, and
instance discovery at the emulator's own endpoint. Prints one
"ok ..." or "FAIL ..." line per check; exits 1 if any failed, 2 if MSAL is
missing or the arguments are wrong.
"""

import json
import os
import sys
import urllib.parse

try:
    import msal
    import requests
except ImportError as e:  # pragma: no cover - depends on the environment
    print("FAIL import: %s (pip install msal)" % e)
    sys.exit(2)

CLIENT_ID = "dkcloud-emulator-client"
SCOPES = ["Files.ReadWrite", "User.Read"]
REDIRECT_URI = "http://localhost:8400/"
CONSUMER_TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad"

failures = []


def check(name, condition, detail=""):
    if condition:
        print("ok   %s" % name)
    else:
        failures.append(name)
        print("FAIL %s%s" % (name, (": " + detail) if detail else ""))
    return condition


def describe(result):
    """A token result without the secrets, for failure messages."""
    if not isinstance(result, dict):
        return repr(result)
    hidden = {"access_token", "refresh_token", "id_token"}
    return json.dumps({k: ("..." if k in hidden else v) for k, v in result.items()}, default=str)


def token_ok(name, result, source):
    good = (
        isinstance(result, dict)
        and "access_token" in result
        and result.get("token_type", "").lower() == "bearer"
        and result.get("token_source") == source
    )
    return check(name, good, describe(result))


def new_app(base, ca, client_id, cache=None, tenant="common", instance_discovery=False):
    return msal.PublicClientApplication(
        client_id,
        authority=base + "/" + tenant,
        instance_discovery=instance_discovery,
        verify=ca,
        token_cache=cache,
    )


def graph_me(base, ca, access_token):
    resp = requests.get(base + "/v1.0/me", headers={"Authorization": "Bearer " + access_token}, verify=ca, timeout=30)
    resp.raise_for_status()
    return resp.json()


def claims_ok(name, result, base, me, tid=CONSUMER_TENANT):
    claims = result.get("id_token_claims") or {}
    expected_oid = "00000000-0000-0000-%s-%s" % (me["id"][:4], me["id"][4:])
    good = (
        claims.get("iss") == "%s/%s/v2.0" % (base, tid)
        and claims.get("tid") == tid
        and claims.get("ver") == "2.0"
        and claims.get("preferred_username") == me.get("userPrincipalName")
        and claims.get("name") == me.get("displayName")
        and claims.get("oid") == expected_oid
    )
    return check(name, good, json.dumps(claims))


def device_flow(app, base, ca):
    flow = app.initiate_device_flow(scopes=SCOPES)
    if not check("device flow starts", "user_code" in flow and "device_code" in flow, describe(flow)):
        return None
    check("device flow verification_uri is on the emulator", flow.get("verification_uri", "").startswith(base + "/"),
          flow.get("verification_uri", ""))
    result = app.acquire_token_by_device_flow(flow)  # the emulator approves on the second poll
    if not token_ok("device flow gives tokens", result, "identity_provider"):
        return None
    check("device flow gives an id_token", "id_token" in result, describe(result))
    check("device flow scope is the app's", set(result.get("scope", "").split()) == set(SCOPES), result.get("scope"))
    me = graph_me(base, ca, result["access_token"])
    claims_ok("device flow id_token claims match /me", result, base, me)
    return result


def auth_code_flow(app, base, ca, tenant="common", tid=CONSUMER_TENANT):
    flow = app.initiate_auth_code_flow(SCOPES, redirect_uri=REDIRECT_URI)
    auth_uri = flow["auth_uri"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(auth_uri).query)
    check("auth uri is on the emulator", auth_uri.startswith(base + "/%s/oauth2/v2.0/authorize?" % tenant), auth_uri)
    check("auth uri uses PKCE S256", query.get("code_challenge_method") == ["S256"], auth_uri)
    # The emulator consents at once and redirects; the redirect's query is the auth response.
    resp = requests.get(auth_uri, allow_redirects=False, verify=ca, timeout=30)
    if not check("authorize redirects", resp.status_code == 302, "%s %s" % (resp.status_code, resp.text[:300])):
        return None
    location = resp.headers["Location"]
    check("redirect goes to the redirect_uri", location.startswith(REDIRECT_URI), location)
    auth_response = {k: v[0] for k, v in urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).items()}
    check("redirect carries code and state", "code" in auth_response and auth_response.get("state") == flow["state"],
          location)
    result = app.acquire_token_by_auth_code_flow(flow, auth_response)  # also checks state and nonce
    if not token_ok("auth code flow gives tokens", result, "identity_provider"):
        return None
    check("auth code flow gives a refresh token", "refresh_token" in result, describe(result))
    me = graph_me(base, ca, result["access_token"])
    claims_ok("auth code id_token claims match /me", result, base, me, tid)
    check("auth code id_token nonce is MSAL's", bool((result.get("id_token_claims") or {}).get("nonce")),
          describe(result))
    return result


def silent(app, name, first_token):
    accounts = app.get_accounts()
    if not check("%s: get_accounts() finds the account" % name, len(accounts) == 1, repr(accounts)):
        return
    account = accounts[0]
    check("%s: account username and home id" % name,
          account.get("username") == "user@emulator.invalid"
          and account.get("home_account_id", "").endswith("." + CONSUMER_TENANT),
          repr(account))
    cached = app.acquire_token_silent(SCOPES, account=account)
    if token_ok("%s: acquire_token_silent from the cache" % name, cached, "cache") and first_token:
        check("%s: cached token is the last one issued" % name, cached["access_token"] == first_token)
    refreshed = app.acquire_token_silent(SCOPES, account=account, force_refresh=True)
    if token_ok("%s: acquire_token_silent(force_refresh=True) refreshes" % name, refreshed, "identity_provider"):
        check("%s: refresh gives a new access token" % name, refreshed["access_token"] != (cached or {}).get(
            "access_token"))
        check("%s: refresh gives an id_token" % name, "id_token" in refreshed, describe(refreshed))
    return refreshed


def other_authorities(base, ca, client_id):
    guid = "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0"
    for tenant, tid in (("consumers", CONSUMER_TENANT), (guid, guid)):
        print("-- authority %s/%s" % (base, tenant))
        app = new_app(base, ca, client_id, tenant=tenant)
        code = auth_code_flow(app, base, ca, tenant, tid)
        silent(app, tenant, code and code["access_token"])
    print("-- instance discovery at %s/common/discovery/instance" % base)
    app = new_app(base, ca, client_id, instance_discovery=base + "/common/discovery/instance")
    check("instance discovery leads to the emulator's token endpoint",
          app.authority.token_endpoint == base + "/common/oauth2/v2.0/token", app.authority.token_endpoint)


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip())
        return 2
    base, ca = argv[1].rstrip("/"), argv[2]
    client_id = argv[3] if len(argv) == 4 else CLIENT_ID
    if not base.startswith("https://"):
        print("FAIL the emulator must run with --tls-cert/--tls-key: MSAL accepts https authorities only")
        return 2
    os.environ["REQUESTS_CA_BUNDLE"] = ca
    print("msal %s against %s" % (msal.__version__, base))

    cache = msal.SerializableTokenCache()
    app = new_app(base, ca, client_id, cache)
    device = device_flow(app, base, ca)
    silent(app, "after device flow", device and device["access_token"])

    # A fresh app (empty cache) for the browser flow, as a second program would be.
    cache = msal.SerializableTokenCache()
    app = new_app(base, ca, client_id, cache)
    code = auth_code_flow(app, base, ca)
    last = silent(app, "after auth code flow", code and code["access_token"])

    # MSAL's cache as an application keeps it between runs: serialized, then loaded by a new app.
    saved = cache.serialize()
    reloaded = msal.SerializableTokenCache()
    reloaded.deserialize(saved)
    app = new_app(base, ca, client_id, reloaded)
    silent(app, "reloaded cache", last and last["access_token"])

    # Refreshing from an earlier refresh token works: Microsoft does not revoke a
    # refresh token when it is used (identity platform, "Refresh tokens").
    rt = code and code.get("refresh_token")
    if rt:
        earlier = new_app(base, ca, client_id).acquire_token_by_refresh_token(rt, SCOPES)
        check("refresh from an earlier refresh token", "access_token" in earlier, describe(earlier))

    other_authorities(base, ca, client_id)

    print("%d failed" % len(failures) if failures else "all ok")
    return 1 if failures else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:  # an MSAL or network error: one FAIL line, not only a traceback
        import traceback

        traceback.print_exc()
        print("FAIL %s: %s" % (type(e).__name__, e))
        sys.exit(1)
