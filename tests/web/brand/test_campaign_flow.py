"""A campaign's life on its dashboard: funding, applicants, decisions, closing and cancelling."""
from datetime import timedelta

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Application, AuditEvent, Campaign, LedgerTransaction, Notification, utcnow
from marketplace.money import Money
from marketplace.services import applications, ledger

from ...factories import BrandFactory, CampaignFactory, CreatorFactory, open_campaign
from ...helpers import login, path_of
from .conftest import campaign_form
from .html import text_of


def _flash(response) -> str:
    return text_of(response, ".flashes")


def _post(client, url, **data):
    """Post like the page's button does and follow the redirect back to the campaign.

    The test's own data is committed first (into the test's outer transaction, still rolled
    back at the end): a refused action rolls the request back and must not take it along.
    """
    db.session.commit()
    return client.post(url, data=data, follow_redirects=True)


def _apply(campaign, name, pitch="Kawa każdego ranka.", **creator):
    creator = CreatorFactory(display_name=name, instagram_handle=name.lower(), followers=12_500, **creator)
    return applications.apply(campaign, creator, pitch=pitch, actor=creator.user)


def _notes(user, kind):
    return db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                         Notification.kind == kind)).all()


def test_the_whole_life_of_a_campaign(brand_client, brand):
    brand_client.post("/brand/campaigns/new", data=campaign_form())
    campaign = db.session.scalar(select(Campaign).where(Campaign.brand_id == brand.id))
    url = f"/brand/campaigns/{campaign.id}"
    total, cost = Money(155_250, "PLN"), Money(51_750, "PLN")

    page = brand_client.get(url)
    assert "Submit for funding" in page.get_data(as_text=True)
    assert "Fund in sandbox" not in page.get_data(as_text=True)

    response = _post(brand_client, f"{url}/submit")
    assert "Submitted for funding" in _flash(response)
    assert campaign.status == "awaiting_funding"
    assert "Fund in sandbox (no real money)" in response.get_data(as_text=True)

    response = _post(brand_client, f"{url}/fund-sandbox")
    assert "Funded in the sandbox" in _flash(response)
    assert campaign.status == "open"
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == total
    assert ledger.campaign_money(campaign).funded == total

    ania, bartek = _apply(campaign, "Ania"), _apply(campaign, "Bartek", pitch="Recenzje kawy.\nCodziennie.")
    page = brand_client.get(url)
    card = text_of(page, f"#application-{ania.id}")
    for shown in ("Ania", "Poland", "Food & drink", "12,500", "@ania", "Kawa każdego ranka.", "Pending",
                  "No verified posts yet", "Accept"):
        assert shown in card, shown

    response = _post(brand_client, f"/brand/applications/{ania.id}/accept")
    assert path_of(response.request.path) == url
    assert "Ania is in" in _flash(response)
    assert ania.status == "accepted"
    money = ledger.campaign_money(campaign)
    assert (money.reserved, money.available) == (cost, total - cost)
    assert len(_notes(ania.creator.user, "application_accepted")) == 1
    assert "1 of 3" in text_of(response, "#slots-title") + response.get_data(as_text=True)

    response = _post(brand_client, f"/brand/applications/{bartek.id}/reject", reason="Szukamy kont o kawie.")
    assert "declined" in _flash(response)
    assert (bartek.status, bartek.decision_reason) == ("rejected", "Szukamy kont o kawie.")
    [note] = _notes(bartek.creator.user, "application_rejected")
    assert note.params["reason"] == "Szukamy kont o kawie."
    assert ledger.campaign_money(campaign).reserved == cost  # a rejection moves no money

    response = _post(brand_client, f"{url}/close")
    assert "Closed to new applications" in _flash(response)
    assert campaign.status == "closed"

    late = _pending(campaign, "Celina")  # still waiting for a decision when the campaign closed
    response = _post(brand_client, f"{url}/cancel", **{"cancel-reason": "Produkt wycofany."})
    assert "Campaign cancelled" in _flash(response)
    assert campaign.status == "cancelled"
    assert ledger.balance(ledger.reserved(campaign.id), "PLN") == Money(0, "PLN")
    # the unspent budget (all of it, once the reservation is released) goes back to the brand
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == Money(0, "PLN")
    assert ledger.balance(ledger.STRIPE_CLEARING, "PLN") == Money(0, "PLN")
    kinds = db.session.scalars(select(LedgerTransaction.kind).where(LedgerTransaction.campaign_id == campaign.id))
    assert sorted(kinds) == ["funding", "refund", "refund_scheduled", "release", "reservation"]
    statuses = {a.id: a.status for a in db.session.scalars(select(Application)
                                                           .where(Application.campaign_id == campaign.id))}
    assert statuses == {ania.id: "withdrawn", bartek.id: "rejected", late.id: "rejected"}
    cancelled = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "campaigns",
                                                           AuditEvent.entity_id == campaign.id,
                                                           AuditEvent.to_status == "cancelled"))
    assert cancelled.reason == "Produkt wycofany." and cancelled.actor_id == brand.user.id
    html = response.get_data(as_text=True)
    for gone in ("Submit for funding", "Close to new applications", "Cancel campaign", ">Reopen<", ">Accept (",
                 ">Reject<"):
        assert gone not in html, gone


