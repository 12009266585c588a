"""Paying creators: one Stripe Transfer per approved payout, exactly once.

The steps, with a commit between each so no transaction is open while Stripe answers:
  start(payout)   claims a due payout: approved -> processing (compare-and-set, so two workers
                  never both send), or re-claims a processing payout whose retry is due;
  at_stripe(plan) network only: `transfers.create` with `payout-<id>-<attempt>` as idempotency key;
  record_*        the outcome: paid (ledger creator_payable -> stripe_clearing), failed, or retry.

What "paid" means: the transfer is in the creator's Stripe balance (`transferred_at`, Stripe's own
time). Stripe paying their balance out to the bank is reported later by `payout.paid` on the
connected account, which stamps `paid_at` (see `apply_bank_payout`).

Retries: a temporary error keeps the same key, so Stripe replays rather than repeats; when Stripe
stored an error under the key (`key_burned`) the next try is a new attempt, and any attempt after
the first (or a key old enough for Stripe to have forgotten it) first looks the transfer up by
`transfer_group` + `metadata.payout_id`, so nothing is ever sent twice. A payout left in
`processing` with no retry planned (a worker died around the call) is found by `reconcile_stuck`,
which looks it up at Stripe and either records it or plans a same-key retry.

Creators without a READY payout account are never sent to Stripe: their approved payouts wait,
saying why, and go out with the next sweep once the account is ready.

Sandbox-funded campaigns (`fund_in_sandbox`) have no Stripe charge to transfer from: while
SANDBOX_PAYMENTS is on they settle in the ledger only (transferred and paid out at once, audited as
sandbox; the creator still needs a READY account, as in production); otherwise they fail with a
plain reason.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, update

from .. import db as tx
from ..extensions import db
from ..models import (Funding, FundingStatus, LedgerEntry, LedgerTransaction, Payout, PayoutAccount,
                      PayoutAccountStatus, PayoutStatus, Refund, RefundStatus, utcnow)
from ..money import Money
from ..services import ledger
from ..links import path_for
from ..services.audit import record_event
from ..services.notifications import notify
from ..services.payout_states import move
from .errors import PaymentError, TemporaryPaymentError
from .payout_reasons import REASONS, WAITING_FOR_ACCOUNT, failure_reason  # noqa: F401 (part of this module's API)
from .gateway import call, client

log = logging.getLogger(__name__)
P = PayoutStatus

# Money Stripe moved outside Hashmark that no campaign or creator can take (a reversed transfer,
# a refund beyond the escrow): positive = the platform holds it, negative = it is missing.
# Reconciliation shows this balance; an admin decides where it belongs.
STRIPE_ADJUSTMENTS = ledger.STRIPE_ADJUSTMENTS
STUCK_AFTER = timedelta(minutes=15)     # a live worker's call ends long before this
KEY_MEMORY = timedelta(hours=23)        # Stripe may forget an idempotency key after 24 h
MIN_BACKOFF, MAX_BACKOFF = timedelta(minutes=1), timedelta(hours=1)

def transfer_group(campaign_id: int) -> str:
    return f"campaign_{campaign_id}"


def ready_account(payout: Payout) -> PayoutAccount | None:
    return db.session.scalar(select(PayoutAccount).where(PayoutAccount.creator_id == payout.creator_id,
                                                         PayoutAccount.status == PayoutAccountStatus.READY))


# ---------------------------------------------------------------------------------------- plan
@dataclass(frozen=True)
class TransferPlan:
    """Everything the Stripe call needs, read before the transaction ends."""

    payout_id: int
    attempt: int
    idempotency_key: str
    transfer_group: str
    params: dict
    look_up_first: bool   # this payout may already have a transfer under an earlier or forgotten key


SANDBOX = "sandbox"


def _source_charge(payout: Payout) -> str | None:
    """The campaign's paid funding charge with enough left for this transfer (`SANDBOX` for a
    sandbox funding, None when there is none). What is left of each charge: its amount, less our
    refunds, less the campaign's other transfers (counted against the oldest charges first)."""
    fundings = db.session.scalars(select(Funding).where(Funding.campaign_id == payout.campaign_id,
                                                        Funding.status == FundingStatus.PAID)
                                  .order_by(Funding.id)).all()
    refunded = dict(db.session.execute(
        select(Refund.funding_id, func.sum(Refund.amount_minor))
        .where(Refund.campaign_id == payout.campaign_id, Refund.status != RefundStatus.FAILED)
        .group_by(Refund.funding_id)).all())
    transferred = int(db.session.scalar(
        select(func.coalesce(func.sum(Payout.amount_minor), 0))
        .where(Payout.campaign_id == payout.campaign_id, Payout.id != payout.id,
               Payout.status.in_([P.PROCESSING, P.PAID]))))
    for funding in fundings:
        left = funding.amount_minor - int(refunded.get(funding.id, 0))
        used = min(left, transferred)
        left, transferred = left - used, transferred - used
        if funding.charge_id and left >= payout.amount_minor:
            return funding.charge_id
    if any(f.charge_id is None and (f.checkout_session_id or "").startswith("sandbox_") for f in fundings):
        return SANDBOX
    return None


