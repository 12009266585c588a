"""Funding a campaign through Stripe Checkout, and the page that waits for Stripe to confirm."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ... import db as tx
from ...links import external
from ...errors import DomainError
from ...extensions import db
from ...payments.sync import sync_funding
from ...models import Campaign
from ...models.payments import Funding, FundingStatus
from ...payments import funding as payments
from ...payments.errors import PaymentError
from . import bp
from .loaders import campaign_or_404


def _latest_funding(campaign: Campaign) -> Funding | None:
    return db.session.scalar(select(Funding).where(Funding.campaign_id == campaign.id).order_by(Funding.id.desc()))


@bp.route("/campaigns/<int:campaign_id>/fund", methods=["POST"])
def campaign_fund(campaign_id: int):
    """Record the intent, commit, then ask Stripe for a Checkout Session and send the brand there."""
    campaign = campaign_or_404(campaign_id)
    try:
        row = payments.prepare_funding(campaign, actor=current_user)
        plan = payments.checkout_plan(
            row, email=current_user.email, locale=str(get_locale()),
            success_url=external("brand.funding_return", campaign_id=campaign.id),
            cancel_url=external("brand.funding_cancelled", campaign_id=campaign.id))
        tx.commit()
        url = plan.existing_url
        if url is None:
            try:
                session_id, url = payments.create_checkout(plan)
            except PaymentError as error:
                payments.record_checkout_failure(db.session.get(Funding, plan.funding_id), error.message)
                tx.commit()
                raise
            payments.record_checkout(db.session.get(Funding, plan.funding_id), session_id, url)
            tx.commit()
    except (DomainError, PaymentError) as error:
        tx.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("brand.campaign_detail", campaign_id=campaign_id))
    return redirect(url, code=303)


@bp.route("/campaigns/<int:campaign_id>/funding")
def funding_return(campaign_id: int):
    """Where Checkout sends the brand back: it shows progress until Stripe confirms by webhook."""
    campaign = campaign_or_404(campaign_id)
    return render_template("brand/funding_status.html", campaign=campaign, funding=_latest_funding(campaign),
                           poll=True)


@bp.route("/campaigns/<int:campaign_id>/funding/status")
def funding_status(campaign_id: int):
    """Polled by the waiting page; also asks Stripe directly in case a webhook is late."""
    campaign = campaign_or_404(campaign_id)
    row = _latest_funding(campaign)
    if row is not None and row.status in (FundingStatus.CREATED, FundingStatus.PROCESSING) and row.checkout_session_id:
        try:
            sync_funding(row.checkout_session_id)
        except DomainError:
            tx.rollback()  # Stripe unreachable or a state not applicable now: keep waiting
        campaign = campaign_or_404(campaign_id)
        row = _latest_funding(campaign)
    return render_template("brand/_funding_progress.html", campaign=campaign, funding=row, poll=True)


@bp.route("/campaigns/<int:campaign_id>/funding/cancelled")
def funding_cancelled(campaign_id: int):
    campaign_or_404(campaign_id)
    flash(_("Checkout was cancelled; nothing was charged. You can fund the campaign whenever you are ready."), "info")
    return redirect(url_for("brand.campaign_detail", campaign_id=campaign_id))
