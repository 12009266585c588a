"""Figures behind the charts: a brand's campaign report and the admins' overview.

Every series is computed by the database and arrives grouped, so a page costs a fixed number of
statements whatever the number of posts, snapshots, payouts or reports:

- campaign report: one grouped SELECT of the posts verified per day, one SELECT of the latest
  metrics snapshot per submission (a window function) with its creator joined, and the one
  grouped ledger SELECT behind `ledger.campaign_money`;
- admin overview: one grouped SELECT of the paid payouts per currency and week, one grouped
  SELECT of the verification reports and passes per week.

Days and weeks are UTC calendar days and ISO weeks (starting on Monday); gaps are filled with
zeros so a chart's time axis has no holes. Amounts stay integer minor units; only the chart
data (`major`) turns them into numbers for drawing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import Date, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..extensions import db
from ..models import (Campaign, Creator, MetricSnapshot, Payout, PayoutStatus, Submission, Verdict,
                      VerificationReport)
from ..money import Money, exponent
from ..services.ledger import CampaignMoney, campaign_money

WEEKS = 12  # the overview's window: this week and the eleven before it


# --- UTC day and ISO week of a timestamp, on SQLite and PostgreSQL alike -------------------------

class utc_day(FunctionElement):  # noqa: N801 - reads like the SQL function it is
    """The UTC calendar day of a `UTCDateTime` column."""

    type = Date()
    inherit_cache = True


class utc_week(FunctionElement):  # noqa: N801
    """The Monday (UTC) starting the ISO week of a `UTCDateTime` column."""

    type = Date()
    inherit_cache = True


@compiles(utc_day, "sqlite")
def _sqlite_day(element, compiler, **kw):  # SQLite keeps UTC as naive text
    return "date(%s)" % compiler.process(element.clauses, **kw)


@compiles(utc_week, "sqlite")
def _sqlite_week(element, compiler, **kw):  # the coming Sunday (or today), then back to Monday
    return "date(%s, 'weekday 0', '-6 days')" % compiler.process(element.clauses, **kw)


@compiles(utc_day)
def _pg_day(element, compiler, **kw):
    return "CAST(timezone('UTC', %s) AS DATE)" % compiler.process(element.clauses, **kw)


@compiles(utc_week)
def _pg_week(element, compiler, **kw):
    return "CAST(date_trunc('week', timezone('UTC', %s)) AS DATE)" % compiler.process(element.clauses, **kw)


def _as_date(value: date | datetime | str) -> date:
    """SQLite answers 'YYYY-MM-DD' text; PostgreSQL a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def major(amount: Money) -> str:
    """Major units as an exact decimal string (e.g. "517.50"), for drawing only: the chart reads it
    as a number; tables show the formatted Money."""
    return str(Decimal(amount.minor).scaleb(-exponent(amount.currency)))


# --- the brand's campaign report ------------------------------------------------------------------

@dataclass(frozen=True)
class DayCount:
    day: date
    count: int


@dataclass(frozen=True)
class CreatorMetrics:
    """The latest metrics snapshot of one creator's submission (None: the platform did not say)."""

    creator_id: int
    creator_name: str
    platform: str
    taken_at: datetime
    reach: int | None
    views: int | None
    likes: int | None
    comments: int | None


@dataclass(frozen=True)
class CampaignReport:
    verified_by_day: list[DayCount]
    metrics: list[CreatorMetrics]
    money: CampaignMoney

    @property
    def verified_total(self) -> int:
        return sum(row.count for row in self.verified_by_day)


def verified_by_day(campaign_id: int) -> list[DayCount]:
    """Posts that passed verification (or could only be checked by hand), per UTC day of the
    verdict, every day from the first to the last one included."""
    day = utc_day(Submission.verified_at)
    rows = db.session.execute(
        select(day, func.count()).where(
            Submission.campaign_id == campaign_id, Submission.verified_at.is_not(None),
            or_(Submission.verdict.is_(None), Submission.verdict != Verdict.FAIL.value))
        .group_by(day).order_by(day)
    ).all()
    counts = {_as_date(when): int(count) for when, count in rows}
    if not counts:
        return []
    first, last = min(counts), max(counts)
    return [DayCount(first + timedelta(days=n), counts.get(first + timedelta(days=n), 0))
            for n in range((last - first).days + 1)]


