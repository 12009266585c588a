"""Accounts: one row per person who signs in, whatever their role."""
from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, enum_check, utcnow

if TYPE_CHECKING:
    from .brands import Brand
    from .creators import Creator


class Role(StrEnum):
    BRAND = "brand"
    CREATOR = "creator"
    ADMIN = "admin"


class UserStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(enum_check("role", list(Role)), name="role"),
        CheckConstraint(enum_check("status", list(UserStatus)), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default=UserStatus.ACTIVE.value)
    locale: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    brand: Mapped[Brand | None] = relationship(back_populates="user", uselist=False)
    creator: Mapped[Creator | None] = relationship(back_populates="user", uselist=False)

    def get_id(self) -> str:
        """Flask-Login's session id: changes with the password, so a password change or reset
        signs out every other session and remember-me cookie."""
        return f"{self.id}:{self.session_fingerprint}"

    @property
    def session_fingerprint(self) -> str:
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    @property
    def is_active(self) -> bool:  # Flask-Login: suspended accounts cannot sign in
        return self.status == UserStatus.ACTIVE

    @property
    def display_name(self) -> str:
        if self.role == Role.BRAND and self.brand is not None:
            return self.brand.company_name
        if self.role == Role.CREATOR and self.creator is not None:
            return self.creator.display_name
        return self.email.split("@", 1)[0]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role} {self.email}>"