def _pending(campaign, name):
    """A pending application written directly: creators cannot apply to a closed campaign."""
    creator = CreatorFactory(display_name=name)
    application = Application(campaign_id=campaign.id, creator_id=creator.id, pitch="Późno.")
    db.session.add(application)
    db.session.flush()
    return application


def test_back_to_draft_and_reopen(brand_client, brand):
    draft = CampaignFactory(brand=brand, status="awaiting_funding")
    response = _post(brand_client, f"/brand/campaigns/{draft.id}/back-to-draft")
    assert draft.status == "draft" and "draft again" in _flash(response)
    assert f'href="/brand/campaigns/{draft.id}/edit"' in response.get_data(as_text=True)

    running = open_campaign(brand=brand)
    _post(brand_client, f"/brand/campaigns/{running.id}/close")
    response = _post(brand_client, f"/brand/campaigns/{running.id}/reopen")
    assert running.status == "open" and "Open to new applications again" in _flash(response)


def test_refused_moves_are_explained_not_500(brand_client, brand):
    running = open_campaign(brand=brand)
    response = _post(brand_client, f"/brand/campaigns/{running.id}/submit")
    assert response.status_code == 200
    assert "not possible while the campaign is open" in _flash(response)
    assert running.status == "open"

    expired = open_campaign(brand=brand, application_deadline=utcnow() + timedelta(days=1))
    _post(brand_client, f"/brand/campaigns/{expired.id}/close")
    expired.application_deadline = utcnow() - timedelta(hours=1)
    db.session.flush()
    response = _post(brand_client, f"/brand/campaigns/{expired.id}/reopen")
    assert "deadline has passed" in _flash(response)
    assert expired.status == "closed"

    stale = CampaignFactory(brand=brand, status="draft", application_deadline=utcnow() - timedelta(days=1))
    response = _post(brand_client, f"/brand/campaigns/{stale.id}/submit")
    assert "edit the dates first" in _flash(response) and stale.status == "draft"

    decided = _apply(running, "Dora")
    _post(brand_client, f"/brand/applications/{decided.id}/reject")
    response = _post(brand_client, f"/brand/applications/{decided.id}/accept")
    assert "the application is rejected" in _flash(response)
    assert decided.status == "rejected"
    assert ledger.campaign_money(running).reserved == Money(0, "PLN")


def test_accepting_beyond_the_slots_is_refused_clearly(brand_client, brand):
    campaign = open_campaign(brand=brand, slots=1)
    first, second = _apply(campaign, "Ewa"), _apply(campaign, "Franek")
    _post(brand_client, f"/brand/applications/{first.id}/accept")
    response = _post(brand_client, f"/brand/applications/{second.id}/accept")
    assert "Every slot is already filled." in _flash(response)
    assert second.status == "pending"
    assert ledger.campaign_money(campaign).reserved == campaign.cost_per_post


def test_accepting_beyond_the_funded_budget_is_refused_clearly(brand_client, brand):
    campaign = open_campaign(brand=brand, slots=2)
    first, second, third = (_apply(campaign, name) for name in ("Gosia", "Henryk", "Iga"))
    campaign.slots = 3  # more slots than were paid for (as if the terms had changed after funding)
    db.session.flush()
    _post(brand_client, f"/brand/applications/{first.id}/accept")
    _post(brand_client, f"/brand/applications/{second.id}/accept")
    response = _post(brand_client, f"/brand/applications/{third.id}/accept")
    assert "uncommitted budget (0.00 PLN) cannot cover another post (575.00 PLN)" in _flash(response)
    assert third.status == "pending"
    money = ledger.campaign_money(campaign)
    assert money.reserved == money.funded and money.available == Money(0, "PLN")


