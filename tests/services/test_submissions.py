"""The creator's submission actions: drafts, the post link, the hand-made report, disputes."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from marketplace import clock
from marketplace import db as tx
from marketplace.errors import FieldErrors, NotAllowed, PermissionDenied
from marketplace.extensions import db
from marketplace.models import (AuditEvent, CaptionSnapshot, Dispute, LinkedAccountStatus, Notification, Submission,
                                User, VerificationReport)
from marketplace.services import submissions
from marketplace.services.submission_states import move
from marketplace.services.uploads import IncomingFile

from ..factories import AdminFactory, CreatorFactory, accepted_application, linked_account

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
COMPLIANT_PL = "#reklama Poranna kawa z @kawa.pl #kawa"


def _notifications(user, kind) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.kind == kind))


def _creator(application):
    return application.creator.user


def _draft(application, caption="#reklama Kawa z @kawa.pl #kawa", **kwargs):
    values = dict(caption=caption, note="", platform="instagram", media=None, actor=_creator(application))
    return submissions.submit_draft(application, **{**values, **kwargs})


def _request_changes(submission, comments):
    draft = submission.drafts[-1]
    draft.decision, draft.comments = "changes_requested", comments
    move(submission, "changes_requested", actor=submission.campaign.brand.user)


def _refusal_fields(excinfo) -> set:
    return set(excinfo.value.errors)


@pytest.fixture
def pl_campaign_kwargs():
    return dict(disclosure_required=True, disclosure_locale="pl", required_hashtags=["kawa"],
                required_mentions=["kawa.pl"])


# --- drafts --------------------------------------------------------------------------------------

def test_first_draft_creates_the_submission_round_one_and_tells_the_brand(pl_campaign_kwargs):
    application = accepted_application(drafts_need_approval=True, **pl_campaign_kwargs)
    submission = _draft(application, note="A photo of the mug.")
    assert submission.status == "draft_submitted" and submission.platform == "instagram"
    assert [(d.number, d.caption, d.note) for d in submission.drafts] == [
        (1, "#reklama Kawa z @kawa.pl #kawa", "A photo of the mug.")]
    assert _notifications(application.campaign.brand.user, "draft_submitted") == 1
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.entity == "submissions",
                                                         AuditEvent.entity_id == submission.id,
                                                         AuditEvent.action == "draft_submitted"))


def test_rounds_are_numbered_and_keep_the_brands_comments():
    application = accepted_application(drafts_need_approval=True)
    submission = _draft(application, caption="first try")
    with pytest.raises(NotAllowed, match="with the brand"):
        _draft(application, caption="impatient second try")
    _request_changes(submission, "Add #reklama at the start, please.")
    submission = _draft(application, caption="#reklama second try")
    assert submission.status == "draft_submitted"
    assert [(d.number, d.caption, d.comments) for d in submission.drafts] == [
        (1, "first try", "Add #reklama at the start, please."), (2, "#reklama second try", None)]
    assert _notifications(application.campaign.brand.user, "draft_submitted") == 2


def test_drafts_only_for_campaigns_that_want_them_and_only_from_the_accepted_creator():
    without = accepted_application()
    with pytest.raises(NotAllowed, match="does not ask for drafts"):
        _draft(without)
    application = accepted_application(drafts_need_approval=True)
    with pytest.raises(PermissionDenied):
        _draft(application, actor=CreatorFactory().user)
    with pytest.raises(PermissionDenied):
        _draft(application, actor=application.campaign.brand.user)
    assert submissions.submission_for(application) is None


def test_draft_input_is_checked_field_by_field():
    application = accepted_application(drafts_need_approval=True)
    with pytest.raises(FieldErrors) as refused:
        _draft(application, caption="   ", platform="tiktok", note="x" * 2001,
               media=IncomingFile("cv.pdf", b"%PDF-1.7 ..."))
    assert _refusal_fields(refused) == {"caption", "platform", "note", "media"}
    with pytest.raises(FieldErrors) as refused:
        _draft(application, caption="#" + "a" * 2200)
    assert "2200" in str(refused.value.errors["caption"][0])
    assert submissions.submission_for(application) is None
    submission = _draft(application, caption="ok " * 733, media=IncomingFile("mug.png", PNG))  # 2,198 characters
    assert submission.drafts[0].media.content_type == "image/png"


# --- the post link -------------------------------------------------------------------------------

def test_submitting_a_link_puts_the_submission_in_posted(platforms):
    application = accepted_application()
    account = linked_account(application.creator, platforms.fake, "instagram", "kasia.gotuje")
    submission = submissions.submit_post(application, url=" https://www.instagram.com/p/DAbCdEfGhIj/ ",
                                         platform="instagram", actor=_creator(application))
    assert submission.status == "posted" and submission.post_url == "https://www.instagram.com/p/DAbCdEfGhIj/"
    assert submission.linked_account_id == account.id and submission.submitted_at is not None
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.entity == "submissions",
                                                         AuditEvent.entity_id == submission.id,
                                                         AuditEvent.action == "submitted"))
    with pytest.raises(NotAllowed, match="already submitted"):
        submissions.submit_post(application, url="https://www.instagram.com/p/Other/", platform="instagram",
                                actor=_creator(application))


def test_a_link_needs_an_active_linked_account_on_that_platform(platforms):
    application = accepted_application(on_tiktok=True)
    with pytest.raises(NotAllowed, match="Link your Instagram account first") as refused:
        submissions.submit_post(application, url="https://www.instagram.com/p/DAbCdEfGhIj/", platform="instagram",
                                actor=_creator(application))
    assert "Accounts" in refused.value.message
    account = linked_account(application.creator, platforms.fake, "tiktok", "nok.eats")
    account.status = LinkedAccountStatus.RELINK_NEEDED.value
    with pytest.raises(NotAllowed, match="link TikTok again"):
        submissions.submit_post(application, url="https://www.tiktok.com/@nok.eats/video/7380080137682881835",
                                platform="tiktok", actor=_creator(application))
    assert submissions.submission_for(application) is None


@pytest.mark.parametrize("platform, url, message", [
    ("instagram", "", "Paste the link"),
    ("instagram", "https://www.tiktok.com/@nok.eats/video/7380080137682881835", "not an Instagram post link"),
    ("instagram", "https://www.instagram.com/kasia.gotuje/", "does not point to a post"),
    ("tiktok", "https://vm.tiktok.com/ZMabc123/", "shortened TikTok link"),
    ("tiktok", "javascript:alert(1)", "not a TikTok video link"),
])
def test_links_are_validated_up_front(platforms, platform, url, message):
    application = accepted_application(on_tiktok=True)
    linked_account(application.creator, platforms.fake, platform, "kasia.gotuje")
    with pytest.raises(NotAllowed, match=message) as refused:
        submissions.submit_post(application, url=url, platform=platform, actor=_creator(application))
    assert refused.value.field == "url"


def test_platform_must_be_one_of_the_campaigns(platforms):
    application = accepted_application()  # Instagram only
    linked_account(application.creator, platforms.fake, "tiktok", "nok.eats")
    with pytest.raises(NotAllowed, match="on Instagram") as refused:
        submissions.submit_post(application, url="https://www.tiktok.com/@nok.eats/video/7380080137682881835",
                                platform="tiktok", actor=_creator(application))
    assert refused.value.field == "platform"


def test_with_pre_approval_the_link_waits_for_the_approved_draft(platforms):
    application = accepted_application(drafts_need_approval=True)
    linked_account(application.creator, platforms.fake, "instagram", "kasia.gotuje")
    post = dict(url="https://www.instagram.com/p/DAbCdEfGhIj/", platform="instagram", actor=_creator(application))
    with pytest.raises(NotAllowed, match="send the draft first"):
        submissions.submit_post(application, **post)
    submission = _draft(application)
    with pytest.raises(NotAllowed, match="Wait until the brand approves"):
        submissions.submit_post(application, **post)
    move(submission, "approved_draft", actor=application.campaign.brand.user)
    assert submissions.submit_post(application, **post).status == "posted"
    assert [d.number for d in submission.drafts] == [1]


def test_after_a_failed_check_the_creator_resubmits_and_old_results_are_cleared(platforms):
    application = accepted_application()
    linked_account(application.creator, platforms.fake, "instagram", "kasia.gotuje")
    creator = _creator(application)
    submission = submissions.submit_post(application, url="https://www.instagram.com/p/First/", platform="instagram",
                                         actor=creator)
    move(submission, "verifying", actor=None)
    submission.verdict, submission.post_id, submission.verification_attempts = "fail", "1789", 2
    submission.last_error = "Instagram did not answer properly just now."
    move(submission, "failed", actor=None)
    again = submissions.submit_post(application, url="https://www.instagram.com/p/Second/", platform="instagram",
                                    actor=creator)
    assert again.id == submission.id and again.status == "posted"
    assert again.post_url == "https://www.instagram.com/p/Second/"
    assert (again.verdict, again.post_id, again.verification_attempts, again.last_error) == (None, None, 0, None)


def test_only_the_accepted_creator_submits_a_link(platforms):
    application = accepted_application()
    intruder = CreatorFactory()
    linked_account(intruder, platforms.fake, "instagram", "intruder")
    with pytest.raises(PermissionDenied):
        submissions.submit_post(application, url="https://www.instagram.com/p/DAbCdEfGhIj/", platform="instagram",
                                actor=intruder.user)


# --- the hand-made report ------------------------------------------------------------------------

def _self_report(application, **kwargs):
    values = dict(url="https://www.instagram.com/p/DAbCdEfGhIj/", platform="instagram", caption=COMPLIANT_PL,
                  screenshot=IncomingFile("post.png", PNG), reason="My account is a personal account.",
                  actor=_creator(application))
    return submissions.self_report(application, **{**values, **kwargs})


def test_self_report_is_allowed_only_when_the_platform_cannot_be_read(platforms):
    application = accepted_application()
    creator = application.creator
    assert submissions.can_self_report(None, creator, "instagram")  # nothing linked: Instagram refused it
    account = linked_account(creator, platforms.fake, "instagram", "kasia.gotuje")
    assert not submissions.can_self_report(None, creator, "instagram")
    account.status = LinkedAccountStatus.RELINK_NEEDED.value
    assert submissions.can_self_report(None, creator, "instagram")
    account.status = LinkedAccountStatus.ACTIVE.value
    submission = submissions.submit_post(application, url="https://www.instagram.com/p/DAbCdEfGhIj/",
                                         platform="instagram", actor=creator.user)
    assert not submissions.can_self_report(submission, creator, "instagram")
    failed_attempt(submission, "This Instagram account is a personal account.")
    account.status = LinkedAccountStatus.RELINK_NEEDED.value  # what the verifier does on that answer
    assert submissions.can_self_report(submission, creator, "instagram")
    move(submission, "verifying", actor=None)
    assert not submissions.can_self_report(submission, creator, "instagram")


def failed_attempt(submission, error: str, attempts: int = 1) -> None:
    submission.verification_attempts, submission.last_error = attempts, error


def submitted_on_instagram(application, fake):
    """The creator linked Instagram and submitted the post's link (`posted`)."""
    linked_account(application.creator, fake, "instagram", "kasia.gotuje")
    return submissions.submit_post(application, url="https://www.instagram.com/p/DAbCdEfGhIj/", platform="instagram",
                                   actor=_creator(application))


