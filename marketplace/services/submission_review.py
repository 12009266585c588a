"""The brand's decisions on a submission: the draft caption, then the verified post.

Moves made here (the table is `submission_states.TRANSITIONS`):
    draft_submitted -> approved_draft | changes_requested    (`review_draft`)
    verified        -> approved                               (`approve`, by the brand or the deadline)
    verified        -> rejected                               (`reject`, which frees the reserved budget)

A post the verifier could not fully read (`cannot_verify`), one the creator reported by hand, one
whose latest check failed, or one that cannot be read as it is now (the latest read failed, or
its linked account must be linked again) is approved only when the brand confirms it checked the
live post itself; such posts are never approved automatically.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import clock
from ..errors import InvalidTransition, NotAllowed, PermissionDenied
from ..extensions import db
from ..models import (CaptionSnapshot, DraftRound, LinkedAccountStatus, Submission, SubmissionStatus, User, Verdict,
                      VerificationReport)
from . import live_checks
from .applications import release_reservation
from .caption_history import sha256_of
from .live_checks import brand_link, creator_link, names
from .notifications import notify
from .submission_states import move

S = SubmissionStatus
MAX_COMMENTS = 2000
MAX_REASON = 2000
AUTO_APPROVAL_REASON = "review deadline passed"


# --- what the brand sees before deciding ---------------------------------------------------------

def _newest_first(submission: Submission):
    return (select(VerificationReport).where(VerificationReport.submission_id == submission.id)
            .order_by(VerificationReport.checked_at.desc(), VerificationReport.id.desc()))


def reports(submission: Submission) -> list[VerificationReport]:
    """Every check of the post, newest first."""
    return list(db.session.scalars(_newest_first(submission)))


def latest_report(submission: Submission) -> VerificationReport | None:
    return db.session.scalar(_newest_first(submission).limit(1))


def needs_confirmation(submission: Submission) -> bool:
    """True when no platform check vouches for the post as it is now: a person has to look at it."""
    report = latest_report(submission)
    return submission.self_reported or report is None or report.verdict != Verdict.PASS or unreadable_now(submission)


def unreadable_now(submission: Submission) -> bool:
    """The latest read of the post failed, or its linked account is gone or must be linked again."""
    account = submission.linked_account
    return bool(submission.last_error) or account is None or account.status != LinkedAccountStatus.ACTIVE


def latest_draft(submission: Submission) -> DraftRound | None:
    return submission.drafts[-1] if submission.drafts else None


# --- helpers -------------------------------------------------------------------------------------

def _brand_owns(submission: Submission, actor: User | None) -> None:
    if actor is None or actor.brand is None or submission.campaign.brand_id != actor.brand.id:
        raise PermissionDenied(_l("Only the brand running this campaign can review its submissions."))


def _require_status(submission: Submission, status: str, to: str) -> None:
    """Refuse before writing anything when the submission is not where the decision applies."""
    if submission.status != status:
        raise InvalidTransition("submissions", submission.id, submission.status, to)


def _text(value: str | None, field: str, *, required: str | None, limit: int) -> str:
    text = (value or "").strip()
    if required and not text:
        raise NotAllowed(field, required)
    if len(text) > limit:
        raise NotAllowed(field, _l("Keep it under %(n)d characters.", n=limit))
    return text


# --- the draft round -----------------------------------------------------------------------------

def review_draft(submission: Submission, *, approve: bool, comments: str, actor: User) -> None:
    """Answer the latest draft: the creator may publish, or sends another round."""
    _brand_owns(submission, actor)
    target = S.APPROVED_DRAFT if approve else S.CHANGES_REQUESTED
    _require_status(submission, S.DRAFT_SUBMITTED, target)
    draft = latest_draft(submission)
    if draft is None:
        raise NotAllowed(None, _l("There is no draft to review yet."))
    comments = _text(comments, "comments", limit=MAX_COMMENTS,
                     required=None if approve else _l("Tell the creator what to change."))
    now = clock.now()
    draft.decision = "approved" if approve else "changes_requested"
    draft.comments = comments or None
    draft.decided_at = now
    draft.decided_by_id = actor.id
    move(submission, target, actor=actor, reason=comments or None, data={"draft_round": draft.number})
    params = {"campaign": submission.campaign.title}
    if approve:
        db.session.add(CaptionSnapshot(
            submission_id=submission.id, source="draft_approved", caption=draft.caption,
            sha256=sha256_of(draft.caption), seen_at=now))
        notify(submission.creator.user, "draft_approved", link=creator_link(submission), **params)
    else:
        notify(submission.creator.user, "draft_changes_requested", link=creator_link(submission),
               reason=comments, **params)
    db.session.flush()


# --- the verified post ---------------------------------------------------------------------------

def auto_approvable(submission: Submission) -> bool:
    """The deadline may approve only what the platform itself vouched for."""
    return submission.status == S.VERIFIED and not needs_confirmation(submission)


def approve(submission: Submission, *, actor: User | None, confirm: bool = False, auto: bool = False,
            now: datetime | None = None) -> None:
    """Accept the post (`auto`: the review deadline did, with no actor); live checks go on."""
    if auto and actor is not None:
        raise PermissionDenied(_l("Only the review deadline approves automatically."))
    if not auto:
        _brand_owns(submission, actor)
    _require_status(submission, S.VERIFIED, S.APPROVED)
    unvouched = needs_confirmation(submission)
    if unvouched and auto:
        raise NotAllowed(None, _l("This post needs a person to check it; it is never approved automatically."))
    if unvouched and not confirm:
        raise NotAllowed("confirm", _l("Hashmark could not confirm this post with the platform. Tick the box to "
                                       "confirm you checked the live post yourself and it meets the brief."))
    now = now or clock.now()
    submission.reviewed_at = now
    submission.auto_approved = auto
    move(submission, S.APPROVED, actor=actor, reason=AUTO_APPROVAL_REASON if auto else None,
         data={"confirmed_by_brand": True} if unvouched else None)
    notify(submission.creator.user, "submission_approved", link=creator_link(submission),
           campaign=submission.campaign.title)
    if auto:
        notify(submission.campaign.brand.user, "submission_auto_approved", link=brand_link(submission),
               **names(submission))
    live_checks.after_approval(submission, now)
    db.session.flush()


def reject(submission: Submission, *, reason: str, actor: User) -> None:
    """Refuse the post; the budget reserved for it goes back to the campaign (the creator may dispute)."""
    _brand_owns(submission, actor)
    _require_status(submission, S.VERIFIED, S.REJECTED)
    reason = _text(reason, "reason", limit=MAX_REASON,
                   required=_l("Tell the creator why: they see it and may dispute it."))
    submission.decision_reason = reason
    submission.reviewed_at = clock.now()
    move(submission, S.REJECTED, actor=actor, reason=reason)
    release_reservation(submission.application, actor=actor, kind="release")
    notify(submission.creator.user, "submission_rejected", link=creator_link(submission),
           campaign=submission.campaign.title, reason=reason)
    db.session.flush()
