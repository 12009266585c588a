"""Friendly error pages, and turning domain errors into HTTP answers."""
from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..db import rollback
from ..errors import PermissionDenied

log = logging.getLogger(__name__)
PAGES = {400, 403, 404, 429}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):
        return render_template("errors/400.html", csrf_failed=True), 400

    @app.errorhandler(PermissionDenied)
    def _denied(error: PermissionDenied):
        rollback()
        return render_template("errors/403.html", description=str(error.message)), 403

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code in PAGES:
            return render_template(f"errors/{error.code}.html"), error.code
        if error.code is not None and error.code >= 500:
            return render_template("errors/500.html"), error.code
        return error

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error
        log.exception("unhandled error")
        rollback()
        return render_template("errors/500.html"), 500
