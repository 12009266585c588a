"""What a creator does with a submission: drafts, the post link, a hand-made report, a dispute.

Moves made here (the table is `submission_states.TRANSITIONS`):
    (none)            -> draft_submitted   first draft round (campaigns that want pre-approval)
    changes_requested -> draft_submitted   the next round
    (none)            -> posted            the link, straight away (no pre-approval)
    approved_draft    -> posted            the link, once the draft was approved
    failed            -> posted            a fixed post or a new link
    posted            -> verified          a post the platform cannot read, reported by hand
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from .. import clock
from ..errors import FieldErrors, NotAllowed, PermissionDenied
from ..extensions import db
from ..links import path_for
from ..models import (Application, ApplicationStatus, Campaign, Dispute, DraftRound, LinkedAccount, LinkedAccountStatus,
                      Role, Submission, SubmissionStatus, User, utcnow)
from ..verification import CaptionReport
from ..verification.sources import SourceError, instagram, tiktok
from ..verification.sources.errors import LABELS
from ..verification.text import N_
from . import linked_accounts, live_checks, post_report, uploads, verifier
from .audit import record_event
from .live_checks import brand_link, names
from .notifications import notify
from .settings import platform_setting
from .submission_states import POST_EXPECTED, move

S = SubmissionStatus
MAX_CAPTION = 2200   # Instagram's and TikTok's caption limit
MAX_NOTE = 2000
MAX_REASON = 2000
MAX_URL = 2000
# After platform trouble (not the creator's to fix) the creator may report by hand only once the
# verifier has tried this often over this long.
SELF_REPORT_AFTER_ATTEMPTS = 5
SELF_REPORT_AFTER_TROUBLE = timedelta(hours=24)
PLATFORM_NAMES = LABELS   # "instagram" -> "Instagram", for messages and pages that name the platform
_LINK_PARSERS = {"instagram": instagram.parse_shortcode, "tiktok": tiktok.parse_video_id}
SELF_REPORT_OWNERSHIP = N_(
    "Not checked with %(platform)s: the creator reported this post by hand (%(platform)s could not be "
    "read with their account). Nobody has confirmed whose post it is, when it was published or that its "
    "caption is the one below. Open the post and check it yourself before you confirm it."
)


# --- reading -------------------------------------------------------------------------------------

def submission_for(application: Application) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.application_id == application.id))


def check_draft_caption(campaign: Campaign, caption: str, platform: str) -> CaptionReport:
    """The campaign's caption rules applied to a caption being written (the live checker; an
    unknown platform means the campaign's first). Text past twice the limit is not read."""
    return post_report.check_campaign_caption(campaign, caption[: MAX_CAPTION * 2],
                                              _platform_or_first(campaign, platform))


def can_self_report(submission: Submission | None, creator, platform: str) -> bool:
    """May the creator report the post by hand? Only when the platform cannot be read for them.

    Before a link is submitted: no usable linked account on `platform` (e.g. a personal
    Instagram account, which Instagram refuses). Once a link waits for verification, only on its
    own platform, and only after the verifier failed for a reason waiting cannot fix (the
    platform refused the account: personal account, permission missing, token refused - each
    leaves the account to link again), or after platform trouble lasting at least
    SELF_REPORT_AFTER_ATTEMPTS tries over SELF_REPORT_AFTER_TROUBLE.
    """
    if submission is not None and submission.status == S.POSTED:
        if platform != submission.platform or submission.verification_attempts < 1:
            return False
        return _no_usable_account(creator, platform) or _lasting_trouble(submission)
    if submission is not None and submission.status != S.APPROVED_DRAFT:
        return False
    return _no_usable_account(creator, platform)


def _no_usable_account(creator, platform: str) -> bool:
    account = linked_accounts.account_for(creator, platform)
    return account is None or account.status == LinkedAccountStatus.RELINK_NEEDED


def _lasting_trouble(submission: Submission) -> bool:
    """Every try since the link was submitted failed (else it would have left `posted`)."""
    return (submission.verification_attempts >= SELF_REPORT_AFTER_ATTEMPTS and submission.submitted_at is not None
            and clock.now() - submission.submitted_at >= SELF_REPORT_AFTER_TROUBLE)


