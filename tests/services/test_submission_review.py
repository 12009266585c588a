"""The brand's decisions: draft rounds, approving (with confirmation when no platform vouches), rejecting."""
from __future__ import annotations

from datetime import timedelta
from itertools import count

import pytest
from sqlalchemy import select

from marketplace import vault
from marketplace.errors import InvalidTransition, NotAllowed, PermissionDenied
from marketplace.extensions import db
from marketplace.models import (AuditEvent, CaptionSnapshot, DraftRound, LinkedAccount, Notification, Submission,
                                VerificationReport, utcnow)
from marketplace.money import Money
from marketplace.services import ledger, linked_accounts, submission_review

from ..factories import BrandFactory, accepted_application

CAPTION = "#reklama Poranna kawa z @palarnia.krakow #PalarniaKraków"
POST_IDS = (f"179{n:05d}" for n in count(1))  # one post per submission: a post counts for one at a time


def make_submission(status: str = "verified", *, verdict: str | None = "pass", self_reported: bool = False,
                    drafts: tuple[str, ...] = (), application=None, **fields) -> Submission:
    """A submission put straight into `status` with the rows that state implies (no other service runs):
    from `posted` on, the creator's active Instagram account; once reviewed, the verification report."""
    application = application or accepted_application(drafts_need_approval=bool(drafts))
    now = utcnow()
    reviewed = status not in ("draft_submitted", "changes_requested", "approved_draft", "posted", "verifying")
    post_id = None if self_reported or not reviewed else next(POST_IDS)
    defaults = dict(post_url="https://www.instagram.com/p/ABC123/", post_id=post_id, submitted_at=now,
                    permalink="https://www.instagram.com/p/ABC123/", published_at=now - timedelta(hours=2),
                    verified_at=now, review_due_at=now + timedelta(days=5)) if reviewed else {}
    posted = status not in ("draft_submitted", "changes_requested", "approved_draft")
    account = _instagram_account(application.creator) if posted and not self_reported else None
    submission = Submission(application_id=application.id, campaign_id=application.campaign_id,
                            creator_id=application.creator_id, platform="instagram", status=status,
                            self_reported=self_reported, verdict=verdict if reviewed else None,
                            linked_account_id=account.id if account else None, **{**defaults, **fields})
    db.session.add(submission)
    db.session.flush()
    for number, caption in enumerate(drafts, start=1):
        db.session.add(DraftRound(submission_id=submission.id, number=number, caption=caption))
    if reviewed:
        kind = "self_reported" if self_reported else "verification"
        db.session.add(VerificationReport(
            submission_id=submission.id, kind=kind, source="self_reported" if self_reported else "instagram_api",
            verdict=verdict, caption=CAPTION, checked_at=now - timedelta(minutes=1), post_id=submission.post_id,
            results=[
                {"rule": "ownership", "status": "cannot_verify" if self_reported else "pass",
                 "message": "The post belongs to @%(username)s.", "params": {"username": "kawa"},
                 "evidence": None, "span": None}]))
    db.session.flush()
    db.session.refresh(submission)
    return submission


def _instagram_account(creator) -> LinkedAccount:
    account = linked_accounts.account_for(creator, "instagram")
    if account is None:
        account = LinkedAccount(creator_id=creator.id, platform="instagram", platform_user_id=f"ig-{creator.id}",
                                username=f"creator.{creator.id}", access_token_encrypted=vault.encrypt("token"),
                                token_expires_at=utcnow() + timedelta(days=60), scopes=["instagram_business_basic"])
        db.session.add(account)
        db.session.flush()
    return account


def brand_user(submission):
    return submission.campaign.brand.user


def notifications(user, kind=None):
    query = select(Notification).where(Notification.user_id == user.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return db.session.scalars(query.order_by(Notification.id)).all()


def transitions_of(submission):
    return db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity == "submissions", AuditEvent.entity_id == submission.id,
        AuditEvent.action == "status_changed").order_by(AuditEvent.id)).all()


# --- drafts --------------------------------------------------------------------------------------

