"""Creating the Payout when a submission becomes payable: one per submission, through the ledger."""
from __future__ import annotations

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import AuditEvent, LedgerTransaction, Payout
from marketplace.money import Money
from marketplace.services import ledger, payouts
from marketplace.services.submission_states import move

from .test_verifier import campaign_application, notifications, verified


def payable(fake, **campaign):
    submission = verified(fake, application=campaign_application(**campaign))
    move(submission, "approved", actor=submission.campaign.brand.user)
    move(submission, "live_check_passed", actor=None)
    return submission


def legs(reference: str) -> dict[str, int]:
    posting = ledger.find(reference)
    return {entry.account: entry.amount_minor for entry in posting.entries}


def test_the_payout_moves_the_reserved_cost_to_the_creator_and_the_fee(platforms):
    submission = payable(platforms.fake)
    campaign = submission.campaign
    payout = payouts.create_for(submission)

    assert (payout.status, payout.amount, payout.fee, payout.campaign_id, payout.creator_id) == (
        "pending_approval", Money(50_000, "PLN"), Money(7_500, "PLN"), campaign.id, submission.creator_id)
    posting = ledger.find(f"payout:submission:{submission.id}")
    assert (posting.kind, posting.campaign_id, posting.application_id) == ("payout", campaign.id,
                                                                           submission.application_id)
    assert legs(posting.reference) == {ledger.reserved(campaign.id): -57_500,
                                       ledger.creator_payable(submission.creator_id): 50_000,
                                       ledger.PLATFORM_FEES: 7_500}
    assert ledger.imbalances() == []
    assert ledger.balance(ledger.reserved(campaign.id), "PLN") == Money(0, "PLN")
    money = ledger.campaign_money(campaign)
    assert (money.paid, money.funded) == (Money(57_500, "PLN"), campaign.total_budget)
    assert submission.application.status == "completed"
    [earned] = notifications(submission.creator.user, "payout_pending")
    assert earned.params == {"campaign": campaign.title, "amount": Money(50_000, "PLN").format("en")}
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "payouts",
                                                      AuditEvent.entity_id == payout.id)).action == "created"


def test_creating_twice_gives_the_same_payout_and_one_posting(platforms):
    submission = payable(platforms.fake)
    first = payouts.create_for(submission)
    assert payouts.create_for(submission) is first
    assert db.session.scalar(select(func.count()).select_from(Payout)) == 1
    assert db.session.scalar(select(func.count()).select_from(LedgerTransaction)
                             .where(LedgerTransaction.kind == "payout")) == 1
    assert len(notifications(submission.creator.user, "payout_pending")) == 1


def test_a_campaign_without_a_fee_posts_no_fee_leg(platforms):
    submission = payable(platforms.fake, fee_per_post_minor=0, currency="THB", payout_minor=150_000)
    payouts.create_for(submission)
    assert legs(f"payout:submission:{submission.id}") == {
        ledger.reserved(submission.campaign_id): -150_000, ledger.creator_payable(submission.creator_id): 150_000}
    assert ledger.imbalances() == []
