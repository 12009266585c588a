"""Stripe webhooks: verified on the raw body, stored once per event id, processed by a job.

A delivery whose event was already processed is a no-op; one that failed before is processed
again, so Stripe's retries heal transient failures. Processing re-reads state from Stripe, so
the order in which events arrive does not matter.
"""
from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..db import on_commit
from ..extensions import db
from ..models.stripe_events import StripeEvent
from .gateway import construct_event

log = logging.getLogger(__name__)

CHECKOUT_EVENTS = {"checkout.session.completed", "checkout.session.async_payment_succeeded",
                   "checkout.session.async_payment_failed", "checkout.session.expired"}
ACCOUNT_EVENTS = {"account.updated", "capability.updated", "v2.core.account.updated"}
REFUND_EVENTS = {"charge.refunded", "refund.created", "refund.updated", "charge.refund.updated"}


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
    return None
