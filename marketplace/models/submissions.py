"""Submissions: an accepted creator's post for a campaign, from the optional draft to the last
live check, with every draft round, verification report, caption seen and metrics snapshot."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .applications import Application
from .campaigns import Campaign
from .creators import Creator
from .social import LinkedAccount
from .types import UTCDateTime, enum_check, utcnow
from .uploads import Upload
from .users import User


class SubmissionStatus(StrEnum):
    DRAFT_SUBMITTED = "draft_submitted"      # caption sent for the brand's pre-approval
    CHANGES_REQUESTED = "changes_requested"  # the brand asked for another draft round
    APPROVED_DRAFT = "approved_draft"        # the creator may publish
    POSTED = "posted"                        # a post link was submitted; verification is queued
    VERIFYING = "verifying"                  # a worker is reading the post
    VERIFIED = "verified"                    # report ready; the brand reviews it
    FAILED = "failed"                        # the post broke a rule; the creator can fix and resubmit
    APPROVED = "approved"                    # the brand accepted it; live checks continue
    REJECTED = "rejected"                    # the brand refused it (the creator may dispute)
    LIVE_CHECK_PASSED = "live_check_passed"  # stayed up and compliant long enough: payable
    TAKEN_DOWN = "taken_down"                # removed or broken and not restored in the grace period


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    CANNOT_VERIFY = "cannot_verify"


# A post counts for one submission at a time: once its submission failed, was rejected or was taken
# down, the post may be submitted again (e.g. a fixed post for the same campaign).
POST_RELEASED = (SubmissionStatus.FAILED, SubmissionStatus.REJECTED, SubmissionStatus.TAKEN_DOWN)
_POST_COUNTED = text("post_id IS NOT NULL AND status NOT IN (%s)"
                     % ", ".join(f"'{status.value}'" for status in POST_RELEASED))


class Submission(db.Model):
    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("application_id", name="uq_submissions_application"),
        CheckConstraint(enum_check("status", list(SubmissionStatus)), name="status"),
        CheckConstraint("platform IN ('instagram', 'tiktok')", name="platform"),
        CheckConstraint("verification_attempts >= 0", name="attempts_not_negative"),
        Index("uq_submissions_platform_post_id", "platform", "post_id", unique=True,
              sqlite_where=_POST_COUNTED, postgresql_where=_POST_COUNTED),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("creators.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24), index=True)
    linked_account_id: Mapped[int | None] = mapped_column(ForeignKey("linked_accounts.id", ondelete="SET NULL"))
    # the post
    post_url: Mapped[str | None] = mapped_column(Text)
    post_id: Mapped[str | None] = mapped_column(String(64))
    permalink: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # self-reported fallback: the creator pasted the caption and a screenshot
    self_reported: Mapped[bool] = mapped_column(default=False)
    self_report_reason: Mapped[str | None] = mapped_column(Text)
    screenshot_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    # verification work
    verdict: Mapped[str | None] = mapped_column(String(16))
    verification_attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)  # why the latest read of the post failed, if it did
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the brand's review
    review_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    review_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    auto_approved: Mapped[bool] = mapped_column(default=False)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # live checks
    live_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_live_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    live_checks_done: Mapped[int] = mapped_column(default=0)
    grace_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    live_issue: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    application: Mapped[Application] = relationship()
    campaign: Mapped[Campaign] = relationship()
    creator: Mapped[Creator] = relationship()
    linked_account: Mapped[LinkedAccount | None] = relationship()
    screenshot: Mapped[Upload | None] = relationship()
    drafts: Mapped[list[DraftRound]] = relationship(back_populates="submission", order_by="DraftRound.number",
                                                    cascade="all, delete-orphan")


class DraftRound(db.Model):
    """One caption the creator proposed before posting, and the brand's answer to it."""

    __tablename__ = "draft_rounds"
    __table_args__ = (
        UniqueConstraint("submission_id", "number", name="uq_draft_rounds_submission_number"),
        CheckConstraint("decision IS NULL OR decision IN ('approved', 'changes_requested')", name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column()
    caption: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    media_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decision: Mapped[str | None] = mapped_column(String(20))
    comments: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    submission: Mapped[Submission] = relationship(back_populates="drafts")
    media: Mapped[Upload | None] = relationship()


class VerificationReport(db.Model):
    """What one check of the post found, rule by rule, with the caption exactly as it was read.

    `results` is a list of {"rule", "status" (pass/fail/cannot_verify), "message", "evidence"}:
    the post checks (ownership, posting window, still live) then every caption rule.
    """

    __tablename__ = "verification_reports"
    __table_args__ = (
        CheckConstraint("kind IN ('verification', 'live_check', 'self_reported')", name="kind"),
        CheckConstraint(enum_check("verdict", list(Verdict)), name="verdict"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(32))   # instagram_api, tiktok_api, self_reported
    verdict: Mapped[str] = mapped_column(String(16))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    caption: Mapped[str | None] = mapped_column(Text)
    caption_sha256: Mapped[str | None] = mapped_column(String(64))
    caption_complete: Mapped[bool] = mapped_column(default=True)
    post_id: Mapped[str | None] = mapped_column(String(64))
    permalink: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results: Mapped[list[dict]] = mapped_column(JSON, default=list)


class CaptionSnapshot(db.Model):
    """A caption as it was seen at one moment: draft approval, verification, each live check."""

    __tablename__ = "caption_snapshots"
    __table_args__ = (
        CheckConstraint("source IN ('draft_approved', 'verification', 'live_check', 'self_reported')",
                        name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    caption: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("verification_reports.id", ondelete="SET NULL"))


class MetricSnapshot(db.Model):
    """Likes, comments and (with the insights permission) views and reach at one moment."""

    __tablename__ = "metric_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))  # verification, live_check
    likes: Mapped[int | None] = mapped_column()
    comments: Mapped[int | None] = mapped_column()
    views: Mapped[int | None] = mapped_column()
    reach: Mapped[int | None] = mapped_column()


class DisputeStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"          # the brand's rejection stands
    OVERTURNED = "overturned"  # an admin found for the creator


class Dispute(db.Model):
    """A creator contesting a brand's rejection; admins decide."""

    __tablename__ = "disputes"
    __table_args__ = (CheckConstraint(enum_check("status", list(DisputeStatus)), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    opened_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=DisputeStatus.OPEN.value, index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str | None] = mapped_column(Text)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship()
    opened_by: Mapped[User] = relationship(foreign_keys=[opened_by_id])
