"""Applications: a creator asks for a slot; the brand accepts (reserving budget) or rejects.

Application status transitions:
    pending  -> accepted | rejected | withdrawn
    accepted -> completed | withdrawn
Accepting moves one post's cost (payout + fee) from the campaign's escrow to its reservations,
under a lock on the campaign, so no campaign ever commits more than it was funded.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..errors import NotAllowed, PermissionDenied
from ..extensions import db
from ..links import path_for
from ..models import Application, ApplicationStatus, Campaign, CampaignStatus, Creator, User, utcnow
from . import ledger
from .audit import record_event
from .campaigns import minimum_payout
from .eligibility import ineligibility
from .notifications import notify
from .transitions import table, transition

A = ApplicationStatus
TRANSITIONS = table(
    pending={A.ACCEPTED, A.REJECTED, A.WITHDRAWN},
    accepted={A.COMPLETED, A.WITHDRAWN},
)
MAX_PITCH = 2000
HOLDING_SLOT = (A.ACCEPTED, A.COMPLETED)


def _brand_owns(application: Application, actor: User) -> None:
    if actor.brand is None or application.campaign.brand_id != actor.brand.id:
        raise PermissionDenied(_l("Only the brand running this campaign can decide on applications."))


def _creator_owns(application: Application, actor: User) -> None:
    if actor.creator is None or application.creator_id != actor.creator.id:
        raise PermissionDenied(_l("Only the creator who applied can do that."))


def _names(application: Application) -> dict[str, str]:
    return {"campaign": application.campaign.title, "creator": application.creator.display_name}


def slots_taken(campaign: Campaign) -> int:
    return db.session.scalar(select(func.count()).select_from(Application)
                             .where(Application.campaign_id == campaign.id, Application.status.in_(HOLDING_SLOT)))


def apply(campaign: Campaign, creator: Creator, *, pitch: str, actor: User) -> Application:
    if actor.creator is None or actor.creator.id != creator.id:
        raise PermissionDenied(_l("Creators apply from their own account."))
    pitch = pitch.strip()
    if len(pitch) > MAX_PITCH:
        raise NotAllowed("pitch", _l("Keep the pitch under %(n)d characters.", n=MAX_PITCH))
    reasons = ineligibility(campaign, creator, now=utcnow(), minimum=minimum_payout(campaign.currency))
    if reasons:
        raise NotAllowed(None, reasons[0])
    if slots_taken(campaign) >= campaign.slots:
        raise NotAllowed(None, _l("Every slot of this campaign is taken."))
    application = Application(campaign_id=campaign.id, creator_id=creator.id, pitch=pitch)
    try:
        with db.session.begin_nested():
            db.session.add(application)
    except IntegrityError:
        raise NotAllowed(None, _l("You have already applied to this campaign.")) from None
    record_event("applications", application.id, "submitted", actor=actor)
    notify(campaign.brand.user, "application_received",
           link=path_for("brand.campaign_detail", campaign_id=campaign.id), **_names(application))
    return application


def accept(application: Application, *, actor: User) -> None:
    _brand_owns(application, actor)
    campaign = application.campaign
    ledger.lock_campaign(campaign)
    db.session.refresh(campaign, ["status"])  # read under the lock: a cancel may have just committed
    if campaign.status not in (CampaignStatus.OPEN, CampaignStatus.CLOSED):
        raise NotAllowed(None, _l("Applications can be accepted only while the campaign runs."))
    if slots_taken(campaign) >= campaign.slots:
        raise NotAllowed(None, _l("Every slot is already filled."))
    cost = campaign.cost_per_post
    available = ledger.balance(ledger.escrow(campaign.id), campaign.currency)
    if available < cost:
        raise NotAllowed(None, _l("The campaign's uncommitted budget (%(available)s) cannot cover another "
                                  "post (%(cost)s).", available=str(available), cost=str(cost)))
    transition(application, A.ACCEPTED, transitions=TRANSITIONS, actor=actor)
    ledger.move("reservation", cost, source=ledger.escrow(campaign.id), destination=ledger.reserved(campaign.id),
                reference=f"reserve:application:{application.id}", campaign=campaign,
                application_id=application.id, actor=actor)
    notify(application.creator.user, "application_accepted",
           link=path_for("creator.campaign_view", campaign_id=campaign.id), **_names(application))


def reject(application: Application, *, actor: User, reason: str = "") -> None:
    _brand_owns(application, actor)
    reason = reason.strip()
    application.decision_reason = reason or None
    transition(application, A.REJECTED, transitions=TRANSITIONS, actor=actor, reason=reason or None)
    notify(application.creator.user, "application_rejected",
           link=path_for("creator.applications"), reason=reason, **_names(application))


def release_reservation(application: Application, *, actor: User | None, kind: str = "release") -> None:
    """Give an accepted application's reservation back to the campaign's escrow."""
    campaign = application.campaign
    ledger.move(kind, campaign.cost_per_post, source=ledger.reserved(campaign.id),
                destination=ledger.escrow(campaign.id), reference=f"release:application:{application.id}",
                campaign=campaign, application_id=application.id, actor=actor)


def withdraw(application: Application, *, actor: User) -> None:
    _creator_owns(application, actor)
    was_accepted = application.status == A.ACCEPTED
    if was_accepted:
        ledger.lock_campaign(application.campaign)
    if not transition(application, A.WITHDRAWN, transitions=TRANSITIONS, actor=actor):
        return  # already withdrawn: nothing moves, nobody is told twice
    if was_accepted:
        release_reservation(application, actor=actor, kind="release")
    notify(application.campaign.brand.user, "application_withdrawn",
           link=path_for("brand.campaign_detail", campaign_id=application.campaign_id), **_names(application))


def release_on_cancel(application: Application, *, actor: User) -> None:
    """Called by campaign cancellation: close the application and free its money."""
    was_accepted = application.status == A.ACCEPTED
    target = A.WITHDRAWN if was_accepted else A.REJECTED
    transition(application, target, transitions=TRANSITIONS, actor=actor, reason="campaign cancelled")
    if was_accepted:
        release_reservation(application, actor=actor, kind="release")
    notify(application.creator.user, "campaign_cancelled",
           link=path_for("creator.applications"), **_names(application))
