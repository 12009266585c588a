"""The Instagram source against the fake Instagram (Instagram Login + Graph) over real HTTP."""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from marketplace.verification.sources import (NotProfessionalAccount, OAuthRefused, PostNotFound,
                                              ScopeMissing, SourceError, TemporarySourceError,
                                              TokenError, callback_code, instagram)

from .helpers import CLIENT_SECRET, callback_uri, consent, ig_token, link_code

POSTED = datetime(2025, 6, 3, 18, 2, 11, tzinfo=UTC)
DAY = 86400


@pytest.fixture
def ania(fake):
    return fake.create_account("instagram", "ania.creator", followers=12_400,
                               display_name="Ania")


def _link(settings, server, browser, username, state="st-ig-1", **form):
    redirect = callback_uri(server, "instagram")
    url = instagram.authorize_url(settings, redirect_uri=redirect, state=state)
    code = link_code(browser, url, "instagram", username, state, **form)
    return code, redirect


# -- OAuth ---------------------------------------------------------------------------------------
def test_authorize_url_asks_for_the_business_scopes_on_the_consent_host(settings, server):
    url = instagram.authorize_url(settings, redirect_uri="https://hashmark.test/cb?x=1",
                                  state="s t&1")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == \
        f"{server.instagram_base}/oauth/authorize"
    assert parse_qs(parts.query) == {
        "client_id": ["hashmark-sandbox"], "redirect_uri": ["https://hashmark.test/cb?x=1"],
        "response_type": ["code"], "state": ["s t&1"],
        "scope": ["instagram_business_basic,instagram_business_manage_insights"]}


def test_code_flow_gives_a_long_lived_token_for_the_professional_account(
        settings, server, browser, fake, ania):
    code, redirect = _link(settings, server, browser, "ania.creator")
    before = datetime.now(UTC)
    token = instagram.exchange_code(settings, code=code, redirect_uri=redirect)

    assert token.platform_user_id == ania["user_id"] != ania["id"]  # not the app-scoped id
    assert token.scopes == instagram.SCOPES
    assert token.refresh_token is None and token.refresh_expires_at is None
    # long-lived (60 days), not the one-hour short-lived token of the code exchange
    assert before + timedelta(days=59) < token.expires_at < before + timedelta(days=61)
    assert token.expires_at.tzinfo is not None
    paths = [r["path"] for r in fake.requests("instagram")]
    assert paths[-3:] == ["/instagram/oauth/access_token", "/instagram/access_token",
                          "/instagram/v23.0/me"]
    assert instagram.profile(settings, token).username == "ania.creator"


def test_a_code_is_single_use(settings, server, browser, ania):
    code, redirect = _link(settings, server, browser, "ania.creator")
    instagram.exchange_code(settings, code=code, redirect_uri=redirect)
    with pytest.raises(OAuthRefused) as err:
        instagram.exchange_code(settings, code=code, redirect_uri=redirect)
    assert err.value.code == "invalid_code" and err.value.platform == "instagram"
    assert code not in err.value.message


def test_an_expired_code_is_refused(settings, server, browser, fake, ania):
    code, redirect = _link(settings, server, browser, "ania.creator")
    fake.advance_time(3601)
    with pytest.raises(OAuthRefused):
        instagram.exchange_code(settings, code=code, redirect_uri=redirect)


def test_a_wrong_client_secret_is_our_misconfiguration_not_the_creators(
        settings, server, browser, ania):
    code, redirect = _link(settings, server, browser, "ania.creator")
    wrong = replace(settings, instagram_client_secret="not-the-secret")
    with pytest.raises(SourceError) as err:
        instagram.exchange_code(wrong, code=code, redirect_uri=redirect)
    assert not isinstance(err.value, OAuthRefused)
    assert err.value.code == "client_misconfigured"
    assert "not-the-secret" not in err.value.message


def test_cancelling_on_the_consent_page_is_reported_as_cancelled(settings, server, browser, ania):
    url = instagram.authorize_url(settings, redirect_uri=callback_uri(server, "instagram"),
                                  state="st-9")
    args = consent(browser, url, "ania.creator", decision="cancel")
    with pytest.raises(OAuthRefused) as err:
        callback_code("instagram", args, expected_state="st-9")
    assert err.value.code == "access_denied" and "cancelled" in err.value.message


