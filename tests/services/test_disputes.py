"""Admins resolve disputes: uphold (the rejection stands) or overturn (approved, budget reserved
again, live checks resume); each reservation is released at most once, however many there are."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from marketplace import clock
from marketplace.errors import InvalidTransition, NotAllowed, PermissionDenied
from marketplace.extensions import db
from marketplace.models import AuditEvent, Dispute, LedgerTransaction, Payout, utcnow
from marketplace.money import Money
from marketplace.services import applications, disputes, ledger, live_checks, submission_review, submissions

from ..factories import AdminFactory
from .test_submission_review import brand_user, make_submission, notifications, transitions_of

NOTE = "Etykieta #reklama jest w pierwszej linii: odrzucenie było błędem."


def disputed(**fields) -> Dispute:
    """A verified post the brand rejected (its reservation released) and the creator disputed."""
    submission = make_submission("verified", **fields)
    submission_review.reject(submission, reason="Brak oznaczenia #reklama.", actor=brand_user(submission))
    return submissions.open_dispute(submission, reason="Mój post ma #reklama na początku.",
                                    actor=submission.creator.user)


def money_of(dispute: Dispute) -> tuple[Money, Money]:
    campaign = dispute.submission.campaign
    return (ledger.balance(ledger.reserved(campaign.id), campaign.currency),
            ledger.balance(ledger.escrow(campaign.id), campaign.currency))


def references(application) -> list[str]:
    return list(db.session.scalars(select(LedgerTransaction.reference).where(
        LedgerTransaction.application_id == application.id).order_by(LedgerTransaction.id)))


def test_upholding_keeps_the_rejection_and_tells_both_sides():
    dispute, admin = disputed(), AdminFactory()
    submission = dispute.submission
    before = money_of(dispute)

    disputes.uphold(dispute, note=f"  {NOTE}  ", actor=admin)

    assert (dispute.status, dispute.resolution, dispute.resolved_by_id) == ("upheld", NOTE, admin.id)
    assert dispute.resolved_at is not None and submission.status == "rejected"
    assert money_of(dispute) == before
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "disputes",
                                                          AuditEvent.action == "status_changed")).all()
    assert (event.entity_id, event.actor_id, event.to_status, event.reason) == (dispute.id, admin.id, "upheld", NOTE)
    [creator_note] = notifications(submission.creator.user, "dispute_upheld")
    [brand_note] = notifications(brand_user(submission), "dispute_upheld_brand")
    assert creator_note.params == brand_note.params == {
        "campaign": submission.campaign.title, "creator": submission.creator.display_name, "reason": NOTE}


def test_overturning_approves_reserves_the_budget_again_and_resumes_live_checks():
    dispute, admin = disputed(), AdminFactory()
    submission = dispute.submission
    cost = submission.campaign.cost_per_post
    reserved, escrow = money_of(dispute)
    assert reserved == Money(0, "PLN")

    disputes.overturn(dispute, note=NOTE, actor=admin)

    assert (dispute.status, dispute.resolution) == ("overturned", NOTE)
    assert submission.status == "approved"
    assert money_of(dispute) == (cost, escrow - cost)
    assert ledger.imbalances() == []
    application_id = submission.application_id
    assert references(submission.application) == [
        f"reserve:application:{application_id}", f"release:application:{application_id}",
        f"reserve:application:{application_id}:2"]
    move = transitions_of(submission)[-1]
    assert (move.from_status, move.to_status, move.actor_id, move.reason, move.data) == (
        "rejected", "approved", admin.id, NOTE, {"dispute_id": dispute.id})
    # still inside its live period: the schedule goes on until `live_until`
    assert submission.live_until == submission.published_at + timedelta(days=submission.campaign.min_live_days)
    assert clock.now() < submission.next_live_check_at <= submission.live_until
    assert notifications(submission.creator.user, "dispute_overturned")[0].params["reason"] == NOTE
    assert len(notifications(brand_user(submission), "dispute_overturned_brand")) == 1


def test_overturning_a_hand_reported_post_after_its_live_period_pays_at_once():
    # nothing reads a self-reported post: once its live period is over, approval settles it
    dispute = disputed(self_reported=True, published_at=utcnow() - timedelta(days=30))
    submission = dispute.submission

    disputes.overturn(dispute, note=NOTE, actor=AdminFactory())

    assert submission.status == "live_check_passed"
    payout = db.session.scalar(select(Payout).where(Payout.submission_id == submission.id))
    assert (payout.status, payout.amount) == ("pending_approval", submission.campaign.payout)
    assert money_of(dispute)[0] == Money(0, "PLN")  # the new reservation became the payout
    assert ledger.imbalances() == []


def test_overturning_is_refused_when_the_escrow_no_longer_holds_the_post():
    dispute = disputed()
    campaign = dispute.submission.campaign
    _, escrow = money_of(dispute)
    ledger.move("refund_scheduled", escrow, source=ledger.escrow(campaign.id),
                destination=f"refunds_pending:{campaign.id}", campaign=campaign)

    with pytest.raises(NotAllowed, match="escrow no longer holds") as refused:
        disputes.overturn(dispute, note=NOTE, actor=AdminFactory())
    assert refused.value.field is None
    assert (dispute.status, dispute.submission.status) == ("open", "rejected")
    assert money_of(dispute) == (Money(0, "PLN"), Money(0, "PLN"))


def test_a_note_is_required_and_only_admins_decide_once():
    dispute, admin = disputed(), AdminFactory()
    for decide in (disputes.uphold, disputes.overturn):
        for note, message in (("   ", "Write the resolution"), ("x" * 2001, "under 2000")):
            with pytest.raises(NotAllowed, match=message) as refused:
                decide(dispute, note=note, actor=admin)
            assert refused.value.field == "resolution"
        for outsider in (brand_user(dispute.submission), dispute.submission.creator.user):
            with pytest.raises(PermissionDenied):
                decide(dispute, note=NOTE, actor=outsider)
    assert dispute.status == "open"

    disputes.uphold(dispute, note=NOTE, actor=admin)
    with pytest.raises(NotAllowed, match="already resolved"):
        disputes.overturn(dispute, note="Second thoughts", actor=admin)
    assert (dispute.status, dispute.submission.status) == ("upheld", "rejected")


def test_of_two_admins_deciding_at_once_the_second_loses():
    dispute = disputed()
    # another admin's decision commits first, behind this session's back
    db.session.execute(update(Dispute).where(Dispute.id == dispute.id).values(status="upheld")
                       .execution_options(synchronize_session=False))
    with pytest.raises(InvalidTransition):
        disputes.overturn(dispute, note=NOTE, actor=AdminFactory())


def test_a_post_taken_down_after_an_overturn_gives_the_new_reservation_back():
    dispute = disputed()
    submission = dispute.submission
    _, funded_escrow = money_of(dispute)
    disputes.overturn(dispute, note=NOTE, actor=AdminFactory())

    live_checks.take_down(submission, "The post was deleted.")

    assert submission.status == "taken_down"
    assert money_of(dispute) == (Money(0, "PLN"), funded_escrow)
    assert references(submission.application)[-1] == f"release:application:{submission.application_id}:2"
    applications.release_reservation(submission.application, actor=None)  # a repeat moves nothing
    assert money_of(dispute) == (Money(0, "PLN"), funded_escrow)
    assert ledger.imbalances() == []


def test_reserving_again_is_a_no_op_while_a_reservation_is_held():
    dispute = disputed()
    application = dispute.submission.application
    applications.reserve_again(application, actor=AdminFactory())
    held = money_of(dispute)
    applications.reserve_again(application, actor=AdminFactory())
    assert money_of(dispute) == held
    assert applications.reservation_held(application)
    assert len(references(application)) == 3


def test_an_application_no_longer_accepted_gets_no_new_reservation():
    dispute = disputed()
    application = dispute.submission.application
    db.session.execute(update(type(application)).where(type(application).id == application.id)
                       .values(status="withdrawn").execution_options(synchronize_session=False))
    db.session.refresh(application)
    with pytest.raises(NotAllowed, match="withdrawn"):
        disputes.overturn(dispute, note=NOTE, actor=AdminFactory())
    assert dispute.submission.status == "rejected"
