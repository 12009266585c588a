"""The creator's side of a submission: one hub per accepted application, from the draft (with a
live caption checker) to the post link, its report, the live checks and a dispute."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import FileStorage
from wtforms import SelectField, StringField, TextAreaField

from ... import db as tx
from ...errors import FieldErrors, InvalidTransition, NotAllowed, PermissionDenied
from ...extensions import db
from ...models import (Application, ApplicationStatus, Campaign, Dispute, MetricSnapshot, Payout, Submission,
                       SubmissionStatus)
from ...services import caption_history, linked_accounts, post_report, submissions
from ...services.submission_review import latest_report
from ...services.uploads import IMAGE_ACCEPT, MAX_IMAGE_BYTES, IncomingFile
from ...verification import disclosure_example
from ..forms import options, show_error
from . import bp
from .forms import PLATFORM_LABELS

S = SubmissionStatus
REFUSALS = (NotAllowed, FieldErrors, InvalidTransition, PermissionDenied)
CHECKING = (S.POSTED, S.VERIFYING)
NO_POST_YET = (S.DRAFT_SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED_DRAFT)
POLL_SECONDS, POLL_SECONDS_AFTER_ERROR = 2, 30


# --- forms ---------------------------------------------------------------------------------------
# The services check every rule (required, lengths, link shapes); the forms only carry the input.

def _unix_newlines(text: str | None) -> str | None:
    return text.replace("\r\n", "\n") if text else text


class _PlatformForm(FlaskForm):
    platform = SelectField(_l("Platform"))

    def for_campaign(self, campaign: Campaign, default: str | None = None):
        self.platform.choices = options((p, PLATFORM_LABELS[p]) for p in campaign.platforms)
        if not self.platform.data or self.platform.data == "None":
            self.platform.data = default if default in campaign.platforms else campaign.platforms[0]
        return self


class DraftForm(_PlatformForm):
    caption = TextAreaField(_l("Caption"), filters=[_unix_newlines],
                            render_kw={"maxlength": submissions.MAX_CAPTION, "rows": 8})
    note = TextAreaField(_l("Note for the brand"), filters=[_unix_newlines],
                         description=_l("Optional: what the image or video will show, when you plan to post."),
                         render_kw={"maxlength": submissions.MAX_NOTE, "rows": 3})
    media = FileField(_l("Preview image"), description=_l("Optional: PNG, JPEG or WebP, up to 5 MB."),
                      render_kw={"accept": IMAGE_ACCEPT})


class PostForm(_PlatformForm):
    url = StringField(_l("Link to your post"),
                      render_kw={"inputmode": "url", "autocomplete": "off", "spellcheck": "false",
                                 "maxlength": submissions.MAX_URL})


class SelfReportForm(_PlatformForm):
    """Prefixed (`sr-url`, ...): it shares the page with the post-link form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "sr")
        super().__init__(*args, **kwargs)

    url = StringField(_l("Link to your post"),
                      render_kw={"inputmode": "url", "autocomplete": "off", "spellcheck": "false",
                                 "maxlength": submissions.MAX_URL})
    caption = TextAreaField(_l("The caption, exactly as posted"), filters=[_unix_newlines],
                            description=_l("Copy it from the post itself, with every hashtag and mention."),
                            render_kw={"maxlength": submissions.MAX_CAPTION, "rows": 6})
    screenshot = FileField(_l("Screenshot of the post"),
                           description=_l("The whole post with its caption and your username: PNG, JPEG or "
                                          "WebP, up to 5 MB."),
                           render_kw={"accept": IMAGE_ACCEPT})
    reason = TextAreaField(_l("Why Hashmark cannot read it"), filters=[_unix_newlines],
                           description=_l("Optional, e.g. “my Instagram account is a personal account”."),
                           render_kw={"maxlength": submissions.MAX_REASON, "rows": 2})


class DisputeForm(FlaskForm):
    reason = TextAreaField(_l("Why the post meets the brief"), filters=[_unix_newlines],
                           description=_l("An admin reads this with the report and the brand's reason."),
                           render_kw={"maxlength": submissions.MAX_REASON, "rows": 5})


# --- loading and rendering -----------------------------------------------------------------------

