from flask import Blueprint

from ...models import Role
from ..gates import restrict_to

bp = Blueprint("admin", __name__)
restrict_to(bp, Role.ADMIN)

from . import audit, campaigns, disputes, overview, payouts, reconciliation, routes, sandbox  # noqa: E402,F401