def test_sandbox_funding_happens_once(brand_client, brand):
    campaign = CampaignFactory(brand=brand, status="awaiting_funding", fee_per_post_minor=7_500)
    _post(brand_client, f"/brand/campaigns/{campaign.id}/fund-sandbox")
    response = _post(brand_client, f"/brand/campaigns/{campaign.id}/fund-sandbox")
    assert "already funded" in _flash(response)
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == campaign.total_budget


def test_sandbox_funding_does_not_exist_without_sandbox_payments(app, brand_client, brand, monkeypatch):
    monkeypatch.setitem(app.config, "SANDBOX_PAYMENTS", False)
    campaign = CampaignFactory(brand=brand, status="awaiting_funding")
    db.session.commit()
    assert brand_client.post(f"/brand/campaigns/{campaign.id}/fund-sandbox").status_code == 404
    assert campaign.status == "awaiting_funding"
    assert ledger.campaign_money(campaign).funded == Money(0, "PLN")
    page = brand_client.get(f"/brand/campaigns/{campaign.id}").get_data(as_text=True)
    assert "Fund in sandbox" not in page and "/fund-sandbox" not in page


def test_a_too_long_reason_is_refused(brand_client, brand):
    campaign = open_campaign(brand=brand)
    response = _post(brand_client, f"/brand/campaigns/{campaign.id}/cancel", **{"cancel-reason": "x" * 501})
    assert "Keep the reason under 500 characters." in _flash(response)
    assert campaign.status == "open"


def test_state_changes_are_post_only_and_need_the_csrf_token(app, brand_client, brand, monkeypatch):
    campaign = CampaignFactory(brand=brand, status="draft")
    db.session.commit()
    assert brand_client.get(f"/brand/campaigns/{campaign.id}/submit").status_code == 405
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert brand_client.post(f"/brand/campaigns/{campaign.id}/submit").status_code == 400
    assert campaign.status == "draft"


def test_the_campaign_dashboard_shows_the_audit_timeline(brand_client, brand):
    campaign = CampaignFactory(brand=brand, status="draft", fee_per_post_minor=7_500,
                               application_deadline=utcnow() + timedelta(days=5))
    url = f"/brand/campaigns/{campaign.id}"
    _post(brand_client, f"{url}/submit")
    _post(brand_client, f"{url}/fund-sandbox")
    jola = _apply(campaign, "Jola")
    _post(brand_client, f"/brand/applications/{jola.id}/reject", reason="Za mało kawy.")
    timeline = text_of(brand_client.get(url), "#timeline")
    for shown in ("Campaign: Draft → Awaiting funding", "Campaign: Awaiting funding → Open", "Jola applied",
                  "Application from Jola: Pending → Rejected", "Reason: Za mało kawy.", "Palarnia Kraków"):
        assert shown in timeline, shown
    # newest first, and another campaign's events are not mixed in
    assert timeline.index("Rejected") < timeline.index("Jola applied") < timeline.index("Awaiting funding → Open")
    other = open_campaign(brand=brand)
    _apply(other, "Kasia")
    assert "Kasia" not in text_of(brand_client.get(url), "#timeline")


def test_the_dashboard_lists_the_brands_campaigns_with_their_next_step(client):
    brand = BrandFactory()
    login(client, brand.user)
    empty = client.get("/brand/")
    assert 'href="/brand/campaigns/new"' in empty.get_data(as_text=True)
    assert "Create your first campaign" in empty.get_data(as_text=True)

    draft = CampaignFactory(brand=brand, title="Szkic", status="draft")
    running = open_campaign(brand=brand, title="Kawa na jesień")
    _apply(running, "Lena")
    accepted = _apply(running, "Marek")
    applications.accept(accepted, actor=brand.user)
    CampaignFactory(title="Someone else's")
    db.session.commit()
    html = client.get("/brand/").get_data(as_text=True)
    assert "Someone else&#39;s" not in html and "Someone else's" not in html
    assert f'href="/brand/campaigns/{draft.id}"' in html and "Review and submit for funding" in html
    assert "Review 1 application" in html
    assert "1 of 3" in html  # slots filled
    assert "PLN1,725.00 / PLN1,725.00" in html and "PLN575.00" in html  # funded / committed
    assert "Create your first campaign" not in html
