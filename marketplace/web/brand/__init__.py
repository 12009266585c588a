from flask import Blueprint

from ...models import Role
from ..gates import restrict_to

bp = Blueprint("brand", __name__)
restrict_to(bp, Role.BRAND)

from . import billing, funding, report, routes, submissions  # noqa: E402,F401
