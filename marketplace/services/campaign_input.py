"""What a brand may put in a campaign, checked field by field before anything is saved."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from ..catalog import NICHES, country_codes
from ..errors import FieldErrors
from ..money import SUPPORTED_CURRENCIES, Money
from ..verification import (LOCALES, InvalidRequirement, validate_required_hashtag,
                            validate_required_mention)

INSTAGRAM_TAG_CAP = 5
MAX_SLOTS = 500
MAX_LIVE_DAYS = 365
MAX_TITLE = 140
MAX_FOLLOWERS = 1_000_000_000
MAX_DAYS_AHEAD = 730  # campaigns are planned at most two years ahead


@dataclass
class CampaignInput:
    title: str
    brief: str
    product_category: str
    platforms: list[str]
    hashtags: list[str]
    mentions: list[str]
    disclosure_required: bool
    disclosure_locale: str
    payout: Money
    slots: int
    application_deadline: date | None
    posting_starts: date | None
    posting_ends: date | None
    min_live_days: int
    countries: list[str] = field(default_factory=list)
    min_followers: int = 0
    niches: list[str] = field(default_factory=list)
    dos: str = ""
    donts: str = ""
    drafts_need_approval: bool = False


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def end_of_day(day: date) -> datetime:
    return start_of_day(day) + timedelta(days=1) - timedelta(microseconds=1)


def split_items(text: str) -> list[str]:
    """Hashtags or usernames typed as a list: commas, new lines or spaces separate them."""
    return [item for item in text.replace(",", " ").split() if item]


def clean(data: CampaignInput, *, minimum_payout: Money | None, today: date) -> CampaignInput:
    """Validate and normalise; raise FieldErrors naming every problem at once."""
    errors: dict[str | None, list[str]] = {}

    def refuse(name: str, message) -> None:
        errors.setdefault(name, []).append(message)

    data.title = data.title.strip()
    if not data.title:
        refuse("title", _l("Give the campaign a title."))
    elif len(data.title) > MAX_TITLE:
        refuse("title", _l("Keep the title under %(n)d characters.", n=MAX_TITLE))
    if data.product_category not in NICHES:
        refuse("product_category", _l("Choose a product category from the list."))
    if not data.platforms or set(data.platforms) - {"instagram", "tiktok"}:
        refuse("platforms", _l("Choose Instagram, TikTok or both."))
    data.hashtags = _unique(_validated(data.hashtags, validate_required_hashtag, "hashtags", refuse))
    data.mentions = _unique(_validated(data.mentions, validate_required_mention, "mentions", refuse))
    if data.disclosure_locale not in LOCALES:
        refuse("disclosure_locale", _l("Choose a disclosure rule from the list."))
    if data.payout.currency not in SUPPORTED_CURRENCIES:
        refuse("currency", _l("Choose a currency from the list."))
    if data.payout.minor <= 0:
        refuse("payout", _l("Enter the amount a creator receives per post."))
    elif minimum_payout is not None and data.payout < minimum_payout:
        refuse("payout", _l("Campaigns in %(currency)s pay at least %(minimum)s per post.",
                            currency=data.payout.currency, minimum=str(minimum_payout)))
    if not 1 <= data.slots <= MAX_SLOTS:
        refuse("slots", _l("Between 1 and %(n)d creators.", n=MAX_SLOTS))
    if not 0 <= data.min_live_days <= MAX_LIVE_DAYS:
        refuse("min_live_days", _l("Between 0 and %(n)d days.", n=MAX_LIVE_DAYS))
    if not 0 <= data.min_followers <= MAX_FOLLOWERS:
        refuse("min_followers", _l("Between 0 and %(n)s followers.", n=f"{MAX_FOLLOWERS:,}"))
    _check_dates(data, today, refuse)
    unknown_countries = set(data.countries) - country_codes()
    if unknown_countries:
        refuse("countries", _l("Unknown country: %(codes)s.", codes=", ".join(sorted(unknown_countries))))
    if set(data.niches) - set(NICHES):
        refuse("niches", _l("Choose niches from the list."))
    if errors:
        raise FieldErrors(errors)
    return data


def _check_dates(data: CampaignInput, today: date, refuse) -> None:
    start, end, deadline = data.posting_starts, data.posting_ends, data.application_deadline
    if start is None or end is None:
        refuse("posting_ends", _l("Give the first and last day creators may post."))
    elif end < start:
        refuse("posting_ends", _l("The posting window ends before it starts."))
    elif end < today:
        refuse("posting_ends", _l("The posting window is already over."))
    elif end > today + timedelta(days=MAX_DAYS_AHEAD):
        refuse("posting_ends", _l("Plan at most two years ahead."))
    if deadline is None:
        refuse("application_deadline", _l("Give the last day creators can apply."))
    elif deadline < today:
        refuse("application_deadline", _l("The application deadline has passed."))
    elif end is not None and deadline > end:
        refuse("application_deadline", _l("Applications must close before the posting window ends."))


def _validated(items, validate, name, refuse) -> list[str]:
    accepted = []
    for item in items:
        try:
            accepted.append(validate(item))
        except InvalidRequirement as error:
            refuse(name, f"{item}: {error.text(gettext)}")
    return accepted


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def tag_cap_warning(platforms: list[str], hashtags: list[str], disclosure_required: bool) -> bool:
    """True when the required tags plus a disclosure hashtag exceed Instagram's 5-tag cap."""
    disclosure_tag = 1 if disclosure_required else 0
    return "instagram" in platforms and len(set(hashtags)) + disclosure_tag > INSTAGRAM_TAG_CAP
