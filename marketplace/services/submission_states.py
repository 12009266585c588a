"""The submission state machine, in one place for every service that moves a submission.

    draft_submitted   -> changes_requested | approved_draft       (the brand's pre-approval)
    changes_requested -> draft_submitted                          (the next draft round)
    approved_draft    -> posted                                   (the creator submits the link)
    posted            -> verifying                                (a worker reads the post)
    verifying         -> verified | failed | posted               (posted: platform trouble, retried)
    failed            -> posted                                   (fixed post or new link)
    verified          -> approved | rejected | taken_down
    approved          -> live_check_passed | taken_down
    rejected          -> approved                                 (an admin overturns on dispute)

A post whose platform cannot be read is submitted `self_reported` straight into `verified`
(posted -> verified), and then needs the brand's explicit confirmation.
"""
from __future__ import annotations

from typing import Any

from ..models import Submission, SubmissionStatus, User
from .transitions import table, transition

S = SubmissionStatus
TRANSITIONS = table(
    draft_submitted={S.CHANGES_REQUESTED, S.APPROVED_DRAFT},
    changes_requested={S.DRAFT_SUBMITTED},
    approved_draft={S.POSTED},
    posted={S.VERIFYING, S.VERIFIED},
    verifying={S.VERIFIED, S.FAILED, S.POSTED},
    failed={S.POSTED},
    verified={S.APPROVED, S.REJECTED, S.TAKEN_DOWN},
    approved={S.LIVE_CHECK_PASSED, S.TAKEN_DOWN},
    rejected={S.APPROVED},
)
DRAFT_STAGES = frozenset({S.DRAFT_SUBMITTED, S.CHANGES_REQUESTED})
POST_EXPECTED = frozenset({S.APPROVED_DRAFT, S.FAILED})   # the creator may (re)submit a link
UNDER_LIVE_WATCH = frozenset({S.VERIFIED, S.APPROVED})    # live checks run on these
FINISHED = frozenset({S.LIVE_CHECK_PASSED, S.TAKEN_DOWN, S.REJECTED})


def move(submission: Submission, to: str, *, actor: User | None, reason: str | None = None,
         data: dict[str, Any] | None = None) -> bool:
    """Change a submission's status (audited); see `transitions.transition`."""
    return transition(submission, to, transitions=TRANSITIONS, actor=actor, reason=reason, data=data)