def test_platform_trouble_allows_a_self_report_only_after_five_tries_over_a_day(platforms):
    application = accepted_application(on_tiktok=True)
    creator = application.creator
    submission = submitted_on_instagram(application, platforms.fake)
    failed_attempt(submission, "Instagram is limiting how often we can ask right now.")  # one 429
    assert not submissions.can_self_report(submission, creator, "instagram")
    failed_attempt(submission, "Instagram did not answer properly just now.", attempts=9)
    assert not submissions.can_self_report(submission, creator, "instagram")  # many tries, but within hours
    submission.submitted_at = clock.now() - timedelta(hours=24)
    assert submissions.can_self_report(submission, creator, "instagram")
    assert not submissions.can_self_report(submission, creator, "tiktok")  # only for the post's own platform
    failed_attempt(submission, "Instagram did not answer properly just now.", attempts=4)
    assert not submissions.can_self_report(submission, creator, "instagram")


def test_a_self_report_for_another_platform_than_the_submitted_post_is_refused(platforms):
    application = accepted_application(on_tiktok=True)
    submission = submitted_on_instagram(application, platforms.fake)
    failed_attempt(submission, "This Instagram account is a personal account.")
    submission.linked_account.status = LinkedAccountStatus.RELINK_NEEDED.value
    with pytest.raises(NotAllowed, match="TikTok can be read"):
        _self_report(application, platform="tiktok", url="https://www.tiktok.com/@kasia/video/7380080137682881835")
    assert (submission.status, submission.platform, submission.self_reported) == ("posted", "instagram", False)


