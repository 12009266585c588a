"""Platform settings that admins change at run time (every change is audited)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class MinimumPayout(db.Model):
    """Campaigns paying less than this per post, in this currency, never reach creators."""

    __tablename__ = "minimum_payouts"
    __table_args__ = (CheckConstraint("minimum_minor >= 0", name="minimum_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), unique=True)
    minimum_minor: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PlatformSetting(db.Model):
    """One named platform setting (review days, grace hours, the sandbox clock...). Readers go
    through `services.settings`, which knows each name's default and bounds."""

    __tablename__ = "platform_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
