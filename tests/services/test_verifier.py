"""Verifying a submitted post against the fake Instagram and TikTok, through the real HTTP clients."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError

from marketplace import db as tx
from marketplace.extensions import db
from marketplace.models import (AuditEvent, CaptionSnapshot, LinkedAccount, MetricSnapshot, Notification, Submission,
                                VerificationReport, utcnow)
from marketplace.services import linked_accounts, live_checks, verifier
from marketplace.services.submission_states import move
from marketplace.services.transitions import transition
from marketplace.verification.sources import LinkedToken

from ..factories import accepted_application, linked_account

POLISH = "#reklama Poranna kawa z @palarnia.krakow ☕ #PalarniaKraków"
BRIEF = dict(required_hashtags=["#PalarniaKraków"], required_mentions=["@palarnia.krakow"], disclosure_required=True,
             disclosure_locale="pl", on_instagram=True, on_tiktok=True, min_live_days=7)


# --- helpers shared by the other verification test modules ---------------------------------------

def campaign_application(**overrides):
    """An accepted application in an open campaign whose posting window began yesterday."""
    now = utcnow()
    return accepted_application(**{**BRIEF, "posting_starts_at": now - timedelta(days=1),
                                   "posting_ends_at": now + timedelta(days=30), **overrides})


def posted(fake, caption: str = POLISH, *, platform: str = "instagram", application=None, account=None,
           published=None, **publish) -> Submission:
    """The creator published `caption` on the fake and submitted its link (status `posted`)."""
    application = application or campaign_application()
    account = account or linked_account(application.creator, fake, platform)
    post = fake.publish_post(platform, account.username, caption, timestamp=published or utcnow() - timedelta(hours=1),
                             **publish)
    return submit_link(application, account, post["permalink" if platform == "instagram" else "share_url"])


def submit_link(application, account, url: str) -> Submission:
    submission = Submission(application_id=application.id, campaign_id=application.campaign_id,
                            creator_id=application.creator_id, platform=account.platform, status="posted",
                            post_url=url, linked_account_id=account.id, submitted_at=utcnow())
    db.session.add(submission)
    db.session.flush()
    return submission


def verified(fake, caption: str = POLISH, **kwargs) -> Submission:
    submission = posted(fake, caption, **kwargs)
    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "verified", reports(submission)[-1].results
    return submission


def reports(submission) -> list[VerificationReport]:
    return list(db.session.scalars(select(VerificationReport).where(VerificationReport.submission_id == submission.id)
                                   .order_by(VerificationReport.id)))


def notifications(user, kind: str | None = None) -> list[Notification]:
    query = select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query.order_by(Notification.id)))


def rules(report) -> dict[str, dict]:
    return {entry["rule"]: entry for entry in report.results}


def relink(fake, account: LinkedAccount) -> None:
    """What linking the same account again does: a fresh token stored, the account active again."""
    granted = fake.grant_token(account.platform, account.username)
    linked_accounts.store_token(account, LinkedToken(
        access_token=granted["access_token"], expires_at=utcnow() + timedelta(days=60), refresh_token=None,
        refresh_expires_at=None, scopes=tuple(granted["permissions"].split(",")),
        platform_user_id=account.platform_user_id))
    transition(account, "active", transitions=linked_accounts.TRANSITIONS, actor=None)


# --- verification ---------------------------------------------------------------------------------

def test_a_compliant_polish_instagram_post_is_verified_end_to_end(platforms):
    fake = platforms.fake
    submission = posted(fake, media_type="REELS", counts={"likes": 120, "comments": 7, "views": 3400, "reach": 2100})
    now = utcnow()
    verifier.verify(submission.id, now)

    submission = db.session.get(Submission, submission.id)
    assert (submission.status, submission.verdict) == ("verified", "pass")
    [report] = reports(submission)
    assert (report.kind, report.source, report.verdict) == ("verification", "instagram_api", "pass")
    assert [entry["rule"] for entry in report.results] == [
        "ownership", "posting_window", "hashtag:palarniakraków", "mention:palarnia.krakow", "disclosure"]
    assert {entry["status"] for entry in report.results} == {"pass"}
    assert report.caption == POLISH and len(report.caption_sha256) == 64
    assert report.post_id == submission.post_id and submission.post_id
    assert submission.permalink == report.permalink == submission.post_url
    published = submission.published_at
    assert report.published_at == published
    assert submission.verified_at == now and submission.review_due_at == now + timedelta(days=5)
    assert submission.live_until == published + timedelta(days=7)
    assert submission.next_live_check_at == published + timedelta(days=1)
    assert submission.last_error is None and submission.verification_attempts == 0

    snapshot = db.session.scalar(select(CaptionSnapshot).where(CaptionSnapshot.submission_id == submission.id))
    assert (snapshot.source, snapshot.caption, snapshot.sha256, snapshot.report_id) == (
        "verification", POLISH, report.caption_sha256, report.id)
    metrics = db.session.scalar(select(MetricSnapshot).where(MetricSnapshot.submission_id == submission.id))
    assert (metrics.kind, metrics.likes, metrics.comments, metrics.views, metrics.reach) == (
        "verification", 120, 7, 3400, 2100)

    [to_brand] = notifications(submission.campaign.brand.user, "post_verified")
    assert to_brand.params["creator"] == submission.creator.display_name
    assert to_brand.link == f"/brand/campaigns/{submission.campaign_id}/submissions/{submission.id}"
    [to_creator] = notifications(submission.creator.user, "post_report_ready")
    assert to_creator.params["verdict"] == "passed"
    assert to_creator.link == f"/creator/applications/{submission.application_id}/submission"


def test_insights_are_skipped_without_the_permission(platforms):
    fake = platforms.fake
    application = campaign_application()
    account = linked_account(application.creator, fake, "instagram", scopes=["instagram_business_basic"])
    submission = posted(fake, application=application, account=account, counts={"likes": 3, "views": 99})
    verifier.verify(submission.id, utcnow())
    metrics = db.session.scalar(select(MetricSnapshot).where(MetricSnapshot.submission_id == submission.id))
    assert (metrics.likes, metrics.views, metrics.reach) == (3, None, None)
    assert not fake.requests("instagram", "/instagram/v23.0/" + submission.post_id + "/insights")


def test_an_insights_failure_never_blocks_the_verdict(platforms):
    fake = platforms.fake
    application = campaign_application()
    account = linked_account(application.creator, fake, "instagram")
    post = fake.publish_post("instagram", account.username, POLISH, counts={"likes": 5, "views": 50})
    submission = submit_link(application, account, post["permalink"])
    fake.inject_error("instagram", f"/v23.0/{post['id']}/insights", status=500, body_kind="server_error", times=1)
    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    assert (submission.status, submission.verdict) == ("verified", "pass")
    metrics = db.session.scalar(select(MetricSnapshot).where(MetricSnapshot.submission_id == submission.id))
    assert (metrics.likes, metrics.views, metrics.reach) == (5, None, None)


def test_thai_hashtags_on_tiktok(platforms):
    application = campaign_application(required_hashtags=["#ชาไทย"], required_mentions=[], disclosure_locale="th")
    submission = posted(platforms.fake, "โฆษณา: ชาไทยเย็นที่ร้านเรา #ชาไทย", platform="tiktok",
                        application=application)
    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    assert (submission.status, submission.verdict) == ("verified", "pass")
    [report] = reports(submission)
    assert report.source == "tiktok_api"
    entries = rules(report)
    assert entries["hashtag:ชาไทย"]["status"] == "pass"
    assert entries["hashtag:ชาไทย"]["evidence"] == "#ชาไทย"
    assert entries["verify_platform_disclosure_toggle"]["status"] == "warning"


def test_someone_elses_post_is_refused_with_the_ownership_reason(platforms):
    fake = platforms.fake
    other = fake.create_account("instagram", "someone.else")
    theirs = fake.publish_post("instagram", other["username"], POLISH)
    application = campaign_application()
    submission = submit_link(application, linked_account(application.creator, fake, "instagram"), theirs["permalink"])

    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    assert (submission.status, submission.verdict) == ("failed", "fail")
    [report] = reports(submission)
    [ownership] = report.results
    assert (ownership["rule"], ownership["status"]) == ("ownership", "fail")
    assert "belongs to another account" in ownership["message"] % ownership["params"]
    assert report.caption is None and submission.post_id is None
    assert not notifications(submission.campaign.brand.user, "post_verified")
    [to_creator] = notifications(submission.creator.user, "post_report_ready")
    assert to_creator.params["verdict"] == "failed"


def test_a_post_published_before_the_window_fails(platforms):
    now = utcnow()
    application = campaign_application(posting_starts_at=now - timedelta(hours=2))
    submission = posted(platforms.fake, application=application, published=now - timedelta(days=3))
    verifier.verify(submission.id, now)
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "failed"
    window = rules(reports(submission)[0])["posting_window"]
    assert window["status"] == "fail" and "starts" in window["params"]
    assert rules(reports(submission)[0])["disclosure"]["status"] == "pass"  # every rule is still reported


def test_a_cut_tiktok_description_gives_cannot_verify_not_fail(platforms):
    caption = "#reklama @palarnia.krakow " + "Świeżo palona kawa, " * 8 + "#PalarniaKraków"
    assert len(caption) > 150
    submission = posted(platforms.fake, caption, platform="tiktok")
    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    assert (submission.status, submission.verdict) == ("verified", "cannot_verify")
    [report] = reports(submission)
    assert report.caption_complete is False and len(report.caption) <= 150
    assert rules(report)["hashtag:palarniakraków"]["status"] == "cannot_verify"
    [to_creator] = notifications(submission.creator.user, "post_report_ready")
    assert to_creator.params["verdict"] == "a person must check it"


@pytest.mark.parametrize(("status", "kind"), [(429, "rate_limit"), (500, "server_error")])
def test_platform_trouble_is_retried_later_without_a_verdict(platforms, status, kind):
    fake = platforms.fake
    submission = posted(fake)
    fake.inject_error("instagram", "/v23.0/", status=status, body_kind=kind, times=1)
    now = utcnow()
    assert verifier.verify(submission.id, now) == now + verifier.RETRY_FIRST

    submission = db.session.get(Submission, submission.id)
    assert submission.status == "posted" and submission.verdict is None
    assert submission.verification_attempts == 1
    assert submission.next_attempt_at == now + verifier.RETRY_FIRST
    assert "Instagram" in submission.last_error and "try again" in submission.last_error
    assert reports(submission) == []
    assert not notifications(submission.creator.user, "post_report_ready")

    verifier.verify(submission.id, now + timedelta(minutes=1))  # not yet due: nothing happens
    assert db.session.get(Submission, submission.id).status == "posted"

    verifier.verify(submission.id, now + timedelta(minutes=3))
    submission = db.session.get(Submission, submission.id)
    assert (submission.status, submission.verdict, submission.last_error) == ("verified", "pass", None)
    assert len(reports(submission)) == 1


def test_backoff_doubles_and_is_capped_and_honours_retry_after():
    from marketplace.verification.sources import TemporarySourceError, TokenError

    error = TemporarySourceError(platform="instagram")
    assert [verifier.retry_delay(error, n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (2, 4, 8)]
    assert verifier.retry_delay(error, 50) == verifier.RETRY_CAP
    slow = TemporarySourceError(platform="tiktok", retry_after=3600)
    assert verifier.retry_delay(slow, 1) == timedelta(hours=1)
    assert verifier.retry_delay(TokenError(platform="tiktok"), 7) == verifier.WAIT_FOR_CREATOR


def test_an_invalid_token_asks_the_creator_to_link_again_and_works_after_relinking(platforms):
    fake = platforms.fake
    submission = posted(fake)
    account = submission.linked_account
    fake.inject_error("instagram", "/v23.0/", body_kind="invalid_token", times=1)
    now = utcnow()
    verifier.verify(submission.id, now)

    submission = db.session.get(Submission, submission.id)
    assert (submission.status, submission.verdict) == ("posted", None)
    assert "Link your Instagram account again" in submission.last_error
    assert submission.next_attempt_at == now + verifier.WAIT_FOR_CREATOR
    assert reports(submission) == []
    account = db.session.get(LinkedAccount, account.id)
    assert account.status == "relink_needed"
    [asked] = notifications(submission.creator.user, "relink_needed")
    assert (asked.params, asked.link) == ({"platform": "Instagram"}, "/creator/accounts")

    verifier.verify(submission.id, now + timedelta(minutes=31))  # still not relinked: no new notice
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "posted" and submission.verification_attempts == 2
    assert len(notifications(submission.creator.user, "relink_needed")) == 1

    relink(fake, account)
    verifier.verify(submission.id, now + timedelta(hours=2))
    assert db.session.get(Submission, submission.id).status == "verified"


def test_a_personal_instagram_account_is_explained(platforms):
    fake = platforms.fake
    application = campaign_application()
    account = linked_account(application.creator, fake, "instagram", account_type="PERSONAL")
    submission = posted(fake, application=application, account=account)
    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "posted" and submission.verification_attempts == 1
    assert "personal account" in submission.last_error
    assert db.session.get(LinkedAccount, account.id).status == "relink_needed"


def test_an_expired_tiktok_token_that_cannot_be_refreshed_needs_relinking(platforms):
    fake = platforms.fake
    application = campaign_application()
    account = linked_account(application.creator, fake, "tiktok")
    submission = posted(fake, platform="tiktok", application=application, account=account)
    account.token_expires_at = utcnow() + timedelta(minutes=5)  # inside the refresh margin...
    fake.expire_token(linked_accounts.stored_token(account).refresh_token)  # ...and the refresh is refused
    db.session.flush()
    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "posted" and "Link your TikTok account again" in submission.last_error
    assert db.session.get(LinkedAccount, account.id).status == "relink_needed"
    assert len(notifications(submission.creator.user, "relink_needed")) == 1


def test_a_submission_without_a_linked_account_waits_for_one(platforms):
    submission = posted(platforms.fake)
    db.session.delete(submission.linked_account)
    db.session.flush()
    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "posted" and "Link your Instagram account again" in submission.last_error


def test_verifying_twice_makes_one_report(platforms):
    submission = posted(platforms.fake)
    verifier.verify(submission.id, utcnow())
    verifier.verify(submission.id, utcnow())
    assert len(reports(submission)) == 1
    assert len(notifications(submission.creator.user, "post_report_ready")) == 1


def left_verifying(submission, minutes: int) -> None:
    db.session.execute(update(Submission).where(Submission.id == submission.id)
                       .values(status="verifying", status_changed_at=utcnow() - timedelta(minutes=minutes))
                       .execution_options(synchronize_session=False))
    db.session.expire_all()


def test_a_verification_left_by_a_crashed_worker_is_taken_over(platforms):
    submission = posted(platforms.fake)
    left_verifying(submission, 3)
    verifier.verify(submission.id, utcnow())
    assert db.session.get(Submission, submission.id).status == "verifying"  # another worker may still be on it

    left_verifying(submission, 11)
    verifier.verify(submission.id, utcnow())
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "verified"
    moves = db.session.scalars(select(AuditEvent.to_status).where(
        AuditEvent.entity == "submissions", AuditEvent.entity_id == submission.id)
        .order_by(AuditEvent.id)).all()
    assert moves == ["posted", "verifying", "verified"]


def test_due_lists_retries_lost_jobs_and_stale_work_only(platforms):
    now = utcnow()
    retry = posted(platforms.fake)
    retry.next_attempt_at = now - timedelta(seconds=1)
    later = posted(platforms.fake)
    later.next_attempt_at = now + timedelta(minutes=5)
    fresh = posted(platforms.fake)  # its job is on its way
    lost = posted(platforms.fake)
    lost.submitted_at = now - timedelta(minutes=11)
    db.session.flush()
    assert verifier.due(now) == [retry.id, lost.id]
    assert fresh.id not in verifier.due(now) and later.id not in verifier.due(now)


def test_a_worker_that_lost_its_verification_records_nothing(platforms):
    submission = posted(platforms.fake)
    now = utcnow()
    visit = verifier.claim(submission.id, now)
    stalled = live_checks.read(visit, live_checks.authorise(visit))  # this worker read the post, then stalled
    left_verifying(submission, 11)
    verifier.verify(submission.id, now)  # another worker took the stale verification over and finished it
    assert db.session.get(Submission, submission.id).status == "verified"

    assert verifier.record(visit, stalled, now) is None  # the first one wakes up
    assert len(reports(submission)) == 1
    assert len(notifications(submission.creator.user, "post_report_ready")) == 1


def test_an_undecryptable_token_asks_the_creator_to_link_again_instead_of_stopping(platforms):
    submission = posted(platforms.fake)
    submission.linked_account.access_token_encrypted = "sealed with a key that was rotated away"
    db.session.flush()
    now = utcnow()
    assert verifier.verify(submission.id, now) == now + verifier.WAIT_FOR_CREATOR
    submission = db.session.get(Submission, submission.id)
    assert submission.status == "posted" and "Link your Instagram account again" in submission.last_error
    assert submission.linked_account.status == "relink_needed"
    assert len(notifications(submission.creator.user, "relink_needed")) == 1


# --- one post, one campaign -----------------------------------------------------------------------

def same_post_in_two_campaigns(fake):
    """The creator, accepted in two campaigns, submits one post to both."""
    first = posted(fake)
    account = first.linked_account
    second = submit_link(campaign_application(creator=first.application.creator), account, first.post_url)
    return first, second


def test_a_post_already_submitted_for_another_campaign_fails_the_ownership_rule(platforms):
    first, second = same_post_in_two_campaigns(platforms.fake)
    verifier.verify(first.id, utcnow())
    verifier.verify(second.id, utcnow())

    second = db.session.get(Submission, second.id)
    assert (second.status, second.verdict) == ("failed", "fail")
    ownership = rules(reports(second)[-1])["ownership"]
    assert ownership["status"] == "fail"
    assert ownership["message"] % ownership["params"] == (
        f"This post was already submitted for “{first.campaign.title}”, and one post counts for one campaign only. "
        "Publish a new post for this campaign and submit its link.")
    assert rules(reports(second)[-1])["disclosure"]["status"] == "pass"  # every rule is still reported
    assert second.post_id == first.post_id  # kept on the failed one, which no longer holds the post

    move(first, "rejected", actor=first.campaign.brand.user)  # the first one lets go of it...
    move(second, "posted", actor=second.creator.user)
    verifier.verify(second.id, utcnow())
    assert db.session.get(Submission, second.id).status == "verified"  # ...so it may count for the second


def test_the_database_holds_a_post_for_one_live_submission_only(platforms):
    first, second = same_post_in_two_campaigns(platforms.fake)
    verifier.verify(first.id, utcnow())
    with pytest.raises(IntegrityError), db.session.begin_nested():
        second.post_id = first.post_id
        db.session.flush()
    for released in ("failed", "rejected", "taken_down"):
        db.session.execute(update(Submission).where(Submission.id == second.id)
                           .values(status=released, post_id=first.post_id).execution_options(synchronize_session=False))
        db.session.flush()


@pytest.mark.postgres_only  # SQLite runs one write transaction at a time (BEGIN IMMEDIATE): no race to lose
def test_two_campaigns_verifying_the_same_post_at_once_count_it_once(app, own_app, platforms):
    """The first one commits while the second is about to take the post (on another connection):
    the UNIQUE index refuses the second, which names the first in its ownership rule."""
    own_app.config.update({k: v for k, v in app.config.items() if k.startswith(("INSTAGRAM_", "TIKTOK_"))})
    with own_app.app_context():
        first, second = same_post_in_two_campaigns(platforms.fake)
        ids, first_title = (first.id, second.id), first.campaign.title
        tx.commit()
    looked, go_on, outcome = threading.Event(), threading.Event(), {}

    def pause_before_taking_the_post(conn, cursor, statement, *args):  # in the second one's thread only
        if threading.current_thread().name == "second" and statement.startswith("UPDATE submissions SET post_id"):
            looked.set()
            go_on.wait(timeout=10)

    def verify_second():
        with own_app.app_context():
            outcome["retry"] = verifier.verify(ids[1], utcnow())

    with own_app.app_context():
        event.listen(db.engine, "before_cursor_execute", pause_before_taking_the_post)
        try:
            racer = threading.Thread(target=verify_second, name="second")
            racer.start()
            assert looked.wait(timeout=10)
            verifier.verify(ids[0], utcnow())  # the first one is recorded meanwhile
            go_on.set()
            racer.join(timeout=20)
        finally:
            event.remove(db.engine, "before_cursor_execute", pause_before_taking_the_post)
        first, second = (db.session.get(Submission, i) for i in ids)
        assert (first.status, second.status, outcome) == ("verified", "failed", {"retry": None})
        ownership = rules(reports(second)[-1])["ownership"]
        assert ownership["status"] == "fail" and ownership["params"] == {"campaign": first_title}
