"""Campaigns: the brand's side of the marketplace.

Campaign status transitions:
    draft            -> awaiting_funding | cancelled
    awaiting_funding -> open (record_funding only) | draft | cancelled
    open             -> closed | cancelled
    closed           -> open | completed | cancelled
Cancelling releases every reservation; the unspent escrow is refunded by whoever listens to
`campaign_cancelled` (the payments layer).
"""
from __future__ import annotations

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select

from ..catalog import normalise_text
from ..errors import NotAllowed, PermissionDenied
from ..extensions import db
from ..models import (Application, ApplicationStatus, Brand, Campaign, CampaignCountry, CampaignNiche,
                      CampaignStatus, MinimumPayout, Submission, User, utcnow)
from ..money import Money
from . import ledger
from .audit import record_event
from .campaign_input import CampaignInput, clean, end_of_day, start_of_day
from .settings import platform_setting
from .submission_states import S as Sub
from .transitions import table, transition

S = CampaignStatus
# published posts waiting for a verdict, a review or the end of their live period
PUBLISHED_UNSETTLED = (Sub.POSTED, Sub.VERIFYING, Sub.VERIFIED, Sub.APPROVED)
TRANSITIONS = table(
    draft={S.AWAITING_FUNDING, S.CANCELLED},
    awaiting_funding={S.OPEN, S.DRAFT, S.CANCELLED},
    open={S.CLOSED, S.CANCELLED},
    closed={S.OPEN, S.COMPLETED, S.CANCELLED},
)
EDITABLE = {S.DRAFT}

signals = Namespace()
campaign_cancelled = signals.signal("campaign-cancelled")


def _owned(campaign: Campaign, actor: User) -> None:
    if actor.brand is None or campaign.brand_id != actor.brand.id:
        raise PermissionDenied(_l("Only the brand that owns this campaign can change it."))


def minimum_payout(currency: str) -> Money | None:
    row = db.session.scalar(select(MinimumPayout).where(MinimumPayout.currency == currency))
    return Money(row.minimum_minor, currency) if row else None


def _apply(campaign: Campaign, data: CampaignInput) -> None:
    # a campaign keeps the fee it was created with; only a new one takes the current setting
    fee_bp = platform_setting("platform_fee_basis_points") if campaign.id is None else campaign.fee_basis_points
    campaign.title = data.title
    campaign.brief = data.brief.strip()
    campaign.product_category = data.product_category
    campaign.on_instagram = "instagram" in data.platforms
    campaign.on_tiktok = "tiktok" in data.platforms
    campaign.required_hashtags = data.hashtags
    campaign.required_mentions = data.mentions
    campaign.disclosure_required = data.disclosure_required
    campaign.disclosure_locale = data.disclosure_locale
    campaign.payout_minor = data.payout.minor
    campaign.currency = data.payout.currency
    campaign.fee_basis_points = fee_bp
    campaign.fee_per_post_minor = data.payout.fee(fee_bp).minor
    campaign.slots = data.slots
    campaign.application_deadline = end_of_day(data.application_deadline)
    campaign.posting_starts_at = start_of_day(data.posting_starts)
    campaign.posting_ends_at = end_of_day(data.posting_ends)
    campaign.min_live_days = data.min_live_days
    campaign.min_followers = data.min_followers
    campaign.dos = data.dos.strip()
    campaign.donts = data.donts.strip()
    campaign.drafts_need_approval = data.drafts_need_approval
    campaign.search_text = normalise_text(f"{data.title}\n{data.brief}")
    campaign.country_rows = [CampaignCountry(country=c) for c in sorted(set(data.countries))]
    campaign.niche_rows = [CampaignNiche(niche=n) for n in sorted(set(data.niches))]


def create_campaign(brand: Brand, data: CampaignInput, *, actor: User) -> Campaign:
    if actor.brand is None or actor.brand.id != brand.id:
        raise PermissionDenied(_l("Campaigns are created by the brand's own account."))
    data = clean(data, minimum_payout=minimum_payout(data.payout.currency), today=utcnow().date())
    campaign = Campaign(brand_id=brand.id, status=S.DRAFT.value)
    _apply(campaign, data)
    db.session.add(campaign)
    db.session.flush()
    record_event("campaigns", campaign.id, "created", actor=actor)
    return campaign


def update_campaign(campaign: Campaign, data: CampaignInput, *, actor: User) -> Campaign:
    _owned(campaign, actor)
    if campaign.status not in EDITABLE:
        raise NotAllowed(None, _l("Only draft campaigns can be edited. Move it back to draft first."))
    data = clean(data, minimum_payout=minimum_payout(data.payout.currency), today=utcnow().date())
    before = _snapshot(campaign)
    _apply(campaign, data)
    db.session.flush()
    after = _snapshot(campaign)
    changed = sorted(name for name in after if after[name] != before[name])
    if changed:
        record_event("campaigns", campaign.id, "updated", actor=actor, data={"changed": changed})
    return campaign


