"""The TikTok source against the fake TikTok (Login Kit v2 + Display API) over real HTTP."""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from marketplace.verification.sources import (OAuthRefused, PostNotFound, ScopeMissing,
                                              SourceError, TemporarySourceError, TokenError,
                                              callback_code, tiktok)

from .helpers import CLIENT_SECRET, callback_uri, consent, link_code, tt_token

POSTED = datetime(2024, 6, 10, 6, 13, 20, tzinfo=UTC)
DAY = 86400


@pytest.fixture
def nok(fake):
    return fake.create_account("tiktok", "nok.eats", followers=48_000, display_name="Nok Eats")


def _link(settings, server, browser, username, state="st-tt-1", **form):
    redirect = callback_uri(server, "tiktok")
    url = tiktok.authorize_url(settings, redirect_uri=redirect, state=state)
    return link_code(browser, url, "tiktok", username, state, **form), redirect


# -- OAuth ---------------------------------------------------------------------------------------
def test_authorize_url_asks_for_profile_stats_and_videos(settings, server):
    url = tiktok.authorize_url(settings, redirect_uri="https://hashmark.test/cb", state="abc")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == \
        f"{server.tiktok_base}/v2/auth/authorize/"
    assert parse_qs(parts.query) == {
        "client_key": ["hashmark-sandbox"], "redirect_uri": ["https://hashmark.test/cb"],
        "response_type": ["code"], "state": ["abc"],
        "scope": ["user.info.basic,user.info.profile,user.info.stats,video.list"]}


def test_code_flow_gives_access_and_refresh_tokens(settings, server, browser, fake, nok):
    code, redirect = _link(settings, server, browser, "nok.eats")
    before = datetime.now(UTC)
    token = tiktok.exchange_code(settings, code=code, redirect_uri=redirect)

    assert token.platform_user_id == nok["open_id"]
    assert token.scopes == tiktok.SCOPES
    assert token.access_token.startswith("act.") and token.refresh_token.startswith("rft.")
    assert before + timedelta(hours=23) < token.expires_at < before + timedelta(hours=25)
    assert before + timedelta(days=364) < token.refresh_expires_at < before + timedelta(days=366)
    assert tiktok.profile(settings, token).username == "nok.eats"


def test_unticking_the_video_permission_is_refused_at_linking(settings, server, browser, nok):
    granted = ["user.info.basic", "user.info.profile", "user.info.stats"]  # video.list unticked
    code, redirect = _link(settings, server, browser, "nok.eats", grants_shown="1",
                           grant=granted)
    with pytest.raises(ScopeMissing) as err:
        tiktok.exchange_code(settings, code=code, redirect_uri=redirect)
    assert err.value.code == "scope_missing" and "keep every permission ticked" in err.value.message


def test_a_code_is_single_use(settings, server, browser, nok):
    code, redirect = _link(settings, server, browser, "nok.eats")
    tiktok.exchange_code(settings, code=code, redirect_uri=redirect)
    with pytest.raises(OAuthRefused) as err:
        tiktok.exchange_code(settings, code=code, redirect_uri=redirect)
    assert err.value.code == "invalid_code" and code not in err.value.message


def test_a_code_for_another_redirect_uri_is_refused(settings, server, browser, nok):
    code, _ = _link(settings, server, browser, "nok.eats")
    with pytest.raises(OAuthRefused):
        tiktok.exchange_code(settings, code=code, redirect_uri="https://elsewhere.test/cb")


def test_cancel_and_state_mismatch_are_refusals(settings, server, browser, nok):
    url = tiktok.authorize_url(settings, redirect_uri=callback_uri(server, "tiktok"), state="s1")
    cancelled = consent(browser, url, "nok.eats", decision="cancel")
    with pytest.raises(OAuthRefused) as err:
        callback_code("tiktok", cancelled, expected_state="s1")
    assert err.value.code == "access_denied"
    allowed = consent(browser, url, "nok.eats")
    with pytest.raises(OAuthRefused) as err:
        callback_code("tiktok", allowed, expected_state="s2")
    assert err.value.code == "state_mismatch"
    assert callback_code("tiktok", allowed, expected_state="s1") == allowed["code"]


