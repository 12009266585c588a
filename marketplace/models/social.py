"""A creator's Instagram or TikTok account, linked through the platform's OAuth."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .creators import Creator
from .types import UTCDateTime, enum_check, utcnow


class LinkedAccountStatus(StrEnum):
    ACTIVE = "active"
    RELINK_NEEDED = "relink_needed"   # the token expired or was revoked; the creator must link again


class LinkedAccount(db.Model):
    """Tokens are stored encrypted (`marketplace.vault`); the plain values never reach the database.

    One platform account belongs to one creator: the second creator trying to link it is refused,
    which is what makes "this post is yours" mean something.
    """

    __tablename__ = "linked_accounts"
    __table_args__ = (
        UniqueConstraint("creator_id", "platform", name="uq_linked_accounts_creator_platform"),
        UniqueConstraint("platform", "platform_user_id", name="uq_linked_accounts_platform_user"),
        CheckConstraint(enum_check("status", list(LinkedAccountStatus)), name="status"),
        CheckConstraint("platform IN ('instagram', 'tiktok')", name="platform"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    creator_id: Mapped[int] = mapped_column(ForeignKey("creators.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    platform_user_id: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(120), default="")
    account_type: Mapped[str | None] = mapped_column(String(32))
    followers: Mapped[int | None] = mapped_column()
    picture_url: Mapped[str | None] = mapped_column(Text)
    access_token_encrypted: Mapped[str] = mapped_column(Text)
    refresh_token_encrypted: Mapped[str | None] = mapped_column(Text)
    token_expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    refresh_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=LinkedAccountStatus.ACTIVE.value)
    last_error: Mapped[str | None] = mapped_column(Text)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    creator: Mapped[Creator] = relationship()