def test_a_personal_account_cannot_be_linked_and_is_told_how_to_switch(
        settings, server, browser, fake):
    fake.create_account("instagram", "just.me", account_type="PERSONAL")
    code, redirect = _link(settings, server, browser, "just.me")
    with pytest.raises(NotProfessionalAccount) as err:
        instagram.exchange_code(settings, code=code, redirect_uri=redirect)
    message = err.value.message
    assert err.value.code == "not_professional_account"
    assert "personal account" in message and "Switch to professional account" in message
    assert "Creator" in message and "Business" in message


def test_an_account_switched_to_personal_later_fails_with_the_same_explanation(
        settings, fake, ania):
    token = ig_token(fake, "ania.creator")
    fake.update_account("instagram", "ania.creator", account_type="PERSONAL")
    with pytest.raises(NotProfessionalAccount):
        instagram.profile(settings, token)
    with pytest.raises(NotProfessionalAccount):
        instagram.resolve_post(settings, token, "https://www.instagram.com/p/DAbCdEfGhIj/")


def test_refresh_gives_a_new_long_lived_token_that_works(settings, fake, ania):
    token = ig_token(fake, "ania.creator")
    fake.advance_time(2 * DAY)  # Instagram refreshes only tokens at least a day old
    fresh = instagram.refresh(settings, token)
    assert fresh.access_token != token.access_token
    assert fresh.expires_at > token.expires_at
    assert (fresh.scopes, fresh.platform_user_id) == (token.scopes, token.platform_user_id)
    assert instagram.profile(settings, fresh).user_id == ania["user_id"]


def test_refreshing_an_expired_token_means_linking_again(settings, fake, ania):
    token = ig_token(fake, "ania.creator")
    fake.advance_time(61 * DAY)
    with pytest.raises(TokenError) as err:
        instagram.refresh(settings, token)
    assert "Link your Instagram account again" in err.value.message


# -- profile -------------------------------------------------------------------------------------
def test_profile_reads_the_professional_account(settings, fake):
    acct = fake.create_account("instagram", "kasia.cooks", account_type="MEDIA_CREATOR",
                               followers=5321, display_name="Kasia Gotuje")
    profile = instagram.profile(settings, ig_token(fake, "kasia.cooks"))
    assert profile.platform == "instagram" and profile.user_id == acct["user_id"]
    assert (profile.username, profile.display_name) == ("kasia.cooks", "Kasia Gotuje")
    assert (profile.account_type, profile.followers) == ("MEDIA_CREATOR", 5321)
    assert profile.picture_url and profile.picture_url.startswith("https://")


def test_an_expired_token_raises_token_error(settings, fake, ania):
    token = ig_token(fake, "ania.creator")
    fake.advance_time(60 * DAY + 1)
    with pytest.raises(TokenError) as err:
        instagram.profile(settings, token)
    assert err.value.code == "token_expired"


def test_a_revoked_or_unknown_token_raises_token_error(settings, fake, ania):
    token = ig_token(fake, "ania.creator")
    with pytest.raises(TokenError) as err:
        instagram.profile(settings, replace(token, access_token="IGAAnot-a-real-token"))
    assert err.value.code == "token_invalid"


# -- resolving pasted links ----------------------------------------------------------------------
@pytest.mark.parametrize("template", [
    "https://www.instagram.com/p/{code}/",
    "https://www.instagram.com/reel/{code}/",
    "https://www.instagram.com/reels/{code}/",
    "https://www.instagram.com/tv/{code}/",
    "https://www.instagram.com/ania.creator/p/{code}/",
    "https://www.instagram.com/p/{code}/?igsh=MWQ1ZGUxMzBkMA%3D%3D&img_index=2",
    "https://instagram.com/p/{code}",
    "https://m.instagram.com/reel/{code}/#comments",
    "  www.instagram.com/p/{code}/  ",
])
def test_resolve_post_accepts_every_link_form(settings, fake, ania, template):
    post = fake.publish_post("instagram", "ania.creator", "#reklama Nowy plecak od @gorskie.szlaki",
                             media_type="REELS", timestamp=POSTED,
                             counts={"likes": 2310, "comments": 97})
    fake.publish_post("instagram", "ania.creator", "another post")  # newer, not the one
    token = ig_token(fake, "ania.creator")

    found = instagram.resolve_post(settings, token, template.format(code=post["shortcode"]))

    assert found.id == post["id"] and found.platform == "instagram"
    assert found.caption == "#reklama Nowy plecak od @gorskie.szlaki"
    assert found.caption_complete is True
    assert found.published_at == POSTED
    assert found.permalink == post["permalink"]
    assert found.owner_user_id == ania["user_id"]
    assert found.media_type == "REELS"
    assert (found.likes, found.comments, found.views) == (2310, 97, None)