def _application_or_404(application_id: int) -> Application:
    """One of the signed-in creator's applications; anybody else's is a 404."""
    application = db.session.scalar(
        select(Application).where(Application.id == application_id,
                                  Application.creator_id == current_user.creator.id)
        .options(joinedload(Application.campaign).joinedload(Campaign.brand)))
    if application is None:
        abort(404)
    return application


def _incoming(storage: FileStorage | None) -> IncomingFile | None:
    """The uploaded file, read up to one byte past the limit (enough to refuse it as too big)."""
    if not isinstance(storage, FileStorage) or not storage.filename:
        return None
    return IncomingFile(storage.filename, storage.stream.read(MAX_IMAGE_BYTES + 1))


def _show(form: FlaskForm, error: Exception) -> None:
    if isinstance(error, FieldErrors):
        for field, messages in error.errors.items():
            for message in messages:
                show_error(form, NotAllowed(field, message))
    elif isinstance(error, NotAllowed):
        show_error(form, error)
    elif isinstance(error, InvalidTransition):  # lost a race, e.g. with the verifier or another tab
        form.form_errors.append(_("Your post moved on meanwhile; this page now shows where it stands."))
    else:
        form.form_errors.append(str(error.message))


def _hub_context(application: Application, submission: Submission | None) -> dict:
    """Everything the hub shows, decided here so the template only lays it out."""
    campaign = application.campaign
    creator = current_user.creator
    accounts = {p: linked_accounts.account_for(creator, p) for p in campaign.platforms}
    status = submission.status if submission else None
    accepted = application.status == ApplicationStatus.ACCEPTED
    post_expected = accepted and (status in (S.APPROVED_DRAFT, S.FAILED)
                                  or (submission is None and not campaign.drafts_need_approval))
    self_report_platforms = [p for p in campaign.platforms
                             if (post_expected or status == S.POSTED) and accepted
                             and submissions.can_self_report(submission, creator, p)]
    has_post = submission is not None and status not in NO_POST_YET
    return dict(
        application=application, campaign=campaign, submission=submission, accounts=accounts,
        platform_labels=PLATFORM_LABELS, disclosure_example=disclosure_example(campaign.disclosure_locale),
        can_draft=accepted and campaign.drafts_need_approval and status in (None, S.CHANGES_REQUESTED),
        post_expected=post_expected, self_report_platforms=self_report_platforms, checking=status in CHECKING,
        report=latest_report(submission) if submission else None,
        history=caption_history.timeline(submission) if has_post else [],
        flags=caption_history.flags(submission) if has_post else [],
        snapshots=list(db.session.scalars(select(MetricSnapshot).where(MetricSnapshot.submission_id == submission.id)
                                          .order_by(MetricSnapshot.taken_at))) if has_post else [],
        dispute=db.session.scalar(select(Dispute).where(Dispute.submission_id == submission.id)
                                  .order_by(Dispute.id.desc()).limit(1)) if submission else None,
        payout=db.session.scalar(select(Payout).where(Payout.submission_id == submission.id)) if submission else None,
        poll_seconds=POLL_SECONDS_AFTER_ERROR if submission and submission.last_error else POLL_SECONDS,
    )


def _render_hub(application_id: int, **forms):
    """The hub, with any refused form kept as it was typed (`forms`: draft_form=..., etc.)."""
    application = _application_or_404(application_id)
    submission = submissions.submission_for(application)
    campaign = application.campaign
    context = _hub_context(application, submission)
    platform = submission.platform if submission else None
    latest_draft = submission.drafts[-1] if submission and submission.drafts else None
    draft_form = (forms.get("draft_form") or DraftForm(
        formdata=None, data={"caption": latest_draft.caption if latest_draft else ""})).for_campaign(campaign, platform)
    post_form = (forms.get("post_form") or PostForm(formdata=None)).for_campaign(campaign, platform)
    self_report_form = (forms.get("self_report_form") or SelfReportForm(
        formdata=None, data={"url": submission.post_url if submission else ""})).for_campaign(
        campaign, platform if platform in context["self_report_platforms"]
        else next(iter(context["self_report_platforms"]), None))
    return render_template(
        "creator/submission.html", **context, draft_form=draft_form, post_form=post_form,
        self_report_form=self_report_form, dispute_form=forms.get("dispute_form") or DisputeForm(formdata=None),
        check=_draft_check(campaign, draft_form.caption.data, draft_form.platform.data))


