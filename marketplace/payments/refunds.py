"""Returning unspent budget to the brand: scheduled in the ledger, executed at Stripe after commit.

Refund status transitions:
    pending -> succeeded | failed
    failed  -> pending (an admin retries)
Scheduling moves the amount from the campaign's escrow to `refunds_pending:<campaign>` so it can
no longer be reserved; success moves it on to `stripe_clearing`, failure puts it back.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from ..db import on_commit
from ..extensions import db
from ..models import Campaign, User
from ..models.payments import Funding, FundingStatus, Refund, RefundStatus
from ..money import Money
from ..services import ledger
from ..services.transitions import table, transition
from .errors import PaymentError, TemporaryPaymentError
from .gateway import call, client

log = logging.getLogger(__name__)
R = RefundStatus
TRANSITIONS = table(pending={R.SUCCEEDED, R.FAILED}, failed={R.PENDING})


def pending_account(campaign_id: int) -> str:
    return f"refunds_pending:{campaign_id}"


def schedule_refund(campaign: Campaign, *, funding: Funding, amount: Money, actor: User | None = None) -> Refund:
    refund = Refund(campaign_id=campaign.id, funding_id=funding.id, amount_minor=amount.minor,
                    currency=amount.currency)
    db.session.add(refund)
    db.session.flush()
    _hold(refund, actor)
    return refund


def _hold(refund: Refund, actor: User | None) -> None:
    """Take the amount out of reach (escrow → pending refunds) and send it after commit."""
    ledger.move("refund_scheduled", refund.amount, source=ledger.escrow(refund.campaign_id),
                destination=pending_account(refund.campaign_id),
                reference=f"refund_scheduled:{refund.id}:{refund.attempt}", campaign=refund.campaign, actor=actor)
    _enqueue(refund.id)


def _enqueue(refund_id: int) -> None:
    def run() -> None:
        from ..jobs.payments import execute_refund

        execute_refund.delay(refund_id)

    on_commit(run)


def refund_unspent(campaign: Campaign, *, actor: User | None = None) -> list[Refund]:
    """Refund whatever sits in escrow, against the paid fundings it came from (newest first)."""
    remaining = ledger.balance(ledger.escrow(campaign.id), campaign.currency)
    refunds = []
    fundings = db.session.scalars(select(Funding).where(Funding.campaign_id == campaign.id,
                                                        Funding.status == FundingStatus.PAID)
                                  .order_by(Funding.id.desc())).all()
    for funding in fundings:
        if remaining.minor <= 0:
            break
        already = db.session.scalar(select(func.coalesce(func.sum(Refund.amount_minor), 0)).where(
            Refund.funding_id == funding.id, Refund.status != R.FAILED))
        refundable = Money(min(remaining.minor, funding.amount_minor - int(already)), campaign.currency)
        if refundable.minor > 0:
            refunds.append(schedule_refund(campaign, funding=funding, amount=refundable, actor=actor))
            remaining = remaining - refundable
    return refunds


@dataclass(frozen=True)
class RefundPlan:
    refund_id: int
    payment_intent: str
    amount_minor: int  # in Stripe's units for the currency
    idempotency_key: str
    stripe_refund_id: str | None


def plan(refund: Refund) -> RefundPlan | None:
    if refund.status != R.PENDING:
        return None
    return RefundPlan(refund.id, refund.funding.payment_intent_id, refund.amount.to_stripe()["amount"],
                      refund.idempotency_key, refund.stripe_refund_id)


def settle_without_stripe(refund: Refund) -> None:
    """A sandbox funding has no Stripe payment behind it: its refund is settled in the ledger only."""
    if current_app.config.get("SANDBOX_PAYMENTS"):
        record_result(refund, f"sandbox_refund_{refund.id}", "succeeded")
    else:
        record_failure(refund, PaymentError("This payment was not made through Stripe, so it cannot be refunded there."))


def at_stripe(plan: RefundPlan) -> tuple[str, str]:
    """Network only: create the refund (a repeated key replays it), or re-read one already made.

    Returns (Stripe refund id, its status: succeeded, pending, requires_action, failed, canceled).
    """
    if plan.stripe_refund_id:
        with call("refunds.retrieve"):
            found = client().v1.refunds.retrieve(plan.stripe_refund_id)
        return found.id, found.status
    with call("refunds.create", idempotency_key=plan.idempotency_key):
        made = client().v1.refunds.create(
            params={"payment_intent": plan.payment_intent, "amount": plan.amount_minor,
                    "reason": "requested_by_customer", "metadata": {"refund_id": str(plan.refund_id)}},
            options={"idempotency_key": plan.idempotency_key})
    log.info("refund %s created for hashmark refund %s (key=%s)", made.id, plan.refund_id, plan.idempotency_key)
    return made.id, made.status


def record_result(refund: Refund, stripe_refund_id: str, status: str) -> None:
    refund.stripe_refund_id = stripe_refund_id
    if status == "succeeded":
        record_success(refund)
    elif status in ("failed", "canceled"):
        record_failure(refund, PaymentError(f"Stripe reports the refund as {status}."))


def record_success(refund: Refund) -> None:
    if transition(refund, R.SUCCEEDED, transitions=TRANSITIONS, actor=None):
        ledger.move("refund", refund.amount, source=pending_account(refund.campaign_id),
                    destination=ledger.STRIPE_CLEARING, reference=f"refund:{refund.id}", campaign=refund.campaign)


def record_failure(refund: Refund, error: PaymentError) -> None:
    refund.failure_reason = error.message
    if transition(refund, R.FAILED, transitions=TRANSITIONS, actor=None, reason=error.message):
        ledger.move("refund_failed", refund.amount, source=pending_account(refund.campaign_id),
                    destination=ledger.escrow(refund.campaign_id),
                    reference=f"refund_failed:{refund.id}:{refund.attempt}", campaign=refund.campaign)


MAX_ATTEMPTS = 6


def record_temporary_failure(refund: Refund, error: TemporaryPaymentError) -> None:
    """Keep the refund pending for another try; a burned key means the next try is a new attempt.
    After MAX_ATTEMPTS it fails for good (the money goes back to escrow) and an admin decides."""
    refund.failure_reason = error.message
    if refund.attempt >= MAX_ATTEMPTS:
        record_failure(refund, error)
    elif error.key_burned:
        refund.attempt += 1


def retry(refund: Refund, *, actor: User) -> None:
    """After a permanent failure is fixed: a new attempt with a new idempotency key."""
    transition(refund, R.PENDING, transitions=TRANSITIONS, actor=actor)
    refund.attempt += 1
    refund.failure_reason = None
    refund.stripe_refund_id = None
    _hold(refund, actor)
