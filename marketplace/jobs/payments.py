"""Payment jobs. Each reads what it needs, commits (so no transaction is open during the call to
Stripe), calls Stripe, then records the outcome and commits again."""
from __future__ import annotations

import logging

from .. import db as tx
from ..extensions import celery, db
from ..models.payments import Refund
from ..models.stripe_events import StripeEvent
from ..models.types import utcnow
from ..payments import refunds
from ..errors import DomainError
from ..payments.errors import PaymentError, TemporaryPaymentError
from ..payments.sync import sync_funding, sync_payout_account
from ..payments.webhooks import apply_charge_refunds, fetch_charge_refunds, kind, record_dispute
from .payouts import sync_bank_payout, sync_transfer

log = logging.getLogger(__name__)


@celery.task(bind=True, max_retries=8)
def process_stripe_event(self, row_id: int) -> None:
    row = db.session.get(StripeEvent, row_id)
    if row is None or row.processed_at is not None:
        return
    event_type, account, object_id = row.type, row.account, row.object_id
    data = row.payload.get("data", {}).get("object", {})
    tx.commit()
    try:
        handled = _dispatch(kind(event_type), account=account, object_id=object_id, data=data)
    except DomainError as error:  # Stripe trouble, or a state we cannot apply: kept for `run-due`
        tx.rollback()
        row = db.session.get(StripeEvent, row_id)
        row.error = f"{type(error).__name__}: {error.message}"
        tx.commit()
        if not self.app.conf.task_always_eager and getattr(error, "temporary", False):
            raise self.retry(exc=error, countdown=30 * 2 ** self.request.retries)
        log.error("stripe event %s (%s) not processed: %s", row.event_id, event_type, error.message)
        return
    row = db.session.get(StripeEvent, row_id)
    row.processed_at = utcnow()
    row.error = None
    tx.commit()
    if not handled:
        log.info("stripe event %s of type %s acknowledged without action", row.event_id, event_type)


def _dispatch(what: str | None, *, account: str | None, object_id: str | None, data: dict) -> bool:
    if what == "checkout" and object_id:
        sync_funding(object_id)
    elif what == "account" and (account or object_id):
        sync_payout_account(account if account else object_id)
    elif what == "refund":
        refund_id = data.get("metadata", {}).get("refund_id") or _refund_id_from_charge(data)
        if refund_id:
            execute_refund.run(int(refund_id))
    elif what == "charge_refunded" and object_id:
        refund_id = _refund_id_from_charge(data)
        if refund_id:
            execute_refund.run(int(refund_id))
        _sync_charge_refunds(object_id)
    elif what == "transfer" and object_id:
        sync_transfer(object_id)
    elif what == "bank_payout" and account and object_id:
        sync_bank_payout(account, object_id)
    elif what == "dispute":
        record_dispute(data)
        tx.commit()
    else:
        return False
    return True


def _sync_charge_refunds(charge_id: str) -> None:
    """Refunds made outside Hashmark (e.g. in the Dashboard): re-read the charge, book the rest."""
    tx.commit()
    state = fetch_charge_refunds(charge_id)
    apply_charge_refunds(state)
    tx.commit()


def _refund_id_from_charge(data: dict) -> str | None:
    refunds_list = (data.get("refunds") or {}).get("data") or []
    for item in refunds_list:
        if (item.get("metadata") or {}).get("refund_id"):
            return item["metadata"]["refund_id"]
    return None


@celery.task(bind=True, max_retries=8)
def execute_refund(self, refund_id: int) -> None:
    refund = db.session.get(Refund, refund_id)
    plan = refunds.plan(refund) if refund is not None else None
    tx.commit()
    if plan is None:
        return
    if plan.payment_intent is None:
        refunds.settle_without_stripe(db.session.get(Refund, refund_id))
        tx.commit()
        return
    try:
        stripe_refund_id, status = refunds.at_stripe(plan)
    except TemporaryPaymentError as error:
        refunds.record_temporary_failure(db.session.get(Refund, refund_id), error)
        tx.commit()
        if not self.app.conf.task_always_eager:
            raise self.retry(exc=error, countdown=60 * 2 ** self.request.retries)
        return  # in-process jobs: `flask marketplace run-due` tries again
    except PaymentError as error:
        refunds.record_failure(db.session.get(Refund, refund_id), error)
        tx.commit()
        return
    refunds.record_result(db.session.get(Refund, refund_id), stripe_refund_id, status)
    tx.commit()
