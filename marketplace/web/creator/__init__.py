from flask import Blueprint

from ...models import Role
from ..gates import restrict_to

bp = Blueprint("creator", __name__)
restrict_to(bp, Role.CREATOR)

from . import accounts, earnings, payouts, routes, submissions  # noqa: E402,F401
