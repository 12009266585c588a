"""Live checks: a verified post is read again until the campaign's live period ends.

Schedule: 1, 3 and 7 days after publication, then weekly, and a final check at `live_until`
(publication + `campaign.min_live_days`). A post found deleted, archived, private or edited out
of compliance opens a grace period (`live_grace_hours`): the creator and the brand are told what
to restore, the post is re-read at least every 6 hours and at `grace_until`; restored in time
clears it, otherwise the submission is `taken_down` and its reserved budget goes back to escrow.
Compliant at or after `live_until`: an `approved` submission becomes `live_check_passed` and
payable; a `verified` one waits for the brand (`after_approval` settles it). Nothing is settled
unless a read at or after `live_until` found the post live and compliant (a self-reported post,
which nothing reads, excepted: the brand confirmed it by hand).

A post the creator's account no longer lets us read (token refused or undecryptable, account to
link again) is the creator's to fix: it opens the grace period like a deleted post, and is taken
down if still unreadable when it ends. Platform trouble (outage, rate limit) only postpones the
check by an hour, with no verdict; either failure is kept in `last_error` until a read succeeds.

Reading a post with the creator's token (`authorise`, `read`) and storing what was seen
(`store_report`) are shared with the verifier. `check` and `run_due` are the steps of an entry
point (the job, `run-due`): like `payments/sync.py` they commit between claiming, reading and
recording, so no transaction is open while a platform answers. Everything else only flushes.
"""
from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from .. import db as tx
from ..errors import InvalidTransition
from ..extensions import db
from ..models import (CaptionSnapshot, LinkedAccount, MetricSnapshot, Submission, SubmissionStatus, Verdict,
                      VerificationReport)
from ..verification import CaptionReport
from ..verification.sources import (LinkedToken, NotProfessionalAccount, Post, PostNotFound, ScopeMissing,
                                    SourceError, TokenError, client_for, instagram)
from ..verification.sources.errors import LABELS
from ..verification.text import N_, render_message
from . import linked_accounts, payouts, post_report
from .applications import release_reservation
from .caption_history import POST_SOURCES, sha256_of
from .notifications import notify
from .settings import platform_setting
from .submission_links import brand_link, creator_link, moment_for, names  # noqa: F401 (used by other services)
from .submission_states import UNDER_LIVE_WATCH, move

log = logging.getLogger(__name__)
S = SubmissionStatus
CHECK_DAYS = (1, 3, 7)                      # then weekly
GRACE_RECHECK = timedelta(hours=6)          # how often a broken post is re-read during its grace period
AFTER_TROUBLE = timedelta(hours=1)          # the platform could not answer: try again then
LEASE = timedelta(minutes=10)               # a claimed check left longer than this is taken over
CREATOR_MUST_RELINK = (TokenError, NotProfessionalAccount, ScopeMissing)
INSIGHTS_SCOPE = "instagram_business_manage_insights"
UNREADABLE = N_("We can no longer read your post because your %(platform)s connection was removed or expired: "
                "link it again by %(deadline)s.")


# -- schedule ------------------------------------------------------------------------------------
def next_check_at(published_at: datetime, live_until: datetime, after: datetime) -> datetime | None:
    """The first scheduled check after `after` (never later than `live_until`), or None once the
    live period is over."""
    if after >= live_until:
        return None
    for days in _check_days():
        point = published_at + timedelta(days=days)
        if point > after:
            return min(point, live_until)
    raise AssertionError("unreachable: the schedule never ends")


def _check_days() -> Iterator[int]:
    yield from CHECK_DAYS
    days = CHECK_DAYS[-1]
    while True:
        days += 7
        yield days


def start_watch(submission: Submission, now: datetime) -> None:
    """Set the live period and the first check of a submission that just became `verified`."""
    submission.live_until = submission.published_at + timedelta(days=submission.campaign.min_live_days)
    submission.next_live_check_at = next_check_at(submission.published_at, submission.live_until, now)
    submission.grace_until = None
    submission.live_issue = None


