"""Payout jobs: send approved payouts to Stripe, retry what is due, finish stuck ones, and apply
Stripe's transfer and bank-payout events. Each step commits before Stripe is called and after its
outcome is recorded, so no transaction is ever open across the network."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import or_, select

from .. import clock
from .. import db as tx
from ..errors import InvalidTransition
from ..extensions import celery, db
from ..models import Payout, PayoutAccount, PayoutAccountStatus, PayoutStatus
from ..payments import transfers, webhooks
from ..payments.errors import PaymentError, TemporaryPaymentError

log = logging.getLogger(__name__)
P = PayoutStatus


@celery.task(bind=True, max_retries=None)
def execute_payout(self, payout_id: int, now: datetime | None = None) -> None:
    """Claim (one commit), call Stripe (no transaction open), record (another commit). Safe to run
    twice at once: the claim is a compare-and-set, so only one run reaches Stripe. `now` is the
    sweep's time when `due_payout_work` runs it (what was due then is due here)."""
    now = now or clock.now()
    payout = db.session.get(Payout, payout_id)
    try:
        plan = transfers.start(payout, now=now) if payout is not None else None
        tx.commit()
    except InvalidTransition:
        tx.rollback()
        log.info("payout %s was claimed by another worker", payout_id)
        return
    if plan is None:
        return
    try:
        found = transfers.at_stripe(plan)
    except TemporaryPaymentError as error:
        payout = db.session.get(Payout, payout_id)
        transfers.record_temporary_failure(payout, error, now=now)
        retry_at = payout.next_attempt_at
        tx.commit()
        if not self.app.conf.task_always_eager and retry_at is not None:
            raise self.retry(exc=error, countdown=max((retry_at - now).total_seconds(), 1))
        return  # in-process jobs: `flask marketplace run-due` tries again when it is due
    except PaymentError as error:
        transfers.record_failure(db.session.get(Payout, payout_id), error)
        tx.commit()
        return
    _record(payout_id, found)


def _record(payout_id: int, found: transfers.FoundTransfer) -> None:
    """Record a transfer; if a webhook recorded it first (a lost compare-and-set), read again."""
    try:
        transfers.record_transfer(db.session.get(Payout, payout_id), found)
        tx.commit()
    except InvalidTransition:
        tx.rollback()
        transfers.record_transfer(db.session.get(Payout, payout_id), found)
        tx.commit()


def due_payout_work(now: datetime) -> dict[str, int]:
    """Stuck payouts looked up at Stripe, scheduled retries, and approved payouts whose creator
    can receive money: each sent by `execute_payout`, committing on its own."""
    reconciled = transfers.reconcile_stuck(now)
    retries = db.session.scalars(select(Payout.id).where(
        Payout.status == P.PROCESSING, Payout.next_attempt_at <= now).order_by(Payout.id)).all()
    approved = db.session.scalars(
        select(Payout.id).join(PayoutAccount, PayoutAccount.creator_id == Payout.creator_id)
        .where(Payout.status == P.APPROVED, Payout.hold_reason.is_(None),
               PayoutAccount.status == PayoutAccountStatus.READY,
               or_(Payout.next_attempt_at.is_(None), Payout.next_attempt_at <= now))
        .order_by(Payout.approved_at, Payout.id)).all()
    tx.commit()
    for payout_id in [*retries, *approved]:
        execute_payout.run(payout_id, now)
    return {"payouts_sent": len(approved), "payout_retries": len(retries), "payouts_reconciled": reconciled}


def sync_transfer(transfer_id: str) -> None:
    """A transfer event: re-read the transfer at Stripe (events arrive in any order, even before
    the worker that made it has committed) and apply it."""
    tx.commit()
    found = transfers.fetch_transfer(transfer_id)
    try:
        transfers.apply_transfer(found)
        tx.commit()
    except InvalidTransition:  # the worker recorded it meanwhile
        tx.rollback()
        transfers.apply_transfer(found)
        tx.commit()


def sync_bank_payout(account: str, bank_payout_id: str) -> None:
    """`payout.paid` / `payout.failed` on a creator's connected account, re-read at Stripe."""
    tx.commit()
    bank = webhooks.fetch_bank_payout(account, bank_payout_id)
    webhooks.apply_bank_payout(account, bank)
    tx.commit()