def test_shortcodes_are_case_sensitive(settings, fake, ania):
    post = fake.publish_post("instagram", "ania.creator", "hello", media_type="IMAGE")
    token = ig_token(fake, "ania.creator")
    assert instagram.resolve_post(settings, token, post["permalink"]).media_type == "IMAGE"
    swapped = post["shortcode"].swapcase()
    with pytest.raises(PostNotFound):
        instagram.resolve_post(settings, token, f"https://www.instagram.com/p/{swapped}/")


def test_resolve_post_pages_through_older_posts(settings, fake, ania):
    old = fake.publish_post("instagram", "ania.creator", "the old one",
                            timestamp=POSTED - timedelta(days=30))
    for i in range(instagram.PAGE_SIZE + 5):
        fake.publish_post("instagram", "ania.creator", f"newer {i}",
                          timestamp=POSTED + timedelta(hours=i))
    found = instagram.resolve_post(settings, ig_token(fake, "ania.creator"), old["permalink"])
    assert found.id == old["id"] and found.caption == "the old one"
    assert len(fake.requests("instagram", "/instagram/v23.0/")) == 2


def test_resolve_post_stops_after_the_page_cap(settings, fake, ania):
    total = instagram.PAGE_SIZE * instagram.MAX_PAGES
    oldest = fake.publish_post("instagram", "ania.creator", "too old", timestamp=POSTED)
    for i in range(total):
        fake.publish_post("instagram", "ania.creator", f"p{i}",
                          timestamp=POSTED + timedelta(minutes=i + 1))
    with pytest.raises(PostNotFound) as err:
        instagram.resolve_post(settings, ig_token(fake, "ania.creator"), oldest["permalink"])
    assert f"{total} most recent" in err.value.message
    assert len(fake.requests("instagram", "/instagram/v23.0/")) == instagram.MAX_PAGES


def test_someone_elses_post_is_not_found(settings, fake, ania):
    fake.create_account("instagram", "other.creator")
    theirs = fake.publish_post("instagram", "other.creator", "#ad mine, not Ania's")
    fake.publish_post("instagram", "ania.creator", "Ania's only post")
    token = ig_token(fake, "ania.creator")
    with pytest.raises(PostNotFound) as err:
        instagram.resolve_post(settings, token, theirs["permalink"])
    assert "belongs to another account" in err.value.message  # we cannot tell which case it is
    assert len(fake.requests("instagram", "/instagram/v23.0/")) == 1  # one page, no next
    with pytest.raises(PostNotFound):
        instagram.fetch_post(settings, token, theirs["id"])


@pytest.mark.parametrize("gone", ["delete", "archive"])
def test_a_deleted_or_archived_post_is_not_found_anymore(settings, fake, ania, gone):
    post = fake.publish_post("instagram", "ania.creator", "#reklama live for now")
    token = ig_token(fake, "ania.creator")
    assert instagram.fetch_post(settings, token, post["id"]).caption == "#reklama live for now"
    if gone == "delete":
        fake.delete_post(post["id"])
    else:
        fake.archive_post(post["id"])
    with pytest.raises(PostNotFound) as err:
        instagram.fetch_post(settings, token, post["id"])
    assert err.value.code == "post_not_found"
    with pytest.raises(PostNotFound):
        instagram.resolve_post(settings, token, post["permalink"])


def test_fetch_post_sees_an_edited_caption(settings, fake, ania):
    post = fake.publish_post("instagram", "ania.creator", "#reklama first words")
    token = ig_token(fake, "ania.creator")
    fake.edit_caption(post["id"], "edited, no label any more")
    assert instagram.fetch_post(settings, token, post["id"]).caption == \
        "edited, no label any more"


