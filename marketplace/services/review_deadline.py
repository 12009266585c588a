"""The brand's review deadline: a reminder before it, then automatic approval when it passes.

A verified post waits `review_days` for the brand (the verifier sets `review_due_at`). The brand
is reminded once `review_reminder_hours` before the deadline. When the deadline passes, a post
the platform vouched for is approved automatically (audited with no actor); one that needs a
person (cannot_verify, self-reported, a failed latest check) is never approved by the clock: the
brand is reminded again every day instead. Running twice in a row changes nothing the second time.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask_babel import force_locale, format_datetime
from sqlalchemy import select

from ..errors import DomainError
from ..extensions import db
from ..models import Submission, SubmissionStatus
from .notifications import notify
from .settings import platform_setting
from .submission_review import approve, auto_approvable, brand_link

log = logging.getLogger(__name__)
OVERDUE_REMINDER_EVERY = timedelta(days=1)


def run(now: datetime) -> dict[str, int]:
    """Remind and auto-approve what is due at `now`; the caller commits."""
    lead = timedelta(hours=platform_setting("review_reminder_hours"))
    waiting = db.session.scalars(
        select(Submission).where(Submission.status == SubmissionStatus.VERIFIED,
                                 Submission.review_due_at.is_not(None),
                                 Submission.review_due_at <= now + lead)
        .order_by(Submission.review_due_at, Submission.id)).all()
    approved = reminded = 0
    for submission in waiting:
        overdue = submission.review_due_at <= now
        if overdue and auto_approvable(submission):
            approved += _auto_approve(submission, now)
        elif _reminder_due(submission, now, overdue):
            _remind(submission, now)
            reminded += 1
    return {"review_reminders": reminded, "auto_approved": approved}


def _reminder_due(submission: Submission, now: datetime, overdue: bool) -> bool:
    last = submission.review_reminded_at
    if last is None:
        return True
    return overdue and last <= now - OVERDUE_REMINDER_EVERY


def _remind(submission: Submission, now: datetime) -> None:
    user = submission.campaign.brand.user
    with force_locale(user.locale or "en"):
        deadline = format_datetime(submission.review_due_at, "medium")
    notify(user, "review_reminder", link=brand_link(submission), creator=submission.creator.display_name,
           campaign=submission.campaign.title, deadline=deadline)
    submission.review_reminded_at = now
    db.session.flush()


def _auto_approve(submission: Submission, now: datetime) -> int:
    """1 when approved; 0 when someone else decided first (that decision stands)."""
    try:
        with db.session.begin_nested():
            approve(submission, actor=None, auto=True, now=now)
    except DomainError as error:
        log.info("submission %s not auto-approved: %s", submission.id, error.message)
        db.session.refresh(submission)
        return 0
    return 1
