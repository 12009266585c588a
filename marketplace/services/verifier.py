"""Verifying a submitted post: read it with the creator's token, check it rule by rule, report.

    posted -> verifying -> verified   (pass or cannot_verify: the brand reviews it)
                        -> failed     (a rule failed: the creator can fix it and resubmit)
                        -> posted     (the platform could not answer: retried later, no verdict)

A post counts for one submission at a time: one that another submission holds (unless that one
failed, was rejected or taken down) fails the ownership rule. The partial UNIQUE index on
(platform, post_id) says so, for a submission recorded long ago or at the same moment alike.

`verify` is the job's body and idempotent: it acts only on a `posted` submission whose retry
time has come (or a `verifying` one a crashed worker left for more than 10 minutes). Like
`payments/sync.py` it commits between its steps - claim, token, read, record - so no transaction
is open while a platform answers; the steps themselves only flush.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from .. import clock
from .. import db as tx
from ..db import on_commit
from ..errors import InvalidTransition
from ..extensions import db
from ..models import Submission, SubmissionStatus, User, Verdict, utcnow
from ..models.submissions import POST_RELEASED
from ..verification.sources import Post, PostNotFound, SourceError, TemporarySourceError
from . import live_checks, post_report
from .live_checks import CREATOR_MUST_RELINK, Reading, Visit, brand_link, creator_link, names
from .notifications import notify
from .settings import platform_setting
from .submission_states import move

log = logging.getLogger(__name__)
S = SubmissionStatus
STALE = timedelta(minutes=10)           # a `verifying` submission untouched this long lost its worker
RETRY_FIRST = timedelta(minutes=2)      # then doubling per attempt...
RETRY_CAP = timedelta(hours=4)          # ...up to this
RETRY_AFTER_CAP = timedelta(hours=24)   # the longest platform-requested wait we honour
WAIT_FOR_CREATOR = timedelta(minutes=30)  # the creator must link again: cheap to look, no platform call
LINK_ERRORS = frozenset({"invalid_url", "short_link", "invalid_id"})  # the pasted link points nowhere
VERDICT_WORDS = {Verdict.PASS: _l("passed"), Verdict.FAIL: _l("failed"),
                 Verdict.CANNOT_VERIFY: _l("a person must check it")}


def enqueue(submission: Submission) -> None:
    """Verify the submission's post once the current transaction has committed."""
    submission_id = submission.id

    def run() -> None:
        from ..jobs.verification import verify_post

        verify_post.delay(submission_id)

    on_commit(run)


def due(now: datetime) -> list[int]:
    """Submissions to (re)try: retry time come, never picked up after submission, or stale."""
    waiting = and_(Submission.status == S.POSTED, Submission.self_reported.is_(False),
                   or_(Submission.next_attempt_at <= now,
                       and_(Submission.next_attempt_at.is_(None), Submission.submitted_at <= now - STALE)))
    stale = and_(Submission.status == S.VERIFYING, Submission.status_changed_at <= utcnow() - STALE)
    return list(db.session.scalars(select(Submission.id).where(or_(waiting, stale)).order_by(Submission.id)))


def run_due(now: datetime) -> int:
    """Every verification due at `now` (see `due`), one after another; returns how many."""
    # an attempt that raises turns stale and is retried
    return tx.run_each(due(now), lambda submission_id: verify(submission_id, now), what="verification of submission")


def verify(submission_id: int, now: datetime | None = None) -> datetime | None:
    """Claim (commit), get the token (commit), read the post, record the outcome (commit).
    Returns when to try again if the platform could not be read, else None."""
    now = now or clock.now()
    visit = claim(submission_id, now)
    tx.commit()
    if visit is None:
        return None
    token = live_checks.authorise(visit)
    tx.commit()
    reading = live_checks.read(visit, token)
    try:
        retry_at = record(visit, reading, now)
        tx.commit()
    except InvalidTransition:  # the submission moved meanwhile (another worker, a self-report)
        tx.rollback()
        return None
    return retry_at