def _plan(payout: Payout, account: PayoutAccount, charge: str, now: datetime) -> TransferPlan:
    stripe_amount = payout.amount.to_stripe()
    group = transfer_group(payout.campaign_id)
    started = payout.status_changed_at or now
    return TransferPlan(
        payout.id, payout.attempt, payout.idempotency_key, group,
        {**stripe_amount, "destination": account.stripe_account_id, "transfer_group": group,
         "source_transaction": charge,
         "metadata": {"payout_id": str(payout.id), "campaign_id": str(payout.campaign_id),
                      "creator_id": str(payout.creator_id), "attempt": str(payout.attempt)}},
        look_up_first=payout.attempt > 1 or now - started > KEY_MEMORY)


def start(payout: Payout, *, now: datetime) -> TransferPlan | None:
    """Claim a due payout for one call to Stripe; None when there is nothing to send now.

    Raises InvalidTransition when another worker claimed it first.
    """
    if payout.hold_reason:
        return None
    if payout.status == P.APPROVED:
        if payout.next_attempt_at is not None and payout.next_attempt_at > now:
            return None
        account = ready_account(payout)
        if account is None:
            _wait_for_account(payout)
            return None
        charge = _source_charge(payout)
        move(payout, P.PROCESSING, actor=None)
        payout.attempt = max(payout.attempt, 1)
        _stamp_claim(payout, now)
        if charge == SANDBOX:
            _settle_sandbox(payout)
            return None
        if charge is None:
            record_failure(payout, PaymentError("No paid funding of this campaign has enough left at Stripe.",
                                                code="no_funding"))
            return None
        return _plan(payout, account, charge, now)
    if payout.status == P.PROCESSING and payout.next_attempt_at is not None and payout.next_attempt_at <= now:
        if not _claim_retry(payout, now):
            return None
        # the same request again, even if the account is no longer ready: Stripe replays what it
        # did under this key (perhaps the transfer itself), or refuses and the payout fails
        account = db.session.scalar(select(PayoutAccount).where(PayoutAccount.creator_id == payout.creator_id))
        charge = _source_charge(payout)
        if account is None or charge in (None, SANDBOX):
            record_failure(payout, PaymentError(
                "No paid funding of this campaign has enough left at Stripe." if account else
                "The creator has no Stripe account.", code="no_funding" if account else "account_invalid"))
            return None
        return _plan(payout, account, charge, now)
    return None


def _wait_for_account(payout: Payout) -> None:
    """No READY payout account: the payout stays approved (never a failed transfer) and says why."""
    if payout.failure_code != WAITING_FOR_ACCOUNT:
        payout.failure_code = WAITING_FOR_ACCOUNT
        payout.failure_message = str(REASONS[WAITING_FOR_ACCOUNT])
        record_event("payouts", payout.id, "waiting_for_account", actor=None, reason=payout.failure_message)
        _tell_creator(payout, "payout_waiting_for_account", link=path_for("creator.payouts"))


def _stamp_claim(payout: Payout, now: datetime) -> None:
    payout.processing_started_at = now
    payout.next_attempt_at = None
    payout.failure_code = payout.failure_message = None


def _claim_retry(payout: Payout, now: datetime) -> bool:
    """Take a scheduled retry: exactly one worker changes the `next_attempt_at` it saw."""
    db.session.flush()
    result = db.session.execute(
        update(Payout).where(Payout.id == payout.id, Payout.status == P.PROCESSING,
                             Payout.next_attempt_at == payout.next_attempt_at)
        .values(next_attempt_at=None, processing_started_at=now)
        .execution_options(synchronize_session=False))
    db.session.refresh(payout)
    return result.rowcount == 1


