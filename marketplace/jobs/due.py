"""Work that is due again: what a worker retries at scale, swept here for in-process setups
(`flask marketplace run-due`, which a cron or `make run`'s loop can call).

Each item commits on its own, so no transaction is open while Stripe or a platform answers.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from .. import clock
from .. import db as tx
from ..extensions import db
from ..models import Funding, FundingStatus, Refund, RefundStatus, StripeEvent, utcnow
from ..payments.errors import PaymentError
from ..payments.sync import sync_funding
from ..services import linked_accounts, live_checks, review_deadline, verifier
from .payments import execute_refund, process_stripe_event
from .payouts import due_payout_work

STALE = timedelta(minutes=5)


def run_due() -> dict[str, int]:
    now = utcnow()
    events = db.session.scalars(select(StripeEvent.id).where(StripeEvent.processed_at.is_(None),
                                                             StripeEvent.received_at < now - timedelta(minutes=1))).all()
    refunds = db.session.scalars(select(Refund.id).where(Refund.status == RefundStatus.PENDING)).all()
    sessions = db.session.scalars(select(Funding.checkout_session_id).where(
        Funding.status.in_([FundingStatus.CREATED, FundingStatus.PROCESSING]),
        Funding.checkout_session_id.is_not(None), Funding.created_at < now - STALE)).all()
    tx.commit()
    for event_id in events:
        process_stripe_event.run(event_id)
    for refund_id in refunds:
        execute_refund.run(refund_id)
    for session_id in sessions:
        if session_id.startswith("sandbox_"):
            continue
        try:
            sync_funding(session_id)
        except PaymentError:
            tx.rollback()
    return {"stripe_events": len(events), "refunds": len(refunds), "fundings": len(sessions),
            **_submissions_due(), **due_payout_work(clock.now())}


def _submissions_due() -> dict[str, int]:
    """Linked-account tokens, post verifications to retry, live checks, brand review deadlines:
    all on the schedules' clock (`clock.now()`, which the sandbox can move forward)."""
    now = clock.now()
    refreshed = linked_accounts.refresh_expiring(now)
    tx.commit()
    verifications = verifier.run_due(now)
    checks = live_checks.run_due(now)
    reviews = review_deadline.run(now)
    tx.commit()
    return {"tokens_refreshed": refreshed, "verifications": verifications, "live_checks": checks, **reviews}
