"""The figures behind the charts: a campaign's report and the admins' overview, on both databases,
in a fixed number of statements whatever the number of rows."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import event

from marketplace.extensions import db
from marketplace.models import MetricSnapshot, Payout, VerificationReport
from marketplace.money import Money
from marketplace.queries import reports

from ..factories import CreatorFactory, accepted_application
from ..services.test_submission_review import make_submission


@pytest.fixture(autouse=True)
def _each_test_in_a_rolled_back_transaction(db_session):
    yield


@contextmanager
def count_statements():
    """Every SQL statement sent to the database inside the block (the test's savepoints aside)."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            statements.append(statement)

    event.listen(db.engines[None], "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engines[None], "before_cursor_execute", record)


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def posted(campaign, status="verified", **fields):
    """A submission of a new creator accepted into `campaign`."""
    application = accepted_application(campaign=campaign, creator=CreatorFactory(**fields.pop("creator", {})))
    return make_submission(status, application=application, **fields)


# --- campaign report ------------------------------------------------------------------------------

def test_posts_verified_are_counted_per_utc_day_with_the_gaps_filled():
    campaign = accepted_application(slots=6).campaign
    posted(campaign, verified_at=at(2025, 3, 3, 0, 5))
    posted(campaign, verified_at=at(2025, 3, 3, 23, 55))
    posted(campaign, verdict="cannot_verify", verified_at=at(2025, 3, 5, 8))  # checked by hand later: counts
    posted(campaign, status="failed", verdict="fail", verified_at=at(2025, 3, 4))  # failed: does not count
    posted(campaign, status="posted")  # not verified yet
    posted(accepted_application().campaign, verified_at=at(2025, 3, 4))  # another campaign
    days = reports.verified_by_day(campaign.id)
    assert [(row.day, row.count) for row in days] == [
        (date(2025, 3, 3), 2), (date(2025, 3, 4), 0), (date(2025, 3, 5), 1)]


def test_a_campaign_without_verified_posts_has_no_days():
    campaign = accepted_application().campaign
    posted(campaign, status="posted")
    assert reports.verified_by_day(campaign.id) == []


def test_each_creator_s_latest_snapshot_is_shown_widest_reach_first():
    campaign = accepted_application(slots=4).campaign
    ania = posted(campaign, creator={"display_name": "Ania"})
    ben = posted(campaign, creator={"display_name": "Ben"})
    posted(campaign, creator={"display_name": "Cyd"})  # no snapshot yet: not listed
    other = posted(accepted_application().campaign, creator={"display_name": "Elsewhere"})
    db.session.add_all([
        MetricSnapshot(submission_id=ania.id, kind="verification", taken_at=at(2025, 3, 1), reach=100, likes=5),
        MetricSnapshot(submission_id=ania.id, kind="live_check", taken_at=at(2025, 3, 8), reach=900, likes=70,
                       views=1500, comments=4),
        MetricSnapshot(submission_id=ania.id, kind="live_check", taken_at=at(2025, 3, 4), reach=400, likes=30),
        MetricSnapshot(submission_id=ben.id, kind="verification", taken_at=at(2025, 3, 2), reach=None, views=5000,
                       likes=12),
        MetricSnapshot(submission_id=other.id, kind="verification", taken_at=at(2025, 3, 2), reach=99_999),
    ])
    db.session.flush()
    rows = reports.latest_metrics(campaign.id)
    assert [(r.creator_name, r.reach, r.likes, r.views, r.comments) for r in rows] == [
        ("Ania", 900, 70, 1500, 4), ("Ben", None, 12, 5000, None)]
    assert rows[0].taken_at == at(2025, 3, 8) and rows[0].platform == "instagram"


def test_money_is_the_ledger_s_split_of_the_funded_budget():
    application = accepted_application(payout_minor=45_000, fee_per_post_minor=6_750, slots=3)
    report = reports.campaign_report(application.campaign)
    cost = Money(51_750, "PLN")
    assert report.money.funded == Money(3 * 51_750, "PLN")
    assert report.money.reserved == cost and report.money.available == Money(2 * 51_750, "PLN")
    assert report.money.paid == Money(0, "PLN")


def test_the_report_costs_three_statements_whatever_the_rows():
    def build(campaign, n):
        for _ in range(n):
            submission = posted(campaign, verified_at=at(2025, 3, 3))
            db.session.add_all([MetricSnapshot(submission_id=submission.id, kind="verification", reach=10, likes=1),
                                MetricSnapshot(submission_id=submission.id, kind="live_check", reach=20, likes=2)])
        db.session.flush()

    small, large = accepted_application(slots=2).campaign, accepted_application(slots=9).campaign
    build(small, 1)
    build(large, 8)
    with count_statements() as few:
        reports.campaign_report(small)
    with count_statements() as many:
        report = reports.campaign_report(large)
    assert len(report.metrics) == 8 and report.verified_total == 8
    # posts verified per day, the latest snapshots with their creators, the ledger sums
    assert len(few) == len(many) == 3, "\n".join(many)


# --- admin overview -------------------------------------------------------------------------------

TODAY = date(2025, 3, 12)  # a Wednesday; its week starts on Monday 10 March


def paid(application, amount_minor, when, status="paid", currency=None):
    submission = make_submission("live_check_passed", application=application)
    payout = Payout(submission_id=submission.id, campaign_id=application.campaign_id,
                    creator_id=application.creator_id, status=status, amount_minor=amount_minor, fee_minor=100,
                    currency=currency or application.campaign.currency, transferred_at=when)
    db.session.add(payout)
    db.session.flush()
    return payout


def test_the_window_is_twelve_mondays_ending_this_week():
    mondays = reports.window(TODAY)
    assert len(mondays) == 12 and mondays[-1] == date(2025, 3, 10) and mondays[0] == date(2024, 12, 23)
    assert all(monday.weekday() == 0 for monday in mondays)
    assert reports.window(date(2025, 3, 10))[-1] == date(2025, 3, 10)
    assert reports.window(date(2025, 3, 16))[-1] == date(2025, 3, 10)  # Sunday


def test_paid_payouts_are_summed_per_currency_and_week():
    pln = accepted_application(slots=6).campaign
    thb = accepted_application(currency="THB", payout_minor=350_000, fee_per_post_minor=52_500).campaign
    apply = lambda campaign: accepted_application(campaign=campaign)  # noqa: E731
    paid(apply(pln), 45_000, at(2025, 3, 10, 0, 1))      # Monday, this week
    paid(apply(pln), 5_000, at(2025, 3, 12, 9))          # this week
    paid(apply(pln), 20_000, at(2025, 3, 9, 23, 59))     # Sunday: the week before
    paid(apply(pln), 70_000, at(2024, 12, 22))           # before the window
    paid(apply(pln), 99_000, at(2025, 3, 11), status="processing")  # not paid yet
    paid(apply(thb), 350_000, at(2025, 2, 26))
    volume = reports.payout_volume(reports.window(TODAY))
    assert [v.currency for v in volume] == ["PLN", "THB"]
    by_week = {row.week: (row.amount, row.count) for row in volume[0].weeks}
    assert by_week[date(2025, 3, 10)] == (Money(50_000, "PLN"), 2)
    assert by_week[date(2025, 3, 3)] == (Money(20_000, "PLN"), 1)
    assert by_week[date(2024, 12, 23)] == (Money(0, "PLN"), 0)
    assert len(volume[0].weeks) == 12 and volume[0].total == Money(70_000, "PLN") and volume[0].count == 3
    assert volume[1].total == Money(350_000, "THB")
    assert {row.week for row in volume[1].weeks if row.count} == {date(2025, 2, 24)}


def test_pass_rate_counts_verification_reports_only():
    def report(verdict, when, kind="verification"):
        submission = make_submission("verified")
        db.session.add(VerificationReport(submission_id=submission.id, kind=kind, source="instagram_api",
                                          verdict=verdict, checked_at=when, results=[]))

    report("pass", at(2025, 3, 11))
    report("fail", at(2025, 3, 11))
    report("pass", at(2025, 3, 12))
    report("cannot_verify", at(2025, 3, 10))
    report("pass", at(2025, 3, 4))
    report("fail", at(2025, 3, 11), kind="live_check")      # a live check: not counted
    report("pass", at(2025, 3, 11), kind="self_reported")   # not counted
    db.session.flush()
    # make_submission's own reports (checked "now") fall after this window
    rates = {row.week: row for row in reports.pass_rate(reports.window(TODAY))}
    this_week = rates[date(2025, 3, 10)]
    assert (this_week.checked, this_week.passed) == (4, 2) and this_week.rate == 0.5
    assert (rates[date(2025, 3, 3)].checked, rates[date(2025, 3, 3)].rate) == (1, 1.0)
    assert rates[date(2025, 2, 24)].rate is None


def test_an_empty_platform_has_no_volume_and_no_rate():
    overview = reports.overview(TODAY)
    assert overview.payout_volume == [] and overview.checked == 0 and len(overview.weeks) == 12


def test_the_overview_costs_two_statements_whatever_the_rows():
    with count_statements() as few:
        reports.overview(TODAY)
    campaign = accepted_application(slots=8).campaign
    for n in range(6):
        paid(accepted_application(campaign=campaign), 1_000 * (n + 1), at(2025, 3, 3 + n))
    with count_statements() as many:
        overview = reports.overview(TODAY)
    assert overview.payout_volume[0].count == 6
    assert len(few) == len(many) == 2, "\n".join(many)
