"""Creating the Payout when a submission becomes payable (`live_check_passed`).

The post's reserved cost leaves the campaign's reservations: the creator's amount becomes
payable to them, the fee becomes Hashmark's. The payout then waits for an admin's approval.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..links import path_for
from ..models import ApplicationStatus, Payout, Submission
from ..money import Money
from . import ledger
from .applications import TRANSITIONS as APPLICATION_TRANSITIONS
from .audit import record_event
from .notifications import notify
from .transitions import transition


def payout_for(submission: Submission) -> Payout | None:
    return db.session.scalar(select(Payout).where(Payout.submission_id == submission.id))


def create_for(submission: Submission) -> Payout:
    """The submission's one Payout (pending approval), with its ledger posting; idempotent."""
    existing = payout_for(submission)
    if existing is not None:
        return existing
    campaign = submission.campaign
    payout = Payout(submission_id=submission.id, campaign_id=campaign.id, creator_id=submission.creator_id,
                    amount_minor=campaign.payout_minor, fee_minor=campaign.fee_per_post_minor,
                    currency=campaign.currency)
    try:
        with db.session.begin_nested():
            db.session.add(payout)
    except IntegrityError:  # a concurrent transaction created it first
        return payout_for(submission)
    transition(submission.application, ApplicationStatus.COMPLETED, transitions=APPLICATION_TRANSITIONS,
               actor=None, reason="payout created")
    legs = [ledger.Leg(ledger.reserved(campaign.id), -campaign.cost_per_post),
            ledger.Leg(ledger.creator_payable(submission.creator_id), payout.amount)]
    if payout.fee_minor:
        legs.append(ledger.Leg(ledger.PLATFORM_FEES, payout.fee))
    ledger.post("payout", legs, reference=f"payout:submission:{submission.id}", campaign=campaign,
                application_id=submission.application_id, actor=None)
    record_event("payouts", payout.id, "created", actor=None, to_status=payout.status,
                 data={"submission_id": submission.id, "amount_minor": payout.amount_minor,
                       "fee_minor": payout.fee_minor, "currency": payout.currency})
    user = submission.creator.user
    notify(user, "payout_pending", link=path_for("creator.payouts"), campaign=campaign.title,
           amount=_formatted(payout.amount, user.locale))
    return payout


def _formatted(amount: Money, locale: str | None) -> str:
    return amount.format(locale or "en")
