"""Every brand's campaigns for admins: filtered, with their money, paused, reopened or cancelled.

An admin always gives a reason; it is audited with the status change and sent to the brand.
`campaigns.close_campaign` and `reopen_campaign` accept only the owning brand, so pausing and
reopening go through the campaign state machine here, with the same rule as the brand's reopen.
Cancelling is `campaigns.cancel_campaign`, which admins may call: it releases every reservation,
refuses while published posts are unsettled, and the payments layer refunds the unspent escrow.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ... import db as tx
from ...catalog import normalise_text
from ...errors import DomainError, NotAllowed
from ...extensions import db
from ...links import path_for
from ...models import Application, Brand, Campaign, CampaignStatus
from ...services import campaigns as campaign_service
from ...services import ledger
from ...services.applications import HOLDING_SLOT
from ...services.notifications import notify
from ...services.transitions import can_transition
from ..forms import page_arg
from . import bp
from .forms import CampaignActionForm

S = CampaignStatus
PAGE_SIZE = 50
MAX_SEARCH = 100


@dataclass(frozen=True)
class Filters:
    status: str | None
    brand: int | None
    currency: str | None
    q: str

    @classmethod
    def parse(cls, values) -> Filters:
        status = values.get("status", "")
        currency = (values.get("currency") or "").upper()
        return cls(status if status in set(S) else None, values.get("brand", type=int),
                   currency if len(currency) == 3 and currency.isalpha() else None,
                   (values.get("q") or "").strip()[:MAX_SEARCH])

    def args(self) -> dict:
        """As query arguments (empty ones left out)."""
        return {k: v for k, v in vars(self).items() if v}

    def where(self) -> list:
        clauses = []
        if self.status:
            clauses.append(Campaign.status == self.status)
        if self.brand:
            clauses.append(Campaign.brand_id == self.brand)
        if self.currency:
            clauses.append(Campaign.currency == self.currency)
        # every word in the title or the brief, folded like the marketplace search (Polish, Thai, full-width)
        clauses += [Campaign.search_text.contains(word, autoescape=True) for word in normalise_text(self.q).split()]
        return clauses


def _slots_filled(campaign_ids: list[int]) -> dict[int, int]:
    if not campaign_ids:
        return {}
    return dict(db.session.execute(
        select(Application.campaign_id, func.count()).where(Application.campaign_id.in_(campaign_ids),
                                                            Application.status.in_(HOLDING_SLOT))
        .group_by(Application.campaign_id)).all())


@bp.route("/campaigns")
def campaigns():
    filters = Filters.parse(request.args)
    stmt = (select(Campaign).where(*filters.where()).options(joinedload(Campaign.brand))
            .order_by(Campaign.created_at.desc(), Campaign.id.desc()))
    pagination = db.paginate(stmt, page=page_arg(), per_page=PAGE_SIZE, error_out=False)
    rows = list(pagination.items)
    brands = db.session.execute(select(Brand.id, Brand.company_name).where(Brand.id.in_(select(Campaign.brand_id)))
                                .order_by(Brand.company_name, Brand.id)).all()
    currencies = db.session.scalars(select(Campaign.currency).distinct().order_by(Campaign.currency)).all()
    return render_template(
        "admin/campaigns.html", pagination=pagination, filters=filters, statuses=list(S), brands=brands,
        currencies=currencies, funds_by_campaign=ledger.campaigns_money(rows),
        filled=_slots_filled([c.id for c in rows]),
        can=lambda campaign, to: can_transition(campaign_service.TRANSITIONS, campaign.status, to))


# --- actions -------------------------------------------------------------------------------------

def _campaign_or_404(campaign_id: int) -> Campaign:
    return db.session.get(Campaign, campaign_id) or abort(404)


def _allowed(campaign: Campaign, to: str, refusal) -> None:
    """Refuse in words before the state machine would (a repeated click, a stale page)."""
    if not can_transition(campaign_service.TRANSITIONS, campaign.status, to):
        raise NotAllowed(None, refusal)


def _pause(campaign: Campaign, reason: str) -> None:
    _allowed(campaign, S.CLOSED, _l("Only an open campaign can be paused."))
    campaign_service.close_campaign(campaign, actor=current_user, reason=reason)


def _reopen(campaign: Campaign, reason: str) -> None:
    _allowed(campaign, S.OPEN, _l("Only a paused (closed) campaign can be reopened."))
    campaign_service.reopen_campaign(campaign, actor=current_user, reason=reason)


def _cancel(campaign: Campaign, reason: str) -> None:
    _allowed(campaign, S.CANCELLED, _l("A completed or cancelled campaign cannot be cancelled."))
    campaign_service.cancel_campaign(campaign, actor=current_user, reason=reason)


def _act(campaign_id: int, action: Callable[[Campaign, str], None], kind: str, done: Callable[[Campaign], str]):
    """Run one admin action with its reason: commit, tell the brand and say so; or roll back and
    show the refusal. Returns to the list as it was filtered."""
    campaign = _campaign_or_404(campaign_id)
    back = redirect(url_for("admin.campaigns", **Filters.parse(request.form).args()))
    form = CampaignActionForm()
    if not form.validate():
        flash(_("Give a reason (up to 500 characters): the brand reads it."), "error")
        return back
    reason = form.reason.data.strip()
    try:
        action(campaign, reason)
        notify(campaign.brand.user, kind, link=path_for("brand.campaign_detail", campaign_id=campaign.id),
               campaign=campaign.title, reason=reason)
    except DomainError as error:
        tx.rollback()
        flash(str(error.message), "error")
    else:
        tx.commit()
        flash(done(campaign), "success")
    return back


@bp.route("/campaigns/<int:campaign_id>/pause", methods=["POST"])
def campaign_pause(campaign_id: int):
    return _act(campaign_id, _pause, "campaign_paused_by_admin", lambda campaign: _(
        "“%(title)s” is paused: it takes no new applications. Accepted creators can still post.", title=campaign.title))


@bp.route("/campaigns/<int:campaign_id>/reopen", methods=["POST"])
def campaign_reopen(campaign_id: int):
    return _act(campaign_id, _reopen, "campaign_reopened_by_admin", lambda campaign: _(
        "“%(title)s” is open to applications again.", title=campaign.title))


@bp.route("/campaigns/<int:campaign_id>/cancel", methods=["POST"])
def campaign_cancel(campaign_id: int):
    return _act(campaign_id, _cancel, "campaign_cancelled_by_admin", lambda campaign: _(
        "“%(title)s” is cancelled: every application is closed and the unspent budget is refunded.",
        title=campaign.title))
