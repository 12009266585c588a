"""The brand's workspace: campaigns from draft to funding, their applicants and their history.

Views own HTTP only: they load (404 for other brands' objects), call one service, commit and
redirect, or re-render the form with the service's refusals on the fields they concern.
"""
from __future__ import annotations

from typing import Callable

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from ... import db as tx
from ...errors import FieldErrors, InvalidTransition, NotAllowed, PermissionDenied
from ...extensions import db
from ...models import (Application, ApplicationStatus, AuditEvent, Brand, Campaign, CampaignStatus,
                       Creator)
from ...services import applications as applications_service
from ...payments import funding as sandbox_funding
from ...payments.funding import pending_funding
from ...services import campaigns, ledger
from ...services.campaign_input import tag_cap_warning
from ...services.settings import platform_setting
from ...services.transitions import can_transition
from ..forms import show_error
from . import bp
from .loaders import brand_or_403 as _brand
from .loaders import campaign_or_404 as _campaign_or_404
from . import campaign_form
from .forms import DISCLOSURE_LABELS, REASON_MAX, CampaignForm, ReasonForm

S = CampaignStatus
REFUSALS = (NotAllowed, InvalidTransition, PermissionDenied)


# --- loaders -------------------------------------------------------------------------------------

def _application_or_404(application_id: int) -> Application:
    application = db.session.scalar(
        select(Application).join(Campaign)
        .where(Application.id == application_id, Campaign.brand_id == _brand().id)
    )
    if application is None:
        abort(404)
    return application


def _locale() -> str:
    return str(get_locale())


def _status_label(status: str) -> str:
    # The badge macro marks these sentences for extraction.
    return _(status.replace("_", " ").capitalize())


# --- the dashboard -------------------------------------------------------------------------------

def _counts(campaign_ids: list[int], statuses) -> dict[int, int]:
    if not campaign_ids:
        return {}
    rows = db.session.execute(
        select(Application.campaign_id, func.count())
        .where(Application.campaign_id.in_(campaign_ids), Application.status.in_(list(statuses)))
        .group_by(Application.campaign_id)
    ).all()
    return {campaign_id: count for campaign_id, count in rows}


@bp.route("/")
def dashboard():
    brand = _brand()
    rows = db.session.scalars(
        select(Campaign).where(Campaign.brand_id == brand.id).order_by(Campaign.created_at.desc(), Campaign.id.desc())
    ).all()
    ids = [campaign.id for campaign in rows]
    return render_template(
        "brand/dashboard.html", brand=brand, campaigns=rows,
        filled=_counts(ids, applications_service.HOLDING_SLOT),
        pending=_counts(ids, [ApplicationStatus.PENDING]),
        funds=ledger.campaigns_money(rows),
    )


# --- creating and editing ------------------------------------------------------------------------

def _render_form(template: str, form: CampaignForm, campaign: Campaign | None = None):
    preview = campaign_form.preview_of_form(
        form, locale=_locale(),
        fee_basis_points=campaign.fee_basis_points if campaign else platform_setting("platform_fee_basis_points"))
    return render_template(template, form=form, campaign=campaign, preview=preview)


def _save(form: CampaignForm, brand: Brand, save: Callable) -> Campaign | None:
    """Read the posted form and hand it to `save`; on refusal put the reasons on the form."""
    form.validate()
    try:
        data = campaign_form.read(form, locale=_locale(), fallback_currency=brand.default_currency)
        campaign = save(data)
    except FieldErrors as error:
        tx.rollback()
        campaign_form.show(form, error)
    except NotAllowed as error:
        tx.rollback()
        show_error(form, error)
    except (InvalidTransition, PermissionDenied) as error:
        tx.rollback()
        form.form_errors = [*form.form_errors, str(error.message)]
    else:
        tx.commit()
        return campaign
    return None


@bp.route("/campaigns/new", methods=["GET", "POST"])
def campaign_new():
    brand = _brand()
    posting = request.method == "POST"
    form = CampaignForm(data=None if posting else campaign_form.new_campaign_data(brand))
    campaign_form.prepare(form, locale=_locale(), home_country=brand.country)
    if posting:
        campaign = _save(form, brand, lambda data: campaigns.create_campaign(brand, data, actor=current_user))
        if campaign is not None:
            flash(_("Draft saved. Check the requirements and budget, then submit it for funding."), "success")
            return redirect(url_for("brand.campaign_detail", campaign_id=campaign.id))
    return _render_form("brand/campaign_new.html", form)


