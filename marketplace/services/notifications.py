"""Telling people what happened: a bell notification and, when asked, an e-mail after commit."""
from __future__ import annotations

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from ..extensions import db
from ..links import absolute
from ..mail import queue_email
from ..models import Notification, User, utcnow

# kind -> (sentence shown in the bell and as the e-mail subject, e-mail template or None)
KINDS = {
    "application_received": (_l("New application from %(creator)s to “%(campaign)s”"), "notification"),
    "application_accepted": (_l("You're in! Your application to “%(campaign)s” was accepted"), "notification"),
    "application_rejected": (_l("Your application to “%(campaign)s” was not accepted"), "notification"),
    "application_withdrawn": (_l("%(creator)s withdrew from “%(campaign)s”"), None),
    "campaign_cancelled": (_l("“%(campaign)s” was cancelled"), "notification"),
    "campaign_open": (_l("“%(campaign)s” is funded and open for applications"), None),
    # campaigns: an admin's action on a brand's campaign (reason: the admin's)
    "campaign_paused_by_admin": (_l("Hashmark paused “%(campaign)s”: it takes no new applications"), "notification"),
    "campaign_reopened_by_admin": (_l("Hashmark reopened “%(campaign)s” to new applications"), "notification"),
    "campaign_cancelled_by_admin": (_l("Hashmark cancelled “%(campaign)s”: the unspent budget is refunded"),
                                    "notification"),
    # linked accounts
    "relink_needed": (_l("Your %(platform)s connection expired: link %(platform)s again"), "notification"),
    # submissions: drafts
    "draft_submitted": (_l("%(creator)s sent a draft caption for “%(campaign)s”"), "notification"),
    "draft_approved": (_l("Your draft for “%(campaign)s” was approved: you can publish"), "notification"),
    "draft_changes_requested": (_l("Changes requested on your draft for “%(campaign)s”"), "notification"),
    # submissions: verification and review
    "post_verified": (_l("%(creator)s's post for “%(campaign)s” is verified: please review it"), "notification"),
    "post_report_ready": (_l("Your post for “%(campaign)s” was checked: %(verdict)s"), "notification"),
    "post_self_reported": (_l("%(creator)s reported a post for “%(campaign)s” by hand: please confirm it"),
                           "notification"),
    "review_reminder": (_l("Review %(creator)s's post for “%(campaign)s” by %(deadline)s"), "notification"),
    "submission_approved": (_l("Your post for “%(campaign)s” was approved"), "notification"),
    "submission_auto_approved": (_l("The post by %(creator)s for “%(campaign)s” was approved automatically"),
                                 "notification"),
    "submission_rejected": (_l("Your post for “%(campaign)s” was rejected"), "notification"),
    "dispute_opened": (_l("%(creator)s disputes a rejection on “%(campaign)s”"), "notification"),
    # disputes: an admin's decision (reason: the resolution note)
    "dispute_upheld": (_l("Your dispute about “%(campaign)s” was decided: the rejection stands"), "notification"),
    "dispute_upheld_brand": (_l("Hashmark upheld your rejection of %(creator)s's post for “%(campaign)s”"),
                             "notification"),
    "dispute_overturned": (_l("Your dispute about “%(campaign)s” succeeded: your post is approved"),
                           "notification"),
    "dispute_overturned_brand": (_l("Hashmark overturned your rejection of %(creator)s's post for “%(campaign)s”: "
                                    "the post is approved"), "notification"),
    # submissions: live checks
    "live_issue": (_l("Your post for “%(campaign)s” needs attention by %(deadline)s"), "notification"),
    "live_issue_brand": (_l("%(creator)s's post for “%(campaign)s” is no longer compliant"), None),
    "live_restored": (_l("Your post for “%(campaign)s” is compliant again"), None),
    "taken_down": (_l("The post for “%(campaign)s” was taken down: no payout"), "notification"),
    "payout_pending": (_l("You earned %(amount)s for “%(campaign)s”; the payout awaits approval"), "notification"),
    "payout_sent": (_l("%(amount)s for “%(campaign)s” is on its way to your Stripe account"), "notification"),
    "payout_failed": (_l("Your payout for “%(campaign)s” could not be sent"), "notification"),
    "payout_waiting_for_account": (_l("Your payout for “%(campaign)s” is approved: set up payouts with Stripe "
                                      "to receive it"), "notification"),
    "charge_disputed": (_l("A brand disputed the payment for “%(campaign)s” with their bank"), "notification"),
}


def sentence(notification: Notification) -> str:
    template, _template = KINDS[notification.kind]
    return str(template) % notification.params


def notify(user: User, kind: str, *, link: str | None = None, **params: str) -> Notification:
    template, email_template = KINDS[kind]
    notification = Notification(user_id=user.id, kind=kind, params=params, link=link)
    db.session.add(notification)
    if email_template:
        with force_locale(user.locale or "en"):
            subject = str(template) % params
        queue_email(user.email, subject, email_template, locale=user.locale, user=user,
                    sentence=subject, link=absolute(link) if link else None, reason=params.get("reason"))
    return notification


def unread_count(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.read_at.is_(None)))


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                                   .order_by(Notification.id.desc()).limit(limit)))


def mark_all_read(user: User) -> None:
    db.session.execute(update(Notification)
                       .where(Notification.user_id == user.id, Notification.read_at.is_(None))
                       .values(read_at=utcnow()).execution_options(synchronize_session=False))
