"""The review deadline: one reminder before it, automatic approval after it, daily nagging for posts a
person must check."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditEvent, Notification, utcnow
from marketplace.services import review_deadline
from marketplace.services.settings import set_platform_setting

from .test_submission_review import brand_user, make_submission, notifications


def test_the_brand_is_reminded_once_before_the_deadline():
    now = utcnow()
    soon = make_submission(verdict="pass", review_due_at=now + timedelta(hours=10))
    later = make_submission(verdict="pass", review_due_at=now + timedelta(days=3))
    assert review_deadline.run(now) == {"review_reminders": 1, "auto_approved": 0}
    [note] = notifications(brand_user(soon), "review_reminder")
    assert note.params["creator"] == soon.creator.display_name
    assert note.params["campaign"] == soon.campaign.title
    assert str(soon.review_due_at.year) in note.params["deadline"]
    assert note.link == f"/brand/campaigns/{soon.campaign_id}/submissions/{soon.id}"
    assert soon.review_reminded_at == now and soon.status == "verified"
    assert later.review_reminded_at is None and notifications(brand_user(later), "review_reminder") == []
    assert review_deadline.run(now + timedelta(hours=1)) == {"review_reminders": 0, "auto_approved": 0}
    assert len(notifications(brand_user(soon), "review_reminder")) == 1


def test_the_reminder_lead_time_is_a_platform_setting():
    now = utcnow()
    submission = make_submission(verdict="pass", review_due_at=now + timedelta(hours=30))
    assert review_deadline.run(now)["review_reminders"] == 0
    set_platform_setting("review_reminder_hours", 48, actor=None)
    assert review_deadline.run(now)["review_reminders"] == 1
    assert submission.review_reminded_at == now


def test_a_passed_post_is_approved_when_the_deadline_passes_and_only_once():
    now = utcnow()
    submission = make_submission(verdict="pass", review_due_at=now - timedelta(minutes=1))
    waiting = make_submission(verdict="pass", review_due_at=now + timedelta(days=4))
    assert review_deadline.run(now) == {"review_reminders": 0, "auto_approved": 1}
    assert submission.status == "approved" and submission.auto_approved is True
    assert submission.reviewed_at == now
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "submissions",
                                                       AuditEvent.entity_id == submission.id,
                                                       AuditEvent.to_status == "approved"))
    assert (event.actor_id, event.reason) == (None, "review deadline passed")
    assert len(notifications(submission.creator.user, "submission_approved")) == 1
    assert len(notifications(brand_user(submission), "submission_auto_approved")) == 1
    assert waiting.status == "verified"

    assert review_deadline.run(now) == {"review_reminders": 0, "auto_approved": 0}
    assert len(notifications(brand_user(submission), "submission_auto_approved")) == 1
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.entity_id == submission.id,
                                                         AuditEvent.entity == "submissions",
                                                         AuditEvent.id != event.id)) is None


def test_posts_needing_a_person_are_never_auto_approved_but_reminded_daily():
    now = utcnow()
    unreadable = make_submission(verdict="cannot_verify", review_due_at=now - timedelta(hours=1))
    by_hand = make_submission(verdict="pass", self_reported=True, review_due_at=now - timedelta(hours=1))
    assert review_deadline.run(now) == {"review_reminders": 2, "auto_approved": 0}
    assert review_deadline.run(now + timedelta(hours=5)) == {"review_reminders": 0, "auto_approved": 0}
    assert review_deadline.run(now + timedelta(days=1)) == {"review_reminders": 2, "auto_approved": 0}
    assert review_deadline.run(now + timedelta(days=30)) == {"review_reminders": 2, "auto_approved": 0}
    for submission in (unreadable, by_hand):
        assert submission.status == "verified" and submission.auto_approved is False
        assert len(notifications(brand_user(submission), "review_reminder")) == 3
        assert notifications(submission.creator.user, "submission_approved") == []


def test_only_verified_posts_are_looked_at():
    now = utcnow()
    decided = make_submission("rejected", verdict="pass", review_due_at=now - timedelta(days=1))
    make_submission("approved", verdict="pass", review_due_at=now - timedelta(days=1))
    assert review_deadline.run(now) == {"review_reminders": 0, "auto_approved": 0}
    assert decided.status == "rejected"
    assert db.session.scalar(select(Notification.id).where(
        Notification.kind.in_(["review_reminder", "submission_approved", "submission_auto_approved"]))) is None

