"""The creator's submission hub: each stage, the live caption checker, the post link against the
fake platforms, the hand-made report, disputes, and other creators' hubs."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import (Dispute, DraftRound, MetricSnapshot, Payout, Submission, VerificationReport,
                                utcnow)
from marketplace.services import submissions
from marketplace.services.submission_states import move

from ...factories import ApplicationFactory, accepted_application, linked_account, open_campaign
from ...helpers import path_of
from .conftest import make_creator

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PL = dict(disclosure_required=True, disclosure_locale="pl", required_hashtags=["kawa"], required_mentions=["kawa.pl"])
COMPLIANT_PL = "#reklama Poranna kawa z @kawa.pl #kawa"


def _hub(application) -> str:
    return f"/creator/applications/{application.id}/submission"


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def _submission(application, status, **fields) -> Submission:
    """A submission put straight into `status` (the page only reads it)."""
    values = dict(application_id=application.id, campaign_id=application.campaign_id,
                  creator_id=application.creator_id, platform="instagram", status=status,
                  post_url="https://www.instagram.com/p/DAbCdEfGhIj/")
    submission = Submission(**{**values, **fields})
    db.session.add(submission)
    db.session.flush()
    return submission


def _report(submission, verdict="pass", caption=COMPLIANT_PL, results=None, kind="verification"):
    report = VerificationReport(
        submission_id=submission.id, kind=kind, source="instagram_api", verdict=verdict, caption=caption,
        checked_at=utcnow(), results=results if results is not None else [
            {"rule": "ownership", "status": "pass", "params": {"platform": "Instagram", "username": "kasia"},
             "message": "The post was published by the linked %(platform)s account @%(username)s.",
             "evidence": None, "span": None}])
    db.session.add(report)
    db.session.flush()
    return report


# --- stages --------------------------------------------------------------------------------------

def test_without_pre_approval_the_hub_asks_for_the_link(client, creator):
    application = accepted_application(creator=creator, **PL)
    html = _html(client, _hub(application))
    assert "#kawa" in html and "@kawa.pl" in html and "Reklama:" in html and "#reklama" in html
    assert f'action="/creator/applications/{application.id}/post' in html
    assert "Link your Instagram account first" in html and 'href="/creator/accounts"' in html
    assert f'action="/creator/applications/{application.id}/self-report' in html  # nothing linked: allowed
    assert "stepper__step" in html and ">Draft<" not in html


def test_with_pre_approval_the_hub_has_the_draft_form_and_its_live_checker(client, creator):
    application = accepted_application(creator=creator, drafts_need_approval=True, **PL)
    html = _html(client, _hub(application))
    assert f'hx-post="/creator/applications/{application.id}/draft/check"' in html
    assert 'keyup changed delay:400ms' in html and 'hx-target="#caption-check"' in html
    assert 'enctype="multipart/form-data"' in html
    assert f'action="/creator/applications/{application.id}/post' not in html
    assert ">Draft<" in html


def test_draft_rounds_with_the_brands_comments_and_the_caption_kept_for_the_next_round(client, creator):
    application = accepted_application(creator=creator, drafts_need_approval=True, **PL)
    response = client.post(f"/creator/applications/{application.id}/draft",
                           data={"platform": "instagram", "caption": "Kawa @kawa.pl #kawa", "note": "",
                                 "media": (io.BytesIO(PNG), "mug.png")}, content_type="multipart/form-data")
    assert response.status_code == 302 and path_of(response.headers["Location"]) == _hub(application)
    submission = submissions.submission_for(application)
    assert submission.status == "draft_submitted" and submission.drafts[0].media.content_type == "image/png"
    html = _html(client, _hub(application))
    assert "Your draft is with the brand" in html and "(round 1)" in html
    assert f"/files/{submission.drafts[0].media_id}" in html

    submission.drafts[0].decision, submission.drafts[0].comments = "changes_requested", "Start with #reklama."
    move(submission, "changes_requested", actor=application.campaign.brand.user)
    html = _html(client, _hub(application))
    assert "The brand asked for changes" in html and "Start with #reklama." in html
    assert "Your next draft (round 2)" in html and "Kawa @kawa.pl #kawa</textarea>" in html
    assert "The caption has no advertising label" in html  # the checker's first answer, on the kept caption


def test_a_refused_draft_is_shown_again_with_what_was_typed(client, creator):
    application = accepted_application(creator=creator, drafts_need_approval=True)
    db.session.commit()  # the refused request rolls back its own work only
    response = client.post(f"/creator/applications/{application.id}/draft",
                           data={"platform": "instagram", "caption": "", "note": "Posting on Friday.",
                                 "media": (io.BytesIO(b"%PDF-1.4"), "brief.pdf")}, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Paste the caption." in html and "is not a PNG, JPEG or WebP image" in html
    assert "Posting on Friday.</textarea>" in html and "choose it again" in html
    assert submissions.submission_for(application) is None


def test_posted_shows_a_polling_progress_panel_with_the_platforms_trouble(client, creator, platforms):
    application = accepted_application(creator=creator)
    linked_account(creator, platforms.fake, "instagram", "kasia.gotuje")
    submission = submissions.submit_post(application, url="https://www.instagram.com/p/DAbCdEfGhIj/",
                                         platform="instagram", actor=creator.user)
    progress = f"/creator/applications/{application.id}/submission/progress"
    html = _html(client, _hub(application))
    assert f'hx-get="{progress}"' in html and 'hx-trigger="every 2s"' in html
    assert "Report your post by hand" not in html

    submission.verification_attempts, submission.last_error = 2, "This Instagram account is a personal account."
    submission.linked_account.status = "relink_needed"   # what the verifier does for a personal account
    submission.next_attempt_at = utcnow() + timedelta(minutes=30)
    html = _html(client, progress)
    assert "This Instagram account is a personal account." in html and "Tried 2 times. Next try:" in html
    assert 'hx-trigger="every 30s"' in html and "Report it by hand" in html
    assert "Report your post by hand" in _html(client, _hub(application))

    move(submission, "verifying", actor=None)
    move(submission, "verified", actor=None)
    _report(submission)
    html = _html(client, progress)
    assert "hx-get" not in html and "Meets the brief" in html
    assert 'id="submission-stepper"' in html and 'hx-swap-oob="true"' in html


def test_verified_shows_the_report_and_the_live_watch(client, creator):
    application = accepted_application(creator=creator, **PL)
    submission = _submission(application, "verified", review_due_at=utcnow() + timedelta(days=5),
                             live_until=utcnow() + timedelta(days=7), next_live_check_at=utcnow() + timedelta(days=1),
                             live_issue="Put #kawa back in the caption.", grace_until=utcnow() + timedelta(hours=48))
    caption = "Kawa @kawa.pl #kawa\n\n\n\n#reklama"
    _report(submission, verdict="fail", caption=caption, results=[
        {"rule": "disclosure", "status": "fail", "message": "The advertising label “%(label)s” comes after "
         "%(offset)s characters, on line %(line)s; %(platform)s shows only the first %(max_offset)s characters and "
         "%(max_lines)s lines before “more”.", "params": {"label": "#reklama", "offset": 23, "line": 5,
                                                         "platform": "Instagram", "max_offset": 125, "max_lines": 3},
         "evidence": "#reklama", "span": [23, 31]}])
    db.session.add(MetricSnapshot(submission_id=submission.id, kind="verification", likes=1234, comments=5))
    html = _html(client, _hub(application))
    assert "reviews it by" in html and "Keep it online until" in html
    assert "Your post needs attention by" in html and "Put #kawa back in the caption." in html
    assert "comes after 23 characters, on line 5" in html
    assert '<mark class="caption-mark caption-mark--fail" title="Failed">#reklama</mark>' in html
    assert "1,234" in html


def test_self_reported_reports_say_a_person_must_check(client, creator):
    application = accepted_application(creator=creator)
    submission = _submission(application, "verified", self_reported=True)
    _report(submission, kind="self_reported", results=[
        {"rule": "ownership", "status": "cannot_verify", "message": submissions.SELF_REPORT_OWNERSHIP,
         "params": {"platform": "Instagram"}, "evidence": None, "span": None}])
    html = _html(client, _hub(application))
    assert "A person must check this post" in html and "Not checked with Instagram" in html
    assert "The brand will check your live post by hand" in html


@pytest.mark.parametrize("status, expected", [
    ("taken_down", "This post was taken down: there is no payout for it"),
    ("live_check_passed", "Your post stayed online and compliant for the whole period"),
    ("approved", "The brand approved your post"),
    ("failed", "Your post does not meet the brief yet"),
])
def test_later_stages(client, creator, status, expected):
    application = accepted_application(creator=creator)
    submission = _submission(application, status, live_issue="The post was deleted.")
    if status == "live_check_passed":
        db.session.add(Payout(submission_id=submission.id, campaign_id=application.campaign_id,
                              creator_id=creator.id, amount_minor=50_000, fee_minor=7_500, currency="PLN"))
    html = _html(client, _hub(application))
    assert expected in html
    assert ("stepper__step--failed" in html) == (status in ("taken_down", "failed"))
    if status == "live_check_passed":
        assert "500,00" in html or "500.00" in html
        assert "badge--pending_approval" in html
    if status == "failed":
        assert f'action="/creator/applications/{application.id}/post' in html


# --- the live caption checker --------------------------------------------------------------------

def _check(client, application, caption, platform="instagram"):
    response = client.post(f"/creator/applications/{application.id}/draft/check",
                           data={"caption": caption, "platform": platform})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_live_checker_lists_a_missing_reklama_then_passes_once_added(client, creator):
    application = accepted_application(creator=creator, drafts_need_approval=True, **PL)
    html = _check(client, application, "Poranna kawa z @kawa.pl #kawa")
    assert "<html" not in html  # a fragment, swapped in place
    assert "1 thing to fix" in html and "The caption has no advertising label" in html and "#reklama" in html
    assert "check-item--pass" in html and "contains the required hashtag #kawa" in html
    html = _check(client, application, COMPLIANT_PL)
    assert "meets every rule" in html and "check-item--fail" not in html
    assert "labelled as advertising" in html


def test_live_checker_reads_thai_hashtags_whole(client, creator):
    application = accepted_application(creator=creator, drafts_need_approval=True, disclosure_required=True,
                                       disclosure_locale="th", required_hashtags=["ร้านกาแฟ"])
    html = _check(client, application, "#โฆษณา กาแฟเย็นแก้วนี้ #ร้านกาแฟ")
    assert "meets every rule" in html and "#ร้านกาแฟ" in html
    html = _check(client, application, "#โฆษณา กาแฟเย็นแก้วนี้ #ร้าน")
    assert "does not contain the required hashtag #ร้านกาแฟ" in html


def test_live_checker_follows_the_platform_chosen(client, creator):
    application = accepted_application(creator=creator, drafts_need_approval=True, on_tiktok=True, **PL)
    html = _check(client, application, COMPLIANT_PL, platform="tiktok")
    assert "commercial content setting" in html  # TikTok only


# --- the post link against the fake platforms ----------------------------------------------------

def test_a_real_post_link_ends_with_the_report_on_the_hub(client, creator, platforms):
    application = accepted_application(creator=creator, posting_starts_at=utcnow() - timedelta(days=1), **PL)
    linked_account(creator, platforms.fake, "instagram", "kasia.gotuje")
    post = platforms.fake.publish_post("instagram", "kasia.gotuje", COMPLIANT_PL)
    response = client.post(f"/creator/applications/{application.id}/post",
                           data={"platform": "instagram", "url": post["permalink"]})
    assert response.status_code == 302 and path_of(response.headers["Location"]) == _hub(application)
    submission = submissions.submission_for(application)
    assert submission.status == "verified" and submission.verdict == "pass"
    html = _html(client, _hub(application))
    assert "Link received" in html and "Meets the brief" in html and "Read from Instagram" in html
    assert "contains the required hashtag #kawa" in html and "Caption history" in html
    assert "hx-get" not in html  # nothing left to wait for


def test_a_bad_link_is_refused_on_its_field_and_kept(client, creator, platforms):
    application = accepted_application(creator=creator)
    linked_account(creator, platforms.fake, "instagram", "kasia.gotuje")
    db.session.commit()
    typed = "https://www.instagram.com/kasia.gotuje/?hl=pl"
    response = client.post(f"/creator/applications/{application.id}/post", data={"platform": "instagram",
                                                                                 "url": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'aria-invalid="true"' in html and "does not point to a post or reel" in html
    assert f'value="{typed}"' in html.replace("&amp;", "&").replace("&#61;", "=")
    assert submissions.submission_for(application) is None


def test_an_unlinked_account_is_refused_with_where_to_link_it(client, creator):
    application = accepted_application(creator=creator)
    db.session.commit()
    response = client.post(f"/creator/applications/{application.id}/post",
                           data={"platform": "instagram", "url": "https://www.instagram.com/p/DAbCdEfGhIj/"})
    html = response.get_data(as_text=True)
    assert "Link your Instagram account first (Accounts" in html and 'href="/creator/accounts"' in html
    assert 'value="https://www.instagram.com/p/DAbCdEfGhIj/"' in html


# --- the hand-made report and disputes -----------------------------------------------------------

def test_self_report_by_hand(client, creator):
    application = accepted_application(creator=creator, **PL)
    db.session.commit()
    url = f"/creator/applications/{application.id}/self-report"
    response = client.post(url, data={"sr-platform": "instagram", "sr-url": "https://www.instagram.com/p/DAbCdEfGhIj/",
                                      "sr-caption": COMPLIANT_PL, "sr-reason": "Personal account",
                                      "sr-screenshot": (io.BytesIO(b"GIF89a..."), "post.gif")},
                           content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "is not a PNG, JPEG or WebP image" in html
    assert COMPLIANT_PL in html and submissions.submission_for(application) is None

    response = client.post(url, data={"sr-platform": "instagram", "sr-url": "https://www.instagram.com/p/DAbCdEfGhIj/",
                                      "sr-caption": COMPLIANT_PL, "sr-reason": "Personal account",
                                      "sr-screenshot": (io.BytesIO(PNG), "post.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    submission = submissions.submission_for(application)
    assert submission.status == "verified" and submission.self_reported
    html = _html(client, _hub(application))
    assert "Your post is reported" in html and "A person must check this post" in html
    assert "Report your post by hand" not in html


def test_dispute_a_rejection_once(client, creator):
    application = accepted_application(creator=creator)
    submission = _submission(application, "rejected", decision_reason="The product is not visible.")
    db.session.commit()
    html = _html(client, _hub(application))
    assert "The brand rejected your post" in html and "The product is not visible." in html
    url = f"/creator/applications/{application.id}/dispute"
    html = client.post(url, data={"reason": ""}).get_data(as_text=True)
    assert "Explain why the post meets the brief" in html
    response = client.post(url, data={"reason": "The mug is in the second photo."})
    assert response.status_code == 302
    dispute = db.session.scalar(select(Dispute).where(Dispute.submission_id == submission.id))
    assert dispute.reason == "The mug is in the second photo."
    html = _html(client, _hub(application))
    assert "You disputed this rejection" in html and f'action="{url}' not in html
    html = client.post(url, data={"reason": "Again"}).get_data(as_text=True)
    assert "already disputed" in html


# --- whose hub -----------------------------------------------------------------------------------

def test_another_creators_hub_and_actions_are_404(client, creator):
    other = accepted_application(creator=make_creator())
    _submission(other, "rejected")
    base = f"/creator/applications/{other.id}"
    assert client.get(f"{base}/submission").status_code == 404
    assert client.get(f"{base}/submission/progress").status_code == 404
    for action in ("draft", "draft/check", "post", "self-report", "dispute"):
        assert client.post(f"{base}/{action}", data={"reason": "mine", "caption": "x"}).status_code == 404
    assert db.session.scalar(select(Dispute.id)) is None
    assert client.get("/creator/applications/987654/submission").status_code == 404


def test_a_pending_application_has_no_hub_yet(client, creator):
    application = ApplicationFactory(creator=creator, campaign=open_campaign())
    response = client.get(_hub(application))
    assert response.status_code == 302
    assert path_of(response.headers["Location"]) == f"/creator/campaigns/{application.campaign_id}"


def test_the_applications_list_links_accepted_ones_to_their_hub(client, creator):
    waiting = accepted_application(creator=creator)
    posted = accepted_application(creator=creator)
    _submission(posted, "verified")
    html = _html(client, "/creator/applications")
    assert f'href="{_hub(waiting)}"' in html and "Submit your post" in html
    assert f'href="{_hub(posted)}"' in html and "badge--verified" in html


def test_draft_rounds_are_listed_newest_first(client, creator):
    application = accepted_application(creator=creator, drafts_need_approval=True)
    submission = _submission(application, "draft_submitted")
    db.session.add_all([DraftRound(submission_id=submission.id, number=1, caption="first", decision="changes_requested",
                                   comments="Shorter, please."),
                        DraftRound(submission_id=submission.id, number=2, caption="second")])
    db.session.flush()
    html = _html(client, _hub(application))
    assert html.index("Round 2") < html.index("Round 1") and "Shorter, please." in html
