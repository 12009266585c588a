"""Who may apply to a campaign, and why a campaign fits a creator.

Pure functions over loaded objects; the marketplace query mirrors `fit_score` in SQL so that
ranking and the "why it fits" explanation can never disagree (a test compares the two).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from ..models import Campaign, CampaignStatus, Creator
from ..money import Money

NICHE_POINTS = 3
COUNTRY_POINTS = 2
PLATFORM_POINTS = 2
AUDIENCE_POINTS = 1


@dataclass(frozen=True)
class Fit:
    score: int
    reasons: list[str]


def creator_platforms(creator: Creator) -> set[str]:
    platforms = set()
    if creator.instagram_handle:
        platforms.add("instagram")
    if creator.tiktok_handle:
        platforms.add("tiktok")
    return platforms


def ineligibility(campaign: Campaign, creator: Creator, *, now: datetime,
                  minimum: Money | None = None) -> list[str]:
    """Why this creator cannot apply (empty when they can)."""
    reasons = []
    if campaign.status != CampaignStatus.OPEN:
        reasons.append(_l("The campaign is not open for applications."))
    elif campaign.application_deadline and campaign.application_deadline < now:
        reasons.append(_l("Applications closed on the deadline."))
    if campaign.countries and creator.country not in campaign.countries:
        reasons.append(_l("The brand is looking for creators in other countries."))
    if creator.followers < campaign.min_followers:
        reasons.append(_l("The campaign asks for at least %(n)s followers.", n=f"{campaign.min_followers:,}"))
    if campaign.niches and not set(campaign.niches) & set(creator.niches):
        reasons.append(_l("The brand is looking for creators in other niches."))
    if minimum is not None and campaign.payout < minimum:
        reasons.append(_l("The payout is below the platform minimum."))
    return reasons


def fit(campaign: Campaign, creator: Creator) -> Fit:
    """How well an (eligible) campaign fits, and the reasons shown to the creator."""
    score, reasons = 0, []
    wanted = set(campaign.niches) | {campaign.product_category}
    matched = sorted(wanted & set(creator.niches))
    if matched:
        score += NICHE_POINTS
        reasons.append(_l("Matches your niche"))
    if creator.country in campaign.countries:
        score += COUNTRY_POINTS
        reasons.append(_l("Looking for creators in your country"))
    if set(campaign.platforms) & creator_platforms(creator):
        score += PLATFORM_POINTS
        reasons.append(_l("On a platform you post on"))
    if campaign.min_followers and creator.followers >= campaign.min_followers:
        score += AUDIENCE_POINTS
        reasons.append(_l("Your audience is the size they want"))
    return Fit(score, reasons)