def _draft_check(campaign: Campaign, caption: str | None, platform: str | None):
    if not caption:
        return None
    report = submissions.check_draft_caption(campaign, caption, platform or "")
    return {"report": report, "results": post_report.caption_results(report, campaign)}


def _hub(application: Application):
    return redirect(url_for("creator.submission_hub", application_id=application.id))


def _act(application: Application, form: FlaskForm, action, success: str, form_name: str):
    """Validate, call one service, commit and go back to the hub; else re-render with the errors."""
    if form.validate():
        try:
            action()
        except REFUSALS as error:
            tx.rollback()
            _show(form, error)
        else:
            tx.commit()
            flash(success, "success")
            return _hub(application)
    return _render_hub(application.id, **{form_name: form})


@bp.context_processor
def _submission_lookup():
    """`submissions_by_application(applications)` for lists that link each accepted application
    to its hub (one query for the page)."""
    return {"submissions_by_application": _submissions_by_application}


def _submissions_by_application(applications) -> dict[int, Submission]:
    ids = [application.id for application in applications]
    if not ids:
        return {}
    rows = db.session.scalars(select(Submission).where(Submission.application_id.in_(ids)))
    return {row.application_id: row for row in rows}


# --- pages ---------------------------------------------------------------------------------------

@bp.route("/applications/<int:application_id>/submission")
def submission_hub(application_id: int):
    application = _application_or_404(application_id)
    if application.status != ApplicationStatus.ACCEPTED and submissions.submission_for(application) is None:
        flash(_("Posts are submitted once the brand accepts your application."), "info")
        return redirect(url_for("creator.campaign_view", campaign_id=application.campaign_id))
    return _render_hub(application_id)


@bp.route("/applications/<int:application_id>/submission/progress")
def submission_progress(application_id: int):
    """Polled while the post is being checked; once done it swaps in the report (and stops)."""
    application = _application_or_404(application_id)
    submission = submissions.submission_for(application)
    if submission is None or submission.status in NO_POST_YET:
        abort(404)
    return render_template("creator/submission_progress.html", **_hub_context(application, submission), swap=True)


@bp.route("/applications/<int:application_id>/draft/check", methods=["POST"])
def submission_draft_check(application_id: int):
    """The live caption checker: what the caption being typed misses, and what it already has."""
    campaign = _application_or_404(application_id).campaign
    caption = request.form.get("caption", "")
    return render_template("creator/submission_caption_check.html",
                           check=_draft_check(campaign, caption, request.form.get("platform")), campaign=campaign)


@bp.route("/applications/<int:application_id>/draft", methods=["POST"])
def submission_draft(application_id: int):
    application = _application_or_404(application_id)
    form = DraftForm().for_campaign(application.campaign)
    return _act(application, form, lambda: submissions.submit_draft(
        application, caption=form.caption.data or "", note=form.note.data or "", platform=form.platform.data,
        media=_incoming(form.media.data), actor=current_user),
        _("Your draft is with the brand. You will hear back here and by e-mail."), "draft_form")


@bp.route("/applications/<int:application_id>/post", methods=["POST"])
def submission_post(application_id: int):
    application = _application_or_404(application_id)
    form = PostForm().for_campaign(application.campaign)
    return _act(application, form, lambda: submissions.submit_post(
        application, url=form.url.data or "", platform=form.platform.data, actor=current_user),
        _("Link received. Hashmark is reading your post now."), "post_form")


@bp.route("/applications/<int:application_id>/self-report", methods=["POST"])
def submission_self_report(application_id: int):
    application = _application_or_404(application_id)
    form = SelfReportForm().for_campaign(application.campaign)
    return _act(application, form, lambda: submissions.self_report(
        application, url=form.url.data or "", platform=form.platform.data, caption=form.caption.data or "",
        screenshot=_incoming(form.screenshot.data), reason=form.reason.data or "", actor=current_user),
        _("Your post is reported. The brand checks it by hand before approving it."), "self_report_form")


@bp.route("/applications/<int:application_id>/dispute", methods=["POST"])
def submission_dispute(application_id: int):
    application = _application_or_404(application_id)
    submission = submissions.submission_for(application)
    if submission is None:
        abort(404)
    form = DisputeForm()
    return _act(application, form, lambda: submissions.open_dispute(
        submission, reason=form.reason.data or "", actor=current_user),
        _("Your dispute is sent. An admin will look at it and answer you by e-mail."), "dispute_form")
