"""Which language a page is shown in: the account's choice, the visitor's choice, the browser."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and jobs choose their locale explicitly (force_locale)
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    try:
        user_locale = getattr(current_user, "locale", None) if current_user else None
    except SQLAlchemyError:  # the error page for a database outage must still render
        user_locale = None
    if user_locale in languages:
        return user_locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