def after_approval(submission: Submission, now: datetime) -> None:
    """Called in the brand's approve transaction, after the move to `approved`: settle at once
    when the live period is over and a read since its end found the post compliant; otherwise
    the schedule continues (with a check due at once when the period is over)."""
    if submission.status != S.APPROVED:
        return
    if submission.live_until is None:
        start = submission.published_at or submission.submitted_at or now
        submission.live_until = start + timedelta(days=submission.campaign.min_live_days)
    if submission.grace_until is not None:
        return
    if now >= submission.live_until and compliant_at_the_end(submission):
        settle(submission)
    elif submission.next_live_check_at is None:
        submission.next_live_check_at = _next_for(submission, now) or now


def compliant_at_the_end(submission: Submission) -> bool:
    """Did the latest read of the post, at or after `live_until`, find it live and compliant?
    A self-reported post is never read: the brand's confirmation stands for it."""
    if submission.self_reported:
        return True
    latest = db.session.scalar(
        select(VerificationReport).where(VerificationReport.submission_id == submission.id,
                                         VerificationReport.kind.in_(POST_SOURCES))
        .order_by(VerificationReport.checked_at.desc(), VerificationReport.id.desc()).limit(1))
    return (latest is not None and submission.last_error is None and latest.checked_at >= submission.live_until
            and latest.post_id is not None and latest.verdict != Verdict.FAIL)


def _next_for(submission: Submission, now: datetime) -> datetime | None:
    if submission.self_reported or submission.published_at is None:
        return submission.live_until if now < submission.live_until else None
    return next_check_at(submission.published_at, submission.live_until, now)


# -- reading the post (shared with the verifier) -------------------------------------------------
@dataclass(frozen=True)
class Visit:
    """What a worker needs to read a submission's post, as plain values (no open transaction)."""

    submission_id: int
    platform: str
    account_id: int | None
    account_user_id: str | None
    account_username: str
    post_url: str | None
    post_id: str | None
    self_reported: bool = False


@dataclass(frozen=True)
class Reading:
    """What the platform said: the post (with Instagram insights when allowed) or why not."""

    post: Post | None = None
    error: SourceError | None = None
    insights: Mapping[str, int] = field(default_factory=dict)


def visit_of(submission: Submission) -> Visit:
    account = submission.linked_account or linked_accounts.account_for(submission.creator, submission.platform)
    if account is not None:
        submission.linked_account_id = account.id
    return Visit(submission_id=submission.id, platform=submission.platform,
                 account_id=account.id if account else None,
                 account_user_id=account.platform_user_id if account else None,
                 account_username=account.username if account else "",
                 post_url=submission.post_url, post_id=submission.post_id,
                 self_reported=submission.self_reported)


def authorise(visit: Visit) -> LinkedToken | SourceError:
    """The creator's token, refreshed if due (`usable_token` commits around the platform's answer).
    An account whose grant is gone comes back as the TokenError (the creator is told)."""
    account = db.session.get(LinkedAccount, visit.account_id) if visit.account_id else None
    if account is None:
        return TokenError(platform=visit.platform)
    try:
        return linked_accounts.usable_token(account)
    except SourceError as error:
        return error


def read(visit: Visit, token: LinkedToken | SourceError) -> Reading:
    """Read the post (by id once known, else from the pasted link). Network only: no database."""
    if isinstance(token, SourceError):
        return Reading(error=token)
    settings = linked_accounts.source_settings()
    client = client_for(visit.platform)
    try:
        post = client.fetch_post(settings, token, visit.post_id) if visit.post_id \
            else client.resolve_post(settings, token, visit.post_url or "")
    except SourceError as error:
        return Reading(error=error)
    return Reading(post=post, insights=_insights(visit, token, post))


def _insights(visit: Visit, token: LinkedToken, post: Post) -> dict[str, int]:
    """Instagram views and reach when the creator granted them; a failure never blocks a verdict."""
    if visit.platform != "instagram" or INSIGHTS_SCOPE not in token.scopes:
        return {}
    try:
        return instagram.insights(linked_accounts.source_settings(), token, post.id)
    except SourceError as error:
        log.info("submission %s: no insights (%s)", visit.submission_id, error.code)
        return {}


def ask_to_relink(submission: Submission, error: SourceError) -> None:
    """The platform refused the creator's account: mark it relink_needed (the creator is told once)."""
    account = submission.linked_account
    if account is not None and isinstance(error, CREATOR_MUST_RELINK):
        linked_accounts.mark_relink_needed(account, error.message)


