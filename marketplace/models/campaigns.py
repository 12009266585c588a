"""Campaigns: a brand's paid brief that creators apply to."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..money import Money
from .brands import Brand
from .types import UTCDateTime, enum_check, utcnow


class CampaignStatus(StrEnum):
    DRAFT = "draft"
    AWAITING_FUNDING = "awaiting_funding"
    OPEN = "open"
    CLOSED = "closed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Platform(StrEnum):
    INSTAGRAM = "instagram"
    TIKTOK = "tiktok"


class Campaign(db.Model):
    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint(enum_check("status", list(CampaignStatus)), name="status"),
        CheckConstraint("payout_minor >= 0", name="payout_not_negative"),
        CheckConstraint("fee_per_post_minor >= 0", name="fee_not_negative"),
        CheckConstraint("slots > 0", name="slots_positive"),
        CheckConstraint("min_live_days >= 0", name="min_live_days_not_negative"),
        CheckConstraint("min_followers >= 0", name="min_followers_not_negative"),
        CheckConstraint("on_instagram OR on_tiktok", name="has_platform"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
        Index("ix_campaigns_marketplace", "status", "currency", "payout_minor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(140))
    brief: Mapped[str] = mapped_column(Text, default="")
    product_category: Mapped[str] = mapped_column(String(32), default="lifestyle", index=True)
    status: Mapped[str] = mapped_column(String(20), default=CampaignStatus.DRAFT.value, index=True)
    on_instagram: Mapped[bool] = mapped_column(default=True, index=True)
    on_tiktok: Mapped[bool] = mapped_column(default=False, index=True)
    required_hashtags: Mapped[list[str]] = mapped_column(JSON, default=list)
    required_mentions: Mapped[list[str]] = mapped_column(JSON, default=list)
    disclosure_required: Mapped[bool] = mapped_column(default=True)
    disclosure_locale: Mapped[str] = mapped_column(String(8), default="us")
    payout_minor: Mapped[int] = mapped_column(BigInteger)
    fee_per_post_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_basis_points: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), index=True)
    slots: Mapped[int] = mapped_column(default=1)
    application_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    posting_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    posting_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    min_live_days: Mapped[int] = mapped_column(default=7)
    min_followers: Mapped[int] = mapped_column(default=0, index=True)
    dos: Mapped[str] = mapped_column(Text, default="")
    donts: Mapped[str] = mapped_column(Text, default="")
    drafts_need_approval: Mapped[bool] = mapped_column(default=False)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    brand: Mapped[Brand] = relationship()
    country_rows: Mapped[list[CampaignCountry]] = relationship(
        cascade="all, delete-orphan", order_by="CampaignCountry.country")
    niche_rows: Mapped[list[CampaignNiche]] = relationship(
        cascade="all, delete-orphan", order_by="CampaignNiche.niche")

    @property
    def payout(self) -> Money:
        """What the creator receives per accepted, verified post."""
        return Money(self.payout_minor, self.currency)

    @property
    def fee_per_post(self) -> Money:
        return Money(self.fee_per_post_minor, self.currency)

    @property
    def cost_per_post(self) -> Money:
        """What the brand pays per post: the creator's payout plus the platform fee."""
        return Money(self.payout_minor + self.fee_per_post_minor, self.currency)

    @property
    def total_budget(self) -> Money:
        return self.cost_per_post * self.slots

    @property
    def platforms(self) -> list[str]:
        return [p.value for p, on in ((Platform.INSTAGRAM, self.on_instagram),
                                      (Platform.TIKTOK, self.on_tiktok)) if on]

    @property
    def countries(self) -> list[str]:
        return [row.country for row in self.country_rows]

    @property
    def niches(self) -> list[str]:
        return [row.niche for row in self.niche_rows]


class CampaignCountry(db.Model):
    """Countries whose creators may apply; none means any country."""

    __tablename__ = "campaign_countries"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True, index=True)


class CampaignNiche(db.Model):
    """Niches the brand wants; none means any niche."""

    __tablename__ = "campaign_niches"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    niche: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)
