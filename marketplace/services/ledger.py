"""The one way money moves in the books: balanced, append-only postings.

Every posting is a set of entries summing to zero per currency, so the books always balance
and any balance is a SUM. A posting with a `reference` happens at most once (UNIQUE), which
makes money movements safe to retry.

Accounts (positive = holds money):
    stripe_clearing           money at Stripe on the platform's side (negative: owed to payers)
    campaign_escrow:<id>      funded budget not yet committed to a creator
    campaign_reserved:<id>    budget reserved for accepted applications
    creator_payable:<id>      earned by a creator, not yet transferred
    platform_fees             Hashmark's revenue
    refunds_pending:<id>      unspent budget on its way back to the brand
    stripe_adjustments        money Stripe moved outside Hashmark (reversed transfers, refunds
                              made in the Dashboard beyond a campaign's escrow), for review
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Sequence

from sqlalchemy import func, select, update

from ..extensions import db
from ..models import Campaign, LedgerEntry, LedgerTransaction, User
from ..money import Money

STRIPE_CLEARING = "stripe_clearing"
PLATFORM_FEES = "platform_fees"
STRIPE_ADJUSTMENTS = "stripe_adjustments"


def escrow(campaign_id: int) -> str:
    return f"campaign_escrow:{campaign_id}"


def reserved(campaign_id: int) -> str:
    return f"campaign_reserved:{campaign_id}"


def creator_payable(creator_id: int) -> str:
    return f"creator_payable:{creator_id}"


@dataclass(frozen=True)
class Leg:
    account: str
    amount: Money


class UnbalancedPosting(ValueError):
    """A programming error: a posting whose entries do not sum to zero."""


def find(reference: str) -> LedgerTransaction | None:
    return db.session.scalar(select(LedgerTransaction).where(LedgerTransaction.reference == reference))


def post(kind: str, legs: Sequence[Leg], *, reference: str | None = None, campaign: Campaign | None = None,
         application_id: int | None = None, actor: User | None = None,
         memo: str | None = None) -> LedgerTransaction:
    """Write one balanced posting; with a `reference` already posted, return that one instead."""
    if reference is not None and (existing := find(reference)) is not None:
        return existing
    totals: dict[str, int] = defaultdict(int)
    for leg in legs:
        if leg.amount.minor == 0:
            raise UnbalancedPosting(f"zero leg on {leg.account}")
        totals[leg.amount.currency] += leg.amount.minor
    if len(legs) < 2 or any(totals.values()):
        raise UnbalancedPosting(f"{kind} posting does not balance: {dict(totals)}")
    transaction = LedgerTransaction(
        kind=kind, reference=reference, campaign_id=campaign.id if campaign else None,
        application_id=application_id, actor_id=actor.id if actor else None, memo=memo,
        entries=[LedgerEntry(account=leg.account, amount_minor=leg.amount.minor, currency=leg.amount.currency)
                 for leg in legs],
    )
    db.session.add(transaction)
    db.session.flush()
    return transaction


def move(kind: str, amount: Money, *, source: str, destination: str, **details) -> LedgerTransaction:
    """A two-legged posting: `amount` leaves `source` and arrives in `destination`."""
    return post(kind, [Leg(source, -amount), Leg(destination, amount)], **details)


def balance(account: str, currency: str) -> Money:
    total = db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0))
                              .where(LedgerEntry.account == account, LedgerEntry.currency == currency))
    return Money(int(total), currency)


def balances(accounts: Iterable[str], currency: str) -> dict[str, Money]:
    """Several balances in one query; accounts with no entries are zero."""
    accounts = list(accounts)
    rows = db.session.execute(
        select(LedgerEntry.account, func.sum(LedgerEntry.amount_minor))
        .where(LedgerEntry.account.in_(accounts), LedgerEntry.currency == currency)
        .group_by(LedgerEntry.account)
    ).all()
    found = {account: Money(int(total), currency) for account, total in rows}
    return {account: found.get(account, Money.zero(currency)) for account in accounts}


def imbalances() -> list[tuple[int, str, int]]:
    """Postings whose entries do not sum to zero per currency: (transaction id, currency, sum).

    Always empty unless someone wrote the tables by hand; reconciliation and tests check it.
    """
    rows = db.session.execute(
        select(LedgerEntry.transaction_id, LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
        .group_by(LedgerEntry.transaction_id, LedgerEntry.currency)
        .having(func.sum(LedgerEntry.amount_minor) != 0)
    ).all()
    return [(tid, currency, int(total)) for tid, currency, total in rows]


def lock_campaign(campaign: Campaign) -> None:
    """Serialise money decisions on one campaign until the transaction ends.

    A no-op UPDATE takes PostgreSQL's row lock (and SQLite's write lock) portably, so two
    concurrent acceptances read the escrow balance one after the other.
    """
    db.session.execute(update(Campaign).where(Campaign.id == campaign.id)
                       .values(status=Campaign.status).execution_options(synchronize_session=False))


@dataclass(frozen=True)
class CampaignMoney:
    funded: Money      # everything the brand paid in, less refunds
    available: Money   # funded, not yet committed to a creator
    reserved: Money    # committed to accepted applications
    paid: Money        # moved out to creators and fees


def campaign_money(campaign: Campaign) -> CampaignMoney:
    return campaigns_money([campaign])[campaign.id]


def campaigns_money(campaigns: Iterable[Campaign]) -> dict[int, CampaignMoney]:
    """Funded / available / reserved / paid for many campaigns in one query."""
    campaigns = list(campaigns)
    owners = {}
    for campaign in campaigns:
        owners[escrow(campaign.id)] = (campaign, "available")
        owners[reserved(campaign.id)] = (campaign, "reserved")
    sums: dict[int, dict[str, int]] = {c.id: {"available": 0, "reserved": 0, "paid": 0} for c in campaigns}
    if owners:
        rows = db.session.execute(
            select(LedgerEntry.account, LedgerEntry.currency, LedgerTransaction.kind, func.sum(LedgerEntry.amount_minor))
            .join(LedgerTransaction).where(LedgerEntry.account.in_(list(owners)))
            .group_by(LedgerEntry.account, LedgerEntry.currency, LedgerTransaction.kind)
        ).all()
        for account, currency, kind, total in rows:
            campaign, bucket = owners[account]
            if currency != campaign.currency:
                continue
            sums[campaign.id][bucket] += int(total)
            if bucket == "reserved" and kind == "payout":
                sums[campaign.id]["paid"] -= int(total)
    result = {}
    for campaign in campaigns:
        found = sums[campaign.id]
        available, held, paid = (Money(found[k], campaign.currency) for k in ("available", "reserved", "paid"))
        result[campaign.id] = CampaignMoney(funded=available + held + paid, available=available, reserved=held,
                                            paid=paid)
    return result
