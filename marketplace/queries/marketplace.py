"""The creator marketplace: open campaigns a creator may apply to, searched, filtered and ranked.

Eligibility is the SQL twin of `services.eligibility.ineligibility()` (plus "a slot is still
free", since applying to a full campaign is refused anyway), and the `fit` ranking is the SQL twin
of `services.eligibility.fit()`: the same points for the same conditions, so the order of the
list and the "why it fits" reasons shown on each card can never disagree (a test compares them).

A page costs a fixed number of statements whatever the number of rows: one SELECT of the page's
campaigns with their brand joined and the total matching (a window COUNT), one SELECT each for
the page's countries and niches, and one grouped COUNT of the slots taken on the page (plus one
for the filter choices). Only a page number past the end costs two more (COUNT, then the last
page).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..catalog import default_currency, normalise_text
from ..extensions import db
from ..models import (Application, Campaign, CampaignCountry, CampaignNiche, CampaignStatus, Creator,
                      MinimumPayout)
from ..services.applications import HOLDING_SLOT
from ..services.eligibility import (AUDIENCE_POINTS, COUNTRY_POINTS, NICHE_POINTS, PLATFORM_POINTS, Fit,
                                    creator_platforms, fit)

PER_PAGE = 20
SORTS = ("fit", "newest", "payout", "deadline")
MAX_WORDS = 8
MAX_WORD_LENGTH = 100
MAX_PAGE = 10_000  # deeper page numbers are typos or probes; they show the last page


@dataclass(frozen=True)
class Filters:
    """What the creator asked for; every field optional. Amounts are minor units of `currency`."""

    words: tuple[str, ...] = ()
    platform: str | None = None
    country: str | None = None
    niche: str | None = None
    currency: str | None = None
    payout_min_minor: int | None = None
    payout_max_minor: int | None = None
    sort: str = "fit"


@dataclass(frozen=True)
class Card:
    campaign: Campaign
    score: int
    fit: Fit
    slots_left: int


@dataclass(frozen=True)
class Page:
    """One page of cards; quacks like Flask-SQLAlchemy's pagination for `_macros/pagination.html`."""

    items: list[Card]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def first(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0


def search_words(query: str) -> tuple[str, ...]:
    """The words of a search, normalised like `campaigns.search_text` (NFKC + casefold).

    Thai is written without spaces, so a Thai word is matched as a substring like any other.
    """
    words = normalise_text(query or "").split()
    return tuple(dict.fromkeys(word[:MAX_WORD_LENGTH] for word in words))[:MAX_WORDS]


# Eligibility and fit in SQL ------------------------------------------------------------------

def _has_country(country: str) -> ColumnElement[bool]:
    return exists().where(CampaignCountry.campaign_id == Campaign.id, CampaignCountry.country == country)


def _has_niche_in(niches: list[str]) -> ColumnElement[bool]:
    return exists().where(CampaignNiche.campaign_id == Campaign.id, CampaignNiche.niche.in_(niches))


def _slots_taken() -> ColumnElement[int]:
    return (select(func.count()).select_from(Application)
            .where(Application.campaign_id == Campaign.id, Application.status.in_(HOLDING_SLOT))
            .scalar_subquery())


def eligible(creator: Creator, *, now: datetime) -> list[ColumnElement[bool]]:
    """Conditions true exactly when `ineligibility(campaign, creator, now=now, minimum=...)` is
    empty, with the minimum payout of the campaign's currency read from `minimum_payouts`."""
    return [
        Campaign.status == CampaignStatus.OPEN.value,
        or_(Campaign.application_deadline.is_(None), Campaign.application_deadline >= now),
        or_(~exists().where(CampaignCountry.campaign_id == Campaign.id), _has_country(creator.country)),
        Campaign.min_followers <= creator.followers,
        or_(~exists().where(CampaignNiche.campaign_id == Campaign.id), _has_niche_in(creator.niches)),
        ~exists().where(MinimumPayout.currency == Campaign.currency,
                        MinimumPayout.minimum_minor > Campaign.payout_minor),
    ]


def fit_score(creator: Creator) -> ColumnElement[int]:
    """`services.eligibility.fit(campaign, creator).score`, as a SQL expression over `campaigns`."""
    niches = creator.niches
    platforms = creator_platforms(creator)
    terms: list[tuple[ColumnElement[bool], int]] = [
        (or_(Campaign.product_category.in_(niches), _has_niche_in(niches)), NICHE_POINTS),
        (_has_country(creator.country), COUNTRY_POINTS),
        (and_(Campaign.min_followers > 0, Campaign.min_followers <= creator.followers), AUDIENCE_POINTS),
    ]
    on_platform = [column for name, column in (("instagram", Campaign.on_instagram), ("tiktok", Campaign.on_tiktok))
                   if name in platforms]
    if on_platform:
        terms.append((or_(*on_platform), PLATFORM_POINTS))
    score: ColumnElement[int] = literal(0)
    for condition, points in terms:
        score = score + case((condition, points), else_=0)
    return score


# Filters and order ---------------------------------------------------------------------------

def _filtered(creator: Creator, filters: Filters, *, now: datetime) -> list[ColumnElement[bool]]:
    conditions = eligible(creator, now=now)
    conditions.append(_slots_taken() < Campaign.slots)
    for word in filters.words:
        conditions.append(Campaign.search_text.contains(word, autoescape=True))
    if filters.platform == "instagram":
        conditions.append(Campaign.on_instagram)
    elif filters.platform == "tiktok":
        conditions.append(Campaign.on_tiktok)
    if filters.country:
        conditions.append(_has_country(filters.country))
    if filters.niche:
        conditions.append(or_(Campaign.product_category == filters.niche, _has_niche_in([filters.niche])))
    if filters.currency:
        conditions.append(Campaign.currency == filters.currency)
        if filters.payout_min_minor is not None:
            conditions.append(Campaign.payout_minor >= filters.payout_min_minor)
        if filters.payout_max_minor is not None:
            conditions.append(Campaign.payout_minor <= filters.payout_max_minor)
    return conditions


def _order(creator: Creator, filters: Filters, score: ColumnElement[int]) -> list[ColumnElement]:
    newest = [Campaign.created_at.desc(), Campaign.id.desc()]
    if filters.sort == "newest":
        return newest
    if filters.sort == "payout":
        # Amounts are compared within one currency only: without a currency filter, the creator's
        # home currency comes first, then the others grouped by currency.
        by_currency = [] if filters.currency else [
            case((Campaign.currency == default_currency(creator.country), 0), else_=1), Campaign.currency]
        return [*by_currency, Campaign.payout_minor.desc(), *newest]
    if filters.sort == "deadline":
        return [Campaign.application_deadline.is_(None), Campaign.application_deadline.asc(), Campaign.id.asc()]
    return [score.desc(), *newest]


def marketplace_page(creator: Creator, filters: Filters, *, now: datetime, page: int = 1,
                     per_page: int = PER_PAGE) -> Page:
    """The cards of one page (a page past the end shows the last one).

    The total comes with the rows (`count(*) OVER ()`), so the eligibility conditions are
    evaluated once per request rather than once for a COUNT and again for the page.
    """
    page = min(max(page, 1), MAX_PAGE)
    rows = _page_rows(creator, filters, now=now, page=page, per_page=per_page)
    if not rows and page > 1:  # past the end (an old link): count, then show the last page
        total = db.session.scalar(select(func.count()).select_from(Campaign)
                                  .where(*_filtered(creator, filters, now=now))) or 0
        page = max(1, math.ceil(total / per_page))
        rows = _page_rows(creator, filters, now=now, page=page, per_page=per_page) if total else []
    if not rows:
        return Page([], page, per_page, 0)
    taken = slots_taken([row.Campaign.id for row in rows])
    cards = [Card(row.Campaign, int(row.score), fit(row.Campaign, creator),
                  max(row.Campaign.slots - taken.get(row.Campaign.id, 0), 0)) for row in rows]
    return Page(cards, page, per_page, int(rows[0].total))


def _page_rows(creator: Creator, filters: Filters, *, now: datetime, page: int, per_page: int):
    score = fit_score(creator).label("score")  # ORDER BY the label: computed once per row
    return db.session.execute(
        select(Campaign, score, func.count().over().label("total"))
        .where(*_filtered(creator, filters, now=now))
        .order_by(*_order(creator, filters, score))
        .limit(per_page).offset((page - 1) * per_page)
        .options(joinedload(Campaign.brand), selectinload(Campaign.country_rows),
                 selectinload(Campaign.niche_rows))
    ).all()


def slots_taken(campaign_ids: list[int]) -> dict[int, int]:
    """Slots held by accepted or completed applications, for many campaigns in one query."""
    if not campaign_ids:
        return {}
    rows = db.session.execute(
        select(Application.campaign_id, func.count())
        .where(Application.campaign_id.in_(campaign_ids), Application.status.in_(HOLDING_SLOT))
        .group_by(Application.campaign_id)
    ).all()
    return {campaign_id: int(count) for campaign_id, count in rows}


@dataclass(frozen=True)
class Choices:
    """Values worth offering in the filters: those some open campaign actually has."""

    currencies: list[str]
    countries: set[str]


def filter_choices() -> Choices:
    """Currencies and target countries of the open campaigns, in one statement.

    Countries: the few distinct codes of `campaign_countries`, each kept if one open campaign
    targets it (an EXISTS that stops at the first), rather than joining every targeting row.
    """
    is_open = Campaign.status == CampaignStatus.OPEN.value
    targeted = select(CampaignCountry.country).distinct().subquery("targeted")
    targeting = aliased(CampaignCountry)
    rows = db.session.execute(union_all(
        select(literal("currency").label("kind"), Campaign.currency.label("value"))
        .where(is_open).group_by(Campaign.currency),
        select(literal("country"), targeted.c.country)
        .where(exists().where(targeting.country == targeted.c.country, targeting.campaign_id == Campaign.id,
                              is_open)),
    )).all()
    return Choices(currencies=sorted(value for kind, value in rows if kind == "currency"),
                   countries={value for kind, value in rows if kind == "country"})
