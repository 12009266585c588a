"""The brand's submission pages: list, review page in every state, draft and post decisions."""
from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import (AuditEvent, CaptionSnapshot, Dispute, MetricSnapshot, Notification, Upload,
                                VerificationReport)
from marketplace.money import Money
from marketplace.services import ledger

from ...factories import CreatorFactory, accepted_application
from ...helpers import login, path_of
from ...services.test_submission_review import CAPTION, make_submission
from .html import error, text_of, value

ROUTES = ("brand.campaign_submissions", "brand.submission_detail", "brand.submission_draft_review",
          "brand.submission_approve", "brand.submission_reject")


@pytest.fixture
def mine(brand):
    """A submission in `status` on a campaign of the signed-in brand."""
    def make(status="verified", **kwargs):
        drafts = kwargs.get("drafts", ())
        application = accepted_application(brand=brand, drafts_need_approval=bool(drafts))
        submission = make_submission(status, application=application, **kwargs)
        db.session.commit()  # as a real request would find it (a refused decision rolls back)
        return submission
    return make


def detail(submission, action=None):
    base = f"/brand/campaigns/{submission.campaign_id}/submissions/{submission.id}"
    return f"{base}/{action}" if action else base


def test_creators_and_visitors_are_kept_out(app, client, mine):
    submission = mine()
    with app.test_request_context():
        requests = [("POST" if "POST" in rule.methods else "GET",
                     url_for(rule.endpoint, campaign_id=submission.campaign_id, submission_id=submission.id))
                    for rule in app.url_map.iter_rules() if rule.endpoint in ROUTES]
    assert len(requests) == len(ROUTES)
    data = {"decision": "approve", "reject-reason": "x", "approve-confirm": "y"}
    for method, url in requests:
        assert path_of(client.open(url, method=method, data=data).location) == "/login"
    login(client, submission.creator.user)
    for method, url in requests:
        assert client.open(url, method=method, data=data).status_code == 403
    assert submission.status == "verified"


def test_another_brands_submissions_do_not_exist(app, brand_client, mine):
    theirs = make_submission("verified", verdict="cannot_verify")
    drafting = make_submission("draft_submitted", drafts=(CAPTION,))
    own = mine()
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    requests = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint not in ROUTES:
                continue
            method = "POST" if "POST" in rule.methods else "GET"
            for campaign_id, submission_id in ((theirs.campaign_id, theirs.id), (drafting.campaign_id, drafting.id),
                                               (own.campaign_id, theirs.id)):  # theirs, through my campaign
                if rule.endpoint == "brand.campaign_submissions" and campaign_id == own.campaign_id:
                    continue
                requests.append((method, url_for(rule.endpoint, campaign_id=campaign_id, submission_id=submission_id)))
    assert len(requests) == 14
    for method, url in requests:
        response = brand_client.open(url, method=method, data={
            "decision": "approve", "approve-confirm": "y", "reject-reason": "Hijacked"})
        assert response.status_code == 404, (method, url)
    db.session.expire_all()
    assert (theirs.status, drafting.status) == ("verified", "draft_submitted")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


@pytest.mark.parametrize("status, kwargs, expected", [
    ("draft_submitted", {"drafts": ("Pierwsza wersja", CAPTION)}, "Approve draft"),
    ("changes_requested", {"drafts": ("Pierwsza wersja",)}, "preparing the next draft"),
    ("approved_draft", {"drafts": (CAPTION,)}, "Waiting for"),
    ("posted", {"post_url": "https://www.instagram.com/p/ABC123/", "last_error": "Instagram is busy."},
     "Instagram is busy."),
    ("verifying", {"post_url": "https://www.instagram.com/p/ABC123/"}, "reading the post"),
    ("verified", {"verdict": "pass"}, "approved automatically then"),
    ("verified", {"verdict": "cannot_verify"}, "A person has to check this post"),
    ("verified", {"verdict": "pass", "self_reported": True, "self_report_reason": "Personal account"},
     "reported this post by hand"),
    ("failed", {"verdict": "fail"}, "can fix it and send it again"),
    ("approved", {"verdict": "pass", "auto_approved": True}, "Approved automatically"),
    ("rejected", {"verdict": "fail", "decision_reason": "No #reklama label."}, "No #reklama label."),
    ("live_check_passed", {"verdict": "pass"}, "stayed live and compliant"),
    ("taken_down", {"verdict": "pass", "live_issue": "The post was deleted."}, "The post was deleted."),
])
def test_the_review_page_renders_in_every_state(brand_client, mine, status, kwargs, expected):
    submission = mine(status, **kwargs)
    response = brand_client.get(detail(submission))
    assert response.status_code == 200
    assert expected in " ".join(text_of(response, "#review").split())
    html = response.get_data(as_text=True)
    assert submission.creator.display_name in html and 'id="submission-stepper"' in html
    if submission.verdict:
        assert 'id="report"' in html
    listing = brand_client.get(f"/brand/campaigns/{submission.campaign_id}/submissions")
    assert listing.status_code == 200 and detail(submission) in listing.get_data(as_text=True)


