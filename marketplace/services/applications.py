"""Applications: a creator asks for a slot; the brand accepts (reserving budget) or rejects.

Application status transitions:
    pending  -> accepted | rejected | withdrawn
    accepted -> completed | withdrawn
Accepting moves one post's cost (payout + fee) from the campaign's escrow to its reservations,
under a lock on the campaign, so no campaign ever commits more than it was funded.

Reservations are numbered per application: the acceptance makes the first, an admin overturning a
rejection (whose release gave the money back) makes the next. Release n pairs with reservation n,
under its own ledger reference, so each reservation is released at most once and a later one can
still be released.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..errors import NotAllowed, PermissionDenied
from ..extensions import db
from ..links import path_for
from ..models import (Application, ApplicationStatus, Campaign, CampaignStatus, Creator, LedgerTransaction, Submission, User,
                      utcnow)
from . import ledger
from .audit import record_event
from .campaigns import minimum_payout
from .eligibility import ineligibility
from .notifications import notify
from .submission_states import S as Sub
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
    _reserve(application, actor=actor)
    notify(application.creator.user, "application_accepted",
           link=path_for("creator.campaign_view", campaign_id=campaign.id), **_names(application))


def reject(application: Application, *, actor: User, reason: str = "") -> None:
    _brand_owns(application, actor)
    reason = reason.strip()
    application.decision_reason = reason or None
    transition(application, A.REJECTED, transitions=TRANSITIONS, actor=actor, reason=reason or None)
    notify(application.creator.user, "application_rejected",
           link=path_for("creator.applications"), reason=reason, **_names(application))


# --- reserved budget ---------------------------------------------------------------------------

def _reference(verb: str, application_id: int, number: int) -> str:
    """The ledger reference of reservation (`reserve`) or release (`release`) number `number`."""
    base = f"{verb}:application:{application_id}"
    return base if number == 1 else f"{base}:{number}"


def _count(application: Application, verb: str) -> int:
    return db.session.scalar(select(func.count()).select_from(LedgerTransaction).where(
        LedgerTransaction.application_id == application.id,
        LedgerTransaction.reference.like(f"{verb}:application:%")))


def reservation_held(application: Application) -> bool:
    """True while the application's latest reservation has not been released."""
    return _count(application, "reserve") > _count(application, "release")


def _reserve(application: Application, *, actor: User | None) -> None:
    campaign = application.campaign
    ledger.move("reservation", campaign.cost_per_post, source=ledger.escrow(campaign.id),
                destination=ledger.reserved(campaign.id),
                reference=_reference("reserve", application.id, _count(application, "reserve") + 1),
                campaign=campaign, application_id=application.id, actor=actor)


def reserve_again(application: Application, *, actor: User) -> None:
    """Reserve an accepted application's post cost once more, after its reservation was released
    (an admin overturning a rejection). A no-op while a reservation is held; refused when the
    campaign's uncommitted budget no longer covers the post."""
    campaign = application.campaign
    ledger.lock_campaign(campaign)
    if reservation_held(application):
        return
    if application.status != A.ACCEPTED:
        raise NotAllowed(None, _l("%(creator)s's application is %(status)s, so no budget can be reserved for "
                                  "their post.", creator=application.creator.display_name,
                                  status=application.status))
    cost = campaign.cost_per_post
    available = ledger.balance(ledger.escrow(campaign.id), campaign.currency)
    if available < cost:
        raise NotAllowed(None, _l("The campaign's escrow no longer holds this post's cost: %(available)s is "
                                  "uncommitted and the post needs %(cost)s (the budget may have been refunded "
                                  "to the brand).", available=str(available), cost=str(cost)))
    _reserve(application, actor=actor)


def release_reservation(application: Application, *, actor: User | None, kind: str = "release") -> None:
    """Give an accepted application's latest reservation back to the campaign's escrow (once per
    reservation: a repeat is a no-op)."""
    number = _count(application, "reserve")
    if number == 0:
        return
    campaign = application.campaign
    ledger.move(kind, campaign.cost_per_post, source=ledger.reserved(campaign.id),
                destination=ledger.escrow(campaign.id), reference=_reference("release", application.id, number),
                campaign=campaign, application_id=application.id, actor=actor)


def withdraw(application: Application, *, actor: User) -> None:
    _creator_owns(application, actor)
    was_accepted = application.status == A.ACCEPTED
    if was_accepted:
        ledger.lock_campaign(application.campaign)
        if _published(application):
            raise NotAllowed(None, _l("You have already published your post for this campaign, so you cannot "
                                      "withdraw now: the brand reviews it, and you are paid once it has stayed "
                                      "online long enough."))
    if not transition(application, A.WITHDRAWN, transitions=TRANSITIONS, actor=actor):
        return  # already withdrawn: nothing moves, nobody is told twice
    if was_accepted:
        release_reservation(application, actor=actor, kind="release")
    notify(application.campaign.brand.user, "application_withdrawn",
           link=path_for("brand.campaign_detail", campaign_id=application.campaign_id), **_names(application))


def _published(application: Application) -> bool:
    """A post was submitted and is still in play (not failed, rejected or taken down)."""
    return db.session.scalar(select(func.count()).select_from(Submission).where(
        Submission.application_id == application.id,
        Submission.status.in_([Sub.POSTED, Sub.VERIFYING, Sub.VERIFIED, Sub.APPROVED, Sub.LIVE_CHECK_PASSED]))) > 0


def release_on_cancel(application: Application, *, actor: User) -> None:
    """Called by campaign cancellation: close the application and free its money."""
    was_accepted = application.status == A.ACCEPTED
    target = A.WITHDRAWN if was_accepted else A.REJECTED
    transition(application, target, transitions=TRANSITIONS, actor=actor, reason="campaign cancelled")
    if was_accepted:
        release_reservation(application, actor=actor, kind="release")
    notify(application.creator.user, "campaign_cancelled",
           link=path_for("creator.applications"), **_names(application))
