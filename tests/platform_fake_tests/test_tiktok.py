"""TikTok over HTTP: Login Kit v2 code flow and refresh, user info, video list/query, errors."""
from __future__ import annotations

import pytest

from .fixtures import (  # noqa: F401
    CLIENT_ID, REDIRECT_TT, TT_SCOPE, consent, fake, http, query_of, server, tt_api, tt_code,
    tt_login, tt_token)

VIDEO_FIELDS = "id,title,video_description,create_time,share_url,duration,like_count," \
               "comment_count,share_count,view_count"


@pytest.fixture
def nok(fake):
    acct = fake.create_account("tiktok", "nok.eats", followers=48_000, display_name="Nok Eats")
    acct["token"] = fake.grant_token("tiktok", "nok.eats")["access_token"]
    return acct


def test_full_code_flow_with_state_and_token_shape(http, server, fake):
    acct = fake.create_account("tiktok", "nok.eats", followers=48_000)
    resp = consent(http, server, "tiktok", username="nok.eats", state="tt-state-9")
    assert resp.status_code == 302 and resp.headers["Location"].startswith(REDIRECT_TT + "?")
    params = query_of(resp.headers["Location"])
    assert params["state"] == "tt-state-9" and params["scopes"] == TT_SCOPE
    token = tt_token(http, server, code=params["code"], grant_type="authorization_code",
                     redirect_uri=REDIRECT_TT)
    body = token.json()
    assert token.status_code == 200 and set(body) == {
        "access_token", "expires_in", "open_id", "refresh_expires_in", "refresh_token", "scope",
        "token_type"}
    assert body["open_id"] == acct["open_id"] and body["token_type"] == "Bearer"
    assert body["access_token"].startswith("act.") and body["refresh_token"].startswith("rft.")
    assert (body["expires_in"], body["refresh_expires_in"]) == (86_400, 365 * 86_400)


def test_consent_page_is_labelled_and_cancel_is_access_denied(http, server, fake):
    fake.create_account("tiktok", "nok.eats")
    page = http.get(f"{server.tiktok_base}/v2/auth/authorize/", timeout=5, params={
        "client_key": CLIENT_ID, "scope": TT_SCOPE, "response_type": "code",
        "redirect_uri": REDIRECT_TT, "state": "s"})
    assert "Sandbox TikTok — no real account" in page.text and "@nok.eats" in page.text
    resp = consent(http, server, "tiktok", decision="cancel", state="s2", username="nok.eats")
    params = query_of(resp.headers["Location"])
    assert params["error"] == "access_denied" and params["state"] == "s2"
    assert "code" not in params
    bad = http.get(page.url.replace(CLIENT_ID, "someone-else"), timeout=5)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_client"


def test_codes_are_single_use_and_errors_are_oauth_shaped(http, server, fake):
    fake.create_account("tiktok", "nok.eats")
    code = tt_code(http, server, "nok.eats")
    form = {"code": code, "grant_type": "authorization_code", "redirect_uri": REDIRECT_TT}
    wrong = tt_token(http, server, **form, client_secret="nope")
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert set(wrong.json()) == {"error", "error_description", "log_id"}
    assert tt_token(http, server, **form).status_code == 200
    again = tt_token(http, server, **form)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    missing = tt_token(http, server, grant_type="authorization_code", code="x")
    assert missing.json()["error"] == "invalid_request"
    assert tt_token(http, server, grant_type="password").json()["error"] == \
        "unsupported_grant_type"


