"""Pages and words for the submission notifications, shared by every submission service."""
from __future__ import annotations

from datetime import datetime

from flask_babel import force_locale, format_datetime

from ..links import path_for
from ..models import Submission, User


def creator_link(submission: Submission) -> str:
    return path_for("creator.submission_hub", application_id=submission.application_id)


def brand_link(submission: Submission) -> str:
    return path_for("brand.submission_detail", campaign_id=submission.campaign_id, submission_id=submission.id)


def names(submission: Submission) -> dict[str, str]:
    """The `campaign` and `creator` parameters of the submission notifications."""
    return {"campaign": submission.campaign.title, "creator": submission.creator.display_name}


def moment_for(user: User, moment: datetime) -> str:
    """A date and time in the reader's language, for a notification parameter."""
    with force_locale(user.locale or "en"):
        return format_datetime(moment, "medium")
