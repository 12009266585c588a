"""What Stripe holds, read for reconciliation: network only, every list paginated, plain values out.

`fetch` asks by id for the payments behind our fundings (by PaymentIntent, or by Checkout Session
while we know no PaymentIntent yet) and for the refunds we made, lists every transfer and every payout
of the platform account, and reads the platform balance. It writes nothing and needs no database:
the caller passes the ids (`services.reconciliation.stripe_ids`) and compares the answer with the books.
A charge's refunds are not listed one by one: its `amount_refunded` says whether any were made outside.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..money import CURRENCY_EXPONENTS, Money
from .errors import PermanentPaymentError
from .gateway import call, client

log = logging.getLogger(__name__)
PAGE = 100  # Stripe's largest page
BANK_PAYOUT_HELD = ("pending", "in_transit", "paid")  # failed and canceled payouts give the money back


@dataclass(frozen=True)
class StripeCharge:
    id: str
    status: str            # succeeded, pending, failed
    amount: Money
    refunded: Money        # everything refunded on it, by anyone
    fee: Money             # Stripe's processing fee, taken from the platform balance


@dataclass(frozen=True)
class StripePayment:
    """A funding's PaymentIntent and its latest charge (None before the buyer paid)."""

    payment_intent: str
    status: str
    charge: StripeCharge | None


@dataclass(frozen=True)
class StripeRefund:
    id: str
    charge: str | None
    status: str            # succeeded, pending, requires_action, failed, canceled
    amount: Money


@dataclass(frozen=True)
class StripeTransfer:
    id: str
    amount: Money
    reversed: Money
    destination: str | None
    transfer_group: str | None
    source_transaction: str | None
    payout_id: int | None  # from our metadata; None on transfers Hashmark did not make

    @property
    def net(self) -> Money:
        return self.amount - self.reversed


@dataclass(frozen=True)
class StripeSnapshot:
    """Stripe's side. `payments`/`refunds` hold every id asked for, None where Stripe has no such object;
    `sessions` every Checkout Session asked for, None where nobody has paid it yet."""

    payments: dict[str, StripePayment | None]
    sessions: dict[str, StripePayment | None]
    refunds: dict[str, StripeRefund | None]
    transfers: list[StripeTransfer]
    balance: dict[str, Money]        # the platform's balance per currency, available + pending
    bank_payouts: dict[str, Money]   # paid (or on its way) from the platform balance to its bank


def fetch(*, payment_intents: Iterable[str], sessions: Iterable[str], refunds: Iterable[str]) -> StripeSnapshot:
    """Network only: raises PaymentError when Stripe cannot be reached or refuses."""
    snapshot = StripeSnapshot(
        payments={pi: _payment(pi) for pi in payment_intents},
        sessions={session: _session_payment(session) for session in sessions},
        refunds={rid: _refund(rid) for rid in refunds},
        transfers=_transfers(),
        balance=_balance(),
        bank_payouts=_bank_payouts(),
    )
    log.info("reconciliation read %d payments, %d sessions, %d refunds, %d transfers from Stripe",
             len(snapshot.payments), len(snapshot.sessions), len(snapshot.refunds), len(snapshot.transfers))
    return snapshot


def _money(amount: int, currency: str) -> Money:
    if currency.upper() not in CURRENCY_EXPONENTS:
        raise PermanentPaymentError(f"Stripe holds money in {currency.upper()}, a currency Hashmark does not know.")
    return Money.from_stripe(amount, currency)


def _missing(error: PermanentPaymentError) -> bool:
    return error.code == "resource_missing"


def _payment(payment_intent: str) -> StripePayment | None:
    try:
        with call("payment_intents.retrieve"):
            intent = client().v1.payment_intents.retrieve(
                payment_intent, params={"expand": ["latest_charge.balance_transaction"]})
    except PermanentPaymentError as error:
        if _missing(error):
            return None
        raise
    return _from_intent(intent)


def _session_payment(session_id: str) -> StripePayment | None:
    try:
        with call("checkout.sessions.retrieve"):
            session = client().v1.checkout.sessions.retrieve(
                session_id, params={"expand": ["payment_intent.latest_charge.balance_transaction"]})
    except PermanentPaymentError as error:
        if _missing(error):
            return None
        raise
    return _from_intent(session.payment_intent) if session.payment_intent is not None else None


def _from_intent(intent) -> StripePayment:
    charge = intent.latest_charge
    return StripePayment(intent.id, intent.status, _charge(charge) if charge is not None else None)


def _charge(charge) -> StripeCharge:
    txn = charge.balance_transaction  # expanded; None until the charge succeeded
    fee = txn.fee if txn is not None else 0
    return StripeCharge(charge.id, charge.status, _money(charge.amount, charge.currency),
                        _money(charge.amount_refunded or 0, charge.currency), _money(fee or 0, charge.currency))


def _refund(refund_id: str) -> StripeRefund | None:
    try:
        with call("refunds.retrieve"):
            refund = client().v1.refunds.retrieve(refund_id)
    except PermanentPaymentError as error:
        if _missing(error):
            return None
        raise
    return StripeRefund(refund.id, _id(refund.charge), refund.status, _money(refund.amount, refund.currency))


def _transfers() -> list[StripeTransfer]:
    found = []
    with call("transfers.list"):
        for transfer in client().v1.transfers.list(params={"limit": PAGE}).auto_paging_iter():
            metadata = transfer.metadata.to_dict() if transfer.metadata else {}
            payout_id = str(metadata.get("payout_id") or "")
            found.append(StripeTransfer(
                transfer.id, _money(transfer.amount, transfer.currency),
                _money(transfer.amount_reversed or 0, transfer.currency), _id(transfer.destination),
                transfer.transfer_group, _id(transfer.source_transaction),
                int(payout_id) if payout_id.isdigit() else None))
    return found


def _id(value) -> str | None:
    return value if value is None or isinstance(value, str) else value.id


def _balance() -> dict[str, Money]:
    with call("balance.retrieve"):
        balance = client().v1.balance.retrieve()
    totals: dict[str, int] = defaultdict(int)
    for part in [*balance.available, *balance.pending]:
        totals[part.currency] += part.amount
    return _per_currency(totals)


def _bank_payouts() -> dict[str, Money]:
    totals: dict[str, int] = defaultdict(int)
    with call("payouts.list"):
        for payout in client().v1.payouts.list(params={"limit": PAGE}).auto_paging_iter():
            if payout.status in BANK_PAYOUT_HELD:
                totals[payout.currency] += payout.amount
    return _per_currency(totals)


def _per_currency(totals: dict[str, int]) -> dict[str, Money]:
    amounts = [_money(amount, currency) for currency, amount in totals.items()]
    return {amount.currency: amount for amount in amounts}
