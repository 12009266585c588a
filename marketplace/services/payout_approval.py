"""What admins decide about payouts: approve, hold and release, retry after a fix, cancel.

Only admins decide, and never on their own earnings. A held payout cannot be approved (nor, once
approved, sent) until the hold is released. Approving or retrying schedules the transfer, which a
job sends after commit (payments/transfers.py). Every decision is audited with its actor.
"""
from __future__ import annotations

from typing import Iterable

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import clock
from ..db import on_commit
from ..errors import NotAllowed, PermissionDenied
from ..extensions import db
from ..models import Payout, PayoutAccount, PayoutAccountStatus, PayoutStatus, Role, User, utcnow
from . import ledger
from .audit import record_event
from .payout_hold import payout_hold_until
from .payout_states import WAITING, move

P = PayoutStatus
MAX_REASON = 500


def _admin_only(actor: User, payout: Payout | None = None) -> None:
    if actor is None or actor.role != Role.ADMIN:
        raise PermissionDenied(_l("Only admins can decide on payouts."))
    if payout is not None and payout.creator.user_id == actor.id:
        raise PermissionDenied(_l("You cannot decide on a payout to yourself; ask another admin."))


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise NotAllowed("reason", _l("Say why, so the creator and other admins know."))
    if len(reason) > MAX_REASON:
        raise NotAllowed("reason", _l("Keep the reason under %(n)d characters.", n=MAX_REASON))
    return reason


def _send_after_commit(payout_id: int) -> None:
    def run() -> None:
        from ..jobs.payouts import execute_payout

        execute_payout.delay(payout_id)

    on_commit(run)


def approve(payouts: Iterable[Payout], *, actor: User) -> list[Payout]:
    """Approve each payout (all or none); already approved ones are left as they are.
    Returns the payouts this call approved."""
    approved = []
    for payout in payouts:
        _admin_only(actor, payout)
        if payout.status == P.APPROVED:
            continue
        if payout.status != P.PENDING_APPROVAL:
            raise NotAllowed(None, _l("Payout #%(id)d is %(status)s and cannot be approved.", id=payout.id,
                                      status=payout.status.replace("_", " ")))
        if payout.hold_reason:
            raise NotAllowed(None, _l("Payout #%(id)d is on hold (%(reason)s): release the hold first.",
                                      id=payout.id, reason=payout.hold_reason))
        approvable = payout_hold_until(payout)
        if clock.now() < approvable:
            raise NotAllowed(None, _l("Payout #%(id)d can be approved from %(when)s (the platform's payout "
                                      "waiting period).", id=payout.id, when=format_datetime(approvable, "short")))
        move(payout, P.APPROVED, actor=actor)
        payout.approved_by_id = actor.id
        payout.approved_at = utcnow()
        payout.next_attempt_at = clock.now()
        approved.append(payout)
        _send_after_commit(payout.id)
    return approved


def hold(payout: Payout, *, reason: str, actor: User) -> None:
    """Keep a payout from being approved or sent until an admin releases it."""
    _admin_only(actor)
    reason = _reason(reason)
    if payout.status not in WAITING:
        raise NotAllowed(None, _l("Only payouts not yet sent can be held (#%(id)d is %(status)s).", id=payout.id,
                                  status=payout.status.replace("_", " ")))
    if payout.hold_reason:
        raise NotAllowed(None, _l("Payout #%(id)d is already on hold.", id=payout.id))
    payout.hold_reason = reason
    payout.held_at = utcnow()
    record_event("payouts", payout.id, "held", actor=actor, reason=reason)


def release_hold(payout: Payout, *, actor: User) -> None:
    """Lift a hold; an approved payout is sent right away."""
    _admin_only(actor, payout)
    if not payout.hold_reason:
        return
    record_event("payouts", payout.id, "hold_released", actor=actor, data={"was": payout.hold_reason})
    payout.hold_reason = None
    payout.held_at = None
    if payout.status == P.APPROVED:
        payout.next_attempt_at = clock.now()
        _send_after_commit(payout.id)


def retry(payout: Payout, *, actor: User) -> None:
    """After a failed transfer's cause was fixed: a new attempt, with a new idempotency key (the
    worker first checks that Stripe has no transfer for this payout)."""
    _admin_only(actor, payout)
    if payout.status != P.FAILED:
        raise NotAllowed(None, _l("Only failed payouts can be retried."))
    account = db.session.scalar(select(PayoutAccount).where(PayoutAccount.creator_id == payout.creator_id))
    if account is None or account.status != PayoutAccountStatus.READY:
        raise NotAllowed(None, _l("The creator's Stripe account is still not ready to receive transfers; "
                                  "retry once they have finished with Stripe."))
    move(payout, P.PROCESSING, actor=actor, reason="retry", data={"attempt": payout.attempt + 1})
    payout.attempt += 1
    payout.failure_code = payout.failure_message = None
    payout.processing_started_at = payout.next_attempt_at = clock.now()
    _send_after_commit(payout.id)


def cancel(payout: Payout, *, reason: str, actor: User) -> None:
    """No transfer will be made: the whole cost of the post (the creator's amount and the fee)
    goes back to the campaign's escrow, by reversing the payout posting and releasing the
    reservation it came from."""
    _admin_only(actor)
    reason = _reason(reason)
    if payout.status not in (P.PENDING_APPROVAL, P.FAILED):
        raise NotAllowed(None, _l("Only payouts awaiting approval or failed can be cancelled."))
    move(payout, P.CANCELLED, actor=actor, reason=reason)
    payout.hold_reason = payout.held_at = payout.next_attempt_at = None
    campaign = payout.campaign
    legs = [ledger.Leg(ledger.creator_payable(payout.creator_id), -payout.amount),
            ledger.Leg(ledger.reserved(campaign.id), payout.gross)]
    if payout.fee_minor:
        legs.append(ledger.Leg(ledger.PLATFORM_FEES, -payout.fee))
    ledger.post("payout", legs, reference=f"payout_cancelled:{payout.id}", campaign=campaign,
                application_id=payout.submission.application_id, actor=actor, memo="payout cancelled")
    ledger.move("release", payout.gross, source=ledger.reserved(campaign.id), destination=ledger.escrow(campaign.id),
                reference=f"release:payout:{payout.id}", campaign=campaign, actor=actor)
