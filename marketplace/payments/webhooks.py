"""Stripe webhooks: verified on the raw body, stored once per event id, processed by a job.

A delivery whose event was already processed is a no-op; one that failed before is processed
again, so Stripe's retries heal transient failures. Processing re-reads state from Stripe, so
the order in which events arrive does not matter.

Also here: what Stripe events made outside Hashmark mean for our books. A refund made in the
Dashboard (`charge.refunded` beyond our own refunds) is booked from the campaign's escrow when it
holds enough, the rest against `stripe_adjustments` for reconciliation to show; a dispute
(`charge.dispute.created`) is recorded on the funding it concerns, in the audit trail. And a
creator's connected account paying its balance out to their bank (`payout.paid` / `payout.failed`)
stamps when our transfers reached the bank, or says why they did not.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ..db import on_commit
from ..extensions import db
from ..models import (AuditEvent, Funding, LedgerEntry, LedgerTransaction, Payout, PayoutAccount, PayoutStatus,
                      Refund, RefundStatus, Role, User, UserStatus, utcnow)
from ..models.stripe_events import StripeEvent
from ..money import Money
from ..services import ledger
from ..links import path_for
from ..services.audit import record_event
from ..services.notifications import notify
from .gateway import call, client, construct_event
from .transfers import STRIPE_ADJUSTMENTS

log = logging.getLogger(__name__)

CHECKOUT_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded",
                   "checkout.session.async_payment_failed", "checkout.session.expired"}
ACCOUNT_EVENTS = {"account.updated", "capability.updated", "v2.core.account.updated"}
REFUND_EVENTS = {"refund.created", "refund.updated", "charge.refund.updated"}
TRANSFER_EVENTS = {"transfer.created", "transfer.updated", "transfer.reversed"}
BANK_PAYOUT_EVENTS = {"payout.paid", "payout.failed"}  # Connect: on the creator's account


def receive(payload: bytes, signature: str | None, secret: str) -> StripeEvent | None:
    """Verify and store the event; return it if it still needs processing, else None.

    Raises ValueError when the signature, timestamp or body is not acceptable.
    """
    event = construct_event(payload, signature, secret)
    existing = db.session.scalar(select(StripeEvent).where(StripeEvent.event_id == event["id"]))
    if existing is not None:
        return None if existing.processed_at else existing
    data_object: dict[str, Any] = (event.get("data") or {}).get("object") or {}
    row = StripeEvent(event_id=event["id"], type=event.get("type", ""), account=event.get("account"),
                      object_id=data_object.get("id"), payload=event)
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:  # the same event delivered twice at once: the other delivery has it
        return None
    return row


def enqueue(row: StripeEvent) -> None:
    row_id = row.id

    def run() -> None:
        from ..jobs.payments import process_stripe_event

        process_stripe_event.delay(row_id)

    on_commit(run)


def kind(event_type: str) -> str | None:
    if event_type in CHECKOUT_EVENTS:
        return "checkout"
    if event_type in ACCOUNT_EVENTS:
        return "account"
    if event_type in REFUND_EVENTS:
        return "refund"
    if event_type == "charge.refunded":
        return "charge_refunded"
    if event_type in TRANSFER_EVENTS:
        return "transfer"
    if event_type in BANK_PAYOUT_EVENTS:
        return "bank_payout"
    if event_type == "charge.dispute.created":
        return "dispute"
    return None


@dataclass(frozen=True)
class ChargeRefunds:
    charge_id: str
    payment_intent: str | None
    refunded: Money


def fetch_charge_refunds(charge_id: str) -> ChargeRefunds:
    """Network only: how much of a charge Stripe has refunded so far, by anyone."""
    with call("charges.retrieve"):
        charge = client().v1.charges.retrieve(charge_id)
    return ChargeRefunds(charge.id, charge.payment_intent, Money.from_stripe(charge.amount_refunded, charge.currency))


def _funding_of(charge_id: str, payment_intent: str | None = None) -> Funding | None:
    found = or_(Funding.charge_id == charge_id, Funding.payment_intent_id == payment_intent) if payment_intent \
        else Funding.charge_id == charge_id
    return db.session.scalar(select(Funding).where(found).order_by(Funding.id))


def apply_charge_refunds(state: ChargeRefunds) -> Money | None:
    """Book whatever Stripe refunded on one of our charges beyond our own refunds, once per new
    total; returns the amount booked now (None: nothing new)."""
    funding = _funding_of(state.charge_id, state.payment_intent)
    if funding is None:
        return None
    currency = state.refunded.currency
    ours = int(db.session.scalar(select(func.coalesce(func.sum(Refund.amount_minor), 0)).where(
        Refund.funding_id == funding.id, Refund.status != RefundStatus.FAILED)))
    booked = int(db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).join(LedgerTransaction)
        .where(LedgerEntry.account == ledger.STRIPE_CLEARING,
               LedgerTransaction.reference.like(f"refund_outside:{state.charge_id}:%"))))
    outside = state.refunded - Money(ours, currency)
    new = outside - Money(booked, currency)
    if new.minor <= 0:
        return None
    campaign = funding.campaign
    ledger.lock_campaign(campaign)
    available = ledger.balance(ledger.escrow(campaign.id), currency)
    from_escrow = Money(min(new.minor, max(available.minor, 0)), currency)
    legs = [ledger.Leg(ledger.STRIPE_CLEARING, new)]
    if from_escrow.minor:
        legs.append(ledger.Leg(ledger.escrow(campaign.id), -from_escrow))
    if (new - from_escrow).minor:
        legs.append(ledger.Leg(STRIPE_ADJUSTMENTS, -(new - from_escrow)))
    ledger.post("refund", legs, reference=f"refund_outside:{state.charge_id}:{outside.minor}", campaign=campaign,
                memo="refunded outside Hashmark")
    record_event("fundings", funding.id, "refunded_outside", actor=None,
                 data={"charge": state.charge_id, "amount_minor": new.minor, "currency": currency,
                       "from_escrow_minor": from_escrow.minor})
    log.warning("charge %s of funding %s: %s refunded outside Hashmark (%s from escrow)", state.charge_id,
                funding.id, new, from_escrow)
    return new


def record_dispute(dispute: dict[str, Any]) -> bool:
    """A brand disputed a funding charge with their bank: record it on the funding, once."""
    funding = _funding_of(dispute.get("charge") or "")
    if funding is None:
        return False
    seen = db.session.scalars(select(AuditEvent.data).where(
        AuditEvent.entity == "fundings", AuditEvent.entity_id == funding.id,
        AuditEvent.action == "charge_disputed")).all()
    if any((data or {}).get("dispute") == dispute.get("id") for data in seen):
        return False
    record_event("fundings", funding.id, "charge_disputed", actor=None, reason=dispute.get("reason"),
                 data={"dispute": dispute.get("id"), "charge": dispute.get("charge"),
                       "amount": dispute.get("amount"), "currency": dispute.get("currency"),
                       "status": dispute.get("status")})
    log.warning("charge %s of funding %s disputed (%s): %s", dispute.get("charge"), funding.id,
                dispute.get("id"), dispute.get("reason"))
    for admin in db.session.scalars(select(User).where(User.role == Role.ADMIN, User.status == UserStatus.ACTIVE)):
        notify(admin, "charge_disputed", link=path_for("admin.reconciliation"), campaign=funding.campaign.title)
    return True


@dataclass(frozen=True)
class BankPayout:
    id: str
    status: str            # pending, in_transit, paid, failed, canceled
    created: datetime
    currency: str
    failure_message: str | None


def fetch_bank_payout(account: str, payout_id: str) -> BankPayout:
    """Network only: a connected account's payout to its bank, as Stripe has it now."""
    with call("payouts.retrieve"):
        found = client().v1.payouts.retrieve(payout_id, options={"stripe_account": account})
    return BankPayout(found.id, found.status, datetime.fromtimestamp(found.created, UTC), found.currency.upper(),
                      found.failure_message)


