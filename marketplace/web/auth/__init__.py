from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import notifications, routes  # noqa: E402,F401