def test_approving_a_draft_lets_the_creator_publish():
    submission = make_submission("draft_submitted", drafts=("first try", CAPTION))
    submission_review.review_draft(submission, approve=True, comments="  Looks great  ",
                                   actor=brand_user(submission))
    assert submission.status == "approved_draft"
    first, latest = submission.drafts
    assert first.decision is None
    assert (latest.decision, latest.comments, latest.decided_by_id) == ("approved", "Looks great",
                                                                        brand_user(submission).id)
    assert latest.decided_at is not None
    snapshot = db.session.scalar(select(CaptionSnapshot).where(CaptionSnapshot.submission_id == submission.id))
    assert (snapshot.source, snapshot.caption) == ("draft_approved", CAPTION) and len(snapshot.sha256) == 64
    [note] = notifications(submission.creator.user, "draft_approved")
    assert note.params == {"campaign": submission.campaign.title}
    [event] = transitions_of(submission)
    assert (event.actor_id, event.to_status, event.data) == (brand_user(submission).id, "approved_draft",
                                                             {"draft_round": 2})


def test_requesting_changes_needs_comments_and_tells_the_creator_what_to_change():
    submission = make_submission("draft_submitted", drafts=(CAPTION,))
    with pytest.raises(NotAllowed) as refused:
        submission_review.review_draft(submission, approve=False, comments="   ", actor=brand_user(submission))
    assert refused.value.field == "comments" and submission.status == "draft_submitted"
    with pytest.raises(NotAllowed, match="under 2000"):
        submission_review.review_draft(submission, approve=False, comments="x" * 2001, actor=brand_user(submission))

    submission_review.review_draft(submission, approve=False, comments="Put #reklama first.",
                                   actor=brand_user(submission))
    assert submission.status == "changes_requested"
    assert (submission.drafts[0].decision, submission.drafts[0].comments) == ("changes_requested",
                                                                              "Put #reklama first.")
    [note] = notifications(submission.creator.user, "draft_changes_requested")
    assert note.params["reason"] == "Put #reklama first."
    assert transitions_of(submission)[-1].reason == "Put #reklama first."
    assert db.session.scalar(select(CaptionSnapshot).where(CaptionSnapshot.submission_id == submission.id)) is None


def test_only_the_campaigns_brand_reviews_drafts_and_only_while_one_waits():
    submission = make_submission("draft_submitted", drafts=(CAPTION,))
    for outsider in (BrandFactory().user, submission.creator.user):
        with pytest.raises(PermissionDenied):
            submission_review.review_draft(submission, approve=True, comments="", actor=outsider)
    submission_review.review_draft(submission, approve=True, comments="", actor=brand_user(submission))
    with pytest.raises(InvalidTransition):
        submission_review.review_draft(submission, approve=False, comments="Again?", actor=brand_user(submission))
    assert submission.drafts[0].decision == "approved"


# --- approving -----------------------------------------------------------------------------------

def test_approving_a_verified_post():
    submission = make_submission(verdict="pass")
    submission_review.approve(submission, actor=brand_user(submission))
    assert submission.status == "approved"
    assert submission.reviewed_at is not None and submission.auto_approved is False
    [event] = transitions_of(submission)
    assert (event.actor_id, event.reason) == (brand_user(submission).id, None)
    assert len(notifications(submission.creator.user, "submission_approved")) == 1
    assert notifications(brand_user(submission), "submission_auto_approved") == []


@pytest.mark.parametrize("verdict, self_reported", [("cannot_verify", False), ("pass", True),
                                                    ("cannot_verify", True)])
def test_a_post_no_platform_vouched_for_needs_the_brands_confirmation(verdict, self_reported):
    submission = make_submission(verdict=verdict, self_reported=self_reported)
    assert submission_review.needs_confirmation(submission)
    with pytest.raises(NotAllowed, match="checked the live post yourself") as refused:
        submission_review.approve(submission, actor=brand_user(submission))
    assert refused.value.field == "confirm" and submission.status == "verified"
    submission_review.approve(submission, actor=brand_user(submission), confirm=True)
    assert submission.status == "approved"
    assert transitions_of(submission)[-1].data == {"confirmed_by_brand": True}


def test_a_failed_latest_check_also_needs_confirmation():
    submission = make_submission(verdict="pass")
    assert not submission_review.needs_confirmation(submission)
    db.session.add(VerificationReport(submission_id=submission.id, kind="live_check", source="instagram_api",
                                      verdict="fail", caption="edited", results=[]))
    db.session.flush()
    assert submission_review.needs_confirmation(submission)
    with pytest.raises(NotAllowed):
        submission_review.approve(submission, actor=brand_user(submission))


