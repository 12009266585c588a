"""What reconciliation reports (differences, summaries) and the view of our books it compares
with Stripe; the comparisons themselves are in `services/reconciliation.py`."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import (Campaign, Funding, FundingStatus, LedgerEntry, LedgerTransaction, Payout, PayoutAccount,
                      PayoutStatus, Refund, RefundStatus)
from ..money import Money
from . import ledger

if TYPE_CHECKING:
    from ..payments.reconcile import StripeCharge, StripePayment, StripeSnapshot

SANDBOX_SESSION = "sandbox_"
SENDING = {"pending", "requires_action"}

Value = Money | str | None


@dataclass(frozen=True)
class Difference:
    """One way our books and Stripe disagree: what, about which object, each side, and why in plain words."""

    kind: str
    subject: str
    ours: Value
    stripe: Value
    explanation: str

    @property
    def currency(self) -> str | None:
        amounts = [value for value in (self.ours, self.stripe) if isinstance(value, Money)]
        return amounts[0].currency if amounts else None


@dataclass(frozen=True)
class StripeIds:
    """What to ask Stripe about by id (everything else is listed)."""

    payment_intents: list[str]
    sessions: list[str]       # checkouts not known to be paid yet: has Stripe taken the money anyway?
    refunds: list[str]

    def asdict(self) -> dict[str, list[str]]:
        return {"payment_intents": self.payment_intents, "sessions": self.sessions, "refunds": self.refunds}


@dataclass(frozen=True)
class CurrencySummary:
    currency: str
    ledger_at_stripe: Money   # -stripe_clearing less refunds being sent, sandbox campaigns left out
    stripe_fees: Money
    bank_payouts: Money
    stripe_balance: Money
    differences: int

    @property
    def expected_balance(self) -> Money:
        return self.ledger_at_stripe - self.stripe_fees - self.bank_payouts


@dataclass(frozen=True)
class SandboxFunding:
    funding_id: int
    campaign_id: int
    campaign_title: str
    amount: Money


@dataclass(frozen=True)
class Report:
    differences: list[Difference]
    currencies: list[CurrencySummary]
    sandbox: list[SandboxFunding]
    checked: dict[str, int]

    @property
    def clean(self) -> bool:
        return not self.differences


def is_sandbox(funding: Funding) -> bool:
    return (funding.checkout_session_id or "").startswith(SANDBOX_SESSION)


def _real_funding():
    return or_(Funding.checkout_session_id.is_(None),
               ~Funding.checkout_session_id.startswith(SANDBOX_SESSION, autoescape=True))


def stripe_ids() -> StripeIds:
    """The payments of our fundings and the refunds we made, to be fetched from Stripe."""
    intents = db.session.scalars(select(Funding.payment_intent_id).where(
        Funding.payment_intent_id.is_not(None), _real_funding()).order_by(Funding.id)).all()
    sessions = db.session.scalars(select(Funding.checkout_session_id).where(
        Funding.payment_intent_id.is_(None), Funding.status == FundingStatus.CREATED,
        Funding.checkout_session_id.is_not(None), _real_funding()).order_by(Funding.id)).all()
    refunds = db.session.scalars(select(Refund.stripe_refund_id).join(Refund.funding).where(
        Refund.stripe_refund_id.is_not(None), _real_funding()).order_by(Refund.id)).all()
    return StripeIds(list(dict.fromkeys(intents)), list(sessions), list(refunds))


def payment_of(funding: Funding, stripe: StripeSnapshot) -> StripePayment | None:
    """The funding's payment as fetched (None: unknown to Stripe, not paid yet, or not asked about)."""
    if funding.payment_intent_id:
        return stripe.payments.get(funding.payment_intent_id)
    return stripe.sessions.get(funding.checkout_session_id or "")


def charged(funding: Funding, stripe: StripeSnapshot) -> StripeCharge | None:
    """The funding's charge when Stripe has taken the money."""
    payment = payment_of(funding, stripe)
    charge = payment.charge if payment is not None else None
    return charge if charge is not None and charge.status == "succeeded" else None