# --- drafts --------------------------------------------------------------------------------------

def submit_draft(application: Application, *, caption: str, note: str, platform: str,
                 media: uploads.IncomingFile | None, actor: User) -> Submission:
    """Send a caption (and optionally an image) for the brand's approval before publishing."""
    _accepted_creator(application, actor)
    campaign = application.campaign
    if not campaign.drafts_need_approval:
        raise NotAllowed(None, _l("This campaign does not ask for drafts: publish your post and submit its link."))
    submission = submission_for(application)
    if submission is not None and submission.status != S.CHANGES_REQUESTED:
        raise NotAllowed(None, _l("Your draft is with the brand; wait for their answer.")
                         if submission.status == S.DRAFT_SUBMITTED else _l("The draft stage is over."))
    fields = _Fields()
    caption = fields.check("caption", lambda: _caption(caption))
    note = fields.check("note", lambda: _limited(note, "note", MAX_NOTE))
    fields.check("platform", lambda: _campaign_platform(campaign, platform))
    fields.check("media", lambda: uploads.check_image(media, field="media", required=False))
    fields.raise_any()
    image = uploads.store_image(media, owner=actor, field="media", required=False)

    if submission is None:
        submission = _create(application, platform, S.DRAFT_SUBMITTED)
        number = 1
        record_event("submissions", submission.id, "draft_submitted", actor=actor, to_status=S.DRAFT_SUBMITTED,
                     data={"draft_round": number})
    else:
        number = (db.session.scalar(select(func.max(DraftRound.number))
                                    .where(DraftRound.submission_id == submission.id)) or 0) + 1
        submission.platform = platform
        move(submission, S.DRAFT_SUBMITTED, actor=actor, data={"draft_round": number})
    db.session.add(DraftRound(submission_id=submission.id, number=number, caption=caption, note=note,
                              media_id=image.id if image else None, submitted_at=clock.now()))
    db.session.flush()
    db.session.expire(submission, ["drafts"])
    notify(campaign.brand.user, "draft_submitted", link=brand_link(submission), **names(submission))
    return submission


# --- the post link -------------------------------------------------------------------------------

def submit_post(application: Application, *, url: str, platform: str, actor: User) -> Submission:
    """Submit the published post's link; the verifier reads it after commit."""
    _accepted_creator(application, actor)
    campaign = application.campaign
    submission = submission_for(application)
    _expect_post(campaign, submission)
    _campaign_platform(campaign, platform)
    account = linked_accounts.account_for(actor.creator, platform)
    if account is None or account.status != LinkedAccountStatus.ACTIVE:
        raise NotAllowed(None, _not_linked(platform, account))
    url = _post_url(url, platform)
    submission = _posted(application, submission, platform=platform, url=url, actor=actor)
    submission.linked_account_id = account.id
    db.session.flush()
    verifier.enqueue(submission)
    return submission


# --- the hand-made report ------------------------------------------------------------------------

