"""Loading the signed-in brand's own objects: anything of another brand is a 404."""
from __future__ import annotations

from flask import abort
from flask_login import current_user

from ...extensions import db
from ...models import Brand, Campaign


def brand_or_403() -> Brand:
    brand = current_user.brand
    if brand is None:  # a brand login without its company row: nothing here is theirs
        abort(403)
    return brand


def campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.brand_id != brand_or_403().id:
        abort(404)
    return campaign
