"""The campaign form <-> `CampaignInput`, and the live budget and tag checks shown beside it."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import format_percent
from flask_babel import gettext as _

from ...catalog import country_codes
from ...errors import FieldErrors
from ...models import Campaign, utcnow
from ...money import SUPPORTED_CURRENCIES, Money, MoneyParseError
from ...services.campaign_input import (INSTAGRAM_TAG_CAP, MAX_SLOTS, CampaignInput, clean, split_items,
                                        tag_cap_warning)
from ...services.campaigns import minimum_payout
from ...verification import InvalidRequirement, validate_required_hashtag, validate_required_mention
from .forms import CampaignForm, disclosure_default

DATE_FIELDS = frozenset({"application_deadline", "posting_starts", "posting_ends"})
# Errors the service reports on a field the form shows elsewhere.
SHOWN_ON = {"currency": "payout"}


# --- filling the form ----------------------------------------------------------------------------

def new_campaign_data(brand) -> dict:
    """What a new campaign form starts with, from the brand's country and currency."""
    return {
        "platforms": ["instagram"],
        "disclosure_required": True,
        "disclosure_locale": disclosure_default(brand.country),
        "currency": brand.default_currency,
        "slots": 1,
        "min_live_days": 7,
        "min_followers": 0,
        "product_category": "lifestyle",
    }


def campaign_data(campaign: Campaign) -> dict:
    """A stored campaign as form data (hashtags and mentions are stored as matching keys)."""
    return {
        "title": campaign.title,
        "brief": campaign.brief,
        "product_category": campaign.product_category,
        "platforms": campaign.platforms,
        "hashtags": " ".join(f"#{tag}" for tag in campaign.required_hashtags),
        "mentions": " ".join(f"@{name}" for name in campaign.required_mentions),
        "disclosure_required": campaign.disclosure_required,
        "disclosure_locale": campaign.disclosure_locale,
        "payout": campaign.payout.amount_text(),
        "currency": campaign.currency,
        "slots": campaign.slots,
        "application_deadline": campaign.application_deadline.date() if campaign.application_deadline else None,
        "posting_starts": campaign.posting_starts_at.date() if campaign.posting_starts_at else None,
        "posting_ends": campaign.posting_ends_at.date() if campaign.posting_ends_at else None,
        "min_live_days": campaign.min_live_days,
        "countries": campaign.countries,
        "min_followers": campaign.min_followers,
        "niches": campaign.niches,
        "dos": campaign.dos,
        "donts": campaign.donts,
        "drafts_need_approval": campaign.drafts_need_approval,
    }


def prepare(form: CampaignForm, *, locale: str, home_country: str) -> None:
    """Choices that depend on the request: country names in the visitor's language."""
    chosen = [code for code in (form.countries.data or []) if code in country_codes()]
    form.set_country_choices(locale, home=home_country, chosen=chosen)


# --- reading the form ----------------------------------------------------------------------------

def _parse_payout(text: str | None, currency: str | None, locale: str) -> Money:
    """Raises MoneyParseError, or ValueError for a currency we do not support."""
    if currency not in SUPPORTED_CURRENCIES:
        raise ValueError(currency)
    return Money.parse(text or "", currency, locale=locale)


def read(form: CampaignForm, *, locale: str, fallback_currency: str) -> CampaignInput:
    """The submitted form as a CampaignInput; FieldErrors naming every problem at once.

    Call after `form.validate()`. When the form itself has errors (a date that is not a date,
    a payout that is not an amount) the business rules are checked as well, so the brand sees
    everything that needs fixing in one round instead of one problem per submit.
    """
    errors: dict[str | None, list[str]] = {}
    for name, bound in form._fields.items():
        if bound.errors:
            key = None if name == "csrf_token" else SHOWN_ON.get(name, name)
            errors.setdefault(key, []).extend(str(message) for message in bound.errors)

    currency = form.currency.data if form.currency.data in SUPPORTED_CURRENCIES else None
    payout = None
    if currency and "payout" not in errors:
        try:
            payout = _parse_payout(form.payout.data, currency, locale)
        except MoneyParseError as error:
            errors.setdefault("payout", []).append(str(error))

    data = CampaignInput(
        title=form.title.data or "",
        brief=form.brief.data or "",
        product_category=form.product_category.data or "",
        platforms=list(form.platforms.data or []),
        hashtags=split_items(form.hashtags.data or ""),
        mentions=split_items(form.mentions.data or ""),
        disclosure_required=bool(form.disclosure_required.data),
        disclosure_locale=form.disclosure_locale.data or "",
        payout=payout or Money(0, currency or fallback_currency),
        slots=form.slots.data if form.slots.data is not None else 0,
        application_deadline=form.application_deadline.data,
        posting_starts=form.posting_starts.data,
        posting_ends=form.posting_ends.data,
        min_live_days=form.min_live_days.data if form.min_live_days.data is not None else 7,
        countries=list(form.countries.data or []),
        min_followers=form.min_followers.data or 0,
        niches=list(form.niches.data or []),
        dos=form.dos.data or "",
        donts=form.donts.data or "",
        drafts_need_approval=bool(form.drafts_need_approval.data),
    )
    if not errors:
        return data  # the service cleans it (again) itself
    try:
        clean(dataclasses.replace(data), minimum_payout=minimum_payout(data.payout.currency),
              today=utcnow().date())
    except FieldErrors as more:
        unreadable_dates = DATE_FIELDS & errors.keys()
        for name, messages in more.errors.items():
            key = SHOWN_ON.get(name, name) if name else None
            if key in errors or (key in DATE_FIELDS and unreadable_dates):
                continue  # that field's own problem comes first
            errors.setdefault(key, []).extend(str(message) for message in messages)
    raise FieldErrors(errors)


