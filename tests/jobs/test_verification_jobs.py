"""The verification jobs and the due-work sweep, on the schedules' clock (the sandbox offset)."""
from __future__ import annotations

from datetime import timedelta

from marketplace import clock
from marketplace import db as tx
from marketplace.extensions import db
from marketplace.jobs.due import run_due
from marketplace.jobs.verification import run_live_check, verify_post
from marketplace.models import Submission
from marketplace.services import verifier
from marketplace.services.settings import set_platform_setting
from tests.services.test_verifier import left_verifying, posted, reports


def move_clock(delta: timedelta) -> None:
    set_platform_setting(clock.OFFSET_SETTING, int((clock.offset() + delta).total_seconds()), actor=None)
    tx.commit()


def test_enqueue_runs_the_verification_after_commit(platforms):
    submission = posted(platforms.fake)
    verifier.enqueue(submission)
    assert db.session.get(Submission, submission.id).status == "posted"  # nothing before the commit
    tx.commit()
    assert db.session.get(Submission, submission.id).status == "verified"


def test_the_job_run_twice_makes_one_report(platforms):
    submission = posted(platforms.fake)
    verify_post.delay(submission.id)
    verify_post.delay(submission.id)
    assert db.session.get(Submission, submission.id).status == "verified"
    assert len(reports(submission)) == 1


def test_run_due_retries_verifications_then_runs_live_checks(platforms):
    fake = platforms.fake
    submission = posted(fake)
    fake.inject_error("instagram", "/v23.0/", status=500, body_kind="server_error", times=1)
    verify_post.run(submission.id)
    assert db.session.get(Submission, submission.id).status == "posted"

    counts = run_due()
    assert (counts["verifications"], counts["live_checks"]) == (0, 0)  # the retry is not due yet
    assert {"stripe_events", "refunds", "fundings"} <= set(counts)

    move_clock(timedelta(minutes=3))
    assert run_due()["verifications"] == 1
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "verified" and submission.live_checks_done == 0

    move_clock(timedelta(days=1))
    assert run_due()["live_checks"] == 1
    submission = db.session.get(Submission, submission.id)
    assert submission.live_checks_done == 1
    assert submission.next_live_check_at == submission.published_at + timedelta(days=3)
    assert [report.kind for report in reports(submission)] == ["verification", "live_check"]


def test_run_due_picks_up_a_verification_a_crashed_worker_left(platforms):
    submission = posted(platforms.fake)
    left_verifying(submission, 15)  # as a worker that died after claiming it would leave it
    tx.commit()
    assert run_due()["verifications"] == 1
    assert db.session.get(Submission, submission.id).status == "verified"


def test_the_live_check_job_does_nothing_before_the_check_is_due(platforms):
    submission = posted(platforms.fake)
    verify_post.run(submission.id)
    run_live_check.run(submission.id)
    assert db.session.get(Submission, submission.id).live_checks_done == 0
    move_clock(timedelta(days=1))
    run_live_check.run(submission.id)
    assert db.session.get(Submission, submission.id).live_checks_done == 1
