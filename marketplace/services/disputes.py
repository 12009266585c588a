"""Admins resolve disputes: a creator contesting a brand's rejection of their post.

Dispute status transitions:
    open -> upheld       (the rejection stands; nothing else changes)
    open -> overturned   (the creator was right: the submission moves rejected -> approved)

Overturning undoes what the rejection did to the money: the post's cost is reserved again from
the campaign's escrow (refused when the escrow no longer holds it, e.g. after a refund), then the
live checks take the approved post from there (`live_checks.after_approval`). Either decision
needs a note, is audited, and is told to the creator and to the brand.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .. import clock
from ..errors import NotAllowed, PermissionDenied
from ..extensions import db
from ..models import Dispute, DisputeStatus, Role, Submission, SubmissionStatus, User
from . import live_checks
from .applications import reserve_again
from .notifications import notify
from .submission_review import brand_link, creator_link
from .submission_states import move
from .transitions import table, transition

D = DisputeStatus
TRANSITIONS = table(open={D.UPHELD, D.OVERTURNED})
MAX_NOTE = 2000


def uphold(dispute: Dispute, *, note: str, actor: User) -> None:
    """The brand's rejection stands."""
    note = _check(dispute, note, actor)
    _close(dispute, D.UPHELD, note, actor)
    _tell(dispute.submission, "dispute_upheld", note)


def overturn(dispute: Dispute, *, note: str, actor: User) -> None:
    """The post is approved after all: budget reserved again, live checks resume (or it is settled
    at once when its live period is already over)."""
    note = _check(dispute, note, actor)
    submission = dispute.submission
    if submission.status != SubmissionStatus.REJECTED:
        raise NotAllowed(None, _l("The submission is no longer rejected (it is %(status)s), so there is "
                                  "nothing to overturn.", status=submission.status.replace("_", " ")))
    reserve_again(submission.application, actor=actor)
    _close(dispute, D.OVERTURNED, note, actor)
    move(submission, SubmissionStatus.APPROVED, actor=actor, reason=note, data={"dispute_id": dispute.id})
    live_checks.after_approval(submission, clock.now())
    _tell(submission, "dispute_overturned", note)
    db.session.flush()


def _check(dispute: Dispute, note: str, actor: User) -> str:
    """Refuse before anything is written: only admins, only open disputes, always a note."""
    if actor is None or actor.role != Role.ADMIN:
        raise PermissionDenied(_l("Only admins resolve disputes."))
    if dispute.status != D.OPEN:
        raise NotAllowed(None, _l("This dispute was already resolved (%(status)s).", status=dispute.status))
    note = (note or "").strip()
    if not note:
        raise NotAllowed("resolution", _l("Write the resolution: the creator and the brand both read it."))
    if len(note) > MAX_NOTE:
        raise NotAllowed("resolution", _l("Keep it under %(n)d characters.", n=MAX_NOTE))
    return note


def _close(dispute: Dispute, to: str, note: str, actor: User) -> None:
    # compare-and-set: of two admins deciding at once, the second gets InvalidTransition
    transition(dispute, to, transitions=TRANSITIONS, actor=actor, reason=note,
               data={"submission_id": dispute.submission_id})
    dispute.resolution = note
    dispute.resolved_at = clock.now()
    dispute.resolved_by_id = actor.id


def _tell(submission: Submission, kind: str, note: str) -> None:
    names = {"campaign": submission.campaign.title, "creator": submission.creator.display_name}
    notify(submission.creator.user, kind, link=creator_link(submission), reason=note, **names)
    notify(submission.campaign.brand.user, f"{kind}_brand", link=brand_link(submission), reason=note, **names)
