"""The brand's workspace."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user
from sqlalchemy import select

from ...extensions import db
from ...models import Campaign
from . import bp


@bp.route("/")
def dashboard():
    brand = current_user.brand
    campaigns = db.session.scalars(
        select(Campaign).where(Campaign.brand_id == brand.id).order_by(Campaign.created_at.desc())
    ).all()
    return render_template("brand/dashboard.html", brand=brand, campaigns=campaigns)