def apply_bank_payout(account: str, bank: BankPayout) -> int:
    """Stripe paid (or failed to pay) a creator's balance out to their bank. The balance holds our
    transfers made before that payout was created, so those are the ones it carried (Stripe does
    not say which transfers a payout sweeps without a balance-transaction listing)."""
    owner = db.session.scalar(select(PayoutAccount).where(PayoutAccount.stripe_account_id == account))
    if owner is None or bank.status not in ("paid", "failed"):
        return 0
    carried = db.session.scalars(select(Payout).where(
        Payout.creator_id == owner.creator_id, Payout.status == PayoutStatus.PAID, Payout.currency == bank.currency,
        Payout.paid_at.is_(None), Payout.transferred_at <= bank.created)).all()
    changed = 0
    for payout in carried:
        if bank.status == "paid":
            payout.paid_at = utcnow()
            if payout.failure_code == "bank_payout_failed":
                payout.failure_code = payout.failure_message = None
            record_event("payouts", payout.id, "paid_out", actor=None, data={"bank_payout": bank.id})
        elif payout.failure_code != "bank_payout_failed":
            payout.failure_code = "bank_payout_failed"
            payout.failure_message = bank.failure_message or "The bank refused the payout."
            record_event("payouts", payout.id, "bank_payout_failed", actor=None, reason=payout.failure_message,
                         data={"bank_payout": bank.id})
        else:
            continue
        changed += 1
    return changed