def test_an_expired_access_token_is_refreshed(settings, fake, nok):
    token = tt_token(fake, "nok.eats")
    fake.advance_time(DAY + 1)
    with pytest.raises(TokenError):
        tiktok.profile(settings, token)
    fresh = tiktok.refresh(settings, token)
    assert fresh.access_token != token.access_token
    assert fresh.refresh_token == token.refresh_token
    assert tiktok.profile(settings, fresh).user_id == nok["open_id"]


def test_an_expired_refresh_token_means_linking_again(settings, fake, nok):
    token = tt_token(fake, "nok.eats")
    fake.advance_time(366 * DAY)
    with pytest.raises(TokenError) as err:
        tiktok.refresh(settings, token)
    assert err.value.code == "refresh_token_invalid"
    assert "Link your TikTok account again" in err.value.message


def test_an_injected_server_error_on_the_token_endpoint_is_temporary(settings, fake, nok):
    token = tt_token(fake, "nok.eats")
    fake.inject_error("tiktok", "/v2/oauth/token/", body_kind="server_error")
    with pytest.raises(TemporarySourceError):
        tiktok.refresh(settings, token)
    assert tiktok.refresh(settings, token).access_token != token.access_token


# -- profile -------------------------------------------------------------------------------------
def test_profile_reads_username_name_followers_and_avatar(settings, fake, nok):
    profile = tiktok.profile(settings, tt_token(fake, "nok.eats"))
    assert profile.platform == "tiktok" and profile.user_id == nok["open_id"]
    assert (profile.username, profile.display_name) == ("nok.eats", "Nok Eats")
    assert profile.followers == 48_000 and profile.account_type is None
    assert profile.picture_url and profile.picture_url.startswith("https://")


def test_profile_without_the_stats_permission_has_no_follower_count(settings, fake, nok):
    token = tt_token(fake, "nok.eats", ("user.info.basic", "user.info.profile", "video.list"))
    profile = tiktok.profile(settings, token)
    assert profile.username == "nok.eats" and profile.followers is None


# -- resolving pasted links ----------------------------------------------------------------------
@pytest.mark.parametrize("template", [
    "https://www.tiktok.com/@nok.eats/video/{id}",
    "https://www.tiktok.com/@nok.eats/video/{id}/",
    "https://www.tiktok.com/@nok.eats/video/{id}?is_from_webapp=1&sender_device=pc",
    "https://tiktok.com/@nok.eats/video/{id}",
    "https://m.tiktok.com/@nok.eats/video/{id}#top",
    " www.tiktok.com/@nok.eats/video/{id} ",
])
def test_resolve_post_accepts_every_link_form(settings, fake, nok, template):
    caption = "Ad | morning run with @trailfuel #TrailFuel #RunClub"
    video = fake.publish_post("tiktok", "nok.eats", caption, timestamp=POSTED,
                              counts={"likes": 120, "comments": 8, "views": 4500})
    found = tiktok.resolve_post(settings, tt_token(fake, "nok.eats"),
                                template.format(id=video["id"]))
    assert found.id == video["id"] and found.platform == "tiktok"
    assert found.caption == caption and found.caption_complete is True
    assert found.published_at == POSTED
    assert found.permalink == video["share_url"]  # without TikTok's utm query
    assert found.owner_user_id == nok["open_id"] and found.media_type == "VIDEO"
    assert (found.likes, found.comments, found.views) == (120, 8, 4500)


@pytest.mark.parametrize(("length", "complete"), [(20, True), (149, True), (150, False),
                                                  (400, False)])
def test_a_description_that_may_be_cut_is_marked_incomplete(settings, fake, nok, length,
                                                             complete):
    caption = ("#ad 😀 " * 100)[:length]  # astral emoji: one code point, two UTF-16 units
    video = fake.publish_post("tiktok", "nok.eats", caption)
    found = tiktok.fetch_post(settings, tt_token(fake, "nok.eats"), video["id"])
    assert found.caption == caption[:150]
    assert found.caption_complete is complete


