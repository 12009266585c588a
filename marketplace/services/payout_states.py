"""The payout state machine, in one place for every module that moves a payout.

    pending_approval -> approved | cancelled      (an admin decides)
    approved         -> processing                (a worker claims it and calls Stripe)
    processing       -> paid | failed             (the transfer exists at Stripe | Stripe refused it)
    failed           -> processing | cancelled    (an admin retries after a fix | gives up)

`paid` means the transfer reached the creator's Stripe balance (`transferred_at`); Stripe paying
it out to their bank later only stamps `paid_at` (see payments/transfers.py).
"""
from __future__ import annotations

from ..models import Payout, PayoutStatus, User
from .transitions import table, transition

P = PayoutStatus
TRANSITIONS = table(
    pending_approval={P.APPROVED, P.CANCELLED},
    approved={P.PROCESSING},
    processing={P.PAID, P.FAILED},
    failed={P.PROCESSING, P.CANCELLED},
)
WAITING = frozenset({P.PENDING_APPROVAL, P.APPROVED})   # no transfer attempted yet
FINAL = frozenset({P.PAID, P.CANCELLED})


def move(payout: Payout, to: str, *, actor: User | None, reason: str | None = None,
         data: dict | None = None) -> bool:
    """Change a payout's status (compare-and-set, audited); see `transitions.transition`."""
    return transition(payout, to, transitions=TRANSITIONS, actor=actor, reason=reason, data=data)
