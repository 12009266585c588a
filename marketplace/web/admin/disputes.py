"""Disputes creators raise against rejections: the admins' list of open ones, oldest first."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ... import clock
from ...extensions import db
from ...models import Campaign, Dispute, DisputeStatus, Submission, VerificationReport
from ...services.submission_review import latest_report
from ...verification.sources.errors import LABELS as PLATFORM_NAMES
from . import bp


@dataclass(frozen=True)
class OpenDispute:
    dispute: Dispute
    report: VerificationReport | None
    age: timedelta


def open_disputes() -> list[OpenDispute]:
    """Open disputes, the longest waiting first, each with its submission's latest report."""
    disputes = db.session.scalars(
        select(Dispute).where(Dispute.status == DisputeStatus.OPEN)
        .options(selectinload(Dispute.submission).selectinload(Submission.creator),
                 selectinload(Dispute.submission).selectinload(Submission.campaign).selectinload(Campaign.brand))
        .order_by(Dispute.opened_at, Dispute.id)).all()
    now = clock.now()
    return [OpenDispute(dispute, latest_report(dispute.submission), max(now - dispute.opened_at, timedelta(0)))
            for dispute in disputes]


@bp.route("/disputes")
def disputes():
    return render_template("admin/disputes.html", disputes=open_disputes(), platform_names=PLATFORM_NAMES)