def latest_metrics(campaign_id: int) -> list[CreatorMetrics]:
    """Per submission of the campaign, its most recent metrics snapshot; the widest reach first
    (then the most views, for posts whose platform gives no reach)."""
    ranked = (
        select(MetricSnapshot.submission_id, MetricSnapshot.taken_at, MetricSnapshot.reach, MetricSnapshot.views,
               MetricSnapshot.likes, MetricSnapshot.comments,
               func.row_number().over(partition_by=MetricSnapshot.submission_id,
                                      order_by=(MetricSnapshot.taken_at.desc(), MetricSnapshot.id.desc()))
               .label("position"))
        .join(Submission, Submission.id == MetricSnapshot.submission_id)
        .where(Submission.campaign_id == campaign_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Creator.id, Creator.display_name, Submission.platform, ranked.c.taken_at, ranked.c.reach,
               ranked.c.views, ranked.c.likes, ranked.c.comments)
        .join(Submission, Submission.id == ranked.c.submission_id)
        .join(Creator, Creator.id == Submission.creator_id)
        .where(ranked.c.position == 1)
        .order_by(func.coalesce(ranked.c.reach, -1).desc(), func.coalesce(ranked.c.views, -1).desc(),
                  Creator.display_name, Creator.id)
    ).all()
    return [CreatorMetrics(*row) for row in rows]


def campaign_report(campaign: Campaign) -> CampaignReport:
    return CampaignReport(verified_by_day=verified_by_day(campaign.id), metrics=latest_metrics(campaign.id),
                          money=campaign_money(campaign))


# --- the admins' overview -------------------------------------------------------------------------

@dataclass(frozen=True)
class WeekAmount:
    week: date          # the Monday it starts on
    amount: Money
    count: int


@dataclass(frozen=True)
class CurrencyVolume:
    currency: str
    weeks: list[WeekAmount]

    @property
    def total(self) -> Money:
        return Money.sum((row.amount for row in self.weeks), self.currency)

    @property
    def count(self) -> int:
        return sum(row.count for row in self.weeks)


@dataclass(frozen=True)
class WeekRate:
    week: date
    checked: int
    passed: int

    @property
    def rate(self) -> float | None:
        """Share passed, 0..1; None for a week without verifications."""
        return self.passed / self.checked if self.checked else None


@dataclass(frozen=True)
class Overview:
    weeks: list[date]                 # the window's Mondays, oldest first
    payout_volume: list[CurrencyVolume]
    pass_rate: list[WeekRate]

    @property
    def checked(self) -> int:
        return sum(row.checked for row in self.pass_rate)

    @property
    def passed(self) -> int:
        return sum(row.passed for row in self.pass_rate)


def window(today: date, weeks: int = WEEKS) -> list[date]:
    last = monday_of(today)
    return [last - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]


def _start(mondays: list[date]) -> datetime:
    return datetime.combine(mondays[0], datetime.min.time(), tzinfo=timezone.utc)


# When a paid payout left: the transfer (paid_at only comes with the creator's bank payout).
_PAID_WHEN = func.coalesce(Payout.transferred_at, Payout.paid_at, Payout.status_changed_at, Payout.created_at)


def payout_volume(mondays: list[date]) -> list[CurrencyVolume]:
    """Paid payouts (what reached creators, fees excluded) per currency and week; currencies in
    alphabetical order, only those with a payout in the window."""
    week = utc_week(_PAID_WHEN)
    rows = db.session.execute(
        select(Payout.currency, week, func.sum(Payout.amount_minor), func.count())
        .where(Payout.status == PayoutStatus.PAID.value, _PAID_WHEN >= _start(mondays))
        .group_by(Payout.currency, week)
    ).all()
    found: dict[str, dict[date, tuple[int, int]]] = {}
    for currency, monday, total, count in rows:
        found.setdefault(currency, {})[_as_date(monday)] = (int(total), int(count))
    return [CurrencyVolume(currency, [WeekAmount(monday, Money(found[currency].get(monday, (0, 0))[0], currency),
                                                 found[currency].get(monday, (0, 0))[1]) for monday in mondays])
            for currency in sorted(found)]


def pass_rate(mondays: list[date]) -> list[WeekRate]:
    """Verification reports (kind "verification", not live checks or self-reports) per week and
    how many of them passed."""
    week = utc_week(VerificationReport.checked_at)
    rows = db.session.execute(
        select(week, func.count(), func.sum(case((VerificationReport.verdict == Verdict.PASS.value, 1), else_=0)))
        .where(and_(VerificationReport.kind == "verification", VerificationReport.checked_at >= _start(mondays)))
        .group_by(week)
    ).all()
    found = {_as_date(monday): (int(checked), int(passed or 0)) for monday, checked, passed in rows}
    return [WeekRate(monday, *found.get(monday, (0, 0))) for monday in mondays]


def overview(today: date, weeks: int = WEEKS) -> Overview:
    mondays = window(today, weeks)
    return Overview(weeks=mondays, payout_volume=payout_volume(mondays), pass_rate=pass_rate(mondays))
