"""Payouts: what a creator has earned for one submission, on its way to their Stripe account."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..money import Money
from .campaigns import Campaign
from .creators import Creator
from .submissions import Submission
from .types import UTCDateTime, enum_check, utcnow


class PayoutStatus(StrEnum):
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    PROCESSING = "processing"
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Payout(db.Model):
    """`amount` reaches the creator; `fee` is the platform's; the brand paid both (the gross)."""

    __tablename__ = "payouts"
    __table_args__ = (
        UniqueConstraint("submission_id", name="uq_payouts_submission"),
        CheckConstraint(enum_check("status", list(PayoutStatus)), name="status"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("fee_minor >= 0", name="fee_not_negative"),
        CheckConstraint("attempt >= 0", name="attempt_not_negative"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="RESTRICT"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"), index=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("creators.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=PayoutStatus.PENDING_APPROVAL.value, index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    attempt: Mapped[int] = mapped_column(default=0)
    stripe_transfer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    failure_code: Mapped[str | None] = mapped_column(String(64))
    failure_message: Mapped[str | None] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_reason: Mapped[str | None] = mapped_column(Text)   # an admin held it back, and why
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    processing_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    transferred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # in the creator's Stripe balance
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)         # Stripe paid it out to their bank
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship()
    campaign: Mapped[Campaign] = relationship()
    creator: Mapped[Creator] = relationship()

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)

    @property
    def fee(self) -> Money:
        return Money(self.fee_minor, self.currency)

    @property
    def gross(self) -> Money:
        return Money(self.amount_minor + self.fee_minor, self.currency)

    @property
    def idempotency_key(self) -> str:
        return f"payout-{self.id}-{self.attempt}"
