"""Money at Stripe: campaign fundings (Checkout), creators' connected accounts, refunds."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..money import Money
from .campaigns import Campaign
from .creators import Creator
from .types import UTCDateTime, enum_check, utcnow


class FundingStatus(StrEnum):
    CREATED = "created"          # Checkout Session made, brand sent to pay
    PROCESSING = "processing"    # completed, asynchronous payment (e.g. bank transfer) pending
    PAID = "paid"
    FAILED = "failed"
    EXPIRED = "expired"


class Funding(db.Model):
    """One attempt by a brand to pay a campaign's budget through Stripe Checkout."""

    __tablename__ = "fundings"
    __table_args__ = (
        CheckConstraint(enum_check("status", list(FundingStatus)), name="status"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint("fee_minor >= 0 AND fee_minor <= amount_minor", name="fee_within_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=FundingStatus.CREATED.value)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    fee_minor: Mapped[int] = mapped_column(BigInteger, default=0)  # the platform-fee part, fixed at creation
    currency: Mapped[str] = mapped_column(String(3))
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(Text)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), index=True)
    charge_id: Mapped[str | None] = mapped_column(String(255))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)

    @property
    def fee(self) -> Money:
        return Money(self.fee_minor, self.currency)


class PayoutAccountStatus(StrEnum):
    ONBOARDING = "onboarding"    # account made, details not complete
    READY = "ready"              # transfers capability active
    RESTRICTED = "restricted"    # Stripe needs more information


class PayoutAccount(db.Model):
    """A creator's Stripe connected account (Express dashboard, recipient of transfers)."""

    __tablename__ = "payout_accounts"
    __table_args__ = (CheckConstraint(enum_check("status", list(PayoutAccountStatus)), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("creators.id", ondelete="RESTRICT"), unique=True)
    stripe_account_id: Mapped[str] = mapped_column(String(255), unique=True)
    country: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16), default=PayoutAccountStatus.ONBOARDING.value)
    requirements_due: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    creator: Mapped[Creator] = relationship()


class RefundStatus(StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Refund(db.Model):
    """Money returned to the brand: unspent budget on cancel, or a payment that matched no budget."""

    __tablename__ = "refunds"
    __table_args__ = (
        CheckConstraint(enum_check("status", list(RefundStatus)), name="status"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="RESTRICT"), index=True)
    funding_id: Mapped[int] = mapped_column(ForeignKey("fundings.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=RefundStatus.PENDING.value)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    attempt: Mapped[int] = mapped_column(default=1)
    stripe_refund_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    failure_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign] = relationship()
    funding: Mapped[Funding] = relationship()

    @property
    def amount(self) -> Money:
        return Money(self.amount_minor, self.currency)

    @property
    def idempotency_key(self) -> str:
        """One key per attempt: Stripe replays a repeated attempt, a retry after a fix is new."""
        return f"refund-{self.id}-{self.attempt}"