@pytest.mark.parametrize("url", [
    "https://www.instagram.com.evil.example/p/DAbCdEfGhIj/",
    "https://evil.example/p/DAbCdEfGhIj/",
    "https://www.instagram.com@evil.example/p/DAbCdEfGhIj/",
    "https://user:pw@www.instagram.com/p/DAbCdEfGhIj/",
    "https://someone@www.instagram.com/p/DAbCdEfGhIj/",
    "https://www.instagram.com:8443/p/DAbCdEfGhIj/",
    "ftp://www.instagram.com/p/DAbCdEfGhIj/",
    "javascript:alert(1)//www.instagram.com/p/DAbCdEfGhIj/",
    "https://www.instagram.com/p/DAb<script>/",
    "https://www.instagram.com/p/../../v23.0/me/",
    "https://www.instagram.com/ania.creator/",
    "https://www.instagram.com/stories/ania.creator/3456789012345678901/",
    "https://www.tiktok.com/@nok.eats/video/7380080137682881835",
    "",
])
def test_a_tampered_or_foreign_link_is_refused_before_any_request(settings, fake, ania, url):
    token = ig_token(fake, "ania.creator")
    with pytest.raises(SourceError) as err:
        instagram.resolve_post(settings, token, url)
    assert type(err.value) is SourceError and err.value.code == "invalid_url"
    assert "Copy link" in err.value.message
    assert fake.requests("instagram") == []


def test_fetch_post_refuses_an_id_that_is_not_a_media_id(settings, fake, ania):
    with pytest.raises(SourceError) as err:
        instagram.fetch_post(settings, ig_token(fake, "ania.creator"), "me/../media")
    assert err.value.code == "invalid_id" and fake.requests("instagram") == []


# -- insights ------------------------------------------------------------------------------------
def _reel(fake):
    post = fake.publish_post("instagram", "ania.creator", "#reklama reel", media_type="REELS")
    fake.set_counts(post["id"], views=48210, reach=30112, likes=2310, comments=97, shares=140,
                    saved=388)
    return post


def test_insights_reads_the_lifetime_metrics(settings, fake, ania):
    post = _reel(fake)
    assert instagram.insights(settings, ig_token(fake, "ania.creator"), post["id"]) == {
        "views": 48210, "reach": 30112, "likes": 2310, "comments": 97, "shares": 140,
        "saved": 388}


def test_insights_drops_a_metric_the_platform_names_as_unsupported(settings, fake, ania):
    post = _reel(fake)
    fake.inject_error("instagram", f"/v23.0/{post['id']}/insights", status=400, body={"error": {
        "message": "(#100) The Media Insights API does not support the shares metric for this "
                   "media product type.", "type": "OAuthException", "code": 100}})
    values = instagram.insights(settings, ig_token(fake, "ania.creator"), post["id"])
    assert values == {"views": 48210, "reach": 30112, "likes": 2310, "comments": 97,
                      "saved": 388}


def test_insights_falls_back_to_one_metric_at_a_time(settings, fake, ania):
    post = _reel(fake)
    # the first (all metrics) and the second (views alone) requests are refused
    fake.inject_error("instagram", f"/v23.0/{post['id']}/insights", body_kind="unsupported_metric",
                      times=2)
    values = instagram.insights(settings, ig_token(fake, "ania.creator"), post["id"])
    assert values == {"reach": 30112, "likes": 2310, "comments": 97, "shares": 140, "saved": 388}
    assert len(fake.requests("instagram", f"/instagram/v23.0/{post['id']}/insights")) == 7


def test_insights_of_a_post_with_too_few_viewers_is_empty(settings, fake, ania):
    post = _reel(fake)
    fake.inject_error("instagram", f"/v23.0/{post['id']}/insights",
                      body_kind="not_enough_viewers")
    assert instagram.insights(settings, ig_token(fake, "ania.creator"), post["id"]) == {}


def test_insights_without_the_insights_permission_asks_to_relink(settings, fake, ania):
    post = _reel(fake)
    token = ig_token(fake, "ania.creator", scopes=("instagram_business_basic",))
    with pytest.raises(ScopeMissing) as err:
        instagram.insights(settings, token, post["id"])
    assert "statistics" in err.value.message