def results_of(submission: Submission, visit: Visit, reading: Reading, *,
               live: bool) -> tuple[list[dict], CaptionReport | None]:
    """The rule-by-rule results of one reading: ownership, the posting window, `still_live` on a
    live check, then the caption's rules. A post the platform did not return fails ownership at
    verification (it may never have been the creator's) and `still_live` on a live check."""
    if reading.post is None:
        return [post_report.still_live(live=False, platform=submission.platform) if live
                else post_report.not_readable(reading.error)], None
    post, campaign = reading.post, submission.campaign
    caption = post_report.check_campaign_caption(campaign, post.caption, submission.platform)
    checks = [post_report.ownership(owned=post.owner_user_id == visit.account_user_id, platform=submission.platform,
                                    username=visit.account_username),
              post_report.posting_window(post.published_at, campaign.posting_starts_at, campaign.posting_ends_at)]
    if live:
        checks.append(post_report.still_live(live=True, platform=submission.platform))
    rules = post_report.caption_results(caption, campaign, caption_complete=post.caption_complete)
    return [*checks, *rules], caption


def store_report(submission: Submission, *, kind: str, results: list[dict], now: datetime,
                 post: Post | None = None, caption: CaptionReport | None = None,
                 insights: Mapping[str, int] | None = None, verdict: str | None = None) -> VerificationReport:
    """The report (its verdict: `verdict_of(results)` unless given), the caption as seen (every
    sighting: history needs them all) and the metrics."""
    report = VerificationReport(
        submission_id=submission.id, kind=kind,
        source="self_reported" if kind == "self_reported" else f"{submission.platform}_api",
        verdict=verdict or post_report.verdict_of(results), checked_at=now, results=results,
        caption=caption.caption if caption else None,
        caption_sha256=sha256_of(caption.caption) if caption else None,
        caption_complete=post.caption_complete if post else True,
        post_id=post.id if post else None, permalink=post.permalink if post else None,
        published_at=post.published_at if post else None)
    db.session.add(report)
    db.session.flush()
    if caption is not None:
        db.session.add(CaptionSnapshot(submission_id=submission.id, source=kind, caption=caption.caption,
                                       sha256=report.caption_sha256, seen_at=now, report_id=report.id))
    if post is not None:
        insights = insights or {}
        db.session.add(MetricSnapshot(submission_id=submission.id, kind=kind, taken_at=now,
                                      likes=post.likes, comments=post.comments,
                                      views=insights.get("views", post.views), reach=insights.get("reach")))
    return report


# -- one live check ------------------------------------------------------------------------------
def due(now: datetime) -> list[int]:
    return list(db.session.scalars(
        select(Submission.id).where(Submission.status.in_(list(UNDER_LIVE_WATCH)),
                                    Submission.next_live_check_at <= now)
        .order_by(Submission.next_live_check_at)))


def run_due(now: datetime) -> int:
    """Every live check due at `now`, one after another; returns how many were due."""
    # a check that raises is retried once its lease lapses
    return tx.run_each(due(now), lambda submission_id: check(submission_id, now), what="live check of submission")


def check(submission_id: int, now: datetime) -> None:
    """Re-read one post if its check is due: claim (commit), token (commit), read, record (commit)."""
    claimed = claim(submission_id, now)
    tx.commit()
    if claimed is None:
        return
    visit, lease = claimed
    reading = None
    if not visit.self_reported:
        token = authorise(visit)
        tx.commit()
        reading = read(visit, token)
    try:
        record(visit, lease, reading, now)
        tx.commit()
    except InvalidTransition:  # the brand or another worker changed the submission meanwhile
        tx.rollback()


