"""Payouts earned by creators, waiting for an admin."""
from __future__ import annotations

from flask import render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ...extensions import db
from ...models import Creator, Payout, PayoutStatus, Submission
from ..forms import page_arg
from . import bp

PAGE_SIZE = 50


@bp.route("/payouts")
def payouts():
    status = request.args.get("status", PayoutStatus.PENDING_APPROVAL.value)
    if status not in set(PayoutStatus):
        status = PayoutStatus.PENDING_APPROVAL.value
    stmt = (select(Payout).where(Payout.status == status)
            .options(joinedload(Payout.campaign), joinedload(Payout.creator).joinedload(Creator.user),
                     joinedload(Payout.submission).load_only(Submission.id, Submission.application_id,
                                                             Submission.permalink, Submission.platform))
            .order_by(Payout.created_at, Payout.id))
    pagination = db.paginate(stmt, page=page_arg(), per_page=PAGE_SIZE, error_out=False)
    totals = [(currency, count, int(amount), int(fee)) for currency, count, amount, fee in db.session.execute(
        select(Payout.currency, func.count(), func.sum(Payout.amount_minor), func.sum(Payout.fee_minor))
        .where(Payout.status == status).group_by(Payout.currency).order_by(Payout.currency))]
    return render_template("admin/payouts.html", pagination=pagination, totals=totals, status=status,
                           statuses=list(PayoutStatus))