def _settle_sandbox(payout: Payout) -> None:
    if not current_app.config.get("SANDBOX_PAYMENTS"):
        record_failure(payout, PaymentError("This campaign was funded in the sandbox; there is no Stripe "
                                            "payment to transfer from.", code="sandbox_funding"))
        return
    payout.transferred_at = payout.paid_at = utcnow()
    _paid(payout, data={"sandbox": True})
    record_event("payouts", payout.id, "paid_out", actor=None, data={"sandbox": True})


# ------------------------------------------------------------------------------------- network
@dataclass(frozen=True)
class FoundTransfer:
    """A transfer as Stripe has it."""

    id: str
    payout_id: int | None
    attempt: int | None
    created: datetime
    amount: Money
    reversed: Money


def _found(transfer) -> FoundTransfer:
    metadata = transfer.metadata.to_dict() if transfer.metadata else {}
    payout_id, attempt = metadata.get("payout_id"), metadata.get("attempt")
    return FoundTransfer(
        transfer.id, int(payout_id) if str(payout_id or "").isdigit() else None,
        int(attempt) if str(attempt or "").isdigit() else None,
        datetime.fromtimestamp(transfer.created, UTC),
        Money.from_stripe(transfer.amount, transfer.currency),
        Money.from_stripe(transfer.amount_reversed or 0, transfer.currency))


def at_stripe(plan: TransferPlan) -> FoundTransfer:
    """Network only: the payout's transfer, found (when it may exist already) or created."""
    if plan.look_up_first:
        found = find_at_stripe(plan.transfer_group, plan.payout_id)
        if found is not None:
            return found
    with call("transfers.create", idempotency_key=plan.idempotency_key):
        made = client().v1.transfers.create(params=plan.params, options={"idempotency_key": plan.idempotency_key})
    log.info("transfer %s for payout %s (key=%s)", made.id, plan.payout_id, plan.idempotency_key)
    return _found(made)


def find_at_stripe(group: str, payout_id: int) -> FoundTransfer | None:
    """Network only: the transfer Stripe holds for this payout, whatever attempt made it."""
    matches: list[FoundTransfer] = []
    with call("transfers.list"):
        page = client().v1.transfers.list(params={"transfer_group": group, "limit": 100})
        for transfer in page.auto_paging_iter():
            found = _found(transfer)
            if found.payout_id == payout_id:
                matches.append(found)
    if len(matches) > 1:
        log.error("payout %s has %d transfers at Stripe: %s", payout_id, len(matches), [m.id for m in matches])
    return min(matches, key=lambda m: m.created) if matches else None


def fetch_transfer(transfer_id: str) -> FoundTransfer:
    """Network only: a transfer as Stripe has it now (webhooks re-read instead of trusting order)."""
    with call("transfers.retrieve"):
        return _found(client().v1.transfers.retrieve(transfer_id))


# -------------------------------------------------------------------------------------- record
def record_transfer(payout: Payout, found: FoundTransfer) -> None:
    """The transfer exists at Stripe: the payout is paid (once, however often this is called)."""
    if payout.status == P.PAID:
        if payout.stripe_transfer_id not in (None, found.id):
            log.error("payout %s is paid by %s, but Stripe also has %s", payout.id, payout.stripe_transfer_id,
                      found.id)
        return
    if payout.status == P.FAILED:  # recorded as failed, yet Stripe made it: the books follow Stripe
        move(payout, P.PROCESSING, actor=None, reason="the transfer exists at Stripe")
    if payout.status != P.PROCESSING:
        log.error("transfer %s names payout %s, which is %s", found.id, payout.id, payout.status)
        return
    payout.stripe_transfer_id = found.id
    payout.transferred_at = found.created
    _paid(payout, data={"transfer": found.id, "attempt": found.attempt})


def _paid(payout: Payout, *, data: dict) -> None:
    payout.next_attempt_at = None
    payout.failure_code = payout.failure_message = None
    move(payout, P.PAID, actor=None, data=data)
    ledger.move("transfer", payout.amount, source=ledger.creator_payable(payout.creator_id),
                destination=ledger.STRIPE_CLEARING, reference=f"transfer:payout:{payout.id}",
                campaign=payout.campaign)
    _tell_creator(payout, "payout_sent", amount=payout.amount.format(payout.creator.user.locale or "en"))


def record_failure(payout: Payout, error: PaymentError) -> None:
    """Stripe refused: failed, with the reason; an admin retries (a new attempt) after a fix.
    The money stays payable to the creator."""
    payout.failure_code = error.code or "stripe_refused"
    payout.failure_message = error.message
    payout.next_attempt_at = None
    move(payout, P.FAILED, actor=None, reason=error.message, data={"code": payout.failure_code,
                                                                    "attempt": payout.attempt})
    _tell_creator(payout, "payout_failed", reason=failure_reason(payout, for_creator=True))


