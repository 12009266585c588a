"""The creator's linked accounts pages: link through the (fake) consent pages, relink, unlink."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from babel.numbers import format_decimal

from marketplace.extensions import db
from marketplace.models import Submission
from marketplace.services.linked_accounts import account_for, mark_relink_needed, stored_token

from ...factories import AdminFactory, BrandFactory, CreatorFactory, accepted_application
from ...factories import linked_account as linked_by_factory
from ...helpers import login, path_of
from ...services.test_linked_accounts import consent

PAGE = "/creator/accounts"


@pytest.fixture
def creator(client):
    creator = CreatorFactory(followers=300)
    login(client, creator.user)
    return creator


def start(client, platform: str) -> str:
    """Press "Link <platform>": the consent page we are sent to."""
    response = client.post(f"{PAGE}/{platform}/link")
    assert response.status_code == 303
    return response.headers["Location"]


def callback(client, platform: str, args: dict[str, str]):
    """The platform sends the creator back; returns the accounts page we land on."""
    response = client.get(f"{PAGE}/{platform}/callback", query_string=args)
    assert response.status_code == 302 and path_of(response.headers["Location"]) == PAGE
    return client.get(PAGE)


def page_text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


# -- the page ------------------------------------------------------------------------------------
def test_page_offers_to_link_both_platforms_in_the_sandbox(client, creator, platforms):
    response = client.get(PAGE)
    html = page_text(response)
    assert "Link Instagram" in html and "Link TikTok" in html
    assert 'action="/creator/accounts/instagram/link"' in html
    assert 'action="/creator/accounts/tiktok/link"' in html
    assert "never posts" in html
    assert "Sandbox: Instagram and TikTok are simulated" in html
    # the link buttons end on the consent pages: this page alone may send forms there
    csp = dict(part.split(" ", 1) for part in response.headers["Content-Security-Policy"].split("; "))
    fake_origin = f"http://{urlsplit(platforms.instagram_base).netloc}"
    assert csp["form-action"].endswith(f" {fake_origin}") and csp["form-action"].count(fake_origin) == 1
    assert "https://*.cdninstagram.com" in csp["img-src"] and "https://*.tiktokcdn.com" in csp["img-src"]
    dashboard = client.get("/creator/").headers["Content-Security-Policy"]
    assert fake_origin not in dashboard and "cdninstagram" not in dashboard


def test_with_the_real_platforms_there_is_no_sandbox_note(client, creator):
    response = client.get(PAGE)
    assert "Sandbox:" not in page_text(response)
    form_action = next(part for part in response.headers["Content-Security-Policy"].split("; ")
                       if part.startswith("form-action"))
    assert form_action.endswith(" https://www.instagram.com https://www.tiktok.com")


def test_a_linked_account_card_shows_the_profile_in_the_readers_language(client, creator, platforms):
    creator.user.locale = "pl"
    linked_by_factory(creator, platforms.fake, "instagram", "ania.creator", followers=12_400)
    html = page_text(client.get(PAGE))
    assert "@ania.creator" in html and format_decimal(12_400, locale="pl") in html
    assert 'action="/creator/accounts/instagram/unlink"' in html and "data-confirm=" in html
    assert "badge--active" in html
    assert 'action="/creator/accounts/tiktok/link"' in html  # TikTok is still to link


# -- linking -------------------------------------------------------------------------------------
def test_linking_instagram_end_to_end(client, creator, platforms):
    platforms.fake.create_account("instagram", "ania.creator", followers=12_400, display_name="Ania")
    url = start(client, "instagram")
    assert url.startswith(f"{platforms.instagram_base}/oauth/authorize?")
    with client.session_transaction() as session:
        assert session["linked_account_oauth"]["instagram"]["state"] == parse_qs(urlsplit(url).query)["state"][0]

    html = page_text(callback(client, "instagram", consent(url, "ania.creator")))

    assert "Your Instagram account @ania.creator is linked." in html
    assert "Ania" in html and "12,400" in html and "Business account" in html
    assert 'src="https://scontent.cdninstagram.com/' in html
    account = account_for(creator, "instagram")
    assert account.status == "active" and stored_token(account).access_token
    assert (creator.instagram_handle, creator.followers) == ("ania.creator", 12_400)
    with client.session_transaction() as session:
        assert "instagram" not in session["linked_account_oauth"]  # the state is used once


def test_linking_tiktok_end_to_end(client, creator, platforms):
    platforms.fake.create_account("tiktok", "nok.eats", followers=48_000, display_name="Nok Eats")
    url = start(client, "tiktok")
    html = page_text(callback(client, "tiktok", consent(url, "nok.eats")))
    assert "Your TikTok account @nok.eats is linked." in html and "48,000" in html
    assert (creator.tiktok_handle, creator.followers) == ("nok.eats", 48_000)


def test_a_forged_state_is_refused_and_nothing_is_linked(client, creator, platforms):
    platforms.fake.create_account("instagram", "victim.account")
    args = consent(start(client, "instagram"), "victim.account")
    html = page_text(callback(client, "instagram", {**args, "state": "attacker"}))
    assert "Instagram was not linked" in html and "did not start here or has expired" in html
    assert account_for(creator, "instagram") is None


def test_a_callback_without_linking_first_is_refused(client, creator, platforms):
    html = page_text(callback(client, "tiktok", {"code": "abc", "state": "xyz"}))
    assert "did not start here or has expired" in html
    assert account_for(creator, "tiktok") is None


def test_a_consent_page_left_open_too_long_is_refused(client, creator, platforms):
    platforms.fake.create_account("tiktok", "nok.eats")
    args = consent(start(client, "tiktok"), "nok.eats")
    with client.session_transaction() as session:
        pending = session["linked_account_oauth"]
        pending["tiktok"]["started"] -= 16 * 60
        session["linked_account_oauth"] = pending
    html = page_text(callback(client, "tiktok", args))
    assert "did not start here or has expired" in html
    assert account_for(creator, "tiktok") is None


def test_cancelling_on_the_consent_page_says_nothing_was_linked(client, creator, platforms):
    args = consent(start(client, "tiktok"), "nok.eats", decision="cancel")
    html = page_text(callback(client, "tiktok", args))
    assert "You cancelled linking your TikTok account; nothing was linked." in html
    assert account_for(creator, "tiktok") is None


def test_a_personal_instagram_account_gets_the_full_explanation(client, creator, platforms):
    platforms.fake.create_account("instagram", "jan.personal", account_type="PERSONAL")
    html = page_text(callback(client, "instagram", consent(start(client, "instagram"), "jan.personal")))
    assert "Instagram works with professional accounts only" in html
    assert "“Switch to professional account”" in html and "alert--warning" in html
    assert account_for(creator, "instagram") is None
    assert "Instagram was not linked" not in page_text(client.get(PAGE))  # shown once


def test_an_account_of_another_creator_is_refused(client, creator, platforms):
    linked_by_factory(CreatorFactory(), platforms.fake, "instagram", "taken.account")
    html = page_text(callback(client, "instagram", consent(start(client, "instagram"), "taken.account")))
    assert "already linked to another Hashmark creator" in html
    assert account_for(creator, "instagram") is None


def test_a_platform_outage_is_explained_not_a_500(client, creator, platforms):
    platforms.fake.create_account("instagram", "ania.creator")
    args = consent(start(client, "instagram"), "ania.creator")
    platforms.fake.inject_error("instagram", "/oauth/access_token", 503, times=1)
    html = page_text(callback(client, "instagram", args))
    assert "Instagram did not answer properly just now" in html
    assert account_for(creator, "instagram") is None


def test_an_account_that_needs_relinking_asks_for_it_and_links_again(client, creator, platforms):
    account = linked_by_factory(creator, platforms.fake, "instagram", "ania.creator")
    mark_relink_needed(account, "Your Instagram connection has expired or was removed.")
    html = page_text(client.get(PAGE))
    assert "Link Instagram again" in html and "expired or was removed" in html
    dashboard = page_text(client.get("/creator/"))
    assert "link it again before you submit a post" in dashboard

    html = page_text(callback(client, "instagram", consent(start(client, "instagram"), "ania.creator")))
    assert "is linked." in html and "Link Instagram again" not in html
    assert account_for(creator, "instagram").status == "active"


# -- unlinking -----------------------------------------------------------------------------------
def test_unlinking(client, creator, platforms):
    linked_by_factory(creator, platforms.fake, "tiktok", "nok.eats")
    response = client.post(f"{PAGE}/tiktok/unlink")
    assert response.status_code == 302 and path_of(response.headers["Location"]) == PAGE
    html = page_text(client.get(PAGE))
    assert "@nok.eats is unlinked" in html and "Link TikTok" in html
    assert account_for(creator, "tiktok") is None
    again = client.post(f"{PAGE}/tiktok/unlink", follow_redirects=True)  # a second click
    assert "Your TikTok account is not linked." in page_text(again)


def test_unlinking_is_refused_while_a_post_is_watched(client, creator, platforms):
    account = linked_by_factory(creator, platforms.fake, "instagram", "ania.creator")
    application = accepted_application(creator=creator, title="Kawa jesienią")
    db.session.add(Submission(application_id=application.id, campaign_id=application.campaign_id,
                              creator_id=creator.id, platform="instagram", status="approved",
                              linked_account_id=account.id))
    db.session.commit()  # what the refusal's rollback returns to
    html = page_text(client.post(f"{PAGE}/instagram/unlink", follow_redirects=True))
    assert "You cannot unlink Instagram yet" in html and "“Kawa jesienią”" in html
    assert account_for(creator, "instagram") is account


# -- the dashboard -------------------------------------------------------------------------------
def test_dashboard_shows_whether_the_creator_can_submit(client, creator, platforms):
    linked_by_factory(creator, platforms.fake, "instagram", "ania.creator")
    html = page_text(client.get("/creator/"))
    assert "Linked accounts" in html and 'href="/creator/accounts"' in html
    assert "@ania.creator" in html and "You can submit Instagram posts" in html
    assert "Link your TikTok account to submit TikTok posts" in html


# -- who may ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("method, url", [("post", f"{PAGE}/facebook/link"),
                                         ("get", f"{PAGE}/facebook/callback?code=x&state=y"),
                                         ("post", f"{PAGE}/facebook/unlink")])
def test_unknown_platforms_are_404(client, creator, method, url):
    assert getattr(client, method)(url).status_code == 404


@pytest.mark.parametrize("make_user", [lambda: BrandFactory().user, lambda: AdminFactory()])
@pytest.mark.parametrize("method, url", [("get", PAGE), ("post", f"{PAGE}/instagram/link"),
                                         ("get", f"{PAGE}/instagram/callback?code=x&state=y"),
                                         ("post", f"{PAGE}/instagram/unlink")])
def test_other_roles_are_forbidden(client, make_user, method, url):
    login(client, make_user())
    assert getattr(client, method)(url).status_code == 403


def test_link_and_unlink_need_the_csrf_token_of_the_page(client, app, creator, platforms, monkeypatch):
    import re

    linked_by_factory(creator, platforms.fake, "tiktok", "nok.eats")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post(f"{PAGE}/instagram/link").status_code == 400
    assert client.post(f"{PAGE}/tiktok/unlink").status_code == 400
    assert account_for(creator, "tiktok") is not None
    token = re.search(r'name="csrf_token" value="([^"]+)"', page_text(client.get(PAGE))).group(1)
    assert client.post(f"{PAGE}/instagram/link", data={"csrf_token": token}).status_code == 303


def test_visitors_are_sent_to_log_in(client):
    response = client.post(f"{PAGE}/instagram/link")
    assert response.status_code == 302 and path_of(response.headers["Location"]) == "/login"
