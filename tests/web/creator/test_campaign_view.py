"""One campaign seen by a creator, and applying to it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Application, MinimumPayout, Notification, OutboxEmail, utcnow

from ...factories import ApplicationFactory, BrandFactory
from ...helpers import path_of
from .conftest import listed, make_creator


def _view(client, campaign):
    return client.get(f"/creator/campaigns/{campaign.id}")


def _apply(client, campaign, pitch="I cook Polish food for 5k people every week."):
    return client.post(f"/creator/campaigns/{campaign.id}/apply", data={"pitch": pitch})


def _applications(campaign) -> list[Application]:
    return list(db.session.scalars(select(Application).where(Application.campaign_id == campaign.id)))


# Viewing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("status, visible", [
    ("open", True), ("closed", True), ("completed", True),
    ("draft", False), ("awaiting_funding", False), ("cancelled", False),
])
def test_which_campaigns_a_creator_may_open(client, creator, status, visible):
    campaign = listed(status=status)
    assert _view(client, campaign).status_code == (200 if visible else 404)


def test_a_campaign_applied_to_stays_visible_after_cancellation(client, creator):
    campaign = listed(status="cancelled")
    ApplicationFactory(campaign=campaign, creator=creator, status="rejected", decision_reason="Campaign cancelled")
    html = _view(client, campaign).get_data(as_text=True)
    assert "Your application" in html and "Campaign cancelled" in html


def test_unknown_campaign_is_404(client, creator):
    assert client.get("/creator/campaigns/987654").status_code == 404
    assert client.post("/creator/campaigns/987654/apply", data={"pitch": "hi"}).status_code == 404


def test_campaign_page_explains_brief_requirements_dates_and_money(client, creator):
    brand = BrandFactory(company_name="Palarnia")
    campaign = listed(
        brand=brand, title="Autumn coffee", brief="Show your **morning** ritual.\n\n<script>alert(1)</script>",
        required_hashtags=["palarniakrakow", "jesień"], required_mentions=["palarnia.krakow"],
        disclosure_required=True, disclosure_locale="pl", payout_minor=45_000, fee_per_post_minor=6_750,
        fee_basis_points=1500, currency="PLN", min_live_days=14, slots=5,
        dos="- Show the bag\n- Tag the shop", donts="No competitors' cups",
        posting_starts_at=utcnow() + timedelta(days=2), posting_ends_at=utcnow() + timedelta(days=30))
    html = _view(client, campaign).get_data(as_text=True)
    assert "<strong>morning</strong>" in html and "<script>alert(1)</script>" not in html
    assert "#palarniakrakow" in html and "#jesień" in html and "@palarnia.krakow" in html
    assert "Poland" in html and "at the very start of the caption" in html
    assert "517.50" in html and "67.50" in html and "450.00" in html  # brand pays = fee + creator's payout
    assert "15%" in html
    assert "at least 14 days" in html
    assert "Show the bag" in html and "Tag the shop" in html and "No competitors" in html
    assert "5 of 5" in html
    assert 'name="pitch"' in html  # eligible, not applied: the form


def test_an_ineligible_creator_sees_why_instead_of_the_form(client, creator):
    campaign = listed(countries=["TH"], min_followers=10_000)
    html = _view(client, campaign).get_data(as_text=True)
    assert "other countries" in html and "at least 10,000 followers" in html
    assert 'name="pitch"' not in html


# Applying --------------------------------------------------------------------------------

def test_apply_creates_a_pending_application_and_tells_the_brand(client, creator):
    campaign = listed(funded=True)
    response = _apply(client, campaign)
    assert response.status_code == 302 and path_of(response.headers["Location"]) == "/creator/applications"

    [application] = _applications(campaign)
    assert application.status == "pending" and application.creator_id == creator.id
    assert application.pitch == "I cook Polish food for 5k people every week."
    brand_user = campaign.brand.user
    note = db.session.scalar(select(Notification).where(Notification.user_id == brand_user.id))
    assert note.kind == "application_received"
    mail = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == brand_user.email))
    assert mail is not None and campaign.title in mail.subject
    followed = client.get("/creator/applications").get_data(as_text=True)
    assert "is sent" in followed and campaign.title in followed


def test_applying_twice_says_so_clearly(client, creator):
    campaign = listed(funded=True)
    _apply(client, campaign)
    response = _apply(client, campaign, pitch="Second try")
    assert response.status_code == 200
    assert "You have already applied to this campaign." in response.get_data(as_text=True)
    assert len(_applications(campaign)) == 1


@pytest.mark.parametrize("campaign_kwargs, message", [
    ({"countries": ["TH"]}, "other countries"),
    ({"min_followers": 5_001}, "at least 5,001 followers"),
    ({"niches": ["gaming"]}, "other niches"),
    ({"payout_minor": 1_000}, "below the platform minimum"),
    ({"application_deadline": utcnow() - timedelta(hours=1)}, "closed on the deadline"),
    ({"status": "closed"}, "not open"),
])
def test_ineligible_apply_is_refused_and_the_pitch_is_kept(client, creator, campaign_kwargs, message):
    db.session.add(MinimumPayout(currency="PLN", minimum_minor=10_000))
    campaign = listed(**campaign_kwargs)
    db.session.commit()  # the refused request rolls back its own work only
    response = _apply(client, campaign, pitch="Please consider me & my <b>audience</b>")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html
    assert "Please consider me &amp; my &lt;b&gt;audience&lt;/b&gt;" in html  # kept, escaped
    assert _applications(campaign) == []


def test_full_campaign_refuses_with_a_message(client, creator):
    campaign = listed(slots=1)
    ApplicationFactory(campaign=campaign, status="accepted")
    db.session.commit()
    html = _apply(client, campaign, pitch="Room for one more?").get_data(as_text=True)
    assert "Every slot of this campaign is taken." in html and "Room for one more?" in html
    assert len(_applications(campaign)) == 1


def test_overlong_pitch_is_refused_and_kept(client, creator):
    campaign = listed(funded=True)
    pitch = "Ż" * 2001
    response = _apply(client, campaign, pitch=pitch)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Use at most 2000 characters." in html and pitch in html
    assert _applications(campaign) == []


def test_pitch_line_breaks_count_once(client, creator):
    campaign = listed(funded=True)
    pitch = ("x" * 99 + "\r\n") * 20  # 2000 characters as the browser counts them
    assert _apply(client, campaign, pitch=pitch).status_code == 302
    [application] = _applications(campaign)
    assert "\r" not in application.pitch


def test_apply_needs_post(client, creator):
    campaign = listed()
    assert client.get(f"/creator/campaigns/{campaign.id}/apply").status_code == 405


def test_apply_is_protected_by_csrf(app, client, creator):
    campaign = listed()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert _apply(client, campaign).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert _applications(campaign) == []


def test_other_creators_applications_are_not_shown(client, creator):
    campaign = listed()
    ApplicationFactory(campaign=campaign, creator=make_creator(), pitch="Their secret pitch")
    html = _view(client, campaign).get_data(as_text=True)
    assert "Their secret pitch" not in html and "Your application" not in html
    assert db.session.scalar(select(func.count()).select_from(Application)) == 1


def test_accepted_application_is_shown_with_status(client, creator):
    campaign = listed()
    ApplicationFactory(campaign=campaign, creator=creator, status="accepted")
    html = _view(client, campaign).get_data(as_text=True)
    assert "badge--accepted" in html and "re in. Publish within the posting window" in html
    assert 'name="pitch"' not in html


def test_anonymous_visitors_cannot_apply(client):
    campaign = listed()
    response = _apply(client, campaign)
    assert response.status_code == 302 and path_of(response.headers["Location"]) == "/login"
    assert _applications(campaign) == []


@pytest.mark.parametrize("method, url", [
    ("GET", "/creator/campaigns/2147483648"),
    ("GET", "/creator/campaigns/99999999999999999999"),
    ("POST", "/creator/campaigns/99999999999999999999/apply"),
    ("POST", "/creator/applications/99999999999999999999/withdraw"),
])
def test_ids_beyond_the_database_range_are_404_not_a_database_error(client, creator, method, url):
    assert client.open(url, method=method).status_code == 404
