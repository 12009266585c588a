"""Flask-Login wiring: who is signed in, and where anonymous visitors are sent."""
from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from ..extensions import db, login_manager
from ..models import User


def register_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to open that page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        raw_id, _, fingerprint = session_id.partition(":")
        try:
            user = db.session.get(User, int(raw_id))
        except ValueError:
            return None
        if user is None or not user.is_active or fingerprint != user.session_fingerprint:
            return None
        return user