@pytest.mark.parametrize("url", ["https://vm.tiktok.com/ZMhvqK8Yx/",
                                 "https://vt.tiktok.com/ZSabc123/",
                                 "https://www.tiktok.com/t/ZT8mAbCdE/"])
def test_a_short_link_asks_for_the_full_address(settings, fake, nok, url):
    with pytest.raises(SourceError) as err:
        tiktok.resolve_post(settings, tt_token(fake, "nok.eats"), url)
    assert err.value.code == "short_link" and "full address" in err.value.message
    assert fake.requests("tiktok") == []


@pytest.mark.parametrize("url", [
    "https://www.tiktok.com.evil.example/@nok.eats/video/7380080137682881835",
    "https://evil.example/@nok.eats/video/7380080137682881835",
    "https://www.tiktok.com@evil.example/@nok.eats/video/7380080137682881835",
    "https://www.tiktok.com:444/@nok.eats/video/7380080137682881835",
    "https://www.tiktok.com/@nok.eats/video/7380080137682881835abc",
    "https://www.tiktok.com/@nok.eats/video/../../v2/user/info/",
    "https://www.tiktok.com/@nok.eats/photo/7380080137682881835",
    "https://www.tiktok.com/@nok.eats",
    "https://www.instagram.com/p/DAbCdEfGhIj/",
    "not a link at all",
])
def test_a_tampered_or_foreign_link_is_refused_before_any_request(settings, fake, nok, url):
    with pytest.raises(SourceError) as err:
        tiktok.resolve_post(settings, tt_token(fake, "nok.eats"), url)
    assert type(err.value) is SourceError and err.value.code == "invalid_url"
    assert "https://www.tiktok.com/@you/video/" in err.value.message
    assert fake.requests("tiktok") == []


def test_someone_elses_video_is_not_found(settings, fake, nok):
    fake.create_account("tiktok", "glow.fan")
    theirs = fake.publish_post("tiktok", "glow.fan", "#ad not Nok's")
    with pytest.raises(PostNotFound) as err:
        tiktok.resolve_post(settings, tt_token(fake, "nok.eats"), theirs["share_url"])
    assert "belongs to another account" in err.value.message


def _answer(fake, *videos):
    """Make the next video query answer exactly `videos` (HTTP 200, error code ok)."""
    fake.inject_error("tiktok", "/v2/video/query/", status=200, body={
        "data": {"videos": list(videos)}, "error": {"code": "ok", "message": "", "log_id": "x"}})


def test_a_share_url_loses_its_tracking_query(settings, fake, nok):
    _answer(fake, {"id": "7380080137682881835", "video_description": "#ad",
                   "create_time": 1718000000,
                   "share_url": "https://www.tiktok.com/@nok.eats/video/7380080137682881835"
                                "?utm_campaign=tt4d_open_api&utm_source=awfake"})
    found = tiktok.fetch_post(settings, tt_token(fake, "nok.eats"), "7380080137682881835")
    assert found.permalink == "https://www.tiktok.com/@nok.eats/video/7380080137682881835"
    assert found.published_at == datetime(2024, 6, 10, 6, 13, 20, tzinfo=UTC)


def test_an_answer_about_another_video_is_not_taken_for_this_one(settings, fake, nok):
    _answer(fake, {"id": "7380080137682881836", "video_description": "#ad",
                   "create_time": 1718000000, "share_url": ""})
    with pytest.raises(PostNotFound):
        tiktok.fetch_post(settings, tt_token(fake, "nok.eats"), "7380080137682881835")


def test_an_unknown_video_id_is_not_found(settings, fake, nok):
    with pytest.raises(PostNotFound):
        tiktok.resolve_post(settings, tt_token(fake, "nok.eats"),
                            "https://www.tiktok.com/@nok.eats/video/7380080137682881835")


@pytest.mark.parametrize("gone", ["delete", "private"])
def test_a_deleted_or_private_video_is_not_found_anymore(settings, fake, nok, gone):
    video = fake.publish_post("tiktok", "nok.eats", "#ad live for now")
    token = tt_token(fake, "nok.eats")
    assert tiktok.fetch_post(settings, token, video["id"]).caption == "#ad live for now"
    if gone == "delete":
        fake.delete_post(video["id"])
    else:
        fake.archive_post(video["id"])
    with pytest.raises(PostNotFound):
        tiktok.fetch_post(settings, token, video["id"])
    with pytest.raises(PostNotFound):
        tiktok.resolve_post(settings, token, video["share_url"])


