"""Instagram Login over HTTP: consent page, code exchange, long-lived tokens, refresh, expiry."""
from __future__ import annotations

from urllib.parse import urlsplit

from .fixtures import (  # noqa: F401
    CLIENT_ID, CLIENT_SECRET, IG_SCOPE, REDIRECT_IG, consent, fake, graph, http, ig_code,
    ig_exchange, ig_login, query_of, server)


def test_consent_page_is_labelled_and_lists_sandbox_accounts(http, server, fake):
    fake.create_account("instagram", "ania.creator", followers=12_400)
    page = http.get(f"{server.instagram_base}/oauth/authorize", timeout=5, params={
        "client_id": CLIENT_ID, "redirect_uri": REDIRECT_IG, "scope": IG_SCOPE,
        "response_type": "code", "state": "s1"})
    assert page.status_code == 200
    assert "Sandbox Instagram — no real account" in page.text
    assert "@ania.creator" in page.text and "Allow" in page.text and "Cancel" in page.text


def test_full_code_flow_round_trips_state_and_gives_a_short_lived_token(http, server, fake):
    acct = fake.create_account("instagram", "ania.creator", followers=12_400)
    resp = consent(http, server, "instagram", username="ania.creator", state="csrf-42")
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert location.startswith(REDIRECT_IG + "?") and location.endswith("#_")
    params = query_of(location)
    assert params["state"] == "csrf-42" and params["code"].startswith("AQ")
    token = ig_exchange(http, server, params["code"])
    assert token.status_code == 200
    body = token.json()
    assert set(body) == {"access_token", "user_id", "permissions"}
    assert body["user_id"] == acct["id"] and body["permissions"] == IG_SCOPE
    me = graph(http, server, "/me", body["access_token"], fields="user_id,username")
    assert me.json() == {"id": acct["id"], "user_id": acct["user_id"], "username": "ania.creator"}


def test_cancel_redirects_with_access_denied_and_state(http, server, fake):
    fake.create_account("instagram", "ania.creator")
    resp = consent(http, server, "instagram", decision="cancel", state="xyz",
                   username="ania.creator")
    assert resp.status_code == 302
    params = query_of(resp.headers["Location"])
    assert params["error"] == "access_denied" and params["error_reason"] == "user_denied"
    assert params["error_description"] and params["state"] == "xyz" and "code" not in params


def test_typed_username_creates_the_sandbox_account(http, server, fake):
    code = ig_code(http, server, "", new_username="new.face", account_type="MEDIA_CREATOR")
    assert ig_exchange(http, server, code).status_code == 200
    assert fake.account("instagram", "new.face")["account_type"] == "MEDIA_CREATOR"


def test_codes_are_single_use_and_expire(http, server, fake):
    fake.create_account("instagram", "ania.creator")
    code = ig_code(http, server, "ania.creator")
    assert ig_exchange(http, server, code).status_code == 200
    again = ig_exchange(http, server, code)
    assert again.status_code == 400
    assert again.json() == {"error_type": "OAuthException", "code": 400,
                            "error_message": "This authorization code has been used"}
    late = ig_code(http, server, "ania.creator")
    fake.advance_time(3601)
    assert ig_exchange(http, server, late).json()["error_message"] == \
        "This authorization code has expired"


def test_wrong_secret_or_redirect_is_an_oauth_error(http, server, fake):
    fake.create_account("instagram", "ania.creator")
    code = ig_code(http, server, "ania.creator")
    bad = ig_exchange(http, server, code, client_secret="nope")
    assert bad.status_code == 400 and bad.json()["error_type"] == "OAuthException"
    assert bad.json()["error_message"] == "Error validating client secret."
    bad = ig_exchange(http, server, code, redirect_uri="http://127.0.0.1:5000/elsewhere")
    assert "redirect_uri" in bad.json()["error_message"]
    assert ig_exchange(http, server, code).status_code == 200  # failed tries did not burn it


def test_consent_page_rejects_bad_requests_without_redirecting(http, server, fake):
    url = f"{server.instagram_base}/oauth/authorize"
    base = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT_IG, "scope": IG_SCOPE,
            "response_type": "code"}
    for params, message in [({**base, "client_id": "other"}, "Invalid platform app"),
                            ({**base, "scope": "user_profile"}, "Invalid Scopes: user_profile"),
                            ({**base, "bogus": "1"}, "Unsupported parameter: bogus"),
                            ({k: v for k, v in base.items() if k != "scope"}, "scope")]:
        resp = http.get(url, params=params, allow_redirects=False, timeout=5)
        assert resp.status_code == 400 and message in resp.json()["error_message"]