def claim(submission_id: int, now: datetime) -> tuple[Visit, datetime] | None:
    """Take the due check for this worker: `next_live_check_at` moves to a short lease
    (compare-and-set, so two workers never read the same check twice)."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.status not in UNDER_LIVE_WATCH:
        return None
    due_at = submission.next_live_check_at
    if due_at is None or due_at > now or (submission.post_id is None and not submission.self_reported):
        return None
    lease = now + LEASE
    taken = db.session.execute(
        update(Submission).where(Submission.id == submission_id, Submission.next_live_check_at == due_at)
        .values(next_live_check_at=lease).execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        return None
    set_committed_value(submission, "next_live_check_at", lease)
    return visit_of(submission), lease


def record(visit: Visit, lease: datetime, reading: Reading | None, now: datetime) -> None:
    """What the check found: a report, then the grace period, a take-down, or the next check.
    Nothing when the check is no longer this worker's (its lease was taken over, or it moved on)."""
    submission = db.session.get(Submission, visit.submission_id)
    if submission is None or submission.status not in UNDER_LIVE_WATCH or submission.next_live_check_at != lease:
        return
    if reading is None:  # self-reported: nothing to read, the brand confirmed it by hand
        compliant(submission, now)
        return
    error = reading.error
    if error is not None and not isinstance(error, PostNotFound):
        submission.last_error = error.message
        if isinstance(error, CREATOR_MUST_RELINK):
            ask_to_relink(submission, error)
            unreadable(submission, now)
        else:
            log.info("live check of submission %s postponed: %s", submission.id, error.code)
            submission.next_live_check_at = now + AFTER_TROUBLE
        return
    submission.last_error = None
    results, caption = results_of(submission, visit, reading, live=True)
    report = store_report(submission, kind="live_check", results=results, now=now, post=reading.post,
                          caption=caption, insights=reading.insights)
    submission.live_checks_done += 1
    if report.verdict == post_report.FAIL:
        broken(submission, " ".join(post_report.text_of(entry) for entry in results
                                    if entry["status"] == post_report.FAIL), now)
    else:
        compliant(submission, now)


# -- outcomes ------------------------------------------------------------------------------------
def compliant(submission: Submission, now: datetime) -> None:
    """The post is fine: close an open grace period, then settle or schedule the next check."""
    if submission.grace_until is not None:
        submission.grace_until = None
        submission.live_issue = None
        notify(submission.creator.user, "live_restored", link=creator_link(submission), **names(submission))
    if now < submission.live_until:
        submission.next_live_check_at = _next_for(submission, now)
        return
    submission.next_live_check_at = None   # the live period is over
    if submission.status == S.APPROVED:
        settle(submission)


def unreadable(submission: Submission, now: datetime) -> None:
    """The creator's account no longer lets us read the post: theirs to fix within the grace period."""
    deadline = submission.grace_until or _grace_end(now)
    broken(submission, render_message(UNREADABLE, {"platform": LABELS.get(submission.platform, submission.platform),
                                                   "deadline": post_report.when(deadline)}), now)


def broken(submission: Submission, issue: str, now: datetime) -> None:
    """Deleted, edited out of compliance or unreadable (`issue` says which, in plain words): open
    (or keep) the grace period; past it, take down."""
    if submission.grace_until is None:
        submission.grace_until = _grace_end(now)
        creator, brand = submission.creator.user, submission.campaign.brand.user
        notify(creator, "live_issue", link=creator_link(submission), reason=issue,
               deadline=moment_for(creator, submission.grace_until), **names(submission))
        notify(brand, "live_issue_brand", link=brand_link(submission), reason=issue,
               deadline=moment_for(brand, submission.grace_until), **names(submission))
    elif now >= submission.grace_until:
        take_down(submission, issue)
        return
    submission.live_issue = issue
    submission.next_live_check_at = min(now + GRACE_RECHECK, submission.grace_until)


def _grace_end(now: datetime) -> datetime:
    return now + timedelta(hours=platform_setting("live_grace_hours"))


def take_down(submission: Submission, issue: str) -> None:
    """Not restored in the grace period: no payout, the reserved budget goes back to escrow."""
    move(submission, S.TAKEN_DOWN, actor=None, reason=issue)
    submission.next_live_check_at = None
    submission.live_issue = issue
    release_reservation(submission.application, actor=None, kind="release")
    notify(submission.creator.user, "taken_down", link=creator_link(submission), reason=issue, **names(submission))
    notify(submission.campaign.brand.user, "taken_down", link=brand_link(submission), reason=issue,
           **names(submission))


def settle(submission: Submission) -> None:
    """Approved and live for the whole period: payable."""
    move(submission, S.LIVE_CHECK_PASSED, actor=None, reason="live period over")
    submission.next_live_check_at = None
    payouts.create_for(submission)
