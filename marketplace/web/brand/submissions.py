"""The brand's side of a submission: draft review, the verification report, approve or reject.

Another brand's campaign or submission is a 404. A decision the state no longer allows becomes a
flash saying where the submission stands; a refused input re-renders the page with the error on
its field and what was typed kept.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from wtforms import BooleanField, TextAreaField

from ... import db as tx
from ...errors import InvalidTransition, NotAllowed, PermissionDenied
from ...extensions import db
from ...models import Campaign, Dispute, MetricSnapshot, Payout, Submission, SubmissionStatus
from ...services import caption_history, post_report, submission_review
from ...services.submissions import check_draft_caption
from ...verification.sources.errors import LABELS as PLATFORM_NAMES
from ..forms import show_error
from . import bp
from .loaders import campaign_or_404

class DraftDecisionForm(FlaskForm):
    comments = TextAreaField(_l("Comments for the creator"), render_kw={"rows": 3, "maxlength": 2000},
                             description=_l("Required when you ask for changes; optional when you approve."))


class ApproveForm(FlaskForm):
    confirm = BooleanField(_l("I checked the live post myself and it meets the brief"))


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Why are you rejecting it?"), render_kw={"rows": 3, "maxlength": 2000},
                           description=_l("The creator sees this and may dispute it with Hashmark."))


def _forms(**given: FlaskForm) -> dict[str, FlaskForm]:
    forms = {"draft_form": DraftDecisionForm(prefix="draft", formdata=None),
             "approve_form": ApproveForm(prefix="approve", formdata=None),
             "reject_form": RejectForm(prefix="reject", formdata=None)}
    return {**forms, **given}


# --- loading -------------------------------------------------------------------------------------

def _submission_or_404(campaign_id: int, submission_id: int) -> Submission:
    campaign = campaign_or_404(campaign_id)
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.campaign_id != campaign.id:
        abort(404)
    return submission


def submissions_of(campaign: Campaign, status: str | None = None) -> list[Submission]:
    query = (select(Submission).where(Submission.campaign_id == campaign.id)
             .options(selectinload(Submission.creator))
             .order_by(Submission.created_at.desc(), Submission.id.desc()))
    if status:
        query = query.where(Submission.status == status)
    return list(db.session.scalars(query))


@bp.context_processor
def _submission_helpers():
    """The campaign page lists its submissions with the same query as the submissions page."""
    return {"submissions_of": submissions_of, "platform_names": PLATFORM_NAMES}


# --- pages ---------------------------------------------------------------------------------------

@bp.route("/campaigns/<int:campaign_id>/submissions")
def campaign_submissions(campaign_id: int):
    campaign = campaign_or_404(campaign_id)
    status = request.args.get("status", "")
    status = status if status in set(SubmissionStatus) else ""
    counts = dict(db.session.execute(
        select(Submission.status, func.count()).where(Submission.campaign_id == campaign.id)
        .group_by(Submission.status)).all())
    return render_template("brand/submissions.html", campaign=campaign, status=status, counts=counts,
                           submissions=submissions_of(campaign, status or None),
                           statuses=[s.value for s in SubmissionStatus if s.value in counts])


def _draft_checks(submission: Submission) -> dict[int, list[dict]]:
    """Each draft caption checked rule by rule against the campaign's requirements as they stand now."""
    campaign = submission.campaign
    return {draft.id: post_report.caption_results(check_draft_caption(campaign, draft.caption, submission.platform),
                                                  campaign)
            for draft in submission.drafts}


def _render(submission: Submission, **forms: FlaskForm):
    reports = submission_review.reports(submission)
    metrics = db.session.scalars(select(MetricSnapshot).where(MetricSnapshot.submission_id == submission.id)
                                 .order_by(MetricSnapshot.taken_at, MetricSnapshot.id)).all()
    disputes = db.session.scalars(select(Dispute).where(Dispute.submission_id == submission.id)
                                  .order_by(Dispute.opened_at.desc(), Dispute.id.desc())).all()
    return render_template(
        "brand/submission.html", submission=submission, campaign=submission.campaign,
        latest=reports[0] if reports else None, earlier=reports[1:], metrics=metrics, disputes=disputes,
        payout=db.session.scalar(select(Payout).where(Payout.submission_id == submission.id)),
        history=caption_history.timeline(submission), flags=caption_history.flags(submission),
        draft_checks=_draft_checks(submission),
        needs_confirmation=submission_review.needs_confirmation(submission), **_forms(**forms))


@bp.route("/campaigns/<int:campaign_id>/submissions/<int:submission_id>")
def submission_detail(campaign_id: int, submission_id: int):
    return _render(_submission_or_404(campaign_id, submission_id))


# --- decisions -----------------------------------------------------------------------------------

def _status_words(status: str) -> str:
    return _(status.replace("_", " ").capitalize()).lower()


def _decide(submission: Submission, form: FlaskForm, form_name: str, operation, done: str):
    """Run one decision and commit; a refused input re-renders the page with the form as typed.

    The forms carry no validators of their own (CSRFProtect checks the token app-wide): the
    service decides what is acceptable and says so on the field."""
    back = url_for("brand.submission_detail", campaign_id=submission.campaign_id, submission_id=submission.id,
                   _anchor="review")
    try:
        operation()
    except NotAllowed as error:
        tx.rollback()
        show_error(form, error)
        return _render(submission, **{form_name: form})
    except InvalidTransition:
        tx.rollback()  # expires the submission: its status below is read afresh
        flash(_("That is no longer possible: the submission is %(status)s.",
                status=_status_words(submission.status)), "error")
    except PermissionDenied as error:
        tx.rollback()
        flash(str(error.message), "error")
    else:
        tx.commit()
        flash(done, "success")
    return redirect(back)


@bp.route("/campaigns/<int:campaign_id>/submissions/<int:submission_id>/draft", methods=["POST"])
def submission_draft_review(campaign_id: int, submission_id: int):
    submission = _submission_or_404(campaign_id, submission_id)
    form = DraftDecisionForm(prefix="draft")
    approve = request.form.get("decision") == "approve"
    creator = submission.creator.display_name
    done = (_("Draft approved: %(creator)s can publish it now.", creator=creator) if approve
            else _("Changes requested: %(creator)s has been told what to change.", creator=creator))
    return _decide(submission, form, "draft_form",
                   lambda: submission_review.review_draft(submission, approve=approve,
                                                          comments=form.comments.data or "", actor=current_user),
                   done)


@bp.route("/campaigns/<int:campaign_id>/submissions/<int:submission_id>/approve", methods=["POST"])
def submission_approve(campaign_id: int, submission_id: int):
    submission = _submission_or_404(campaign_id, submission_id)
    form = ApproveForm(prefix="approve")
    return _decide(submission, form, "approve_form",
                   lambda: submission_review.approve(submission, actor=current_user, confirm=bool(form.confirm.data)),
                   _("Post approved. Hashmark keeps checking that it stays live; the payout follows."))


@bp.route("/campaigns/<int:campaign_id>/submissions/<int:submission_id>/reject", methods=["POST"])
def submission_reject(campaign_id: int, submission_id: int):
    submission = _submission_or_404(campaign_id, submission_id)
    form = RejectForm(prefix="reject")
    return _decide(submission, form, "reject_form",
                   lambda: submission_review.reject(submission, reason=form.reason.data or "", actor=current_user),
                   _("Post rejected and %(creator)s told why. The budget reserved for it is back in the campaign.",
                     creator=submission.creator.display_name))
