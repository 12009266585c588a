"""The creator's earnings: every payout with its timeline, per currency, and a CSV export."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from flask import Response, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import AuditEvent, Creator, Payout, PayoutStatus
from ...money import Money
from ...payments.payout_reasons import ACCOUNT_REASONS, failure_reason
from . import bp

P = PayoutStatus
# the page's groups, in the order a payout moves through them
BUCKETS = {P.PENDING_APPROVAL: "pending", P.APPROVED: "approved", P.PROCESSING: "approved", P.PAID: "paid",
           P.FAILED: "failed", P.CANCELLED: "cancelled"}
BUCKET_LABELS = {"pending": _l("Awaiting approval"), "approved": _l("Approved, on the way"), "paid": _l("Paid"),
                 "failed": _l("Failed"), "cancelled": _l("Cancelled")}
# audit event -> what the creator reads in the timeline (None: internal, not shown)
STEP_LABELS = {
    "verified": _l("Post verified"),
    "created": _l("Earned; waiting for Hashmark's approval"),
    "approved": _l("Approved"),
    "waiting_for_account": _l("Waiting for your Stripe payout account"),
    "held": _l("Held for a check by Hashmark"),
    "hold_released": _l("Check finished"),
    "retried": _l("Sent again"),
    "paid": _l("Transferred to your Stripe account"),
    "paid_out": _l("Paid out to your bank"),
    "failed": _l("Transfer failed"),
    "bank_payout_failed": _l("Your bank refused the payout"),
    "transfer_reversed": _l("Transfer reversed by Hashmark"),
    "cancelled": _l("Cancelled"),
}


@dataclass(frozen=True)
class Step:
    key: str
    at: datetime
    note: str | None = None

    @property
    def label(self) -> str:
        return str(STEP_LABELS[self.key])


@dataclass(frozen=True)
class Earning:
    payout: Payout
    timeline: list[Step]
    reason: str | None

    @property
    def bucket(self) -> str:
        return BUCKETS[PayoutStatus(self.payout.status)]


def _step(event: AuditEvent) -> Step | None:
    if event.entity == "submissions":
        return Step("verified", event.created_at)
    if event.action == "status_changed":
        if event.to_status == P.PROCESSING:
            return Step("retried", event.created_at) if event.reason == "retry" else None
        key = event.to_status if event.to_status in STEP_LABELS else None
        note = event.reason if event.to_status == P.CANCELLED else None
        return Step(key, event.created_at, note) if key else None
    return Step(event.action, event.created_at) if event.action in STEP_LABELS else None


def earnings_of(creator: Creator) -> list[Earning]:
    """The creator's payouts, newest first, each with its timeline from the audit trail."""
    payouts = db.session.scalars(select(Payout).where(Payout.creator_id == creator.id)
                                 .options(joinedload(Payout.campaign))
                                 .order_by(Payout.created_at.desc(), Payout.id.desc())).all()
    if not payouts:
        return []
    by_submission = {p.submission_id: p.id for p in payouts}
    events = db.session.scalars(select(AuditEvent).where(or_(
        (AuditEvent.entity == "payouts") & AuditEvent.entity_id.in_([p.id for p in payouts]),
        (AuditEvent.entity == "submissions") & AuditEvent.entity_id.in_(list(by_submission))
        & (AuditEvent.to_status == "verified"))).order_by(AuditEvent.created_at, AuditEvent.id)).all()
    steps: dict[int, list[Step]] = {p.id: [] for p in payouts}
    for event in events:
        payout_id = by_submission[event.entity_id] if event.entity == "submissions" else event.entity_id
        step = _step(event)
        if step is not None:
            steps[payout_id].append(step)
    return [Earning(p, _last_verified_only(steps[p.id]), failure_reason(p, for_creator=True)) for p in payouts]


def _last_verified_only(timeline: list[Step]) -> list[Step]:
    """A post verified twice (fixed and resubmitted) shows the verification that counted."""
    verified = [s for s in timeline if s.key == "verified"]
    return [s for s in timeline if s.key != "verified" or s is verified[-1]]


def totals(items: list[Earning]) -> dict[str, dict[str, Money]]:
    """Per currency, per group (pending, approved, paid, failed): the amounts."""
    out: dict[str, dict[str, Money]] = {}
    for item in items:
        amount = item.payout.amount
        zero = Money.zero(amount.currency)
        bucket = out.setdefault(amount.currency, {key: zero for key in BUCKET_LABELS if key != "cancelled"})
        if item.bucket in bucket:
            bucket[item.bucket] += amount
    return out


@bp.route("/earnings")
def earnings():
    items = earnings_of(current_user.creator)
    return render_template("creator/earnings.html", items=items, totals=totals(items), buckets=BUCKET_LABELS,
                           account_reasons=ACCOUNT_REASONS)


def _cell(value: object) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: quote such text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


@bp.route("/earnings.csv")
def earnings_csv():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["earned_utc", "campaign_id", "campaign", "status", "amount", "currency", "approved_utc",
                     "transferred_utc", "paid_out_utc", "stripe_transfer", "reason"])
    for item in earnings_of(current_user.creator):
        payout = item.payout
        writer.writerow([_when(payout.created_at), payout.campaign_id, _cell(payout.campaign.title), payout.status,
                         payout.amount.amount_text(), payout.currency, _when(payout.approved_at),
                         _when(payout.transferred_at), _when(payout.paid_at), payout.stripe_transfer_id or "",
                         _cell(item.reason)])
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="hashmark-earnings.csv"'})