def test_fetch_post_sees_an_edited_caption(settings, fake, nok):
    video = fake.publish_post("tiktok", "nok.eats", "#ad first words")
    token = tt_token(fake, "nok.eats")
    fake.edit_caption(video["id"], "edited, no label")
    assert tiktok.fetch_post(settings, token, video["id"]).caption == "edited, no label"


def test_reading_videos_without_the_video_permission_is_scope_missing(settings, fake, nok):
    video = fake.publish_post("tiktok", "nok.eats", "#ad")
    token = tt_token(fake, "nok.eats", ("user.info.basic",))
    with pytest.raises(ScopeMissing):
        tiktok.fetch_post(settings, token, video["id"])


def test_an_expired_access_token_raises_token_error(settings, fake, nok):
    video = fake.publish_post("tiktok", "nok.eats", "#ad")
    token = tt_token(fake, "nok.eats")
    fake.expire_token(token.access_token)
    with pytest.raises(TokenError):
        tiktok.fetch_post(settings, token, video["id"])


# -- platform trouble ----------------------------------------------------------------------------
def test_rate_limit_is_temporary_and_carries_retry_after(settings, fake, nok):
    video = fake.publish_post("tiktok", "nok.eats", "#ad")
    fake.inject_error("tiktok", "/v2/video/query/", body_kind="rate_limit")
    fake.error_headers["Retry-After"] = "45"
    token = tt_token(fake, "nok.eats")
    with pytest.raises(TemporarySourceError) as err:
        tiktok.fetch_post(settings, token, video["id"])
    assert err.value.code == "rate_limited" and err.value.retry_after == 45
    assert tiktok.fetch_post(settings, token, video["id"]).id == video["id"]


def test_internal_error_is_temporary(settings, fake, nok):
    fake.inject_error("tiktok", "/v2/user/info/", body_kind="server_error")
    with pytest.raises(TemporarySourceError) as err:
        tiktok.profile(settings, tt_token(fake, "nok.eats"))
    assert err.value.code == "server_error" and err.value.retry_after is None


def test_the_envelope_error_counts_even_with_http_200(settings, fake, nok):
    fake.inject_error("tiktok", "/v2/user/info/", status=200, body={
        "data": {}, "error": {"code": "access_token_invalid", "message": "The access token is "
                              "invalid or not found in the request.", "log_id": "x"}})
    with pytest.raises(TokenError):
        tiktok.profile(settings, tt_token(fake, "nok.eats"))


def test_an_answer_without_the_envelope_is_not_taken_for_success(settings, fake, nok):
    fake.inject_error("tiktok", "/v2/user/info/", status=200, body={"user": {"open_id": "x"}})
    with pytest.raises(SourceError) as err:
        tiktok.profile(settings, tt_token(fake, "nok.eats"))
    assert err.value.code == "unexpected_answer"


def test_tokens_and_secrets_stay_out_of_errors_logs_and_reprs(settings, fake, nok, caplog):
    caplog.set_level(logging.DEBUG, logger="marketplace.verification.sources")
    token = tt_token(fake, "nok.eats")
    errors = []
    fake.advance_time(366 * DAY)
    for call in (lambda: tiktok.profile(settings, token),
                 lambda: tiktok.refresh(settings, token),
                 lambda: tiktok.refresh(replace(settings, tiktok_client_key="nope"), token)):
        with pytest.raises(SourceError) as err:
            call()
        errors.append(err.value)
    assert [e.code for e in errors] == ["token_invalid", "refresh_token_invalid",
                                        "client_misconfigured"]
    shown = caplog.text + repr(token) + repr(settings) + "".join(
        f"{e} {e!r} {e.params}" for e in errors)
    assert "tiktok" in caplog.text
    for secret in (token.access_token, token.refresh_token, CLIENT_SECRET):
        assert secret not in shown