def claim(submission_id: int, now: datetime) -> Visit | None:
    """Move the submission to `verifying` if it is this worker's to verify; None otherwise."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.self_reported:
        return None
    try:
        if submission.status == S.VERIFYING and _stale(submission):
            move(submission, S.POSTED, actor=None, reason="the previous verification did not finish")
        elif submission.status != S.POSTED or (submission.next_attempt_at and submission.next_attempt_at > now):
            return None
        move(submission, S.VERIFYING, actor=None)
    except InvalidTransition:
        return None
    return live_checks.visit_of(submission)


def _stale(submission: Submission) -> bool:
    """`status_changed_at` is stamped with the real time, so it is compared with the real time."""
    changed = submission.status_changed_at
    return changed is None or changed <= utcnow() - STALE


def record(visit: Visit, reading: Reading, now: datetime) -> datetime | None:
    """Store the report and move on; or put the submission back in `posted` and return when to
    try again. Nothing when the submission is no longer `verifying` (another worker took it over
    and finished it, or it was reported by hand meanwhile)."""
    submission = db.session.get(Submission, visit.submission_id)
    if submission is None or submission.status != S.VERIFYING:
        return None
    error = reading.error
    if error is not None and not (isinstance(error, PostNotFound) or error.code in LINK_ERRORS):
        _retry_later(submission, error, now)
        return submission.next_attempt_at
    results, caption = live_checks.results_of(submission, visit, reading, live=False)
    if reading.post is not None and post_report.verdict_of(results) != Verdict.FAIL:
        holder = _holder(submission, reading.post)
        if holder is not None:
            results[0] = post_report.already_submitted(holder.campaign.title)
    verdict = post_report.verdict_of(results)
    move(submission, S.FAILED if verdict == Verdict.FAIL else S.VERIFIED, actor=None, data={"verdict": verdict})
    live_checks.store_report(submission, kind="verification", results=results, now=now, post=reading.post,
                             caption=caption, insights=reading.insights, verdict=verdict)
    submission.verdict = verdict
    submission.verified_at = now
    submission.last_error = None
    submission.next_attempt_at = None
    if reading.post is not None:
        submission.post_id = reading.post.id
        submission.permalink = reading.post.permalink or submission.post_url
        submission.published_at = reading.post.published_at
    creator = submission.creator.user
    if verdict != Verdict.FAIL:
        submission.review_due_at = now + timedelta(days=platform_setting("review_days"))
        live_checks.start_watch(submission, now)
        brand = submission.campaign.brand.user
        notify(brand, "post_verified", link=brand_link(submission), verdict=_verdict_word(brand, verdict),
               **names(submission))
    notify(creator, "post_report_ready", link=creator_link(submission), verdict=_verdict_word(creator, verdict),
           **names(submission))
    return None


def _holder(submission: Submission, post: Post) -> Submission | None:
    """The other submission the post counts for, if any; else the post is taken for this one.
    The partial UNIQUE index decides, so of two verifications of one post at the same moment the
    second finds the first once it has committed."""
    try:
        with db.session.begin_nested():
            submission.post_id = post.id
            db.session.flush()
    except IntegrityError:
        holder = db.session.scalar(select(Submission).where(
            Submission.platform == submission.platform, Submission.post_id == post.id,
            Submission.id != submission.id, Submission.status.not_in(POST_RELEASED)))
        if holder is None:  # the other one let go meanwhile: the stale takeover verifies this again
            raise
        return holder
    return None


def _retry_later(submission: Submission, error: SourceError, now: datetime) -> None:
    """No verdict: back to `posted`, with the reason for the creator and the next attempt's time."""
    submission.verification_attempts += 1
    submission.last_error = error.message
    submission.next_attempt_at = now + retry_delay(error, submission.verification_attempts)
    move(submission, S.POSTED, actor=None, reason=error.code,
         data={"attempt": submission.verification_attempts})
    live_checks.ask_to_relink(submission, error)


def retry_delay(error: SourceError, attempts: int) -> timedelta:
    """Exponential backoff (capped), never shorter than the wait the platform asked for; a fixed
    short wait when only the creator can fix it (linking again costs no platform call to notice)."""
    if isinstance(error, CREATOR_MUST_RELINK):
        return WAIT_FOR_CREATOR
    backoff = min(RETRY_FIRST * 2 ** min(attempts - 1, 16), RETRY_CAP)
    asked = error.retry_after if isinstance(error, TemporarySourceError) else None
    return max(backoff, min(timedelta(seconds=asked or 0), RETRY_AFTER_CAP))


def _verdict_word(user: User, verdict: str) -> str:
    with force_locale(user.locale or "en"):
        return str(VERDICT_WORDS[Verdict(verdict)])