def test_long_lived_exchange_and_refresh(http, server, fake):
    fake.create_account("instagram", "ania.creator")
    short = ig_exchange(http, server, ig_code(http, server, "ania.creator")).json()
    url = f"{server.instagram_base}/access_token"
    bad = http.get(url, timeout=5, params={"grant_type": "ig_exchange_token",
                                           "client_secret": "nope",
                                           "access_token": short["access_token"]})
    assert bad.status_code == 400 and bad.json()["error"]["message"] == \
        "Error validating client secret."
    long = http.get(url, timeout=5, params={"grant_type": "ig_exchange_token",
                                            "client_secret": CLIENT_SECRET,
                                            "access_token": short["access_token"]}).json()
    assert long["token_type"] == "bearer" and long["expires_in"] == 60 * 86400
    refresh_url = f"{server.instagram_base}/refresh_access_token"
    params = {"grant_type": "ig_refresh_token", "access_token": long["access_token"]}
    too_early = http.get(refresh_url, params=params, timeout=5)
    assert too_early.status_code == 400 and too_early.json()["error"]["code"] == 100
    fake.advance_time(30 * 86400)
    fresh = http.get(refresh_url, params=params, timeout=5).json()
    assert fresh["expires_in"] == 60 * 86400 and fresh["access_token"] != long["access_token"]
    fake.advance_time(31 * 86400)  # the old long-lived token is now past its 60 days
    old = graph(http, server, "/me", long["access_token"], fields="username")
    assert old.status_code == 400 and old.json()["error"]["error_subcode"] == 463
    assert graph(http, server, "/me", fresh["access_token"], fields="username").ok


def test_short_lived_token_expires_after_an_hour(http, server, fake):
    fake.create_account("instagram", "ania.creator")
    short = ig_exchange(http, server, ig_code(http, server, "ania.creator")).json()
    assert graph(http, server, "/me", short["access_token"], fields="username").ok
    fake.advance_time(3601)
    resp = graph(http, server, "/me", short["access_token"], fields="username")
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert (error["type"], error["code"], error["error_subcode"]) == ("OAuthException", 190, 463)
    assert error["message"] == "Error validating access token: Session has expired"


def test_expire_token_hook_and_invalid_token(http, server, fake):
    fake.create_account("instagram", "ania.creator")
    token = ig_login(http, server, "ania.creator")
    fake.expire_token(token)
    assert graph(http, server, "/me", token).json()["error"]["code"] == 190
    resp = graph(http, server, "/me", "IGAAnot-a-token")
    assert resp.status_code == 400 and resp.json()["error"]["code"] == 190
    assert "error_subcode" not in resp.json()["error"]
    assert graph(http, server, "/me", None).json()["error"]["code"] == 2500


def test_personal_account_cannot_use_the_api(http, server, fake):
    fake.create_account("instagram", "just.me", account_type="PERSONAL")
    page = http.get(f"{server.instagram_base}/oauth/authorize", timeout=5, params={
        "client_id": CLIENT_ID, "redirect_uri": REDIRECT_IG, "scope": IG_SCOPE,
        "response_type": "code"})
    assert "personal account: the API will refuse it" in page.text
    token = ig_login(http, server, "just.me")
    resp = graph(http, server, "/me", token, fields="username,account_type")
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["code"] == 10 and error["type"] == "OAuthException"
    assert error["message"].startswith("(#10)") and "personal" in error["message"]
    fake.update_account("instagram", "just.me", account_type="MEDIA_CREATOR")
    assert graph(http, server, "/me", token, fields="account_type").json()["account_type"] == \
        "MEDIA_CREATOR"


def test_unticked_optional_scope_is_not_granted(http, server, fake):
    fake.create_account("instagram", "ania.creator")
    resp = consent(http, server, "instagram", username="ania.creator", grants_shown="1",
                   grant=["instagram_business_basic"])
    code = query_of(resp.headers["Location"])["code"]
    body = ig_exchange(http, server, code).json()
    assert body["permissions"] == "instagram_business_basic"
    assert urlsplit(resp.headers["Location"]).fragment == "_"
