"""The payout queue: what creators earned, filtered and totalled, approved or held in bulk;
failed transfers with their reason and a Retry; transfers in flight with their age."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ... import clock
from ... import db as tx
from ...errors import DomainError
from ...extensions import db
from ...models import (Brand, Campaign, Creator, Payout, PayoutStatus, Submission, VerificationReport)
from ...payments.transfers import failure_reason
from ...services import payout_approval
from ...services.payout_states import WAITING
from ..forms import page_arg
from . import bp

PAGE_SIZE = 50
MAX_ID = 2**31 - 1
AGES = (1, 3, 7, 14, 30)          # "earned at least N days ago" filter choices
SELECTABLE = WAITING              # rows that bulk approve / hold act on


def _an_id(value: str | None) -> int | None:
    """A database id from user input, or None (junk and out-of-range numbers never reach SQL)."""
    return int(value) if value and value.isdigit() and 0 < int(value) <= MAX_ID else None


@dataclass(frozen=True)
class Filters:
    status: str
    campaign: int | None
    brand: int | None
    currency: str | None
    age: int | None

    @classmethod
    def parse(cls, values) -> Filters:
        status = values.get("status", PayoutStatus.PENDING_APPROVAL.value)
        currency = (values.get("currency") or "").upper()
        age = values.get("age", type=int)
        return cls(status if status in set(PayoutStatus) else PayoutStatus.PENDING_APPROVAL.value,
                   _an_id(values.get("campaign")), _an_id(values.get("brand")),
                   currency if len(currency) == 3 and currency.isalpha() else None,
                   age if age in AGES else None)

    def args(self) -> dict:
        """As query arguments (empty ones left out)."""
        return {k: v for k, v in vars(self).items() if v is not None}

    def where(self, now):
        clauses = [Payout.status == self.status]
        if self.campaign:
            clauses.append(Payout.campaign_id == self.campaign)
        if self.brand:
            clauses.append(Payout.campaign_id.in_(select(Campaign.id).where(Campaign.brand_id == self.brand)))
        if self.currency:
            clauses.append(Payout.currency == self.currency)
        if self.age:
            clauses.append(Payout.created_at <= now - timedelta(days=self.age))
        return clauses


def _latest_reports(submission_ids: list[int]) -> dict[int, VerificationReport]:
    newest = (select(func.max(VerificationReport.id)).where(VerificationReport.submission_id.in_(submission_ids))
              .group_by(VerificationReport.submission_id))
    reports = db.session.scalars(select(VerificationReport).where(VerificationReport.id.in_(newest))).all()
    return {report.submission_id: report for report in reports}


def _choices() -> tuple[list, list, list]:
    """Campaigns, brands and currencies that have payouts, for the filter selects."""
    campaigns = db.session.execute(select(Campaign.id, Campaign.title).where(
        Campaign.id.in_(select(Payout.campaign_id))).order_by(Campaign.title, Campaign.id)).all()
    brands = db.session.execute(select(Brand.id, Brand.company_name).join(Campaign, Campaign.brand_id == Brand.id)
                                .where(Campaign.id.in_(select(Payout.campaign_id))).distinct()
                                .order_by(Brand.company_name)).all()
    currencies = db.session.scalars(select(Payout.currency).distinct().order_by(Payout.currency)).all()
    return campaigns, brands, currencies


@bp.route("/payouts")
def payouts():
    filters, now = Filters.parse(request.args), clock.now()
    where = filters.where(now)
    stmt = (select(Payout).where(*where)
            .options(joinedload(Payout.campaign).joinedload(Campaign.brand),
                     joinedload(Payout.creator).joinedload(Creator.user),
                     joinedload(Payout.submission).load_only(Submission.id, Submission.application_id,
                                                             Submission.permalink, Submission.platform))
            .order_by(Payout.created_at, Payout.id))
    pagination = db.paginate(stmt, page=page_arg(), per_page=PAGE_SIZE, error_out=False)
    totals = [(currency, count, int(amount), int(fee)) for currency, count, amount, fee in db.session.execute(
        select(Payout.currency, func.count(), func.sum(Payout.amount_minor), func.sum(Payout.fee_minor))
        .where(*where).group_by(Payout.currency).order_by(Payout.currency))]  # PostgreSQL sums are Decimals
    campaigns, brands, currencies = _choices()
    return render_template(
        "admin/payouts.html", pagination=pagination, totals=totals, filters=filters, now=now,
        statuses=list(PayoutStatus), ages=AGES, campaigns=campaigns, brands=brands, currencies=currencies,
        reports=_latest_reports([p.submission_id for p in pagination.items]), failure_reason=failure_reason,
        selectable=SELECTABLE)


def _back():
    return redirect(url_for("admin.payouts", **Filters.parse(request.form).args()))


def _payout_or_404(payout_id: int) -> Payout:
    return db.session.get(Payout, payout_id) or abort(404)


def _decide(action, success: str):
    """Run one admin decision: commit and say so, or roll back and show the service's refusal."""
    try:
        action()
    except DomainError as error:
        tx.rollback()
        flash(str(error.message), "error")
    else:
        tx.commit()
        flash(success, "success")
    return _back()


@bp.route("/payouts/bulk", methods=["POST"])
def payouts_bulk():
    ids = sorted({i for i in map(_an_id, request.form.getlist("payout_ids")) if i})
    chosen = db.session.scalars(select(Payout).where(Payout.id.in_(ids)).order_by(Payout.id)).all() if ids else []
    if not chosen:
        flash(_("Select at least one payout first."), "error")
        return _back()
    if request.form.get("action") == "hold":
        def hold_all():
            for payout in chosen:
                payout_approval.hold(payout, reason=request.form.get("reason", ""), actor=current_user)
        return _decide(hold_all, ngettext("%(num)d payout is on hold.", "%(num)d payouts are on hold.",
                                          len(chosen)))
    if request.form.get("action") != "approve":
        abort(400)
    return _decide(lambda: payout_approval.approve(chosen, actor=current_user),
                   ngettext("%(num)d payout approved: it is sent to Stripe now.",
                            "%(num)d payouts approved: they are sent to Stripe now.", len(chosen)))


@bp.route("/payouts/<int:payout_id>/release", methods=["POST"])
def payout_release(payout_id: int):
    payout = _payout_or_404(payout_id)
    return _decide(lambda: payout_approval.release_hold(payout, actor=current_user),
                   _("The hold on payout #%(id)d is lifted.", id=payout.id))


@bp.route("/payouts/<int:payout_id>/retry", methods=["POST"])
def payout_retry(payout_id: int):
    payout = _payout_or_404(payout_id)
    return _decide(lambda: payout_approval.retry(payout, actor=current_user),
                   _("Payout #%(id)d is sent to Stripe again.", id=payout.id))


@bp.route("/payouts/<int:payout_id>/cancel", methods=["POST"])
def payout_cancel(payout_id: int):
    payout = _payout_or_404(payout_id)
    return _decide(lambda: payout_approval.cancel(payout, reason=request.form.get("reason", ""),
                                                  actor=current_user),
                   _("Payout #%(id)d is cancelled; its money is back in the campaign's budget.", id=payout.id))
