"""The creator's workspace: find campaigns, apply, follow applications, keep the profile current."""
from __future__ import annotations

import re
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_percent, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from ... import db as tx
from ...errors import InvalidTransition, NotAllowed
from ...extensions import db
from ...models import Application, ApplicationStatus, Campaign, CampaignStatus, Creator, utcnow
from ...queries import marketplace as market
from ...services import applications, profiles
from ...services.campaigns import minimum_payout
from ...services.eligibility import creator_platforms, fit, ineligibility
from ..forms import show_error, page_arg
from ...verification import disclosure_example
from ...payments import onboarding
from . import bp
from .forms import PLATFORM_LABELS, ApplyForm, MarketplaceFilterForm, ProfileForm

# Campaigns a creator may look at without having applied; drafts and cancelled ones stay private.
VISIBLE = {CampaignStatus.OPEN.value, CampaignStatus.CLOSED.value, CampaignStatus.COMPLETED.value}
WITHDRAWABLE = {ApplicationStatus.PENDING.value, ApplicationStatus.ACCEPTED.value}
APPLICATIONS_PER_PAGE = 50
# The country whose advertising rules each verifier disclosure locale follows.
DISCLOSURE_COUNTRIES = {"us": "US", "uk": "GB", "pl": "PL", "th": "TH", "ja": "JP", "es": "ES", "ar": "AE"}


_BULLET = re.compile(r"^[-*•·–]\s+")


def _creator() -> Creator:
    return current_user.creator


def _locale() -> str:
    return str(get_locale())


# Dashboard -----------------------------------------------------------------------------------

def _profile_hints(creator: Creator) -> list[tuple[str, str]]:
    """What is missing from the profile, as (hint, why) pairs."""
    hints = []
    if not creator_platforms(creator):
        hints.append((_("Add your Instagram or TikTok username."),
                      _("Campaigns on the platforms you post on rank higher, and brands can look you up.")))
    if not creator.followers:
        hints.append((_("Add your follower count."),
                      _("Many campaigns ask for a minimum audience; without a count you only see those that do not.")))
    if not creator.bio:
        hints.append((_("Write a short bio."), _("Brands read it when they decide on your application.")))
    return hints


@bp.route("/")
def dashboard():
    creator = _creator()
    counts = dict(db.session.execute(
        select(Application.status, func.count()).where(Application.creator_id == creator.id)
        .group_by(Application.status)).all())
    recent = db.session.scalars(
        select(Application).where(Application.creator_id == creator.id)
        .options(joinedload(Application.campaign).joinedload(Campaign.brand))
        .order_by(Application.created_at.desc(), Application.id.desc()).limit(5)).all()
    available = market.marketplace_page(creator, market.Filters(), now=utcnow(), per_page=3)
    return render_template("creator/dashboard.html", creator=creator, counts=counts, recent=recent,
                           statuses=list(ApplicationStatus), available=available, hints=_profile_hints(creator),
                           profile_steps=3, payout_account=onboarding.account_for(creator),
                           payouts_supported=onboarding.payouts_supported(creator.country))


# Marketplace ---------------------------------------------------------------------------------

@bp.route("/campaigns")
def marketplace():
    creator = _creator()
    form = MarketplaceFilterForm(formdata=request.args, locale=_locale(), choices=market.filter_choices())
    filters = form.filters()
    page = request.args.get("page", 1, type=int)
    result = market.marketplace_page(creator, filters, now=utcnow(), page=page)
    # what the pager links carry over: the valid, non-empty parameters of this search
    carried = {field.name: field.data for field in form
               if field.data and not field.errors and not (field.name == "sort" and field.data == "fit")}
    return render_template("creator/marketplace.html", form=form, filters=filters, result=result,
                           carried=carried, active_filters=form.active_filters())


# One campaign --------------------------------------------------------------------------------

def _campaign_or_404(campaign_id: int, creator: Creator) -> tuple[Campaign, Application | None]:
    """The campaign and this creator's application to it; hidden campaigns (draft, awaiting
    funding, cancelled) are 404 unless the creator applied to them."""
    campaign = db.session.scalar(
        select(Campaign).where(Campaign.id == campaign_id)
        .options(joinedload(Campaign.brand), selectinload(Campaign.country_rows), selectinload(Campaign.niche_rows)))
    if campaign is None:
        abort(404)
    application = db.session.scalar(select(Application).where(Application.campaign_id == campaign.id,
                                                              Application.creator_id == creator.id))
    if application is None and campaign.status not in VISIBLE:
        abort(404)
    return campaign, application


def _lines(text: str | None) -> list[str]:
    """A brand's list typed one item per line, with or without bullets ("- ", "* ", "• ")."""
    items = (_BULLET.sub("", line.strip()) for line in (text or "").splitlines())
    return [item for item in items if item]