def test_refresh_grant_and_expiry_after_advancing_the_clock(http, server, fake):
    fake.create_account("tiktok", "nok.eats")
    first = tt_login(http, server, "nok.eats")
    fake.advance_time(86_401)
    expired = tt_api(http, server, "GET", "/v2/user/info/", first["access_token"], "open_id")
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "access_token_invalid"
    assert expired.json()["data"] == {}
    new = tt_token(http, server, grant_type="refresh_token",
                   refresh_token=first["refresh_token"]).json()
    assert new["access_token"] != first["access_token"] and new["open_id"] == first["open_id"]
    assert tt_api(http, server, "GET", "/v2/user/info/", new["access_token"], "open_id").ok
    fake.advance_time(366 * 86_400)
    dead = tt_token(http, server, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert dead.status_code == 400 and dead.json()["error"] == "invalid_grant"


def test_user_info_and_scopes(http, server, fake, nok):
    resp = tt_api(http, server, "GET", "/v2/user/info/", nok["token"],
                  "open_id,union_id,avatar_url,display_name,username,follower_count")
    assert resp.status_code == 200 and resp.json()["error"]["code"] == "ok"
    user = resp.json()["data"]["user"]
    assert user["open_id"] == nok["open_id"] and user["union_id"] == nok["union_id"]
    assert (user["display_name"], user["username"], user["follower_count"]) == \
        ("Nok Eats", "nok.eats", 48_000)
    basic = fake.grant_token("tiktok", "nok.eats", ["user.info.basic"])["access_token"]
    denied = tt_api(http, server, "GET", "/v2/user/info/", basic, "open_id,follower_count")
    assert denied.status_code == 401 and denied.json()["error"]["code"] == "scope_not_authorized"
    listing = tt_api(http, server, "POST", "/v2/video/list/", basic, "id", json={})
    assert listing.json()["error"]["code"] == "scope_not_authorized"


def test_video_list_pages_with_the_millisecond_cursor(http, server, fake, nok):
    ids = [fake.publish_post("tiktok", "nok.eats", f"v{i}", timestamp=1_718_000_000 + i)["id"]
           for i in range(5)]
    page = tt_api(http, server, "POST", "/v2/video/list/", nok["token"], VIDEO_FIELDS,
                  json={"max_count": 2}).json()
    data = page["data"]
    assert [v["id"] for v in data["videos"]] == ids[::-1][:2] and data["has_more"] is True
    video = data["videos"][0]
    assert video["create_time"] == 1_718_000_004 and video["title"] == ""
    assert video["share_url"].startswith(f"https://www.tiktok.com/@nok.eats/video/{ids[4]}?")
    seen = [v["id"] for v in data["videos"]]
    while data["has_more"]:
        data = tt_api(http, server, "POST", "/v2/video/list/", nok["token"], "id",
                      json={"max_count": 2, "cursor": data["cursor"]}).json()["data"]
        seen += [v["id"] for v in data["videos"]]
    assert seen == ids[::-1]
    bad = tt_api(http, server, "POST", "/v2/video/list/", nok["token"], "id",
                 json={"max_count": 50})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_params"


def test_video_query_truncates_description_to_150_characters(http, server, fake, nok):
    caption = "Reklama | " + "ą" * 150 + " #PadThai"
    post = fake.publish_post("tiktok", "nok.eats", caption)
    assert post["share_url"] == f"https://www.tiktok.com/@nok.eats/video/{post['id']}"
    video_id = post["share_url"].rsplit("/", 1)[1]
    resp = tt_api(http, server, "POST", "/v2/video/query/", nok["token"],
                  "id,video_description,create_time,share_url",
                  json={"filters": {"video_ids": [video_id]}})
    videos = resp.json()["data"]["videos"]
    assert len(videos) == 1 and videos[0]["share_url"] == post["share_url"]
    assert videos[0]["video_description"] == caption[:150] and len(caption) > 150
    assert fake.post(post["id"])["caption"] == caption  # the fake keeps the full text


def test_query_omits_other_users_and_deleted_videos_and_sees_edits(http, server, fake, nok):
    fake.create_account("tiktok", "glow.fan")
    theirs = fake.publish_post("tiktok", "glow.fan", "not yours")
    mine = fake.publish_post("tiktok", "nok.eats", "Ad | original")
    body = {"filters": {"video_ids": [theirs["id"], mine["id"]]}}
    query = lambda: tt_api(http, server, "POST", "/v2/video/query/", nok["token"],  # noqa: E731
                           "id,video_description", json=body).json()["data"]["videos"]
    assert query() == [{"id": mine["id"], "video_description": "Ad | original"}]
    fake.edit_caption(mine["id"], "edited")
    assert query()[0]["video_description"] == "edited"
    fake.delete_post(mine["id"])
    assert query() == []


def test_strict_validation(http, server, fake, nok):
    no_fields = tt_api(http, server, "GET", "/v2/user/info/", nok["token"])
    assert no_fields.status_code == 400 and no_fields.json()["error"]["code"] == "invalid_params"
    bad_field = tt_api(http, server, "GET", "/v2/user/info/", nok["token"], "open_id,email")
    assert "email" in bad_field.json()["error"]["message"]
    bad_body = tt_api(http, server, "POST", "/v2/video/query/", nok["token"], "id",
                      json={"filters": {"video_ids": []}})
    assert bad_body.status_code == 400
    no_token = tt_api(http, server, "POST", "/v2/video/list/", None, "id", json={})
    assert no_token.status_code == 401
    assert no_token.json()["error"]["code"] == "access_token_invalid"


def test_injected_rate_limit_and_server_error(http, server, fake, nok):
    fake.inject_error("tiktok", "/v2/video/", body_kind="rate_limit", times=2)
    fake.inject_error("tiktok", "/v2/user/", status=500, body_kind="server_error")
    for _ in range(2):
        limited = tt_api(http, server, "POST", "/v2/video/list/", nok["token"], "id", json={})
        assert limited.status_code == 429
        assert limited.json()["error"]["code"] == "rate_limit_exceeded"
        assert limited.json()["error"]["message"] == "The API rate limit was exceeded."
    assert tt_api(http, server, "POST", "/v2/video/list/", nok["token"], "id", json={}).ok
    failed = tt_api(http, server, "GET", "/v2/user/info/", nok["token"], "open_id")
    assert failed.status_code == 500 and failed.json()["error"]["code"] == "internal_error"
    fake.inject_error("tiktok", "/v2/oauth/token/", body_kind="server_error")
    oauth = tt_token(http, server, grant_type="refresh_token", refresh_token="x")
    assert oauth.status_code == 500 and oauth.json()["error"] == "server_error"