def test_self_report_checks_the_pasted_caption_and_waits_for_the_brand(pl_campaign_kwargs):
    application = accepted_application(**pl_campaign_kwargs)
    submission = _self_report(application)
    assert submission.status == "verified" and submission.self_reported
    assert submission.self_report_reason == "My account is a personal account."
    assert submission.screenshot.content_type == "image/png" and submission.screenshot.data == PNG
    assert submission.review_due_at is not None and submission.live_until is not None
    report = db.session.scalar(select(VerificationReport).where(VerificationReport.submission_id == submission.id))
    assert (report.kind, report.source, report.verdict, report.caption) == (
        "self_reported", "self_reported", "pass", COMPLIANT_PL)
    rules = {entry["rule"]: entry["status"] for entry in report.results}
    assert rules == {"ownership": "cannot_verify", "hashtag:kawa": "pass", "mention:kawa.pl": "pass",
                     "disclosure": "pass"}
    snapshot = db.session.scalar(select(CaptionSnapshot).where(CaptionSnapshot.submission_id == submission.id))
    assert (snapshot.source, snapshot.caption, snapshot.report_id) == ("self_reported", COMPLIANT_PL, report.id)
    assert _notifications(application.campaign.brand.user, "post_self_reported") == 1


def test_a_self_reported_caption_that_breaks_the_rules_is_reported_as_failing(pl_campaign_kwargs):
    application = accepted_application(**pl_campaign_kwargs)
    submission = _self_report(application, caption="Poranna kawa z @kawa.pl #kawa")
    assert submission.verdict == "fail" and submission.status == "verified"
    report = db.session.scalar(select(VerificationReport).where(VerificationReport.submission_id == submission.id))
    failing = [entry for entry in report.results if entry["status"] == "fail"]
    assert [entry["rule"] for entry in failing] == ["disclosure"]
    assert "#reklama" in failing[0]["params"]["example_hashtag"]