def test_the_review_page_shows_reports_history_metrics_drafts_screenshot_and_disputes(brand_client, mine):
    submission = mine("rejected", verdict="fail", drafts=("#reklama Kawa", CAPTION), self_reported=True,
                      decision_reason="Wrong product.")
    shot = Upload(owner_id=submission.creator.user_id, filename="post.png", content_type="image/png", size=3,
                  sha256="0" * 64, data=b"png")
    db.session.add(shot)
    db.session.flush()
    submission.screenshot_id = shot.id
    first = db.session.scalars(select(VerificationReport)
                               .where(VerificationReport.submission_id == submission.id)).one()
    db.session.add_all([
        VerificationReport(submission_id=submission.id, kind="live_check", source="instagram_api", verdict="fail",
                           caption="Kawa bez oznaczenia", results=[]),
        CaptionSnapshot(submission_id=submission.id, source="verification", caption=CAPTION, sha256="a" * 64),
        MetricSnapshot(submission_id=submission.id, kind="verification", likes=1234, comments=56),
        Dispute(submission_id=submission.id, opened_by_id=submission.creator.user_id, reason="The label was there."),
    ])
    submission.drafts[0].decision, submission.drafts[0].comments = "changes_requested", "Put the label first."
    submission.drafts[1].decision = "approved"
    db.session.flush()
    response = brand_client.get(detail(submission))
    html = response.get_data(as_text=True)
    assert f'id="report-{first.id}"' in html  # the earlier report, collapsed
    assert "Kawa bez oznaczenia" in text_of(response, "#report")
    assert "1,234" in text_of(response, "#metrics")
    assert "Poranna kawa" in text_of(response, "#history")
    drafts = text_of(response, "#drafts")
    assert "Round 1" in drafts and "Put the label first." in drafts and "Round 2" in drafts
    assert f'src="/files/{shot.id}"' in html
    assert "The label was there." in text_of(response, "#disputes")


def test_a_draft_is_checked_against_the_brief_and_approved(brand_client, mine):
    submission = mine("draft_submitted", drafts=("Poranna kawa bez tagów",))
    submission.campaign.required_hashtags = ["PalarniaKraków"]
    submission.campaign.disclosure_required, submission.campaign.disclosure_locale = True, "pl"
    db.session.flush()
    page = brand_client.get(detail(submission))
    check = text_of(page, "#review")
    assert "#palarniakraków" in check.lower() and "This caption breaks 2 rules" in check

    response = brand_client.post(detail(submission, "draft"), data={"decision": "approve", "draft-comments": ""})
    assert path_of(response.location) == detail(submission)
    assert submission.status == "approved_draft" and submission.drafts[0].decision == "approved"
    assert "can publish it now" in brand_client.get(response.location).get_data(as_text=True)
    assert db.session.scalar(select(Notification).where(Notification.kind == "draft_approved")).link == \
        f"/creator/applications/{submission.application_id}/submission"


def test_requesting_changes_needs_comments_and_keeps_what_was_typed(brand_client, mine):
    submission = mine("draft_submitted", drafts=(CAPTION,))
    response = brand_client.post(detail(submission, "draft"), data={"decision": "changes", "draft-comments": "  "})
    assert response.status_code == 200
    assert "Tell the creator what to change" in error(response, "draft-comments")
    too_long = "Zmień to. " * 250
    response = brand_client.post(detail(submission, "draft"), data={"decision": "changes", "draft-comments": too_long})
    assert "under 2000" in error(response, "draft-comments") and value(response, "draft-comments") == too_long
    assert submission.status == "draft_submitted"
    response = brand_client.post(detail(submission, "draft"),
                                 data={"decision": "changes", "draft-comments": "Dodaj #reklama na początku."})
    assert response.status_code == 302 and submission.status == "changes_requested"
    assert submission.drafts[0].comments == "Dodaj #reklama na początku."


