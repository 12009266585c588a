"""Live checks: the schedule, the grace period, take-downs and settlement, against the fake platforms."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import CaptionSnapshot, MetricSnapshot, Payout, Submission, utcnow
from marketplace.money import Money
from marketplace.services import ledger, live_checks, post_report
from marketplace.services.submission_states import move

from .test_verifier import POLISH, campaign_application, notifications, posted, relink, reports, rules, verified

PUBLISHED = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


def check_at(submission, when) -> Submission:
    live_checks.check(submission.id, when)
    return db.session.get(Submission, submission.id)


def approve(submission) -> None:
    """What the brand's approval does to the submission (the review service is another module's)."""
    move(submission, "approved", actor=submission.campaign.brand.user)
    submission.reviewed_at = utcnow()


def post_id(submission) -> str:
    return submission.post_id


def balances(campaign) -> dict[str, Money]:
    return ledger.balances([ledger.escrow(campaign.id), ledger.reserved(campaign.id)], campaign.currency)


# --- schedule -------------------------------------------------------------------------------------

def test_the_schedule_is_day_one_three_seven_then_weekly_with_a_final_check():
    live_until = PUBLISHED + timedelta(days=30)
    seen, after = [], PUBLISHED
    while (point := live_checks.next_check_at(PUBLISHED, live_until, after)) is not None:
        seen.append((point - PUBLISHED).days)
        after = point
    assert seen == [1, 3, 7, 14, 21, 28, 30]
    short = PUBLISHED + timedelta(days=2, hours=5)
    assert live_checks.next_check_at(PUBLISHED, short, PUBLISHED + timedelta(days=1)) == short
    assert live_checks.next_check_at(PUBLISHED, short, short) is None


def test_verification_schedules_the_first_check_a_day_after_publication(platforms):
    submission = verified(platforms.fake)
    assert submission.next_live_check_at == submission.published_at + timedelta(days=1)
    assert check_at(submission, submission.published_at + timedelta(hours=23)).live_checks_done == 0  # not due


# --- a compliant post -----------------------------------------------------------------------------

def test_a_compliant_check_stores_what_it_saw_and_schedules_the_next(platforms):
    fake = platforms.fake
    submission = verified(fake)
    fake.set_counts(post_id(submission), likes=40, views=900)
    day1 = submission.published_at + timedelta(days=1, minutes=5)
    submission = check_at(submission, day1)

    assert submission.status == "verified" and submission.live_checks_done == 1
    assert submission.next_live_check_at == submission.published_at + timedelta(days=3)
    report = reports(submission)[-1]
    assert (report.kind, report.verdict, report.checked_at) == ("live_check", "pass", day1)
    assert [entry["rule"] for entry in report.results][:3] == ["ownership", "posting_window", "still_live"]
    assert rules(report)["still_live"]["status"] == "pass"
    sightings = db.session.scalars(select(CaptionSnapshot.source).where(
        CaptionSnapshot.submission_id == submission.id).order_by(CaptionSnapshot.id)).all()
    assert sightings == ["verification", "live_check"]
    metrics = db.session.scalars(select(MetricSnapshot).where(MetricSnapshot.submission_id == submission.id)
                                 .order_by(MetricSnapshot.id)).all()
    assert (metrics[-1].kind, metrics[-1].likes, metrics[-1].views) == ("live_check", 40, 900)


def test_compliant_to_the_end_and_approved_becomes_payable_with_balanced_books(platforms):
    submission = verified(platforms.fake)
    campaign = submission.campaign
    approve(submission)
    live_checks.after_approval(submission, utcnow())
    assert submission.status == "approved"  # the live period is not over: the schedule continues
    published = submission.published_at
    for day in (1, 3):
        submission = check_at(submission, published + timedelta(days=day, minutes=1))
    assert submission.next_live_check_at == submission.live_until == published + timedelta(days=7)
    submission = check_at(submission, submission.live_until)

    assert submission.status == "live_check_passed" and submission.next_live_check_at is None
    payout = db.session.scalar(select(Payout).where(Payout.submission_id == submission.id))
    assert (payout.status, payout.amount_minor, payout.fee_minor, payout.currency) == (
        "pending_approval", 50_000, 7_500, "PLN")
    assert submission.application.status == "completed"
    assert ledger.imbalances() == []
    assert balances(campaign) == {ledger.escrow(campaign.id): Money(57_500 * 2, "PLN"),  # two open slots
                                  ledger.reserved(campaign.id): Money(0, "PLN")}
    assert ledger.balance(ledger.creator_payable(submission.creator_id), "PLN") == Money(50_000, "PLN")
    assert ledger.campaign_money(campaign).paid == Money(57_500, "PLN")
    [earned] = notifications(submission.creator.user, "payout_pending")
    assert earned.params["amount"] == Money(50_000, "PLN").format("en") and earned.link == "/creator/payouts"


def test_an_unreviewed_post_stops_being_checked_and_is_settled_on_approval(platforms):
    submission = verified(platforms.fake)
    submission = check_at(submission, submission.live_until + timedelta(hours=1))
    assert (submission.status, submission.next_live_check_at) == ("verified", None)
    assert db.session.scalar(select(func.count()).select_from(Payout)) == 0

    approve(submission)
    live_checks.after_approval(submission, submission.live_until + timedelta(days=2))
    assert submission.status == "live_check_passed"
    assert db.session.scalar(select(Payout).where(Payout.submission_id == submission.id)) is not None
    assert ledger.imbalances() == []


def test_after_approval_waits_while_a_grace_period_is_open(platforms):
    fake = platforms.fake
    submission = verified(fake)
    fake.delete_post(post_id(submission))
    submission = check_at(submission, submission.live_until)
    assert submission.grace_until is not None
    approve(submission)
    live_checks.after_approval(submission, submission.live_until + timedelta(hours=1))
    assert submission.status == "approved"
    assert submission.next_live_check_at is not None


# --- broken posts ---------------------------------------------------------------------------------

def test_a_deleted_post_gets_a_grace_period_then_is_taken_down_and_the_money_released(platforms):
    fake = platforms.fake
    submission = verified(fake)
    campaign = submission.campaign
    reserved_before = balances(campaign)[ledger.reserved(campaign.id)]
    fake.delete_post(post_id(submission))
    found_at = submission.published_at + timedelta(days=1, minutes=1)
    submission = check_at(submission, found_at)

    assert submission.status == "verified"
    assert submission.grace_until == found_at + timedelta(hours=48)
    assert submission.next_live_check_at == found_at + timedelta(hours=6)
    assert "deleted, archived or made private" in submission.live_issue
    report = reports(submission)[-1]
    assert (report.kind, report.verdict, report.caption) == ("live_check", "fail", None)
    assert [(e["rule"], e["status"]) for e in report.results] == [("still_live", "fail")]
    [to_creator] = notifications(submission.creator.user, "live_issue")
    assert to_creator.params["deadline"] and to_creator.params["reason"] == submission.live_issue
    assert notifications(campaign.brand.user, "live_issue_brand")

    checked = []
    while submission.status != "taken_down" and len(checked) < 10:  # every 6 hours: still gone
        checked.append(submission.next_live_check_at)
        submission = check_at(submission, checked[-1])
    assert checked == [found_at + timedelta(hours=h) for h in range(6, 49, 6)]
    assert submission.grace_until == found_at + timedelta(hours=48)  # the deadline never moved
    assert submission.status == "taken_down" and submission.next_live_check_at is None
    assert len(notifications(submission.creator.user, "live_issue")) == 1  # told once
    assert balances(campaign)[ledger.reserved(campaign.id)] == reserved_before - campaign.cost_per_post
    assert balances(campaign)[ledger.escrow(campaign.id)] == campaign.total_budget  # every slot's money is back
    assert ledger.imbalances() == []
    assert notifications(submission.creator.user, "taken_down")
    assert notifications(campaign.brand.user, "taken_down")
    assert db.session.scalar(select(func.count()).select_from(Payout)) == 0


def test_edited_out_of_compliance_then_restored_within_grace(platforms):
    fake = platforms.fake
    submission = verified(fake)
    fake.edit_caption(post_id(submission), "Poranna kawa z @palarnia.krakow ☕ #PalarniaKraków")
    day1 = submission.published_at + timedelta(days=1)
    submission = check_at(submission, day1)
    assert submission.grace_until == day1 + timedelta(hours=48)
    assert "no advertising label" in submission.live_issue
    assert rules(reports(submission)[-1])["disclosure"]["status"] == "fail"

    fake.edit_caption(post_id(submission), POLISH)
    submission = check_at(submission, submission.next_live_check_at)
    assert (submission.grace_until, submission.live_issue) == (None, None)
    assert submission.status == "verified"
    assert submission.next_live_check_at == submission.published_at + timedelta(days=3)
    assert notifications(submission.creator.user, "live_restored")


def test_a_broken_post_still_broken_at_live_until_is_not_paid(platforms):
    fake = platforms.fake
    submission = verified(fake)
    approve(submission)
    fake.archive_post(post_id(submission))
    submission = check_at(submission, submission.live_until)
    assert submission.status == "approved" and submission.grace_until is not None
    fake.archive_post(post_id(submission), archived=False)
    submission = check_at(submission, submission.next_live_check_at)
    assert submission.status == "live_check_passed"  # restored in time, period over: payable


def test_platform_trouble_postpones_the_check_by_an_hour_without_a_verdict(platforms):
    fake = platforms.fake
    submission = verified(fake)
    fake.inject_error("instagram", "/v23.0/", status=500, body_kind="server_error", times=1)
    day1 = submission.published_at + timedelta(days=1)
    submission = check_at(submission, day1)
    assert submission.next_live_check_at == day1 + timedelta(hours=1)
    assert submission.grace_until is None and submission.live_checks_done == 0
    assert "did not answer properly" in submission.last_error  # the last read failed
    assert [report.kind for report in reports(submission)] == ["verification"]
    submission = check_at(submission, submission.next_live_check_at)
    assert submission.last_error is None and submission.live_checks_done == 1


def the_creators_token_is_refused(fake, submission) -> None:
    fake.inject_error("instagram", "/v23.0/", body_kind="invalid_token", times=1)


def the_stored_token_cannot_be_decrypted(fake, submission) -> None:
    submission.linked_account.access_token_encrypted = "sealed with a key that was rotated away"
    db.session.flush()


@pytest.mark.parametrize("lose_access", [the_creators_token_is_refused, the_stored_token_cannot_be_decrypted])
def test_a_post_the_creators_account_no_longer_reads_gets_a_grace_period_then_is_taken_down(platforms, lose_access):
    fake = platforms.fake
    submission = verified(fake)
    creator = submission.creator.user
    lose_access(fake, submission)
    day1 = submission.published_at + timedelta(days=1)
    submission = check_at(submission, day1)

    deadline = day1 + timedelta(hours=48)
    assert (submission.status, submission.grace_until) == ("verified", deadline)
    assert submission.live_issue == ("We can no longer read your post because your Instagram connection was removed "
                                     f"or expired: link it again by {post_report.when(deadline)}.")
    assert submission.linked_account.status == "relink_needed" and submission.last_error
    [told] = notifications(creator, "live_issue")
    assert told.params["reason"] == submission.live_issue and told.params["deadline"]
    assert notifications(submission.campaign.brand.user, "live_issue_brand")
    assert len(notifications(creator, "relink_needed")) == 1
    assert [report.kind for report in reports(submission)] == ["verification"]  # nothing was read: no verdict

    asked = len(fake.requests())
    checked = []
    while submission.status != "taken_down" and len(checked) < 10:  # never linked again
        checked.append(submission.next_live_check_at)
        submission = check_at(submission, checked[-1])
    assert checked == [day1 + timedelta(hours=h) for h in range(6, 49, 6)]
    assert len(fake.requests()) == asked  # an account to link again costs no platform call
    assert submission.status == "taken_down" and "link it again" in submission.live_issue
    assert len(notifications(creator, "live_issue")) == len(notifications(creator, "relink_needed")) == 1
    assert notifications(creator, "taken_down")
    assert db.session.scalar(select(func.count()).select_from(Payout)) == 0


def test_linking_again_within_the_grace_period_restores_the_post(platforms):
    fake = platforms.fake
    submission = verified(fake)
    the_creators_token_is_refused(fake, submission)
    submission = check_at(submission, submission.published_at + timedelta(days=1))
    assert submission.grace_until is not None

    relink(fake, submission.linked_account)
    submission = check_at(submission, submission.next_live_check_at)
    assert (submission.grace_until, submission.live_issue, submission.last_error) == (None, None, None)
    assert submission.live_checks_done == 1 and reports(submission)[-1].verdict == "pass"
    assert notifications(submission.creator.user, "live_restored")
    assert submission.next_live_check_at == submission.published_at + timedelta(days=3)


def test_approval_after_the_live_period_waits_for_a_final_read_that_succeeded(platforms):
    fake = platforms.fake
    submission = verified(fake)
    for day in (1, 3):
        submission = check_at(submission, submission.published_at + timedelta(days=day))
    fake.inject_error("instagram", "/v23.0/", status=500, body_kind="server_error", times=1)
    submission = check_at(submission, submission.live_until)  # the final check: the platform is down
    assert submission.next_live_check_at == submission.live_until + timedelta(hours=1)

    approve(submission)
    live_checks.after_approval(submission, submission.live_until + timedelta(minutes=30))
    assert submission.status == "approved"  # the post was last seen on day 3: nothing proves it stayed up
    assert db.session.scalar(select(func.count()).select_from(Payout)) == 0

    submission = check_at(submission, submission.next_live_check_at)
    assert submission.status == "live_check_passed"
    assert db.session.scalar(select(Payout).where(Payout.submission_id == submission.id)) is not None


def test_a_post_nobody_can_read_at_the_end_is_never_paid(platforms):
    fake = platforms.fake
    submission = verified(fake)
    the_creators_token_is_refused(fake, submission)
    submission = check_at(submission, submission.live_until)
    approve(submission)
    live_checks.after_approval(submission, submission.live_until + timedelta(hours=1))
    assert submission.status == "approved"
    submission = check_at(submission, submission.grace_until)
    assert submission.status == "taken_down"
    assert db.session.scalar(select(func.count()).select_from(Payout)) == 0


def test_approval_long_after_the_live_period_checks_the_post_at_once(platforms):
    submission = verified(platforms.fake)
    approve(submission)
    later = submission.live_until + timedelta(days=3)
    submission.next_live_check_at = None  # as if the final check had been missed
    live_checks.after_approval(submission, later)
    assert (submission.status, submission.next_live_check_at) == ("approved", later)
    assert check_at(submission, later).status == "live_check_passed"


def test_a_claimed_check_is_not_taken_twice(platforms):
    submission = verified(platforms.fake)
    day1 = submission.published_at + timedelta(days=1)
    assert live_checks.claim(submission.id, day1) is not None
    assert live_checks.claim(submission.id, day1) is None
    assert live_checks.claim(submission.id, day1 + timedelta(minutes=11)) is not None  # the lease lapsed


def test_a_worker_whose_lease_was_taken_over_records_nothing(platforms):
    submission = verified(platforms.fake)
    day1 = submission.published_at + timedelta(days=1)
    visit, lease = live_checks.claim(submission.id, day1)
    stalled = live_checks.read(visit, live_checks.authorise(visit))  # this worker read the post, then stalled
    live_checks.check(submission.id, day1 + timedelta(minutes=11))  # another took the lapsed lease over and recorded
    live_checks.record(visit, lease, stalled, day1 + timedelta(minutes=12))  # the first one wakes up
    submission = db.session.get(Submission, submission.id)
    assert [report.kind for report in reports(submission)] == ["verification", "live_check"]
    assert submission.live_checks_done == 1


def test_run_due_checks_only_what_is_due(platforms):
    fake = platforms.fake
    first = verified(fake)
    second = verified(fake, application=campaign_application())
    now = first.published_at + timedelta(days=1, minutes=1)
    second.next_live_check_at = now + timedelta(days=1)
    db.session.flush()
    assert live_checks.run_due(now) == 1
    assert db.session.get(Submission, first.id).live_checks_done == 1
    assert db.session.get(Submission, second.id).live_checks_done == 0


# --- self-reported --------------------------------------------------------------------------------

def test_a_self_reported_post_is_settled_without_reading_the_platform(platforms):
    submission = posted(platforms.fake)
    now = utcnow()
    submission.self_reported = True
    submission.live_until = now + timedelta(days=7)
    submission.next_live_check_at = submission.live_until
    move(submission, "verified", actor=None, reason="self_reported")
    approve(submission)
    live_checks.after_approval(submission, now)
    assert submission.status == "approved"
    before = len(platforms.fake.requests())
    submission = check_at(submission, submission.live_until)
    assert submission.status == "live_check_passed"
    assert len(platforms.fake.requests()) == before
