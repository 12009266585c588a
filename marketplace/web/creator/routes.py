"""The creator's workspace."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from ...catalog import NICHES
from . import bp


@bp.route("/")
def dashboard():
    return render_template("creator/dashboard.html", creator=current_user.creator, niche_labels=NICHES)
