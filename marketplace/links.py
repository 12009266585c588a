"""Links to pages, for notifications and e-mails built outside a request (jobs, CLI)."""
from __future__ import annotations

from flask import current_app, has_request_context, url_for


def path_for(endpoint: str, **values) -> str:
    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return url_for(endpoint, **values)


def absolute(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def external(endpoint: str, **values) -> str:
    """An absolute link on PUBLIC_URL, never on the request's Host header (which a client
    controls: a forged Host would otherwise end up in password-reset e-mails)."""
    return absolute(path_for(endpoint, **values))