# ------------------------------------------------------------------------------------- the books
@dataclass
class Books:
    fundings: dict[int, Funding]
    sandbox_campaigns: set[int]
    refunds: list[Refund]                             # of real (not sandbox) fundings
    payouts: dict[int, Payout]
    accounts: dict[int, str]                          # creator id -> connected account
    clearing: dict[str, Money]                        # stripe_clearing leg per posting reference
    at_stripe: dict[tuple[int | None, str], int]      # -stripe_clearing - refunds being sent, per campaign
    per_stripe_object: dict[tuple[str, str, str], int]  # (posting kind, Stripe id, currency) -> clearing
    titles: dict[int, str] = field(default_factory=dict)

    @classmethod
    def load(cls, stripe: StripeSnapshot) -> Books:
        fundings = {f.id: f for f in db.session.scalars(select(Funding).order_by(Funding.id))}
        paid = [f for f in fundings.values() if f.status == FundingStatus.PAID]
        sandbox = {f.campaign_id for f in paid if is_sandbox(f)} - {f.campaign_id for f in paid if not is_sandbox(f)}
        named = {t.payout_id for t in stripe.transfers if t.payout_id is not None}
        payouts = db.session.scalars(select(Payout).where(or_(
            Payout.stripe_transfer_id.is_not(None), Payout.status == PayoutStatus.PAID, Payout.id.in_(named)))
            .order_by(Payout.id)).all()
        clearing_leg = (LedgerEntry.account == ledger.STRIPE_CLEARING)
        clearing = {reference: Money(int(total), currency) for reference, currency, total in db.session.execute(
            select(LedgerTransaction.reference, LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
            .join(LedgerEntry.transaction).where(clearing_leg, LedgerTransaction.reference.is_not(None))
            .group_by(LedgerTransaction.reference, LedgerEntry.currency))}
        per_stripe_object: dict[tuple[str, str, str], int] = defaultdict(int)
        for reference, amount in clearing.items():
            kind, _, rest = reference.partition(":")
            per_stripe_object[(kind, rest.rpartition(":")[0], amount.currency)] += amount.minor
        at_stripe: dict[tuple[int | None, str], int] = defaultdict(int)
        for campaign_id, currency, total in db.session.execute(
                select(LedgerTransaction.campaign_id, LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
                .join(LedgerEntry.transaction).where(clearing_leg)
                .group_by(LedgerTransaction.campaign_id, LedgerEntry.currency)):
            at_stripe[(campaign_id, currency)] -= int(total)
        refunds = [r for r in db.session.scalars(select(Refund).order_by(Refund.id))
                   if not is_sandbox(fundings[r.funding_id])]
        for refund in refunds:
            sending = stripe.refunds.get(refund.stripe_refund_id or "")
            if refund.status == RefundStatus.PENDING and sending is not None and sending.status in SENDING:
                at_stripe[(refund.campaign_id, sending.amount.currency)] -= sending.amount.minor
        return cls(
            fundings=fundings, sandbox_campaigns=sandbox, refunds=refunds, payouts={p.id: p for p in payouts},
            accounts=dict(db.session.execute(select(PayoutAccount.creator_id, PayoutAccount.stripe_account_id)).all()),
            clearing=clearing, at_stripe=at_stripe, per_stripe_object=per_stripe_object)

    def title(self, campaign_id: int) -> str:
        if campaign_id not in self.titles:
            self.titles[campaign_id] = db.session.scalar(select(Campaign.title).where(Campaign.id == campaign_id)) or ""
        return self.titles[campaign_id]

    def booked(self, kind: str, stripe_id: str, currency: str) -> Money:
        """The stripe_clearing legs of the postings `<kind>:<stripe id>:<running total>`: those webhooks
        book, once per new total, for refunds made outside Hashmark and for reversed transfers."""
        return Money(self.per_stripe_object.get((kind, stripe_id, currency), 0), currency)


def posting(books: Books, reference: str, moved: Money, subject: str, what: str, *,
             inward: bool = False) -> Difference | None:
    """The ledger posting that mirrors one movement at Stripe: present, and moving the same amount through
    stripe_clearing (out of it for money arriving at Stripe, `inward`; into it for money leaving)."""
    leg = books.clearing.get(reference)
    posted = None if leg is None else (-leg if inward else leg)
    if posted == moved:
        return None
    if posted is None:
        return Difference("ledger_missing", subject, None, moved, _l(
            "The ledger has no posting %(reference)s for %(what)s, so the books miss %(amount)s that did move at "
            "Stripe: it was removed or never written.", reference=reference, what=what, amount=str(moved)))
    return Difference("ledger_amount", subject, posted, moved, _l(
        "The ledger posting %(reference)s for %(what)s books %(posted)s, but %(amount)s moved at Stripe.",
        reference=reference, what=what, posted=str(posted), amount=str(moved)))
