"""Webhooks from outside services: no session, no CSRF, every request signature-checked."""
from flask import Blueprint

from ...extensions import csrf

bp = Blueprint("webhooks", __name__)
csrf.exempt(bp)

from . import routes  # noqa: E402,F401
