"""Creators get paid through Stripe Connect: an Express connected account that receives transfers.

Payout account status transitions (always derived from the account at Stripe):
    onboarding -> ready | restricted
    ready      -> restricted
    restricted -> ready | onboarding
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..catalog import country_name
from ..errors import NotAllowed
from ..extensions import db
from ..models import Creator
from ..models.payments import PayoutAccount, PayoutAccountStatus
from ..services.transitions import table, transition
from .gateway import call, client

log = logging.getLogger(__name__)
P = PayoutAccountStatus
TRANSITIONS = table(
    onboarding={P.READY, P.RESTRICTED},
    ready={P.RESTRICTED, P.ONBOARDING},
    restricted={P.READY, P.ONBOARDING},
)


def payouts_supported(country: str) -> bool:
    return country in current_app.config["STRIPE_CONNECT_COUNTRIES"]


def unsupported_message(country: str):
    return _l("Payouts to creators in %(country)s are not available yet: Hashmark pays through Stripe "
              "from Europe, and Stripe only sends such transfers to accounts in the US, the UK, the EEA, "
              "Canada and Switzerland. You can still apply to campaigns; we will tell you as soon as "
              "payouts reach your country.", country=country_name(country))


def account_for(creator: Creator) -> PayoutAccount | None:
    return db.session.scalar(select(PayoutAccount).where(PayoutAccount.creator_id == creator.id))


@dataclass(frozen=True)
class AccountPlan:
    creator_id: int
    existing_account: str | None
    idempotency_key: str
    params: dict


def plan_account(creator: Creator, *, email: str, locale: str) -> AccountPlan:
    if not payouts_supported(creator.country):
        raise NotAllowed(None, unsupported_message(creator.country))
    existing = account_for(creator)
    params = {
        "display_name": creator.display_name,
        "contact_email": email,
        "identity": {"country": creator.country.lower()},
        "dashboard": "express",
        "configuration": {"recipient": {"capabilities": {"stripe_balance": {"stripe_transfers": {"requested": True}}}}},
        "defaults": {"responsibilities": {"fees_collector": "application", "losses_collector": "application"},
                     "locales": [locale]},
        "metadata": {"creator_id": str(creator.id)},
        "include": ["configuration.recipient"],
    }
    # the key follows the parameters: a repeat replays the same account, a changed request is new
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:16]
    return AccountPlan(creator.id, existing.stripe_account_id if existing else None,
                       f"connect-account-creator-{creator.id}-{digest}", params)


def create_account(plan: AccountPlan) -> str:
    """Network only: create the connected account once (a repeated key replays the same one)."""
    if plan.existing_account:
        return plan.existing_account
    with call("v2.core.accounts.create", idempotency_key=plan.idempotency_key):
        account = client().v2.core.accounts.create(params=plan.params,
                                                    options={"idempotency_key": plan.idempotency_key})
    log.info("connected account %s for creator %s", account.id, plan.creator_id)
    return account.id


def record_account(creator: Creator, account_id: str) -> PayoutAccount:
    existing = account_for(creator)
    if existing is not None:
        return existing
    account = PayoutAccount(creator_id=creator.id, stripe_account_id=account_id, country=creator.country)
    try:
        with db.session.begin_nested():
            db.session.add(account)
    except IntegrityError:  # a second tab recorded the same (replayed) account first
        return account_for(creator)
    return account


def onboarding_link(account_id: str, *, return_url: str, refresh_url: str) -> str:
    """Network only: a fresh, single-use Account Link (never logged)."""
    with call("v2.core.account_links.create"):
        link = client().v2.core.account_links.create(params={
            "account": account_id,
            "use_case": {"type": "account_onboarding",
                         "account_onboarding": {"return_url": return_url, "refresh_url": refresh_url}},
        })
    return link.url


@dataclass(frozen=True)
class AccountState:
    transfers: str | None       # Stripe's capability status: active, pending, restricted, unsupported
    requirements: list[str]


def fetch_state(account_id: str) -> AccountState:
    """Network only: the recipient transfers capability and what Stripe still needs."""
    with call("v2.core.accounts.retrieve"):
        account = client().v2.core.accounts.retrieve(account_id, params={"include": ["configuration.recipient",
                                                                                     "requirements"]})
    recipient = account.configuration.recipient if account.configuration else None
    status = None
    if recipient is not None:
        status = recipient.capabilities.stripe_balance.stripe_transfers.status
    requirements = []
    if getattr(account, "requirements", None) and getattr(account.requirements, "entries", None):
        requirements = [entry.description for entry in account.requirements.entries if entry.description]
    return AccountState(status, requirements)


def apply_state(account: PayoutAccount, state: AccountState) -> None:
    # active: transfers flow; restricted: Stripe needs more; anything else (pending, not yet
    # requested): the creator has onboarding to finish
    target = {"active": P.READY, "restricted": P.RESTRICTED}.get(state.transfers or "", P.ONBOARDING)
    account.requirements_due = "\n".join(state.requirements) or None
    if target != account.status:
        transition(account, target, transitions=TRANSITIONS, actor=None, data={"transfers": state.transfers})
