"""Bringing our records in line with Stripe: read ids, commit, ask Stripe, write, commit.

Called by entry points only (webhook jobs, the funding status poll, the return from onboarding,
`run-due`): they are the steps of an entry point, split so that no database transaction is open
while Stripe is being called.
"""
from __future__ import annotations

import logging

from sqlalchemy import select

from .. import db as tx
from ..extensions import db
from ..models import Funding, PayoutAccount
from . import funding, onboarding

log = logging.getLogger(__name__)


def sync_funding(session_id: str) -> None:
    """Bring a Funding in line with its Checkout Session (webhooks and the return page use it)."""
    row = funding.by_session(session_id)
    if row is None:
        tx.commit()
        log.info("checkout session %s is not one of ours", session_id)
        return
    funding_id = row.id
    tx.commit()
    state = funding.fetch_state(session_id)
    row = db.session.get(Funding, funding_id)
    funding.apply_state(row, state)
    tx.commit()


def sync_payout_account(stripe_account_id: str) -> None:
    row = db.session.scalar(select(PayoutAccount)
                            .where(PayoutAccount.stripe_account_id == stripe_account_id))
    if row is None:
        tx.commit()
        return
    row_id = row.id
    tx.commit()
    state = onboarding.fetch_state(stripe_account_id)
    onboarding.apply_state(db.session.get(PayoutAccount, row_id), state)
    tx.commit()
