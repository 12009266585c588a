"""Admins' campaigns page: every brand's campaigns filtered, with their money; pause, reopen and
cancel-with-refund, each with a reason that is audited and sent to the brand; refusals as flashes."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.catalog import normalise_text
from marketplace.extensions import db
from marketplace.models import AuditEvent, Notification, Refund, utcnow
from marketplace.money import Money
from marketplace.payments.funding import fund_in_sandbox
from marketplace.services import applications, ledger

from .brand.html import text_of
from ..factories import AdminFactory, BrandFactory, CampaignFactory, CreatorFactory, accepted_application
from ..helpers import login, path_of
from ..services.test_submission_review import make_submission


def funded(**overrides):
    """An open campaign paid through the sandbox (a Funding row, so cancelling refunds it)."""
    now = utcnow()
    defaults = dict(status="awaiting_funding", application_deadline=now + timedelta(days=10),
                    posting_starts_at=now, posting_ends_at=now + timedelta(days=30), fee_per_post_minor=7_500)
    campaign = CampaignFactory(**{**defaults, **overrides})
    campaign.search_text = normalise_text(f"{campaign.title}\n{campaign.brief}")  # as create_campaign stores it
    fund_in_sandbox(campaign, actor=campaign.brand.user)
    return campaign


def _admin(client):
    admin = AdminFactory()
    login(client, admin)
    return admin


def _page(client, **args):
    response = client.get("/admin/campaigns", query_string=args)
    assert response.status_code == 200
    return response


def _act(client, campaign, action, reason="Naruszenie regulaminu: treści dla dorosłych.", **extra):
    db.session.commit()  # the test's rows outlive a refused request's rollback (undone after the test anyway)
    return client.post(f"/admin/campaigns/{campaign.id}/{action}", data={"reason": reason, **extra},
                       follow_redirects=True)


def _flash(response) -> str:
    return text_of(response, ".flashes")


def _status_events(campaign):
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "campaigns", AuditEvent.entity_id == campaign.id,
        AuditEvent.action == "status_changed").order_by(AuditEvent.id)).all()


def test_every_campaign_is_listed_with_its_money_and_the_filters_narrow_it(client):
    krakow = funded(title="Kawa z Łodzi", brand=BrandFactory(company_name="Palarnia Łódź"))
    accepted_application(campaign=krakow)
    bangkok = funded(title="ตลาดนัด Bangkok", currency="THB", payout_minor=150_000, fee_per_post_minor=22_500)
    draft = CampaignFactory(title="Szkic", status="draft")
    _admin(client)

    everything = _page(client)
    row = text_of(everything, f"#campaign-{krakow.id}")
    for shown in ("Kawa z Łodzi", "Palarnia Łódź", "Open", "1 of 3", "PLN1,725.00", "PLN1,150.00", "PLN575.00"):
        assert shown in row, shown
    assert "Pause" in row and "Cancel and refund" in row and "Reopen" not in row
    assert "THB5,175.00" in text_of(everything, f"#campaign-{bangkok.id}")
    assert "Pause" not in text_of(everything, f"#campaign-{draft.id}")

    def listed(**args):
        html = _page(client, **args).get_data(as_text=True)
        return {c.id for c in (krakow, bangkok, draft) if f'id="campaign-{c.id}"' in html}

    assert listed() == {krakow.id, bangkok.id, draft.id}
    assert listed(status="draft") == {draft.id}
    assert listed(brand=krakow.brand_id) == {krakow.id}
    assert listed(currency="thb") == {bangkok.id}
    assert listed(q="KAWA z łodzi") == {krakow.id}  # folded like the marketplace search
    assert listed(q="ตลาดนัด") == {bangkok.id}
    assert listed(q="nothing like it") == set()
    assert "No campaigns match" in _page(client, q="nothing like it").get_data(as_text=True)
    _page(client, status="<script>", brand="x", currency="ZZZZ", page="-1", q="%_" * 80)  # never a 500


def test_pausing_and_reopening_are_audited_with_the_reason_and_the_brand_is_told(client):
    campaign = funded(title="Jesienna kawa")
    admin = _admin(client)

    response = _act(client, campaign, "pause", currency="PLN")
    assert path_of(response.request.path) == "/admin/campaigns" and "currency=PLN" in response.request.url
    assert "“Jesienna kawa” is paused" in _flash(response)
    assert campaign.status == "closed"
    event = _status_events(campaign)[-1]
    assert (event.to_status, event.actor_id, event.reason) == ("closed", admin.id,
                                                                "Naruszenie regulaminu: treści dla dorosłych.")
    note = db.session.scalar(select(Notification).where(Notification.user_id == campaign.brand.user_id,
                                                        Notification.kind == "campaign_paused_by_admin"))
    assert note.params == {"campaign": "Jesienna kawa", "reason": "Naruszenie regulaminu: treści dla dorosłych."}
    assert "Reopen" in text_of(response, f"#campaign-{campaign.id}")

    response = _act(client, campaign, "reopen", reason="Poprawione.")
    assert "open to applications again" in _flash(response)
    assert campaign.status == "open"
    assert (_status_events(campaign)[-1].to_status, _status_events(campaign)[-1].reason) == ("open", "Poprawione.")


def test_refusals_are_flashes_and_change_nothing(client):
    campaign = funded()
    draft = CampaignFactory(status="draft")
    _admin(client)

    assert "Give a reason" in _flash(_act(client, campaign, "pause", reason="   "))
    assert "Give a reason" in _flash(_act(client, campaign, "cancel", reason="x" * 501))
    assert "Only an open campaign can be paused" in _flash(_act(client, draft, "pause"))
    assert "Only a paused (closed) campaign can be reopened" in _flash(_act(client, campaign, "reopen"))
    assert (campaign.status, draft.status) == ("open", "draft")

    _act(client, campaign, "pause")
    campaign.application_deadline = utcnow() - timedelta(days=1)
    assert "deadline has passed" in _flash(_act(client, campaign, "reopen"))
    assert campaign.status == "closed"
    assert client.post("/admin/campaigns/999999/pause", data={"reason": "x"}).status_code == 404


def test_cancelling_closes_every_application_and_refunds_the_unspent_budget(client):
    campaign = funded(title="Zimowa herbata", slots=2)
    accepted = accepted_application(campaign=campaign)
    creator = CreatorFactory()
    pending = applications.apply(campaign, creator, pitch="", actor=creator.user)
    admin = _admin(client)

    response = _act(client, campaign, "cancel", reason="Marka wycofała produkt.")

    assert "“Zimowa herbata” is cancelled" in _flash(response)
    assert campaign.status == "cancelled"
    assert (accepted.status, pending.status) == ("withdrawn", "rejected")
    refund = db.session.scalar(select(Refund).where(Refund.campaign_id == campaign.id))
    assert refund.amount == campaign.total_budget
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == Money(0, "PLN")
    assert ledger.balance(ledger.reserved(campaign.id), "PLN") == Money(0, "PLN")
    event = _status_events(campaign)[-1]
    assert (event.to_status, event.actor_id, event.reason) == ("cancelled", admin.id, "Marka wycofała produkt.")
    kinds = set(db.session.scalars(select(Notification.kind).where(Notification.kind.like("campaign_cancelled%"))))
    assert kinds == {"campaign_cancelled", "campaign_cancelled_by_admin"}
    assert "Cancel and refund" not in text_of(response, f"#campaign-{campaign.id}")
    assert "cannot be cancelled" in _flash(_act(client, campaign, "cancel"))


def test_cancelling_is_refused_while_a_published_post_is_unsettled(client):
    submission = make_submission("verified")
    campaign = submission.campaign
    _admin(client)
    response = _act(client, campaign, "cancel")
    assert "already published a post" in _flash(response)
    assert campaign.status == "open"
    assert ledger.balance(ledger.reserved(campaign.id), "PLN") == campaign.cost_per_post


@pytest.mark.parametrize("action", ["pause", "reopen", "cancel"])
def test_only_admins_act_on_campaigns(client, action):
    campaign = funded()
    for user in (campaign.brand.user, CreatorFactory().user):
        login(client, user)
        assert client.post(f"/admin/campaigns/{campaign.id}/{action}", data={"reason": "x"}).status_code == 403
        assert client.get("/admin/campaigns").status_code == 403
        client.post("/logout")
    assert campaign.status == "open"
