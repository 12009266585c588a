"""Brands fund campaigns through Stripe Checkout (separate charges and transfers).

Funding status transitions:
    created    -> processing | paid | failed | expired
    processing -> paid | failed
The state always comes from re-reading the Checkout Session and its PaymentIntent at Stripe,
so webhooks may arrive in any order, twice, or not at all (the return page syncs too).
Network calls never run inside a database transaction: callers commit between the steps.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..errors import NotAllowed, PermissionDenied
from ..extensions import db
from ..models import Campaign, CampaignStatus, User
from ..models.payments import Funding, FundingStatus
from ..money import Money
from ..services import campaigns, ledger
from ..services.transitions import table, transition
from .gateway import call, client

log = logging.getLogger(__name__)
F = FundingStatus
TRANSITIONS = table(
    created={F.PROCESSING, F.PAID, F.FAILED, F.EXPIRED},
    processing={F.PAID, F.FAILED},
)
CHECKOUT_LOCALES = {"en": "en", "pl": "pl", "th": "th"}


def transfer_group(campaign: Campaign) -> str:
    return f"campaign_{campaign.id}"


def prepare_funding(campaign: Campaign, *, actor: User) -> Funding:
    """Record the intent to pay (with its idempotency key) before Stripe is called."""
    if actor.brand is None or actor.brand.id != campaign.brand_id:
        raise PermissionDenied(_l("Only the brand that owns this campaign can fund it."))
    if campaign.status != CampaignStatus.AWAITING_FUNDING:
        raise NotAllowed(None, _l("Submit the campaign for funding first."))
    ledger.lock_campaign(campaign)  # two tabs pressing "Pay" make one funding, not a key clash
    if db.session.scalar(select(Funding.id).where(Funding.campaign_id == campaign.id,
                                                 Funding.status == F.PROCESSING)) is not None:
        raise NotAllowed(None, _l("A bank payment for this campaign is still processing; the campaign opens "
                                  "as soon as it clears."))
    current = db.session.scalar(select(Funding).where(
        Funding.campaign_id == campaign.id, Funding.status == F.CREATED,
        Funding.amount_minor == campaign.total_budget.minor, Funding.currency == campaign.currency))
    if current is not None:
        return current
    attempt = db.session.scalar(select(func.count()).select_from(Funding)
                                .where(Funding.campaign_id == campaign.id)) + 1
    funding = Funding(campaign_id=campaign.id, amount_minor=campaign.total_budget.minor,
                      fee_minor=campaign.fee_per_post_minor * campaign.slots, currency=campaign.currency,
                      idempotency_key=f"funding-{campaign.id}-{attempt}")
    db.session.add(funding)
    db.session.flush()
    return funding


@dataclass(frozen=True)
class CheckoutPlan:
    """Everything the Stripe call needs, read before the transaction ends."""

    funding_id: int
    idempotency_key: str
    params: dict
    existing_url: str | None


def checkout_plan(funding: Funding, *, success_url: str, cancel_url: str, email: str, locale: str) -> CheckoutPlan:
    campaign = funding.campaign
    payout, fee = campaign.payout.to_stripe(), campaign.fee_per_post.to_stripe()  # Stripe's own units
    line_items = [{"price_data": {"currency": payout["currency"], "unit_amount": payout["amount"],
                                  "product_data": {"name": f"Creator payout — {campaign.title}"[:250]}},
                   "quantity": campaign.slots}]
    if fee["amount"]:
        line_items.append({"price_data": {"currency": fee["currency"], "unit_amount": fee["amount"],
                                          "product_data": {"name": "Hashmark platform fee"}},
                           "quantity": campaign.slots})
    metadata = {"campaign_id": str(campaign.id), "funding_id": str(funding.id)}
    params = {
        "mode": "payment",
        "line_items": line_items,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "client_reference_id": str(campaign.id),
        "customer_email": email,
        "locale": CHECKOUT_LOCALES.get(locale, "auto"),
        "metadata": metadata,
        "payment_intent_data": {"transfer_group": transfer_group(campaign), "metadata": metadata},
    }
    return CheckoutPlan(funding.id, funding.idempotency_key, params, funding.checkout_url)


def create_checkout(plan: CheckoutPlan) -> tuple[str, str]:
    """Network only: create (or, for a repeated key, replay) the Checkout Session → (id, url)."""
    with call("checkout.sessions.create", idempotency_key=plan.idempotency_key):
        session = client().v1.checkout.sessions.create(
            params=plan.params, options={"idempotency_key": plan.idempotency_key})
    log.info("checkout session %s for funding %s (key=%s)", session.id, plan.funding_id, plan.idempotency_key)
    return session.id, session.url


def record_checkout(funding: Funding, session_id: str, url: str) -> None:
    if funding.checkout_session_id not in (None, session_id):
        raise NotAllowed(None, _l("This payment already has a checkout; reload the page."))
    funding.checkout_session_id = session_id
    funding.checkout_url = url


def record_checkout_failure(funding: Funding, reason: str) -> None:
    """Stripe kept the failed response under this key, so the next try is a new attempt."""
    funding.failure_reason = reason
    transition(funding, F.FAILED, transitions=TRANSITIONS, actor=None, reason=reason)


def pending_funding(campaign: Campaign) -> Funding | None:
    """A payment started but not settled yet (the brand should see it, not pay twice)."""
    return db.session.scalar(select(Funding).where(
        Funding.campaign_id == campaign.id, Funding.status.in_([F.CREATED, F.PROCESSING]),
        Funding.checkout_session_id.is_not(None)).order_by(Funding.id.desc()))


def by_session(session_id: str) -> Funding | None:
    return db.session.scalar(select(Funding).where(Funding.checkout_session_id == session_id))


def fetch_state(session_id: str) -> dict:
    """Network only: the session and its PaymentIntent as Stripe sees them now."""
    with call("checkout.sessions.retrieve"):
        session = client().v1.checkout.sessions.retrieve(session_id)
    state = {"status": session.status, "payment_status": session.payment_status,
             "payment_intent": session.payment_intent, "pi_status": None, "charge": None, "failure": None,
             "paid": Money.from_stripe(session.amount_total or 0, session.currency or "usd")}
    if session.payment_intent:
        with call("payment_intents.retrieve"):
            intent = client().v1.payment_intents.retrieve(session.payment_intent,
                                                          params={"expand": ["latest_charge"]})
        state["pi_status"] = intent.status
        charge = intent.latest_charge
        state["charge"] = charge if isinstance(charge, str) or charge is None else charge.id
        error = getattr(intent, "last_payment_error", None)
        state["failure"] = getattr(error, "message", None) if error else None
    return state


def apply_state(funding: Funding, state: dict) -> None:
    """Bring our Funding (and the campaign) in line with what Stripe says."""
    if funding.status in (F.PAID, F.FAILED, F.EXPIRED):
        return
    if state["payment_status"] == "paid":
        funding.payment_intent_id = state["payment_intent"]
        funding.charge_id = state["charge"]
        transition(funding, F.PAID, transitions=TRANSITIONS, actor=None)
        _credit(funding, state["paid"])
    elif state["status"] == "expired":
        transition(funding, F.EXPIRED, transitions=TRANSITIONS, actor=None)
    elif state["status"] == "complete" and state["pi_status"] == "requires_payment_method":
        funding.failure_reason = state.get("failure") or "payment failed"
        transition(funding, F.FAILED, transitions=TRANSITIONS, actor=None, reason=funding.failure_reason)
    elif state["status"] == "complete":
        funding.payment_intent_id = state["payment_intent"]
        transition(funding, F.PROCESSING, transitions=TRANSITIONS, actor=None)


def _credit(funding: Funding, paid: Money) -> None:
    """Paid: open the campaign. A payment that does not match the budget (a stale checkout, a
    second payment) is booked and refunded in full instead."""
    campaign = funding.campaign
    reference = funding.checkout_session_id
    if (campaign.status == CampaignStatus.AWAITING_FUNDING and paid == funding.amount
            and funding.amount == campaign.total_budget):
        campaigns.record_funding(campaign, funding.amount, reference)
        return
    log.warning("funding %s paid %s for campaign %s in status %s: holding it for refund",
                funding.id, paid, campaign.id, campaign.status)
    ledger.move("funding", paid, source=ledger.STRIPE_CLEARING, destination=ledger.escrow(campaign.id),
                reference=f"funding:{reference}", campaign=campaign, memo="unexpected payment, to refund")
    from .refunds import schedule_refund

    schedule_refund(campaign, funding=funding, amount=paid)


def fund_in_sandbox(campaign: Campaign, *, actor: User) -> Funding:
    """Sandbox shortcut (demo data and the "Fund in sandbox" button): a paid funding of its own,
    with no Stripe objects behind it. Its refunds settle in the ledger alone (see refunds.py)."""
    if not current_app.config.get("SANDBOX_PAYMENTS"):
        raise PermissionDenied(_l("Sandbox funding is switched off here."))
    if actor.brand is None or actor.brand.id != campaign.brand_id:
        raise PermissionDenied(_l("Only the brand that owns this campaign can fund it."))
    if campaign.status != CampaignStatus.AWAITING_FUNDING:
        raise NotAllowed(None, _l("This campaign is already funded.") if campaign.status == CampaignStatus.OPEN
                         else _l("Submit the campaign for funding first."))
    attempt = db.session.scalar(select(func.count()).select_from(Funding)
                                .where(Funding.campaign_id == campaign.id)) + 1
    key = f"sandbox-funding-{campaign.id}-{attempt}"
    funding = Funding(campaign_id=campaign.id, amount_minor=campaign.total_budget.minor, currency=campaign.currency,
                      fee_minor=campaign.fee_per_post_minor * campaign.slots, idempotency_key=key,
                      checkout_session_id=f"sandbox_{key}")
    db.session.add(funding)
    db.session.flush()
    transition(funding, F.PAID, transitions=TRANSITIONS, actor=actor, reason="sandbox")
    campaigns.record_funding(campaign, funding.amount, funding.checkout_session_id, actor=actor)
    return funding