def show(form: CampaignForm, error: FieldErrors) -> None:
    """Put every refused input on its field; anything that fits no field goes on the form."""
    placed: dict[str | None, list[str]] = {}
    for name, messages in error.errors.items():
        key = SHOWN_ON.get(name, name) if name else None
        if key is not None and key not in form._fields:
            key = None
        placed.setdefault(key, []).extend(str(message) for message in messages)
    for name in SHOWN_ON:
        form[name].errors = []
    for name, messages in placed.items():
        if name is None:
            form.form_errors = [*form.form_errors, *messages]
        else:
            form[name].errors = list(dict.fromkeys(messages))


# --- the live checks -----------------------------------------------------------------------------

@dataclass
class Preview:
    """The budget before funding, or why it cannot be computed yet; plus the tag checks."""

    problem: str | None = None
    payout: Money | None = None
    fee: Money | None = None
    cost: Money | None = None
    slots: int = 0
    total: Money | None = None
    fee_percent: str = ""
    below_minimum: Money | None = None
    refused_hashtags: list[str] = field(default_factory=list)
    refused_mentions: list[str] = field(default_factory=list)
    tag_cap: bool = False
    tag_cap_limit: int = INSTAGRAM_TAG_CAP


def _refused(items: list[str], validate) -> tuple[list[str], list[str]]:
    accepted, refused = [], []
    for item in items:
        try:
            accepted.append(validate(item))
        except InvalidRequirement as error:
            refused.append(error.text(_))
    return list(dict.fromkeys(accepted)), refused


def preview(*, payout_text: str | None, currency: str | None, slots_text: str | None,
            hashtags_text: str | None = "", mentions_text: str | None = "", platforms=(),
            disclosure_required: bool = False, locale: str, fee_basis_points: int) -> Preview:
    """Never raises on user input: every problem becomes a sentence in `problem`."""
    result = Preview(fee_percent=format_percent(Decimal(fee_basis_points) / 10_000, "#,##0.##%"))
    hashtags, result.refused_hashtags = _refused(split_items(hashtags_text or ""), validate_required_hashtag)
    _mentions, result.refused_mentions = _refused(split_items(mentions_text or ""), validate_required_mention)
    result.tag_cap = tag_cap_warning(list(platforms), hashtags, disclosure_required)

    slots_text = (slots_text or "").strip()
    if currency not in SUPPORTED_CURRENCIES:
        result.problem = _("Choose a currency to see the budget.")
        return result
    if not (payout_text or "").strip():
        result.problem = _("Enter the payout per post to see the budget.")
        return result
    try:
        payout = _parse_payout(payout_text, currency, locale)
    except MoneyParseError as error:
        result.problem = _("Check the payout: %(problem)s", problem=str(error))
        return result
    if not slots_text.isascii() or not slots_text.isdigit() or not 1 <= int(slots_text) <= MAX_SLOTS:
        result.problem = _("Enter between 1 and %(n)d creator slots to see the budget.", n=MAX_SLOTS)
        return result
    result.payout = payout
    result.fee = payout.fee(fee_basis_points)
    result.cost = payout + result.fee
    result.slots = int(slots_text)
    result.total = result.cost * result.slots
    minimum = minimum_payout(currency)
    if minimum is not None and payout < minimum:
        result.below_minimum = minimum
    return result


def preview_of_form(form: CampaignForm, *, locale: str, fee_basis_points: int) -> Preview:
    """The same checks for the server-rendered page (first load and re-render after errors)."""
    return preview(payout_text=form.payout.data, currency=form.currency.data, slots_text=form.slots._value(),
                   hashtags_text=form.hashtags.data, mentions_text=form.mentions.data,
                   platforms=form.platforms.data or [], disclosure_required=bool(form.disclosure_required.data),
                   locale=locale, fee_basis_points=fee_basis_points)