def _render_campaign(campaign: Campaign, application: Application | None, form: ApplyForm):
    creator = _creator()
    reasons = [] if application else ineligibility(campaign, creator, now=utcnow(),
                                                   minimum=minimum_payout(campaign.currency))
    slots_left = max(campaign.slots - applications.slots_taken(campaign), 0)
    fee_share = format_percent(Decimal(campaign.fee_basis_points) / 10_000, "#,##0.##%")
    disclosure_country = DISCLOSURE_COUNTRIES.get(campaign.disclosure_locale)
    return render_template(
        "creator/campaign_view.html", campaign=campaign, application=application, form=form,
        reasons=reasons, slots_left=slots_left, fit=fit(campaign, creator), locale=_locale(),
        can_apply=application is None and not reasons and slots_left > 0, fee_share=fee_share,
        disclosure_country=disclosure_country, disclosure_example=disclosure_example(campaign.disclosure_locale),
        dos=_lines(campaign.dos), donts=_lines(campaign.donts),
        withdrawable=application is not None and application.status in WITHDRAWABLE,
        platform_labels=PLATFORM_LABELS)


@bp.route("/campaigns/<int:campaign_id>")
def campaign_view(campaign_id: int):
    campaign, application = _campaign_or_404(campaign_id, _creator())
    return _render_campaign(campaign, application, ApplyForm())


@bp.route("/campaigns/<int:campaign_id>/apply", methods=["POST"])
def campaign_apply(campaign_id: int):
    creator = _creator()
    campaign, application = _campaign_or_404(campaign_id, creator)
    form = ApplyForm()
    if not form.validate_on_submit():
        return _render_campaign(campaign, application, form)
    try:
        applications.apply(campaign, creator, pitch=form.pitch.data or "", actor=current_user)
    except NotAllowed as error:
        tx.rollback()
        show_error(form, error)
        campaign, application = _campaign_or_404(campaign_id, _creator())
        return _render_campaign(campaign, application, form)
    tx.commit()
    flash(_("Your application to “%(campaign)s” is sent. %(brand)s will answer here and by e-mail.",
            campaign=campaign.title, brand=campaign.brand.company_name), "success")
    return redirect(url_for("creator.applications"))


# Applications --------------------------------------------------------------------------------

@bp.route("/applications", endpoint="applications")
def applications_list():  # not `applications`: that name is the services module
    creator = _creator()
    page = page_arg()
    stmt = (select(Application).where(Application.creator_id == creator.id)
            .options(joinedload(Application.campaign).joinedload(Campaign.brand))
            .order_by(Application.created_at.desc(), Application.id.desc()))
    pagination = db.paginate(stmt, page=page, per_page=APPLICATIONS_PER_PAGE, error_out=False)
    return render_template("creator/applications.html", pagination=pagination, withdrawable=WITHDRAWABLE)


@bp.route("/applications/<int:application_id>/withdraw", methods=["POST"])
def application_withdraw(application_id: int):
    application = db.session.scalar(
        select(Application).where(Application.id == application_id, Application.creator_id == _creator().id)
        .options(joinedload(Application.campaign).joinedload(Campaign.brand)))
    if application is None:
        abort(404)
    title = application.campaign.title
    if application.status in WITHDRAWABLE:  # else a second click, or a page older than the decision
        try:
            applications.withdraw(application, actor=current_user)
        except (NotAllowed, InvalidTransition):  # lost a race with the brand's decision
            tx.rollback()
        else:
            tx.commit()
            flash(_("You withdrew from “%(campaign)s”. The brand has been told.", campaign=title), "success")
            return redirect(url_for("creator.applications"))
    flash(_("“%(campaign)s”: this application can no longer be withdrawn (it is %(status)s).",
            campaign=title, status=_(application.status.replace("_", " ").capitalize()).lower()), "error")
    return redirect(url_for("creator.applications"))


# Profile -------------------------------------------------------------------------------------

@bp.route("/profile", methods=["GET", "POST"])
def profile():
    creator = _creator()
    form = ProfileForm(obj=creator, locale=_locale())
    if form.validate_on_submit():
        try:
            profiles.update_creator_profile(
                creator, actor=current_user, display_name=form.display_name.data or "",
                country=form.country.data or "", niches=form.niches.data or [], bio=form.bio.data or "",
                instagram_handle=form.instagram_handle.data, tiktok_handle=form.tiktok_handle.data,
                followers=form.followers.data)
        except NotAllowed as error:
            tx.rollback()
            show_error(form, error)
        else:
            tx.commit()
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("creator.profile"))
    return render_template("creator/profile.html", form=form, creator=creator)