# -- platform trouble ----------------------------------------------------------------------------
def test_rate_limit_is_temporary_and_carries_retry_after(settings, fake, ania):
    fake.inject_error("instagram", "/v23.0/", body_kind="rate_limit", status=429)
    fake.error_headers["Retry-After"] = "30"
    with pytest.raises(TemporarySourceError) as err:
        instagram.profile(settings, ig_token(fake, "ania.creator"))
    assert err.value.code == "rate_limited" and err.value.retry_after == 30


@pytest.mark.parametrize("code", [4, 17, 32, 613])
def test_graph_rate_limit_codes_are_temporary_even_with_http_400(settings, fake, ania, code):
    fake.inject_error("instagram", "/v23.0/", status=400, body={"error": {
        "message": "(#%d) User request limit reached" % code, "type": "OAuthException",
        "code": code}})
    fake.error_headers["X-Business-Use-Case-Usage"] = json.dumps({"17841400000000001": [
        {"type": "instagram", "call_count": 100, "estimated_time_to_regain_access": 2}]})
    with pytest.raises(TemporarySourceError) as err:
        instagram.profile(settings, ig_token(fake, "ania.creator"))
    assert err.value.code == "rate_limited" and err.value.retry_after == 120


def test_server_error_is_temporary_without_retry_after(settings, fake, ania):
    fake.inject_error("instagram", "/v23.0/", body_kind="server_error")
    token = ig_token(fake, "ania.creator")
    with pytest.raises(TemporarySourceError) as err:
        instagram.profile(settings, token)
    assert err.value.code == "server_error" and err.value.retry_after is None
    assert instagram.profile(settings, token).username == "ania.creator"  # only once


def test_a_transient_graph_error_is_temporary(settings, fake, ania):
    fake.inject_error("instagram", "/v23.0/", status=400, body={"error": {
        "message": "An unknown error occurred", "code": 1, "is_transient": True}})
    with pytest.raises(TemporarySourceError):
        instagram.profile(settings, ig_token(fake, "ania.creator"))


def test_a_non_json_gateway_error_is_temporary(settings, fake, ania):
    fake.inject_error("instagram", "/v23.0/", status=502, body=["<html>Bad gateway</html>"])
    with pytest.raises(TemporarySourceError) as err:
        instagram.profile(settings, ig_token(fake, "ania.creator"))
    assert err.value.code == "server_error"


def test_an_injected_rate_limit_on_the_code_exchange_is_temporary(settings, server, browser,
                                                                  fake, ania):
    code, redirect = _link(settings, server, browser, "ania.creator")
    fake.inject_error("instagram", "/oauth/access_token", body_kind="rate_limit")
    with pytest.raises(TemporarySourceError):
        instagram.exchange_code(settings, code=code, redirect_uri=redirect)
    assert instagram.exchange_code(settings, code=code, redirect_uri=redirect).platform_user_id


# -- secrets stay secret -------------------------------------------------------------------------
def test_tokens_and_secrets_stay_out_of_errors_logs_and_reprs(settings, server, browser, fake,
                                                              ania, caplog):
    caplog.set_level(logging.DEBUG, logger="marketplace.verification.sources")
    code, redirect = _link(settings, server, browser, "ania.creator")
    token = instagram.exchange_code(settings, code=code, redirect_uri=redirect)
    errors = []
    for call in (lambda: instagram.exchange_code(settings, code=code, redirect_uri=redirect),
                 lambda: instagram.exchange_code(replace(settings, instagram_client_id="nope"),
                                                 code=code, redirect_uri=redirect)):
        with pytest.raises(SourceError) as err:
            call()
        errors.append(err.value)
    fake.advance_time(61 * DAY)
    for call in (lambda: instagram.profile(settings, token),
                 lambda: instagram.refresh(settings, token)):
        with pytest.raises(TokenError) as err:
            call()
        errors.append(err.value)

    assert caplog.records, "failures are logged"
    shown = caplog.text + repr(token) + repr(settings) + "".join(
        f"{e} {e!r} {e.params}" for e in errors)
    for secret in (token.access_token, code, CLIENT_SECRET):
        assert secret not in shown