def test_approve_is_refused_to_outsiders_and_outside_verified():
    submission = make_submission(verdict="pass")
    for outsider in (BrandFactory().user, submission.creator.user, None):
        with pytest.raises(PermissionDenied):
            submission_review.approve(submission, actor=outsider)
    for status in ("posted", "failed"):
        elsewhere = make_submission(status)
        with pytest.raises(InvalidTransition):
            submission_review.approve(elsewhere, actor=brand_user(elsewhere), confirm=True)
    submission_review.approve(submission, actor=brand_user(submission))
    with pytest.raises(InvalidTransition):
        submission_review.approve(submission, actor=brand_user(submission))
    assert len(notifications(submission.creator.user, "submission_approved")) == 1


def test_automatic_approval_is_the_systems_and_only_for_a_platform_vouched_pass():
    for verdict, self_reported in (("cannot_verify", False), ("pass", True)):
        submission = make_submission(verdict=verdict, self_reported=self_reported)
        with pytest.raises(NotAllowed, match="needs a person"):
            submission_review.approve(submission, actor=None, auto=True)
        assert submission.status == "verified"
    submission = make_submission(verdict="pass")
    with pytest.raises(PermissionDenied):
        submission_review.approve(submission, actor=brand_user(submission), auto=True)
    submission_review.approve(submission, actor=None, auto=True)
    assert submission.auto_approved is True
    [event] = transitions_of(submission)
    assert (event.actor_id, event.reason) == (None, "review deadline passed")
    [note] = notifications(brand_user(submission), "submission_auto_approved")
    assert note.params == {"campaign": submission.campaign.title, "creator": submission.creator.display_name}


def the_latest_read_failed(submission) -> None:
    submission.last_error = "Instagram did not answer properly just now. We will try again in a few minutes."


def the_account_must_be_linked_again(submission) -> None:
    submission.linked_account.status = "relink_needed"


def the_account_is_gone(submission) -> None:
    db.session.delete(submission.linked_account)
    db.session.flush()
    db.session.refresh(submission)


@pytest.mark.parametrize("unreadable", [the_latest_read_failed, the_account_must_be_linked_again,
                                        the_account_is_gone])
def test_a_post_that_cannot_be_read_now_is_never_approved_automatically(unreadable):
    submission = make_submission(verdict="pass")
    assert submission_review.auto_approvable(submission)
    unreadable(submission)
    assert not submission_review.auto_approvable(submission)
    with pytest.raises(NotAllowed, match="needs a person"):
        submission_review.approve(submission, actor=None, auto=True)
    assert submission.status == "verified"
    submission_review.approve(submission, actor=brand_user(submission), confirm=True)  # the brand looked
    assert transitions_of(submission)[-1].data == {"confirmed_by_brand": True}


def test_approving_after_the_live_period_settles_the_post():
    published = utcnow() - timedelta(days=20)
    submission = make_submission(verdict="pass", published_at=published, live_until=published + timedelta(days=7))
    submission_review.approve(submission, actor=brand_user(submission))
    assert submission.status == "live_check_passed"


# --- rejecting -----------------------------------------------------------------------------------

def test_rejecting_needs_a_reason_and_gives_the_budget_back():
    submission = make_submission(verdict="fail")
    campaign = submission.campaign
    assert ledger.balance(ledger.reserved(campaign.id), "PLN") == campaign.cost_per_post
    for reason, message in (("  ", "Tell the creator why"), ("x" * 2001, "under 2000")):
        with pytest.raises(NotAllowed, match=message) as refused:
            submission_review.reject(submission, reason=reason, actor=brand_user(submission))
        assert refused.value.field == "reason"
    assert submission.status == "verified"

    submission_review.reject(submission, reason=" The label is missing. ", actor=brand_user(submission))
    assert submission.status == "rejected" and submission.decision_reason == "The label is missing."
    assert submission.reviewed_at is not None
    assert transitions_of(submission)[-1].reason == "The label is missing."
    assert ledger.balance(ledger.reserved(campaign.id), "PLN") == Money(0, "PLN")
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == campaign.total_budget
    assert ledger.imbalances() == []
    [note] = notifications(submission.creator.user, "submission_rejected")
    assert note.params["reason"] == "The label is missing."
    with pytest.raises(InvalidTransition):
        submission_review.reject(submission, reason="twice", actor=brand_user(submission))
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == campaign.total_budget


def test_reject_is_refused_to_outsiders():
    submission = make_submission(verdict="pass")
    with pytest.raises(PermissionDenied):
        submission_review.reject(submission, reason="Not ours", actor=BrandFactory().user)
    with pytest.raises(PermissionDenied):
        submission_review.reject(submission, reason="Mine", actor=submission.creator.user)
    assert submission.status == "verified"