def _snapshot(campaign: Campaign) -> dict:
    """The brand-editable fields, for the audit trail of an edit."""
    fields = ("title", "brief", "product_category", "on_instagram", "on_tiktok", "required_hashtags",
              "required_mentions", "disclosure_required", "disclosure_locale", "payout_minor", "currency", "slots",
              "application_deadline", "posting_starts_at", "posting_ends_at", "min_live_days", "min_followers",
              "dos", "donts", "drafts_need_approval")
    return {name: getattr(campaign, name) for name in fields} | {"countries": campaign.countries,
                                                                 "niches": campaign.niches}


def submit_for_funding(campaign: Campaign, *, actor: User) -> None:
    _owned(campaign, actor)
    if campaign.application_deadline and campaign.application_deadline < utcnow():
        raise NotAllowed(None, _l("The application deadline has passed; edit the dates first."))
    transition(campaign, S.AWAITING_FUNDING, transitions=TRANSITIONS, actor=actor)


def back_to_draft(campaign: Campaign, *, actor: User) -> None:
    _owned(campaign, actor)
    transition(campaign, S.DRAFT, transitions=TRANSITIONS, actor=actor)


def record_funding(campaign: Campaign, amount: Money, reference: str, *, actor: User | None = None) -> bool:
    """The single way a campaign becomes open: its full budget has arrived.

    Idempotent per `reference` (a payment id): a repeat returns False and changes nothing.
    """
    if ledger.find(f"funding:{reference}") is not None:
        return False
    if amount != campaign.total_budget:
        raise NotAllowed(None, _l("Funding of %(amount)s does not match the budget of %(budget)s.",
                                  amount=str(amount), budget=str(campaign.total_budget)))
    transition(campaign, S.OPEN, transitions=TRANSITIONS, actor=actor, data={"reference": reference})
    ledger.move("funding", amount, source=ledger.STRIPE_CLEARING, destination=ledger.escrow(campaign.id),
                reference=f"funding:{reference}", campaign=campaign, actor=actor)
    return True


def close_campaign(campaign: Campaign, *, actor: User, reason: str = "") -> None:
    """Stop new applications (an admin calls this "pause"); accepted creators carry on."""
    _owned_or_admin(campaign, actor)
    transition(campaign, S.CLOSED, transitions=TRANSITIONS, actor=actor, reason=reason or None)


def reopen_campaign(campaign: Campaign, *, actor: User, reason: str = "") -> None:
    _owned_or_admin(campaign, actor)
    if campaign.application_deadline and campaign.application_deadline < utcnow():
        raise NotAllowed(None, _l("The application deadline has passed, so the campaign cannot reopen."))
    transition(campaign, S.OPEN, transitions=TRANSITIONS, actor=actor, reason=reason or None)


def _owned_or_admin(campaign: Campaign, actor: User) -> None:
    if actor.role != "admin":
        _owned(campaign, actor)


def _posts_in_flight(campaign: Campaign) -> int:
    """Submissions a creator has published and nobody has settled yet: cancelling would leave
    them unpaid, so they block cancellation."""
    return db.session.scalar(select(func.count()).select_from(Submission).where(
        Submission.campaign_id == campaign.id, Submission.status.in_(PUBLISHED_UNSETTLED)))


def cancel_campaign(campaign: Campaign, *, actor: User, reason: str = "") -> None:
    """Cancel, release every reservation and open applications, and let payments refund."""
    from .applications import release_on_cancel

    _owned_or_admin(campaign, actor)
    ledger.lock_campaign(campaign)
    posted = _posts_in_flight(campaign)
    if posted:
        raise NotAllowed(None, lazy_ngettext(
            "%(num)d creator has already published a post for this campaign. Approve or reject it first; "
            "an approved post is paid once its live period ends, then you can cancel.",
            "%(num)d creators have already published posts for this campaign. Approve or reject each "
            "post first; approved posts are paid once their live period ends, then you can cancel.", posted))
    transition(campaign, S.CANCELLED, transitions=TRANSITIONS, actor=actor, reason=reason or None)
    applications = db.session.scalars(
        select(Application).where(Application.campaign_id == campaign.id,
                                  Application.status.in_([ApplicationStatus.PENDING, ApplicationStatus.ACCEPTED]))
    ).all()
    for application in applications:
        release_on_cancel(application, actor=actor)
    campaign_cancelled.send(campaign, actor=actor)