def _not_editable(campaign: Campaign) -> str:
    if campaign.status == S.AWAITING_FUNDING:
        return _("This campaign is waiting for funding. Move it back to draft to edit it.")
    return _("Only draft campaigns can be edited. This one is %(status)s, so its terms stay as creators saw them.",
             status=_status_label(campaign.status).lower())


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
def campaign_edit(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    brand = _brand()
    if campaign.status not in campaigns.EDITABLE:
        flash(_not_editable(campaign), "warning")
        return redirect(url_for("brand.campaign_detail", campaign_id=campaign.id))
    posting = request.method == "POST"
    form = CampaignForm(data=None if posting else campaign_form.campaign_data(campaign))
    campaign_form.prepare(form, locale=_locale(), home_country=brand.country)
    if posting:
        saved = _save(form, brand, lambda data: campaigns.update_campaign(campaign, data, actor=current_user))
        if saved is not None:
            flash(_("Changes saved."), "success")
            return redirect(url_for("brand.campaign_detail", campaign_id=campaign.id))
    return _render_form("brand/campaign_edit.html", form, campaign)


@bp.route("/campaigns/budget-preview")
def budget_preview():
    """htmx partial: the budget and tag checks for what is typed so far (never an error page)."""
    args = request.args
    preview = campaign_form.preview(
        payout_text=args.get("payout", "")[:64], currency=args.get("currency"),
        slots_text=args.get("slots", "")[:12],
        hashtags_text=args.get("hashtags", "")[:2_000], mentions_text=args.get("mentions", "")[:2_000],
        platforms=args.getlist("platforms"),
        disclosure_required=args.get("disclosure_required", "") not in ("", "false"),
        locale=_locale(), fee_basis_points=platform_setting("platform_fee_basis_points"),
    )
    return render_template("brand/_budget.html", preview=preview, oob=True)


# --- the campaign dashboard ----------------------------------------------------------------------

def _next_actions(campaign: Campaign, funding=None) -> set[str]:
    """The buttons the state machine allows from here (none to pay while a payment is processing)."""
    status = campaign.status
    processing = funding is not None and funding.status == "processing"

    def can(target: str) -> bool:
        return can_transition(campaigns.TRANSITIONS, status, target)

    actions = set()
    if status in campaigns.EDITABLE:
        actions.add("edit")
    if can(S.AWAITING_FUNDING):
        actions.add("submit")
    if status == S.AWAITING_FUNDING and can(S.DRAFT):
        actions.add("back_to_draft")
    if status == S.AWAITING_FUNDING and can(S.OPEN) and not processing:
        actions.add("fund_checkout")
        if current_app.config.get("SANDBOX_PAYMENTS"):
            actions.add("fund_sandbox")
        if not actions & {"fund_checkout", "fund_sandbox"}:
            actions.add("fund_unavailable")
    if can(S.CLOSED):
        actions.add("close")
    if status == S.CLOSED and can(S.OPEN):
        actions.add("reopen")
    if can(S.CANCELLED):
        actions.add("cancel")
    return actions


@bp.route("/campaigns/<int:campaign_id>")
def campaign_detail(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    applicants = db.session.scalars(
        select(Application).where(Application.campaign_id == campaign.id)
        .options(selectinload(Application.creator).selectinload(Creator.niche_rows))
        .order_by(Application.created_at, Application.id)
    ).all()
    names = {application.id: application.creator.display_name for application in applicants}
    events = db.session.scalars(
        select(AuditEvent)
        .where(or_(and_(AuditEvent.entity == "campaigns", AuditEvent.entity_id == campaign.id),
                   and_(AuditEvent.entity == "applications", AuditEvent.entity_id.in_(list(names)))))
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.id.desc())
    ).all()
    funding = pending_funding(campaign)
    return render_template(
        "brand/campaign_detail.html", campaign=campaign, applicants=applicants, events=events, names=names,
        funds=ledger.campaign_money(campaign), taken=applications_service.slots_taken(campaign),
        actions=_next_actions(campaign, funding), running=campaign.status in (S.OPEN, S.CLOSED),
        tag_cap=tag_cap_warning(campaign.platforms, campaign.required_hashtags, campaign.disclosure_required),
        disclosure_labels=DISCLOSURE_LABELS, cancel_form=ReasonForm(prefix="cancel"),
        funding=funding,
    )


# --- state changes -------------------------------------------------------------------------------

def _refusal(error: Exception, obj: Campaign | Application) -> str:
    if isinstance(error, InvalidTransition):  # the status changed under us: say what it is now
        if isinstance(obj, Application):
            return _("That is no longer possible: the application is %(status)s.",
                     status=_status_label(obj.status).lower())
        return _("That is not possible while the campaign is %(status)s. The buttons below show what you can do now.",
                 status=_status_label(obj.status).lower())
    return str(error.message)


def _perform(obj: Campaign | Application, operation: Callable[[], object], done: Callable[[], str]):
    """Run one service call, commit, and say what happened; refusals become a flash, not a 500."""
    try:
        operation()
    except REFUSALS as error:
        tx.rollback()
        flash(_refusal(error, obj), "error")
    else:
        tx.commit()
        flash(done(), "success")
    campaign_id = obj.campaign_id if isinstance(obj, Application) else obj.id
    anchor = f"application-{obj.id}" if isinstance(obj, Application) else None
    return redirect(url_for("brand.campaign_detail", campaign_id=campaign_id, _anchor=anchor))


@bp.route("/campaigns/<int:campaign_id>/submit", methods=["POST"])
def campaign_submit(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    return _perform(campaign, lambda: campaigns.submit_for_funding(campaign, actor=current_user),
                    lambda: _("Submitted for funding. Once the budget of %(total)s arrives, creators can apply.",
                              total=campaign.total_budget.format(_locale())))


@bp.route("/campaigns/<int:campaign_id>/back-to-draft", methods=["POST"])
def campaign_back_to_draft(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    return _perform(campaign, lambda: campaigns.back_to_draft(campaign, actor=current_user),
                    lambda: _("The campaign is a draft again; you can edit it."))


@bp.route("/campaigns/<int:campaign_id>/fund-sandbox", methods=["POST"])
def campaign_fund_sandbox(campaign_id: int):
    """Sandbox shortcut past Checkout: records the full budget as paid, with no Stripe objects."""
    if not current_app.config.get("SANDBOX_PAYMENTS"):
        abort(404)
    campaign = _campaign_or_404(campaign_id)

    def done() -> str:
        return _("Funded in the sandbox (no real money): %(total)s is held in escrow and the campaign is open "
                 "to creators.", total=campaign.total_budget.format(_locale()))

    def fund() -> None:
        sandbox_funding.fund_in_sandbox(campaign, actor=current_user)

    return _perform(campaign, fund, done)


@bp.route("/campaigns/<int:campaign_id>/close", methods=["POST"])
def campaign_close(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    return _perform(campaign, lambda: campaigns.close_campaign(campaign, actor=current_user),
                    lambda: _("Closed to new applications. Accepted creators can still post."))


@bp.route("/campaigns/<int:campaign_id>/reopen", methods=["POST"])
def campaign_reopen(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    return _perform(campaign, lambda: campaigns.reopen_campaign(campaign, actor=current_user),
                    lambda: _("Open to new applications again."))


def _reason(form: ReasonForm, back_to: str):
    """The optional reason of a form, or a redirect explaining why it was refused."""
    if form.validate():
        return (form.reason.data or "").strip(), None
    flash(_("Keep the reason under %(n)d characters.", n=REASON_MAX), "error")
    return None, redirect(back_to)


@bp.route("/campaigns/<int:campaign_id>/cancel", methods=["POST"])
def campaign_cancel(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    reason, refused = _reason(ReasonForm(prefix="cancel"), url_for("brand.campaign_detail", campaign_id=campaign.id))
    if refused:
        return refused
    return _perform(campaign, lambda: campaigns.cancel_campaign(campaign, actor=current_user, reason=reason),
                    lambda: _("Campaign cancelled. Every application is closed and the unspent budget will be "
                              "refunded."))


@bp.route("/applications/<int:application_id>/accept", methods=["POST"])
def application_accept(application_id: int):
    application = _application_or_404(application_id)
    return _perform(application, lambda: applications_service.accept(application, actor=current_user),
                    lambda: _("%(creator)s is in. %(cost)s of the budget is reserved for their post.",
                              creator=application.creator.display_name,
                              cost=application.campaign.cost_per_post.format(_locale())))


@bp.route("/applications/<int:application_id>/reject", methods=["POST"])
def application_reject(application_id: int):
    application = _application_or_404(application_id)
    back = url_for("brand.campaign_detail", campaign_id=application.campaign_id,
                   _anchor=f"application-{application.id}")
    reason, refused = _reason(ReasonForm(), back)
    if refused:
        return refused
    return _perform(application, lambda: applications_service.reject(application, actor=current_user, reason=reason),
                    lambda: _("You declined %(creator)s's application; they have been told.",
                              creator=application.creator.display_name))
