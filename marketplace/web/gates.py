"""Deny by default: a role blueprint lets in only signed-in users of its role."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import current_user

from ..extensions import login_manager
from ..models import Role


def restrict_to(bp: Blueprint, role: Role) -> None:
    @bp.before_request
    def _gate():
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role != role:
            abort(403)
        return None