def self_report(application: Application, *, url: str, platform: str, caption: str,
                screenshot: uploads.IncomingFile | None, reason: str, actor: User) -> Submission:
    """Report a post the platform will not let us read: the pasted caption is checked by the
    same rules, a screenshot is kept as evidence, and the brand must confirm it by hand."""
    _accepted_creator(application, actor)
    campaign = application.campaign
    submission = submission_for(application)
    if not (submission is not None and submission.status == S.POSTED):
        _expect_post(campaign, submission)
    fields = _Fields()
    fields.check("platform", lambda: _campaign_platform(campaign, platform))
    if not fields.errors and not can_self_report(submission, actor.creator, platform):
        raise NotAllowed(None, _l("%(platform)s can be read with your linked account, so submit the post's link "
                                  "instead: Hashmark checks it for you.", platform=PLATFORM_NAMES[platform]))
    url = fields.check("url", lambda: _post_url(url, platform))
    caption = fields.check("caption", lambda: _caption(caption))
    reason = fields.check("reason", lambda: _limited(reason, "reason", MAX_REASON))
    fields.check("screenshot", lambda: uploads.check_image(screenshot, field="screenshot"))
    fields.raise_any()
    image = uploads.store_image(screenshot, owner=actor, field="screenshot")

    now = clock.now()
    if submission is None or submission.status != S.POSTED:
        submission = _posted(application, submission, platform=platform, url=url, actor=actor)
    else:
        submission.post_url, submission.submitted_at = url, now  # its platform: `can_self_report` checked it
        submission.next_attempt_at = None  # no more retries: the platform cannot read it
    account = linked_accounts.account_for(actor.creator, platform)
    found = post_report.check_campaign_caption(campaign, caption, platform)
    caption_rules = post_report.caption_results(found, campaign)
    results = [_self_report_ownership(platform), *caption_rules]
    # nobody can vouch for ownership (the brand checks it by hand): the caption's rules give the verdict
    report = live_checks.store_report(submission, kind="self_reported", results=results, now=now, caption=found,
                                      verdict=post_report.verdict_of(caption_rules))
    submission.self_reported = True
    submission.self_report_reason = reason or None
    submission.screenshot_id = image.id
    submission.linked_account_id = account.id if account else None
    submission.verdict = report.verdict
    submission.verified_at = now
    submission.review_due_at = now + timedelta(days=platform_setting("review_days"))
    submission.live_until = now + timedelta(days=campaign.min_live_days)
    submission.next_live_check_at = submission.live_until
    move(submission, S.VERIFIED, actor=actor, reason="self_reported", data={"report_id": report.id})
    notify(campaign.brand.user, "post_self_reported", link=brand_link(submission), **names(submission))
    db.session.flush()
    return submission


# --- disputes ------------------------------------------------------------------------------------

def open_dispute(submission: Submission, *, reason: str, actor: User) -> Dispute:
    """Contest the brand's rejection, once; admins decide."""
    if actor.creator is None or submission.creator_id != actor.creator.id:
        raise PermissionDenied(_l("Only the creator of this post can dispute its rejection."))
    _lock(submission)
    if submission.status != S.REJECTED:
        raise NotAllowed(None, _l("Only a rejected post can be disputed."))
    if db.session.scalar(select(Dispute.id).where(Dispute.submission_id == submission.id).limit(1)):
        raise NotAllowed(None, _l("You have already disputed this rejection; an admin will answer."))
    reason = (reason or "").strip()
    if not reason:
        raise NotAllowed("reason", _l("Explain why the post meets the brief, so an admin can decide."))
    _limited(reason, "reason", MAX_REASON)
    dispute = Dispute(submission_id=submission.id, opened_by_id=actor.id, reason=reason, opened_at=clock.now())
    db.session.add(dispute)
    db.session.flush()
    record_event("disputes", dispute.id, "opened", actor=actor, reason=reason,
                 data={"submission_id": submission.id})
    for admin in db.session.scalars(select(User).where(User.role == Role.ADMIN, User.status == "active")):
        notify(admin, "dispute_opened", link=path_for("admin.disputes"), **names(submission))
    return dispute


# --- rules shared by the actions -----------------------------------------------------------------

class _Fields:
    """Collects refusals field by field, so one answer lists everything to fix."""

    def __init__(self) -> None:
        self.errors: dict[str | None, list[str]] = {}

    def check(self, field: str, read):
        try:
            return read()
        except NotAllowed as error:
            self.errors.setdefault(error.field or field, []).append(error.message)
            return None

    def raise_any(self) -> None:
        if self.errors:
            raise FieldErrors(self.errors)


def _accepted_creator(application: Application, actor: User) -> None:
    if actor.creator is None or application.creator_id != actor.creator.id:
        raise PermissionDenied(_l("Only the creator accepted into this campaign can do that."))
    if application.status != ApplicationStatus.ACCEPTED:
        raise NotAllowed(None, _l("Only an accepted application can submit a post."))


def _expect_post(campaign: Campaign, submission: Submission | None) -> None:
    """Refuse unless the creator is expected to publish now."""
    if submission is None:
        if campaign.drafts_need_approval:
            raise NotAllowed(None, _l("This campaign wants your draft approved before you publish: send the draft "
                                      "first."))
        return
    if submission.status in POST_EXPECTED:
        return
    if submission.status in (S.DRAFT_SUBMITTED, S.CHANGES_REQUESTED):
        raise NotAllowed(None, _l("Wait until the brand approves your draft before you publish."))
    if submission.status == S.REJECTED:
        raise NotAllowed(None, _l("The brand rejected this post; you can dispute the decision."))
    raise NotAllowed(None, _l("Your post is already submitted."))


