"""Creators: the people who publish sponsored posts, and the niches they work in."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow
from .users import User


class Creator(db.Model):
    __tablename__ = "creators"
    __table_args__ = (
        CheckConstraint("length(country) = 2", name="country_code"),
        CheckConstraint("followers >= 0", name="followers_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(2))
    bio: Mapped[str] = mapped_column(Text, default="")
    instagram_handle: Mapped[str | None] = mapped_column(String(30))
    tiktok_handle: Mapped[str | None] = mapped_column(String(24))
    followers: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="creator")
    niche_rows: Mapped[list[CreatorNiche]] = relationship(
        back_populates="creator", cascade="all, delete-orphan", order_by="CreatorNiche.niche"
    )

    @property
    def niches(self) -> list[str]:
        return [row.niche for row in self.niche_rows]


class CreatorNiche(db.Model):
    """One row per (creator, niche): a table rather than a list column so niches can be indexed."""

    __tablename__ = "creator_niches"

    creator_id: Mapped[int] = mapped_column(
        ForeignKey("creators.id", ondelete="CASCADE"), primary_key=True
    )
    niche: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)

    creator: Mapped[Creator] = relationship(back_populates="niche_rows")