def test_self_report_after_the_platform_refused_a_submitted_link(platforms):
    application = accepted_application()
    submission = submitted_on_instagram(application, platforms.fake)
    with pytest.raises(NotAllowed, match="submit the post's link instead"):
        _self_report(application)
    failed_attempt(submission, "This Instagram account is a personal account.")
    submission.linked_account.status = LinkedAccountStatus.RELINK_NEEDED.value
    submission.next_attempt_at = submission.submitted_at
    assert _self_report(application, caption="Kawa").status == "verified"
    assert submission.next_attempt_at is None and submission.linked_account_id is not None


@pytest.mark.parametrize("screenshot, message", [
    (None, "Choose an image file"),
    (IncomingFile("post.gif", b"GIF89a" + b"\x00" * 20), "is not a PNG, JPEG or WebP image"),
    (IncomingFile("page.png", b"<html><script>alert(1)</script></html>"), "is not a PNG"),
    (IncomingFile("huge.png", PNG + b"\x00" * (5 * 1024 * 1024)), "larger than 5 MB"),
])
def test_the_screenshot_must_be_a_small_image(screenshot, message):
    application = accepted_application()
    with pytest.raises(FieldErrors) as refused:
        _self_report(application, screenshot=screenshot)
    assert message in str(refused.value.errors["screenshot"][0])
    assert submissions.submission_for(application) is None


def test_self_report_needs_the_caption_and_a_valid_link():
    application = accepted_application()
    with pytest.raises(FieldErrors) as refused:
        _self_report(application, caption=" ", url="https://example.com/post")
    assert _refusal_fields(refused) == {"caption", "url"}