def test_approving_a_passed_post(brand_client, mine):
    submission = mine(verdict="pass")
    page = brand_client.get(detail(submission))
    assert 'name="approve-confirm"' not in page.get_data(as_text=True)
    response = brand_client.post(detail(submission, "approve"), data={})
    assert path_of(response.location) == detail(submission)
    assert submission.status == "approved" and submission.auto_approved is False
    assert "Post approved" in brand_client.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize("kwargs", [{"verdict": "cannot_verify"}, {"verdict": "pass", "self_reported": True}])
def test_a_post_nobody_vouched_for_needs_the_confirm_box(brand_client, mine, kwargs):
    submission = mine(**kwargs)
    page = brand_client.get(detail(submission))
    assert 'name="approve-confirm"' in page.get_data(as_text=True)
    response = brand_client.post(detail(submission, "approve"), data={})
    assert response.status_code == 200
    assert "checked the live post yourself" in error(response, "approve-confirm")
    assert submission.status == "verified"
    response = brand_client.post(detail(submission, "approve"), data={"approve-confirm": "y"})
    assert response.status_code == 302 and submission.status == "approved"


def test_rejecting_needs_a_reason_keeps_it_when_refused_and_frees_the_budget(brand_client, mine):
    submission = mine(verdict="fail")
    campaign = submission.campaign
    response = brand_client.post(detail(submission, "reject"), data={"reject-reason": ""})
    assert response.status_code == 200 and "Tell the creator why" in error(response, "reject-reason")
    too_long = "Brak oznaczenia reklamy. " * 100
    response = brand_client.post(detail(submission, "reject"), data={"reject-reason": too_long})
    assert "under 2000" in error(response, "reject-reason") and value(response, "reject-reason") == too_long
    assert "<details class=\"stack\" open>" in response.get_data(as_text=True)
    assert ledger.balance(ledger.reserved(campaign.id), "PLN") == campaign.cost_per_post

    response = brand_client.post(detail(submission, "reject"), data={"reject-reason": "Brak #reklama."})
    assert response.status_code == 302
    assert submission.status == "rejected" and submission.decision_reason == "Brak #reklama."
    assert ledger.balance(ledger.reserved(campaign.id), "PLN") == Money(0, "PLN")
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == campaign.total_budget
    assert ledger.imbalances() == []


def test_a_decision_the_state_no_longer_allows_is_a_flash_not_an_error(brand_client, mine):
    submission = mine("approved", verdict="pass")
    for action, data in (("approve", {}), ("reject", {"reject-reason": "Too late"}),
                         ("draft", {"decision": "approve"})):
        response = brand_client.post(detail(submission, action), data=data)
        assert response.status_code == 302, action
        page = brand_client.get(response.location).get_data(as_text=True)
        assert "That is no longer possible: the submission is approved." in page
    assert submission.status == "approved"
    assert ledger.balance(ledger.reserved(submission.campaign_id), "PLN") == submission.campaign.cost_per_post


def test_the_list_filters_by_status(brand_client, brand, mine):
    waiting = mine(verdict="pass")
    failed = make_submission("failed", verdict="fail",
                             application=accepted_application(campaign=waiting.campaign, creator=CreatorFactory()))
    url = f"/brand/campaigns/{waiting.campaign_id}/submissions"
    everything = brand_client.get(url).get_data(as_text=True)
    assert detail(waiting) in everything and detail(failed) in everything
    only = brand_client.get(url, query_string={"status": "verified"}).get_data(as_text=True)
    assert detail(waiting) in only and detail(failed) not in only
    junk = brand_client.get(url, query_string={"status": "<script>"})
    assert junk.status_code == 200 and detail(failed) in junk.get_data(as_text=True)
    empty = brand_client.get(url, query_string={"status": "taken_down"}).get_data(as_text=True)
    assert "None with this status" in empty


def test_the_campaign_page_lists_its_submissions(brand_client, brand, mine):
    submission = mine(verdict="cannot_verify")
    response = brand_client.get(f"/brand/campaigns/{submission.campaign_id}")
    section = text_of(response, "#submissions")
    assert submission.creator.display_name in section and "Cannot verify" in section
    assert detail(submission) in response.get_data(as_text=True)
    quiet = accepted_application(brand=brand)
    assert 'id="submissions"' not in brand_client.get(f"/brand/campaigns/{quiet.campaign_id}").get_data(as_text=True)



def test_a_post_the_platform_cannot_read_says_why_and_needs_the_brands_own_check(brand_client, mine):
    submission = mine()
    submission.last_error = "Instagram took too long to answer. We will try again in a few minutes."
    db.session.commit()
    page = brand_client.get(detail(submission)).get_data(as_text=True)
    assert "cannot read the post from the platform right now: Instagram took too long to answer." in page
    assert "It is never approved automatically." in page