def _tell_creator(payout: Payout, kind: str, *, link: str | None = None, **params: str) -> None:
    notify(payout.creator.user, kind, link=link or path_for("creator.earnings"), campaign=payout.campaign.title,
           **params)


def record_temporary_failure(payout: Payout, error: TemporaryPaymentError, *, now: datetime) -> None:
    """Try again later, backing off as the attempt ages (1 minute up to an hour). The same key is
    reused unless Stripe stored its error under it; then the next try is a new attempt."""
    if payout.status != P.PROCESSING:
        return
    payout.failure_code = "stripe_unavailable"
    payout.failure_message = error.message
    if error.key_burned:
        payout.attempt += 1
    elapsed = now - (payout.status_changed_at or now)
    payout.next_attempt_at = now + min(max(elapsed, MIN_BACKOFF), MAX_BACKOFF)
    record_event("payouts", payout.id, "retry_scheduled", actor=None, reason=error.message,
                 data={"attempt": payout.attempt, "key_burned": error.key_burned,
                       "at": payout.next_attempt_at.isoformat()})


def record_reversal(payout: Payout, found: FoundTransfer) -> None:
    """Stripe reversed (part of) the transfer: the money is back in the platform's balance. It goes
    to `stripe_adjustments` until an admin decides; each new reversed total is booked once."""
    booked = int(db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0)).join(LedgerTransaction)
        .where(LedgerEntry.account == STRIPE_ADJUSTMENTS,
               LedgerTransaction.reference.like(f"transfer_reversed:{found.id}:%"))))
    new = found.reversed - Money(booked, found.reversed.currency)
    if new.minor <= 0:
        return
    ledger.move("transfer_reversed", new, source=ledger.STRIPE_CLEARING, destination=STRIPE_ADJUSTMENTS,
                reference=f"transfer_reversed:{found.id}:{found.reversed.minor}", campaign=payout.campaign,
                memo="transfer reversed at Stripe")
    payout.failure_code = "transfer_reversed"
    payout.failure_message = f"Stripe reversed {found.reversed} of transfer {found.id}."
    record_event("payouts", payout.id, "transfer_reversed", actor=None, reason=payout.failure_message,
                 data={"transfer": found.id, "reversed_minor": found.reversed.minor})


def apply_transfer(found: FoundTransfer) -> None:
    """A transfer event, re-read from Stripe: finish the payout it names, book any reversal."""
    payout = db.session.scalar(select(Payout).where(Payout.stripe_transfer_id == found.id))
    if payout is None and found.payout_id is not None:
        payout = db.session.get(Payout, found.payout_id)
    if payout is None:
        log.info("transfer %s is not one of our payouts", found.id)
        return
    record_transfer(payout, found)
    if found.reversed.minor and payout.stripe_transfer_id == found.id:
        record_reversal(payout, found)


# ----------------------------------------------------------------------------- stuck payouts
def reconcile_stuck(now: datetime) -> int:
    """Payouts left `processing` with no retry planned (a worker died between the claim and the
    outcome): look each up at Stripe and record it, or plan a same-key retry. Never re-sends
    blindly. An entry-point step: it commits between Stripe calls. Returns how many it handled."""
    stuck = db.session.execute(select(Payout.id, Payout.processing_started_at).where(
        Payout.status == P.PROCESSING, Payout.next_attempt_at.is_(None),
        Payout.processing_started_at < now - STUCK_AFTER)).all()
    tx.commit()
    handled = 0
    for payout_id, seen in stuck:
        claimed = db.session.execute(
            update(Payout).where(Payout.id == payout_id, Payout.status == P.PROCESSING,
                                 Payout.next_attempt_at.is_(None), Payout.processing_started_at == seen)
            .values(processing_started_at=now).execution_options(synchronize_session=False)).rowcount == 1
        payout = db.session.get(Payout, payout_id)
        group = transfer_group(payout.campaign_id)
        tx.commit()
        if not claimed:
            continue
        try:
            found = find_at_stripe(group, payout_id)
        except PaymentError:
            tx.rollback()
            continue  # still stuck; the next sweep asks again
        payout = db.session.get(Payout, payout_id)
        if found is not None:
            record_transfer(payout, found)
        else:
            payout.next_attempt_at = now
            record_event("payouts", payout.id, "reconciled", actor=None,
                         reason="no transfer at Stripe; retrying with the same key",
                         data={"attempt": payout.attempt})
        tx.commit()
        handled += 1
    return handled
