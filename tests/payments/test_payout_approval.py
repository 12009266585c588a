"""Admins decide on payouts: only admins, never on their own, holds block approval, every decision
audited, and a cancelled payout gives the post's whole cost back to the campaign."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace import db as tx
from marketplace.errors import NotAllowed, PermissionDenied
from marketplace.extensions import db
from marketplace.models import AuditEvent, Creator, CreatorNiche
from marketplace.money import Money
from marketplace.services import ledger, payout_approval

from ..factories import AdminFactory, CreatorFactory, open_campaign
from .test_transfers import payout_for


def _payout(**campaign):
    return payout_for(open_campaign(**campaign), CreatorFactory())


def _events(payout, action=None):
    stmt = select(AuditEvent).where(AuditEvent.entity == "payouts", AuditEvent.entity_id == payout.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return db.session.scalars(stmt.order_by(AuditEvent.id)).all()


@pytest.mark.parametrize("role", ["brand", "creator"])
def test_only_admins_decide(role):
    payout = _payout()
    actor = payout.campaign.brand.user if role == "brand" else payout.creator.user
    for decide in (lambda: payout_approval.approve([payout], actor=actor),
                   lambda: payout_approval.hold(payout, reason="check", actor=actor),
                   lambda: payout_approval.release_hold(payout, actor=actor),
                   lambda: payout_approval.retry(payout, actor=actor),
                   lambda: payout_approval.cancel(payout, reason="no", actor=actor)):
        with pytest.raises(PermissionDenied):
            decide()
    assert payout.status == "pending_approval" and payout.hold_reason is None


def test_an_admin_never_approves_a_payout_to_themselves():
    admin = AdminFactory()
    db.session.add(Creator(user=admin, display_name="Admin who posts", country="PL",
                           niche_rows=[CreatorNiche(niche="food")]))
    db.session.flush()
    payout = payout_for(open_campaign(), admin.creator)
    with pytest.raises(PermissionDenied):
        payout_approval.approve([payout], actor=admin)
    other = AdminFactory()
    assert payout_approval.approve([payout], actor=other) == [payout]
    assert payout.status == "approved" and payout.approved_by_id == other.id and payout.approved_at is not None


def test_approval_is_audited_with_its_admin_and_waits_for_a_payout_account():
    payout, admin = _payout(), AdminFactory()
    payout_approval.approve([payout], actor=admin)
    tx.commit()  # the transfer job runs: this creator never set up payouts with Stripe
    [approved] = [e for e in _events(payout) if e.to_status == "approved"]
    assert (approved.actor_id, approved.from_status) == (admin.id, "pending_approval")
    assert payout.status == "approved" and payout.failure_code == "payout_account_not_ready"
    assert [e.action for e in _events(payout, "waiting_for_account")] == ["waiting_for_account"]
    assert payout_approval.approve([payout], actor=admin) == []  # approving again changes nothing


def test_a_held_payout_cannot_be_approved_until_released():
    payout, admin = _payout(), AdminFactory()
    payout_approval.hold(payout, reason="Checking the post with the brand", actor=admin)
    with pytest.raises(NotAllowed, match="on hold"):
        payout_approval.approve([payout], actor=admin)
    with pytest.raises(NotAllowed, match="already on hold"):
        payout_approval.hold(payout, reason="again", actor=admin)

    payout_approval.release_hold(payout, actor=admin)
    assert payout.hold_reason is None and payout.held_at is None
    payout_approval.approve([payout], actor=admin)
    assert payout.status == "approved"
    held, released = _events(payout, "held")[0], _events(payout, "hold_released")[0]
    assert (held.actor_id, held.reason) == (admin.id, "Checking the post with the brand")
    assert (released.actor_id, released.data) == (admin.id, {"was": "Checking the post with the brand"})


def test_the_platform_waiting_period_keeps_new_payouts_unapprovable():
    from datetime import timedelta

    from marketplace.services import sandbox
    from marketplace.services.settings import set_platform_setting

    payout, admin = _payout(), AdminFactory()
    set_platform_setting("payout_hold_days", 3, actor=admin)
    with pytest.raises(NotAllowed, match="can be approved from"):
        payout_approval.approve([payout], actor=admin)
    assert payout.status == "pending_approval"
    sandbox.advance(timedelta(days=3, minutes=1), actor=None)
    payout_approval.approve([payout], actor=admin)
    assert payout.status == "approved"


def test_a_hold_needs_a_reason_and_a_payout_not_yet_sent():
    payout, admin = _payout(), AdminFactory()
    with pytest.raises(NotAllowed) as refused:
        payout_approval.hold(payout, reason="   ", actor=admin)
    assert refused.value.field == "reason"
    with pytest.raises(NotAllowed):
        payout_approval.hold(payout, reason="x" * 501, actor=admin)
    sent = payout_for(payout.campaign, CreatorFactory(), status="paid")
    with pytest.raises(NotAllowed, match="not yet sent"):
        payout_approval.hold(sent, reason="too late", actor=admin)


def test_approving_several_is_all_or_nothing():
    first, admin = _payout(slots=3), AdminFactory()
    held = payout_for(first.campaign, CreatorFactory())
    payout_approval.hold(held, reason="Suspicious reach", actor=admin)
    tx.commit()
    with pytest.raises(NotAllowed):
        payout_approval.approve([first, held], actor=admin)
    tx.rollback()
    assert first.status == "pending_approval"


def test_only_failed_payouts_are_retried_and_only_when_the_creator_can_be_paid():
    payout, admin = _payout(), AdminFactory()
    with pytest.raises(NotAllowed, match="Only failed"):
        payout_approval.retry(payout, actor=admin)
    failed = payout_for(payout.campaign, CreatorFactory(), status="failed")
    with pytest.raises(NotAllowed, match="still not ready"):
        payout_approval.retry(failed, actor=admin)
    assert failed.status == "failed" and failed.attempt == 0


def test_cancelling_gives_the_whole_cost_back_to_the_campaigns_escrow():
    payout, admin = _payout(), AdminFactory()
    campaign, creator = payout.campaign, payout.creator
    before = ledger.campaign_money(campaign)
    assert ledger.balance(ledger.creator_payable(creator.id), "PLN") == Money(50_000, "PLN")

    payout_approval.cancel(payout, reason="The post was deleted after the checks", actor=admin)

    assert payout.status == "cancelled"
    assert ledger.balance(ledger.creator_payable(creator.id), "PLN") == Money(0, "PLN")
    assert ledger.balance(ledger.PLATFORM_FEES, "PLN") == Money(0, "PLN")
    after = ledger.campaign_money(campaign)
    assert after.available == before.available + campaign.cost_per_post
    assert (after.paid, after.reserved, after.funded) == (Money(0, "PLN"), before.reserved, before.funded)
    assert ledger.imbalances() == []
    [cancelled] = [e for e in _events(payout) if e.to_status == "cancelled"]
    assert (cancelled.actor_id, cancelled.reason) == (admin.id, "The post was deleted after the checks")

    with pytest.raises(NotAllowed):  # a cancelled payout stays cancelled: nothing moves twice
        payout_approval.cancel(payout, reason="again", actor=admin)


def test_an_approved_payout_cannot_be_cancelled():
    payout, admin = _payout(), AdminFactory()
    payout_approval.approve([payout], actor=admin)
    with pytest.raises(NotAllowed):
        payout_approval.cancel(payout, reason="changed my mind", actor=admin)