def _create(application: Application, platform: str, status: str) -> Submission:
    submission = Submission(application_id=application.id, campaign_id=application.campaign_id,
                            creator_id=application.creator_id, platform=platform, status=status,
                            status_changed_at=utcnow())  # real time, as `transitions` stamps it
    try:
        with db.session.begin_nested():
            db.session.add(submission)
    except IntegrityError:
        raise NotAllowed(None, _l("This was already sent (perhaps from another tab); reload the page.")) from None
    return submission


def _posted(application: Application, submission: Submission | None, *, platform: str, url: str,
            actor: User) -> Submission:
    """The submission in `posted` with this link, every trace of an earlier check cleared."""
    if submission is None:
        submission = _create(application, platform, S.POSTED)
        record_event("submissions", submission.id, "submitted", actor=actor, to_status=S.POSTED,
                     data={"platform": platform, "url": url})
    else:
        move(submission, S.POSTED, actor=actor, data={"platform": platform, "url": url})
    submission.platform = platform
    submission.post_url = url
    submission.submitted_at = clock.now()
    for name in ("post_id", "permalink", "published_at", "verdict", "next_attempt_at", "last_error",
                 "verified_at", "review_due_at", "live_until", "next_live_check_at", "grace_until", "live_issue"):
        setattr(submission, name, None)
    submission.verification_attempts = 0
    submission.live_checks_done = 0
    submission.self_reported = False
    return submission


def _lock(submission: Submission) -> None:
    """Serialise decisions on one submission until the transaction ends (a no-op UPDATE)."""
    db.session.execute(update(Submission).where(Submission.id == submission.id)
                       .values(status=Submission.status).execution_options(synchronize_session=False))
    db.session.refresh(submission, ["status"])


def _platform_or_first(campaign: Campaign, platform: str) -> str:
    return platform if platform in campaign.platforms else campaign.platforms[0]


def _campaign_platform(campaign: Campaign, platform: str) -> str:
    if platform not in campaign.platforms:
        names = _(" or ").join(PLATFORM_NAMES[p] for p in campaign.platforms)
        raise NotAllowed("platform", _l("This campaign is on %(platforms)s.", platforms=names))
    return platform


def _not_linked(platform: str, account: LinkedAccount | None) -> str:
    if account is None:
        return _("Link your %(platform)s account first (Accounts, in your workspace): Hashmark reads your post "
                 "with it to check it.", platform=PLATFORM_NAMES[platform])
    return _("Your %(platform)s connection needs renewing: link %(platform)s again on the Accounts page, then "
             "submit the link.", platform=PLATFORM_NAMES[platform])


def _post_url(url: str, platform: str) -> str:
    url = (url or "").strip()
    if not url:
        raise NotAllowed("url", _l("Paste the link to your post."))
    if len(url) > MAX_URL:
        raise NotAllowed("url", _l("This link is too long to be a post link."))
    try:
        _LINK_PARSERS[platform](url)
    except SourceError as error:
        raise NotAllowed("url", error.render(_)) from None
    return url


def _caption(caption: str) -> str:
    caption = (caption or "").replace("\r\n", "\n").strip()
    if not caption:
        raise NotAllowed("caption", _l("Paste the caption."))
    if len(caption) > MAX_CAPTION:
        raise NotAllowed("caption", _l("A caption can have at most %(limit)s characters; this one has %(count)s.",
                                       limit=MAX_CAPTION, count=len(caption)))
    return caption


def _limited(text: str, field: str, limit: int) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        raise NotAllowed(field, _l("Keep it under %(n)d characters.", n=limit))
    return text


def _self_report_ownership(platform: str) -> dict:
    return {"rule": "ownership", "status": "cannot_verify", "message": SELF_REPORT_OWNERSHIP,
            "params": {"platform": PLATFORM_NAMES[platform]}, "evidence": None, "span": None}