def test_jpeg_and_webp_screenshots_are_accepted():
    jpeg = accepted_application()
    assert _self_report(jpeg, screenshot=IncomingFile("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20)) \
        .screenshot.content_type == "image/jpeg"
    webp = accepted_application()
    assert _self_report(webp, screenshot=IncomingFile("a.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 8)) \
        .screenshot.content_type == "image/webp"


# --- disputes ------------------------------------------------------------------------------------

def _rejected(application):
    submission = _self_report(application)
    move(submission, "rejected", actor=application.campaign.brand.user, reason="Not our product.")
    return submission


def test_a_rejected_post_can_be_disputed_once_and_every_admin_is_told():
    admins = [AdminFactory(), AdminFactory()]
    application = accepted_application()
    submission = _rejected(application)
    dispute = submissions.open_dispute(submission, reason="The mug is in the photo.", actor=_creator(application))
    assert (dispute.status, dispute.reason, dispute.opened_by_id) == ("open", "The mug is in the photo.",
                                                                      _creator(application).id)
    assert all(_notifications(admin, "dispute_opened") == 1 for admin in admins)
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.entity == "disputes",
                                                         AuditEvent.entity_id == dispute.id,
                                                         AuditEvent.action == "opened"))
    with pytest.raises(NotAllowed, match="already disputed"):
        submissions.open_dispute(submission, reason="Again.", actor=_creator(application))
    assert db.session.scalar(select(func.count()).select_from(Dispute)) == 1


def test_a_dispute_needs_a_rejection_a_reason_and_the_creator():
    application = accepted_application()
    submission = _self_report(application)
    with pytest.raises(NotAllowed, match="Only a rejected post"):
        submissions.open_dispute(submission, reason="Why not?", actor=_creator(application))
    move(submission, "rejected", actor=application.campaign.brand.user)
    with pytest.raises(NotAllowed) as refused:
        submissions.open_dispute(submission, reason="  ", actor=_creator(application))
    assert refused.value.field == "reason"
    with pytest.raises(NotAllowed, match="2000"):
        submissions.open_dispute(submission, reason="x" * 2001, actor=_creator(application))
    with pytest.raises(PermissionDenied):
        submissions.open_dispute(submission, reason="Me too.", actor=CreatorFactory().user)
    assert db.session.scalar(select(func.count()).select_from(Dispute)) == 0


# --- the live checker ----------------------------------------------------------------------------

def test_draft_caption_check_uses_the_campaigns_rules_and_platform(pl_campaign_kwargs):
    application = accepted_application(on_tiktok=True, **pl_campaign_kwargs)
    campaign = application.campaign
    assert submissions.check_draft_caption(campaign, "Kawa @kawa.pl #kawa", "instagram").reason_codes == [
        "missing_disclosure"]
    assert submissions.check_draft_caption(campaign, COMPLIANT_PL, "instagram").compliant
    assert submissions.check_draft_caption(campaign, COMPLIANT_PL, "tiktok").platform == "tiktok"
    assert submissions.check_draft_caption(campaign, COMPLIANT_PL, "myspace").platform == "instagram"


def test_two_disputes_sent_at_the_same_moment_open_one(own_app):
    """Two tabs send the dispute at once, on two connections: the second waits for the first to
    commit (`_lock`, a row lock on PostgreSQL; SQLite's BEGIN IMMEDIATE serialises whole
    transactions anyway), then sees its dispute and is refused."""
    with own_app.app_context():
        application = accepted_application()
        submission_id, user_id = _rejected(application).id, _creator(application).id
        tx.commit()
    first_done, go_on, outcomes = threading.Event(), threading.Event(), {}
    second_started = threading.Event()

    def watch_the_second(conn, cursor, statement, *args):
        if threading.current_thread().name == "second" and ("disputes" in statement
                                                             or statement.startswith("UPDATE submissions")):
            second_started.set()

    def dispute(name: str) -> None:
        with own_app.app_context():
            submission, actor = db.session.get(Submission, submission_id), db.session.get(User, user_id)
            try:
                submissions.open_dispute(submission, reason=f"From the {name} tab.", actor=actor)
                if name == "first":
                    first_done.set()
                    go_on.wait(timeout=10)  # the first holds its transaction open meanwhile
                tx.commit()
                outcomes[name] = "opened"
            except NotAllowed as refused:
                tx.rollback()
                outcomes[name] = str(refused.message)

    with own_app.app_context():
        event.listen(db.engine, "before_cursor_execute", watch_the_second)
        try:
            first = threading.Thread(target=dispute, args=("first",), name="first")
            first.start()
            assert first_done.wait(timeout=10)
            second = threading.Thread(target=dispute, args=("second",), name="second")
            second.start()
            second_started.wait(timeout=2)  # SQLite: it waits at BEGIN for the first to finish
            go_on.set()
            for thread in (first, second):
                thread.join(timeout=20)
        finally:
            event.remove(db.engine, "before_cursor_execute", watch_the_second)
        assert outcomes == {"first": "opened",
                            "second": "You have already disputed this rejection; an admin will answer."}
        assert db.session.scalar(select(func.count()).select_from(Dispute)) == 1
