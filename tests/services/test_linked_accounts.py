"""Linking creators' Instagram and TikTok accounts, against the platform fake over real HTTP."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import requests
from sqlalchemy import select, text, update

from marketplace import vault
from marketplace.errors import NotAllowed, PermissionDenied
from marketplace.extensions import db
from marketplace.models import (AuditEvent, LinkedAccount, Notification, Submission,
                                SubmissionStatus, utcnow)
from marketplace.services import linked_accounts
from marketplace.services.linked_accounts import (account_for, begin_link, callback_url,
                                                  complete_link, mark_relink_needed,
                                                  refresh_expiring, stored_token, unlink)
from marketplace.verification.sources import (NotProfessionalAccount, OAuthRefused, ScopeMissing,
                                              TemporarySourceError, client_for)
from tests.factories import CreatorFactory, accepted_application
from tests.factories import linked_account as linked_by_factory

DAY = 86_400


def consent(url: str, username: str, decision: str = "allow", **form) -> dict[str, str]:
    """Play the creator on the sandbox consent page at `url` (GET it, submit it like a browser);
    returns the query arguments the platform sends our callback."""
    with requests.Session() as browser:
        browser.trust_env = False
        page = browser.get(url, timeout=5)
        assert page.status_code == 200 and "no real account" in page.text, page.text
        answer = browser.post(page.url, data={"decision": decision, "username": username, **form},
                              timeout=5, allow_redirects=False)
    assert answer.status_code == 302, answer.text
    location = answer.headers["Location"]
    assert location.startswith("http://hashmark.test/creator/accounts/"), location
    return dict(parse_qsl(urlsplit(location).query))


def link(creator, platform: str, username: str, **form) -> LinkedAccount:
    """The whole round trip: begin, consent as `username`, complete."""
    url, state = begin_link(creator, platform)
    args = consent(url, username, **form)
    return complete_link(creator, platform, args, state, callback_url(platform))


def _events(entity: str, entity_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.entity == entity,
                                                            AuditEvent.entity_id == entity_id)
                                   .order_by(AuditEvent.id)))


def _row_text(account: LinkedAccount) -> str:
    """Every column of the stored row, as the database holds it."""
    row = db.session.execute(text("SELECT * FROM linked_accounts WHERE id = :id"),
                             {"id": account.id}).one()
    return " ".join(str(value) for value in row)


@pytest.fixture
def creator():
    return CreatorFactory(followers=300)


# -- linking -------------------------------------------------------------------------------------
def test_begin_link_sends_the_creator_to_the_consent_page_with_a_random_state(platforms, creator):
    url, state = begin_link(creator, "instagram")
    _, other = begin_link(creator, "instagram")
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{platforms.instagram_base}/oauth/authorize?")
    assert query["state"] == [state] and len(state) >= 32 and state != other
    # on PUBLIC_URL, never the request's host
    assert query["redirect_uri"] == ["http://hashmark.test/creator/accounts/instagram/callback"]
    tiktok_url, _ = begin_link(creator, "tiktok")
    assert parse_qs(urlsplit(tiktok_url).query)["redirect_uri"] == \
        ["http://hashmark.test/creator/accounts/tiktok/callback"]


def test_linking_instagram_stores_the_profile_and_encrypted_token(platforms, creator):
    fake = platforms.fake
    fake.create_account("instagram", "Ania.Creator", followers=12_400, display_name="Ania")

    account = link(creator, "instagram", "Ania.Creator")

    assert (account.platform, account.username, account.display_name) == \
        ("instagram", "Ania.Creator", "Ania")
    assert account.platform_user_id == fake.account("instagram", "Ania.Creator")["user_id"]
    assert (account.account_type, account.followers, account.status) == ("BUSINESS", 12_400, "active")
    assert account.picture_url.startswith("https://")
    token = stored_token(account)
    assert token.access_token not in _row_text(account)  # encrypted at rest
    assert "instagram_business_basic" in account.scopes
    # the stored token works: the platform answers with it
    profile = client_for("instagram").profile(linked_accounts.source_settings(), token)
    assert profile.username == "Ania.Creator"
    # the creator's profile follows the linked account
    assert (creator.instagram_handle, creator.followers) == ("ania.creator", 12_400)
    assert [e.action for e in _events("linked_accounts", account.id)] == ["linked"]
    assert _events("creators", creator.id)[-1].data["changed"] == ["followers", "instagram_handle"]


def test_linking_tiktok_stores_both_tokens_encrypted(platforms, creator):
    platforms.fake.create_account("tiktok", "nok.eats", followers=48_000, display_name="Nok Eats")

    account = link(creator, "tiktok", "nok.eats")

    token = stored_token(account)
    assert token.refresh_token and account.refresh_token_encrypted
    row = _row_text(account)
    assert token.access_token not in row and token.refresh_token not in row
    assert (account.username, account.display_name, account.followers) == ("nok.eats", "Nok Eats", 48_000)
    assert account.platform_user_id == platforms.fake.account("tiktok", "nok.eats")["open_id"]
    assert account.account_type is None and account.status == "active"
    assert (creator.tiktok_handle, creator.followers) == ("nok.eats", 48_000)


def test_the_creator_counts_the_larger_audience_of_the_linked_accounts(platforms, creator):
    platforms.fake.create_account("instagram", "ig.small", followers=2_000)
    platforms.fake.create_account("tiktok", "tt.big", followers=90_000)
    link(creator, "instagram", "ig.small")
    assert creator.followers == 2_000
    link(creator, "tiktok", "tt.big")
    assert creator.followers == 90_000
    unlink(account_for(creator, "tiktok"), actor=creator.user)
    assert creator.followers == 2_000


def test_tiktok_without_the_stats_permission_keeps_the_self_reported_followers(platforms, creator):
    platforms.fake.create_account("tiktok", "nok.eats", followers=48_000)
    account = link(creator, "tiktok", "nok.eats", grants_shown="1",
                   grant=["user.info.profile", "video.list"])
    assert account.followers is None
    assert (creator.tiktok_handle, creator.followers) == ("nok.eats", 300)


@pytest.mark.parametrize("platform", ["instagram", "tiktok"])
def test_a_state_that_does_not_match_is_refused_and_nothing_is_stored(platforms, creator, platform):
    platforms.fake.create_account(platform, "someone")
    url, _state = begin_link(creator, platform)
    args = consent(url, "someone")
    with pytest.raises(OAuthRefused) as refused:
        complete_link(creator, platform, args, "a-state-from-another-tab", callback_url(platform))
    assert refused.value.code == "state_mismatch"
    assert account_for(creator, platform) is None


@pytest.mark.parametrize("platform", ["instagram", "tiktok"])
def test_cancelling_on_the_consent_page_is_refused(platforms, creator, platform):
    url, state = begin_link(creator, platform)
    args = consent(url, "someone", decision="cancel")
    with pytest.raises(OAuthRefused) as refused:
        complete_link(creator, platform, args, state, callback_url(platform))
    assert refused.value.code == "access_denied" and "You cancelled" in refused.value.message
    assert account_for(creator, platform) is None


@pytest.mark.parametrize("platform", ["instagram", "tiktok"])
def test_a_used_code_is_refused(platforms, creator, platform):
    platforms.fake.create_account(platform, "someone")
    url, state = begin_link(creator, platform)
    args = consent(url, "someone")
    complete_link(creator, platform, args, state, callback_url(platform))
    with pytest.raises(OAuthRefused) as refused:
        complete_link(creator, platform, args, state, callback_url(platform))
    assert refused.value.code == "invalid_code"


@pytest.mark.parametrize("platform", ["instagram", "tiktok"])
def test_an_expired_code_is_refused(platforms, creator, platform):
    platforms.fake.create_account(platform, "someone")
    url, state = begin_link(creator, platform)
    args = consent(url, "someone")
    platforms.fake.advance_time(2 * 3600)  # past both platforms' code lifetimes
    with pytest.raises(OAuthRefused) as refused:
        complete_link(creator, platform, args, state, callback_url(platform))
    assert refused.value.code == "invalid_code" and "expired or was already used" in refused.value.message
    assert account_for(creator, platform) is None


def test_a_personal_instagram_account_is_refused_with_what_to_switch(platforms, creator):
    platforms.fake.create_account("instagram", "jan.personal", account_type="PERSONAL")
    with pytest.raises(NotProfessionalAccount) as refused:
        link(creator, "instagram", "jan.personal")
    assert "Switch to professional account" in refused.value.message
    assert account_for(creator, "instagram") is None and creator.instagram_handle is None


def test_tiktok_without_the_video_permission_is_refused(platforms, creator):
    platforms.fake.create_account("tiktok", "nok.eats")
    with pytest.raises(ScopeMissing):
        link(creator, "tiktok", "nok.eats", grants_shown="1", grant=["user.info.profile"])
    assert account_for(creator, "tiktok") is None


def test_an_account_linked_by_another_creator_is_refused(platforms, creator):
    platforms.fake.create_account("instagram", "shared.account", followers=9_000)
    first = link(creator, "instagram", "shared.account")
    other = CreatorFactory()
    with pytest.raises(NotAllowed) as refused:
        link(other, "instagram", "shared.account")
    assert "already linked to another Hashmark creator" in str(refused.value.message)
    assert account_for(other, "instagram") is None and other.instagram_handle is None
    assert account_for(creator, "instagram") is first and first.status == "active"


def test_linking_again_restores_an_account_that_needed_relinking(platforms, creator):
    platforms.fake.create_account("instagram", "ania.creator", followers=1_000)
    account = link(creator, "instagram", "ania.creator")
    old_token, linked_at = stored_token(account).access_token, account.linked_at
    mark_relink_needed(account, "Your Instagram connection has expired or was removed.")
    assert account.status == "relink_needed"
    platforms.fake.update_account("instagram", "ania.creator", followers=1_500)

    again = link(creator, "instagram", "ania.creator")

    assert again.id == account.id and again.linked_at == linked_at
    assert (again.status, again.last_error) == ("active", None)
    assert stored_token(again).access_token != old_token
    assert again.followers == 1_500 and creator.followers == 1_500  # the profile is read again
    events = _events("linked_accounts", account.id)
    assert [(e.action, e.to_status) for e in events] == \
        [("linked", None), ("status_changed", "relink_needed"), ("status_changed", "active"),
         ("relinked", None)]


def test_linking_another_account_of_the_same_platform_replaces_the_first(platforms, creator):
    platforms.fake.create_account("instagram", "old.handle", followers=100)
    platforms.fake.create_account("instagram", "new.handle", followers=200)
    link(creator, "instagram", "old.handle")
    second = link(creator, "instagram", "new.handle")
    rows = db.session.scalars(select(LinkedAccount).where(LinkedAccount.creator_id == creator.id)).all()
    assert rows == [second] and second.username == "new.handle"
    unlinked = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "linked_accounts",
                                                          AuditEvent.action == "unlinked"))
    assert unlinked.data["username"] == "old.handle" and unlinked.reason == "another account linked"
    assert (creator.instagram_handle, creator.followers) == ("new.handle", 200)


# -- unlinking -----------------------------------------------------------------------------------
def _submission(creator, platform: str, status: str, account: LinkedAccount | None = None) -> Submission:
    application = accepted_application(creator=creator, title="Kawa jesienią")
    submission = Submission(application_id=application.id, campaign_id=application.campaign_id,
                            creator_id=creator.id, platform=platform, status=status,
                            linked_account_id=account.id if account else None)
    db.session.add(submission)
    db.session.flush()
    return submission


@pytest.mark.parametrize("status", ["posted", "verifying", "verified", "approved"])
def test_unlink_is_refused_while_a_post_is_checked(platforms, creator, status):
    account = linked_by_factory(creator, platforms.fake, "instagram")
    _submission(creator, "instagram", status, account)
    with pytest.raises(NotAllowed) as refused:
        unlink(account, actor=creator.user)
    assert "“Kawa jesienią”" in str(refused.value.message)
    assert account_for(creator, "instagram") is account


def test_switching_accounts_is_refused_while_a_post_is_checked(platforms, creator):
    account = linked_by_factory(creator, platforms.fake, "instagram", "first.account")
    _submission(creator, "instagram", SubmissionStatus.VERIFIED, account)
    platforms.fake.create_account("instagram", "second.account")
    with pytest.raises(NotAllowed) as refused:
        link(creator, "instagram", "second.account")
    assert "@first.account" in str(refused.value.message)
    assert account_for(creator, "instagram") is account


@pytest.mark.parametrize("status", ["approved_draft", "failed", "live_check_passed", "taken_down"])
def test_unlink_forgets_the_account_once_no_post_is_checked(platforms, creator, status):
    account = linked_by_factory(creator, platforms.fake, "instagram")
    _submission(creator, "instagram", status, account)
    _submission(creator, "tiktok", "approved")  # another platform's post does not hold it
    account_id = account.id
    unlink(account, actor=creator.user)
    assert account_for(creator, "instagram") is None
    assert db.session.scalar(select(LinkedAccount).where(LinkedAccount.id == account_id)) is None
    assert [e.action for e in _events("linked_accounts", account_id)] == ["unlinked"]


def test_only_the_owner_unlinks(platforms, creator):
    account = linked_by_factory(creator, platforms.fake, "tiktok")
    with pytest.raises(PermissionDenied):
        unlink(account, actor=CreatorFactory().user)
    assert account_for(creator, "tiktok") is account


# -- refreshing ----------------------------------------------------------------------------------
def test_refresh_expiring_refreshes_near_expiry_tokens_and_rereads_profiles(platforms, creator):
    fake = platforms.fake
    instagram = linked_by_factory(creator, fake, "instagram", "ig.user", followers=1_000)
    tiktok = linked_by_factory(creator, fake, "tiktok", "tt.user", followers=2_000)
    far = linked_by_factory(CreatorFactory(), fake, "instagram", "ig.far")
    now = utcnow()
    instagram.token_expires_at = now + timedelta(days=2)   # within Instagram's week
    tiktok.token_expires_at = now + timedelta(minutes=30)  # within TikTok's hour
    old = {a.id: stored_token(a).access_token for a in (instagram, tiktok, far)}
    fake.advance_time(2 * DAY)  # Instagram refreshes only tokens a day old or more
    fake.update_account("instagram", "ig.user", followers=1_800)

    assert refresh_expiring(now) == 2

    assert stored_token(instagram).access_token != old[instagram.id]
    assert instagram.token_expires_at > now + timedelta(days=50)
    assert stored_token(tiktok).access_token != old[tiktok.id]
    assert stored_token(far).access_token == old[far.id]
    assert instagram.followers == 1_800 and creator.followers == 2_000
    assert instagram.status == tiktok.status == "active"


@pytest.mark.parametrize("platform", ["instagram", "tiktok"])
def test_refresh_expiring_asks_to_relink_when_the_platform_refuses(platforms, creator, platform):
    fake = platforms.fake
    account = linked_by_factory(creator, fake, platform)
    token = stored_token(account)
    fake.expire_token(token.refresh_token or token.access_token)
    account.token_expires_at = utcnow() + timedelta(minutes=5)

    assert refresh_expiring(utcnow()) == 0

    assert account.status == "relink_needed" and account.last_error
    notification = db.session.scalar(select(Notification).where(
        Notification.user_id == creator.user_id))
    label = {"instagram": "Instagram", "tiktok": "TikTok"}[platform]
    assert (notification.kind, notification.params, notification.link) == \
        ("relink_needed", {"platform": label}, "/creator/accounts")
    assert refresh_expiring(utcnow()) == 0  # no second notice for the same account
    assert db.session.scalar(select(db.func.count()).select_from(Notification)) == 1


def test_refresh_expiring_keeps_the_token_when_the_platform_is_down(platforms, creator):
    account = linked_by_factory(creator, platforms.fake, "tiktok")
    before = stored_token(account).access_token
    account.token_expires_at = utcnow() + timedelta(minutes=5)
    platforms.fake.inject_error("tiktok", "/v2/oauth/token/", 503, times=1)
    assert refresh_expiring(utcnow()) == 0
    assert account.status == "active" and stored_token(account).access_token == before


@pytest.fixture
def platform_calls(platforms, monkeypatch) -> list[tuple[str, bool]]:
    """Every HTTP request to a platform, with whether our database transaction was open meanwhile."""
    calls: list[tuple[str, bool]] = []
    send = requests.adapters.HTTPAdapter.send

    def watched(adapter, request, *args, **kwargs):
        if request.url.startswith((platforms.instagram_base, platforms.tiktok_base)):
            calls.append((request.url, db.session().in_transaction()))
        return send(adapter, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", watched)
    return calls


def test_refresh_expiring_calls_the_platforms_with_no_transaction_open(platforms, creator, platform_calls):
    fake = platforms.fake
    for platform in ("instagram", "tiktok"):
        linked_by_factory(creator, fake, platform).token_expires_at = utcnow() + timedelta(minutes=30)
    fake.advance_time(2 * DAY)
    assert refresh_expiring(utcnow()) == 2
    assert len(platform_calls) == 4  # a refresh and a profile per account
    assert [url for url, in_transaction in platform_calls if in_transaction] == []


def test_an_undecryptable_token_asks_to_relink_and_the_others_are_still_refreshed(platforms, creator):
    fake = platforms.fake
    broken = linked_by_factory(creator, fake, "instagram", "ig.broken")
    broken.access_token_encrypted = "sealed with a key that was rotated away"
    other = linked_by_factory(CreatorFactory(), fake, "tiktok", "tt.other")
    before = stored_token(other).access_token
    for account in (broken, other):
        account.token_expires_at = utcnow() + timedelta(minutes=30)

    assert refresh_expiring(utcnow()) == 1

    assert broken.status == "relink_needed" and "Link your Instagram account again" in broken.last_error
    [told] = db.session.scalars(select(Notification).where(Notification.user_id == creator.user_id)).all()
    assert (told.kind, told.params) == ("relink_needed", {"platform": "Instagram"})
    assert other.status == "active" and stored_token(other).access_token != before


def test_a_token_linked_again_while_the_platform_refreshes_the_old_one_is_kept(platforms, creator, monkeypatch):
    account = linked_by_factory(creator, platforms.fake, "tiktok")
    account.token_expires_at = utcnow() + timedelta(minutes=5)
    account_id = account.id
    send = requests.adapters.HTTPAdapter.send

    def linked_again_meanwhile(adapter, request, *args, **kwargs):
        if "/oauth/token/" in request.url:
            db.session.execute(update(LinkedAccount).where(LinkedAccount.id == account_id)
                               .values(access_token_encrypted=vault.encrypt("linked again"))
                               .execution_options(synchronize_session=False))
        return send(adapter, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", linked_again_meanwhile)
    refresh_expiring(utcnow())
    assert stored_token(db.session.get(LinkedAccount, account_id)).access_token == "linked again"


def test_a_platform_outage_while_linking_stores_nothing(platforms, creator):
    platforms.fake.create_account("tiktok", "nok.eats")
    url, state = begin_link(creator, "tiktok")
    args = consent(url, "nok.eats")
    platforms.fake.inject_error("tiktok", "/v2/oauth/token/", 503, times=1)
    with pytest.raises(TemporarySourceError):
        complete_link(creator, "tiktok", args, state, callback_url("tiktok"))
    assert account_for(creator, "tiktok") is None
