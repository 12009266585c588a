"""Where each kind of account lands after signing in."""
from __future__ import annotations

from flask import url_for

from ..models import Role, User

HOME_ENDPOINTS = {Role.BRAND: "brand.dashboard", Role.CREATOR: "creator.dashboard", Role.ADMIN: "admin.dashboard"}


def home_for(user: User) -> str:
    return url_for(HOME_ENDPOINTS[Role(user.role)])
