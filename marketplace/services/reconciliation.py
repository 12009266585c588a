"""Reconciliation: our books (fundings, refunds, payouts and the ledger) against what Stripe holds.

An entry point runs it in three steps, so that no database transaction is open while Stripe answers:
    ids = stripe_ids(); commit; snapshot = payments.reconcile.fetch(**ids.asdict()); report = compare(snapshot)
Work in flight during a run (a transfer being sent) may show up as a difference once; run it again.

Sign conventions. Ledger accounts hold money when positive; `stripe_clearing` is the other side of
every movement in or out of Stripe: a funding takes its amount out of it (negative), a refund or a
transfer puts the amount back, a reversed transfer takes it out again. So `-stripe_clearing` is
what the ledger says sits on the platform's Stripe balance for Hashmark, before Stripe's fees.
Stripe's balance (available + pending, per currency) should then be

    -stripe_clearing  -  refunds Stripe is still sending  -  Stripe's fees on our charges
                      -  what the platform paid out to its bank

(a refund leaves Stripe's balance when Stripe accepts it; the ledger books it when it succeeds)

and per campaign, fees aside: -(the campaign's clearing postings) - its refunds still being sent ==
its fundings' charges - what was refunded on them - (transfers in `campaign_<id>` - what was reversed
of them). Anything else on
the platform account (charges that are not Hashmark fundings, disputes, currency conversions) shows
as a platform-balance difference: the account is assumed to serve Hashmark alone.

Sandbox fundings (`fund_in_sandbox`: a `sandbox_…` session, no Stripe objects) and whatever their
campaigns booked are listed apart as "not at Stripe (sandbox)", never as differences.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import Campaign, Funding, FundingStatus, LedgerEntry, Payout, PayoutStatus, RefundStatus
from ..money import Money
from . import ledger
from .reconciliation_books import (SENDING, Books, CurrencySummary, Difference, Report, SandboxFunding, StripeIds,  # noqa: F401
                                   charged, is_sandbox, payment_of, posting, stripe_ids)

if TYPE_CHECKING:
    from ..payments.reconcile import StripeCharge, StripeSnapshot, StripeTransfer

# Money Stripe moved outside Hashmark that no campaign or creator could take (payments.transfers).
STRIPE_ADJUSTMENTS = ledger.STRIPE_ADJUSTMENTS
NEVER_NEGATIVE = ("campaign_escrow:", "campaign_reserved:", "creator_payable:", "refunds_pending:",
                  ledger.PLATFORM_FEES)
# Our refund status and the Stripe refund statuses that agree with it.
SAME_REFUND_STATUS = {RefundStatus.SUCCEEDED: {"succeeded"}, RefundStatus.PENDING: {"pending", "requires_action"},
                      RefundStatus.FAILED: {"failed", "canceled"}}
REFUNDED_AT_STRIPE = {"succeeded", *SENDING}  # counted in a charge's amount_refunded
_GROUP = re.compile(r"campaign_(\d+)")

# ------------------------------------------------------------------------------------ fundings
def _fundings(books: Books, stripe: StripeSnapshot) -> list[Difference]:
    found: list[Difference] = []
    pending_refunds = {r.funding_id for r in books.refunds
                       if r.status == RefundStatus.PENDING and r.stripe_refund_id is None}
    for funding in books.fundings.values():
        if is_sandbox(funding):
            continue
        subject = _l("Funding #%(id)d · campaign #%(campaign)d", id=funding.id, campaign=funding.campaign_id)
        paid = funding.status == FundingStatus.PAID
        if paid and funding.payment_intent_id is None:
            found.append(Difference("funding_without_payment", subject, funding.amount, None, _l(
                "This funding is paid in Hashmark but names no Stripe payment, and it is not a sandbox "
                "funding: nothing at Stripe backs its %(amount)s.", amount=str(funding.amount))))
            continue
        if paid and funding.payment_intent_id in stripe.payments and stripe.payments[funding.payment_intent_id] is None:
            found.append(Difference("funding_missing", subject, funding.amount, None, _l(
                "Stripe has no payment %(intent)s, yet Hashmark credited %(amount)s to the campaign for it.",
                intent=funding.payment_intent_id, amount=str(funding.amount))))
            continue
        payment = payment_of(funding, stripe)
        if payment is None:
            continue  # not paid at Stripe, or paid while this run was under way (the next run checks it)
        charge = payment.charge
        succeeded = charge is not None and charge.status == "succeeded"
        if not paid:
            if succeeded:
                found.append(Difference("funding_unrecorded", subject, funding.status, charge.amount, _l(
                    "Stripe took %(amount)s (charge %(charge)s) for this funding, but Hashmark shows it as "
                    "%(status)s: its webhook has not been processed yet (run-due syncs it), or the payment arrived "
                    "after the checkout was given up.", amount=str(charge.amount), charge=charge.id,
                    status=funding.status)))
            continue
        if not succeeded:
            found.append(Difference("funding_not_paid_at_stripe", subject, funding.status,
                                    charge.status if charge else payment.status, _l(
                "Hashmark credited %(amount)s for this funding, but its payment at Stripe has not succeeded.",
                amount=str(funding.amount))))
            continue
        if charge.id != funding.charge_id:
            found.append(Difference("funding_charge", subject, funding.charge_id, charge.id, _l(
                "The payment's charge at Stripe is not the one Hashmark recorded; transfers name the recorded "
                "charge as their source.")))
        if charge.amount != funding.amount:
            found.append(Difference("funding_amount", subject, funding.amount, charge.amount, _l(
                "Stripe charged a different amount than this funding is for.")))
        found += _refunded_outside(books, funding, charge, pending=funding.id in pending_refunds, stripe=stripe)
        difference = posting(books, f"funding:{funding.checkout_session_id}", charge.amount, subject,
                              _l("this funding"), inward=True)
        if difference:
            found.append(difference)
    return found


def _refunded_outside(books: Books, funding: Funding, charge: StripeCharge, *, pending: bool,
                      stripe: StripeSnapshot) -> list[Difference]:
    """Stripe's refunded total on the charge against the refunds Hashmark knows: its own, and those the
    charge.refunded webhook booked as made outside Hashmark."""
    currency = charge.amount.currency
    ours = Money.sum((made.amount for r in books.refunds if r.funding_id == funding.id and r.stripe_refund_id
                      and (made := stripe.refunds.get(r.stripe_refund_id)) is not None
                      and made.status in REFUNDED_AT_STRIPE and made.amount.currency == currency), currency)
    known = ours + books.booked("refund_outside", charge.id, currency)
    if charge.refunded <= known:
        return []
    extra = charge.refunded - known
    subject = _l("Charge %(charge)s · funding #%(id)d", charge=charge.id, id=funding.id)
    if pending:
        explanation = _l(
            "Stripe shows %(refunded)s refunded on this charge, Hashmark knows of %(known)s. A refund of this "
            "funding is still being sent and may be the other %(extra)s: run-due finishes it.",
            refunded=str(charge.refunded), known=str(known), extra=str(extra))
    else:
        explanation = _l(
            "Stripe shows %(refunded)s refunded on this charge, Hashmark knows of %(known)s: %(extra)s was refunded "
            "outside Hashmark (in the Stripe Dashboard or through the API) and is not in the books. Processing the "
            "charge.refunded webhook books it; otherwise book it by hand.",
            refunded=str(charge.refunded), known=str(known), extra=str(extra))
    return [Difference("refund_outside", subject, known, charge.refunded, explanation)]


# ------------------------------------------------------------------------------------- refunds
def _refunds(books: Books, stripe: StripeSnapshot) -> list[Difference]:
    found: list[Difference] = []
    for refund in books.refunds:
        subject = _l("Refund #%(id)d · campaign #%(campaign)d", id=refund.id, campaign=refund.campaign_id)
        if refund.stripe_refund_id is None:
            if refund.status == RefundStatus.SUCCEEDED:
                found.append(Difference("refund_without_stripe", subject, refund.amount, None, _l(
                    "This refund is recorded as made, but names no Stripe refund: the brand may not have got "
                    "%(amount)s back.", amount=str(refund.amount))))
            continue
        if refund.stripe_refund_id not in stripe.refunds:
            continue  # made while this run was under way
        at_stripe = stripe.refunds[refund.stripe_refund_id]
        if at_stripe is None:
            found.append(Difference("refund_missing", subject, refund.amount, None, _l(
                "Stripe has no refund %(id)s, which Hashmark recorded for %(amount)s.",
                id=refund.stripe_refund_id, amount=str(refund.amount))))
            continue
        if at_stripe.amount != refund.amount:
            found.append(Difference("refund_amount", subject, refund.amount, at_stripe.amount, _l(
                "Stripe refunded a different amount than Hashmark recorded for refund %(id)s.",
                id=at_stripe.id)))
        if at_stripe.status not in SAME_REFUND_STATUS[RefundStatus(refund.status)]:
            found.append(Difference("refund_status", subject, refund.status, at_stripe.status, _l(
                "Hashmark and Stripe disagree on whether refund %(id)s went through; an unprocessed webhook is "
                "the usual cause (run-due syncs pending refunds).", id=at_stripe.id)))
        charge = books.fundings[refund.funding_id].charge_id
        if charge and at_stripe.charge and at_stripe.charge != charge:
            found.append(Difference("refund_charge", subject, charge, at_stripe.charge, _l(
                "Stripe refund %(id)s is on another charge than this refund's funding.", id=at_stripe.id)))
        if refund.status == RefundStatus.SUCCEEDED:
            difference = posting(books, f"refund:{refund.id}", refund.amount, subject, _l("this refund"))
            if difference:
                found.append(difference)
    return found


# ----------------------------------------------------------------------------- payouts, transfers
def _group(campaign_id: int) -> str:
    return f"campaign_{campaign_id}"


def _campaign_of(transfer: StripeTransfer, groups: set[int], charges: dict[str, int]) -> int | None:
    """The campaign a transfer draws on: its transfer group when that is one of ours, else its source charge."""
    match = _GROUP.fullmatch(transfer.transfer_group or "")
    if match and int(match.group(1)) in groups:
        return int(match.group(1))
    return charges.get(transfer.source_transaction or "")


def _payouts(books: Books, stripe: StripeSnapshot) -> list[Difference]:
    found: list[Difference] = []
    transfers = {t.id: t for t in stripe.transfers}
    for payout in books.payouts.values():
        if payout.campaign_id in books.sandbox_campaigns:
            continue
        subject = _l("Payout #%(id)d · campaign #%(campaign)d", id=payout.id, campaign=payout.campaign_id)
        if payout.stripe_transfer_id is None:
            if payout.status == PayoutStatus.PAID:
                found.append(Difference("payout_without_transfer", subject, payout.amount, None, _l(
                    "This payout is paid in Hashmark but names no Stripe transfer, and its campaign was not funded "
                    "in the sandbox: the creator may not have received %(amount)s.", amount=str(payout.amount))))
            continue
        transfer = transfers.get(payout.stripe_transfer_id)
        if transfer is None:
            found.append(Difference("transfer_missing", subject, payout.amount, None, _l(
                "Stripe has no transfer %(id)s, which Hashmark recorded as paying this payout.",
                id=payout.stripe_transfer_id)))
            continue
        found += _transfer_matches(books, payout, transfer, subject)
        if payout.status != PayoutStatus.PAID:
            found.append(Difference("payout_status", subject, payout.status, transfer.id, _l(
                "Stripe made transfer %(id)s for this payout, but Hashmark shows the payout as %(status)s.",
                id=transfer.id, status=payout.status)))
        else:
            difference = posting(books, f"transfer:payout:{payout.id}", payout.amount, subject, _l("this payout"))
            if difference:
                found.append(difference)
    return found


def _transfer_matches(books: Books, payout: Payout, transfer: StripeTransfer, subject: str) -> list[Difference]:
    found = []
    if transfer.amount != payout.amount:
        found.append(Difference("transfer_amount", subject, payout.amount, transfer.amount, _l(
            "Stripe transfer %(id)s moved another amount than this payout is for.", id=transfer.id)))
    account = books.accounts.get(payout.creator_id)
    if transfer.destination != account:
        found.append(Difference("transfer_destination", subject, account, transfer.destination, _l(
            "Stripe transfer %(id)s went to another Stripe account than the creator's connected account.",
            id=transfer.id)))
    if transfer.transfer_group != _group(payout.campaign_id):
        found.append(Difference("transfer_group", subject, _group(payout.campaign_id), transfer.transfer_group, _l(
            "Stripe transfer %(id)s is not in its campaign's transfer group, so the campaign's money at Stripe "
            "does not show it.", id=transfer.id)))
    recorded = -books.booked("transfer_reversed", transfer.id, transfer.amount.currency)
    if transfer.reversed != recorded:
        found.append(Difference("transfer_reversed", subject, recorded, transfer.reversed, _l(
            "Stripe reversed %(reversed)s of transfer %(id)s, Hashmark has %(recorded)s booked as reversed: the money "
            "came back to the platform without the books knowing. Processing the transfer.reversed webhook books it.",
            reversed=str(transfer.reversed), id=transfer.id, recorded=str(recorded))))
    return found


def _unknown_transfers(books: Books, stripe: StripeSnapshot, groups: set[int],
                       charges: dict[str, int]) -> list[Difference]:
    """Transfers in our transfer groups or from our charges that no payout of ours names."""
    known = {p.stripe_transfer_id for p in books.payouts.values() if p.stripe_transfer_id}
    at_stripe = {t.id for t in stripe.transfers}
    found = []
    for transfer in stripe.transfers:
        if transfer.id in known or _campaign_of(transfer, groups, charges) is None:
            continue
        subject = _l("Stripe transfer %(id)s", id=transfer.id)
        payout = books.payouts.get(transfer.payout_id) if transfer.payout_id is not None else None
        if payout is None:
            found.append(Difference("transfer_outside", subject, None, transfer.net, _l(
                "Stripe transfer %(id)s of %(amount)s to %(destination)s draws on a Hashmark campaign's money but "
                "no payout made it: it was made outside Hashmark (in the Stripe Dashboard or through the API).",
                id=transfer.id, amount=str(transfer.net), destination=transfer.destination or "?")))
        elif payout.stripe_transfer_id in at_stripe:
            found.append(Difference("transfer_duplicate", subject, payout.stripe_transfer_id, transfer.id, _l(
                "Payout #%(payout)d was paid by transfer %(paid)s, and Stripe has this second transfer for it: the "
                "creator was paid twice.", payout=payout.id, paid=payout.stripe_transfer_id)))
        elif payout.stripe_transfer_id:
            found.append(Difference("transfer_unrecorded", subject, payout.stripe_transfer_id, transfer.id, _l(
                "Stripe made this transfer for payout #%(payout)d, but Hashmark recorded %(recorded)s for it, which "
                "Stripe does not have.", payout=payout.id, recorded=payout.stripe_transfer_id)))
        else:
            found.append(Difference("transfer_unrecorded", subject, payout.status, transfer.net, _l(
                "Stripe made this transfer for payout #%(payout)d, which Hashmark shows as %(status)s: the outcome "
                "of the call was never recorded (run-due looks stuck payouts up at Stripe).",
                payout=payout.id, status=payout.status)))
    return found


# ------------------------------------------------------------------------- money per campaign
def _campaigns(books: Books, stripe: StripeSnapshot, groups: set[int],
               charges: dict[str, int]) -> list[Difference]:
    at_stripe: dict[tuple[int, str], int] = defaultdict(int)
    for funding in books.fundings.values():
        if (charge := charged(funding, stripe)) is not None:
            held = charge.amount - charge.refunded
            at_stripe[(funding.campaign_id, held.currency)] += held.minor
    for transfer in stripe.transfers:
        campaign_id = _campaign_of(transfer, groups, charges)
        if campaign_id is not None:
            at_stripe[(campaign_id, transfer.net.currency)] -= transfer.net.minor
    in_books = {key: total for key, total in books.at_stripe.items()
                if key[0] is not None and key[0] not in books.sandbox_campaigns}
    found = []
    for campaign_id, currency in sorted(set(at_stripe) | set(in_books)):
        ours, theirs = Money(in_books.get((campaign_id, currency), 0), currency), \
            Money(at_stripe.get((campaign_id, currency), 0), currency)
        if ours == theirs:
            continue
        found.append(Difference("campaign_money", _l("Campaign #%(id)d “%(title)s”", id=campaign_id,
                                                     title=books.title(campaign_id)), ours, theirs, _l(
            "The ledger says %(ours)s of this campaign's money is at Stripe; its charges, refunds and the transfers "
            "in %(group)s leave %(theirs)s there. The other lines about this campaign say where they part.",
            ours=str(ours), group=_group(campaign_id), theirs=str(theirs))))
    return found


# ------------------------------------------------------------------------------ platform balance
def _currencies(books: Books, stripe: StripeSnapshot) -> list[CurrencySummary]:
    held: dict[str, int] = defaultdict(int)
    for (campaign_id, currency), total in books.at_stripe.items():
        if campaign_id not in books.sandbox_campaigns:
            held[currency] += total
    fees: dict[str, int] = defaultdict(int)
    for funding in books.fundings.values():
        if (charge := charged(funding, stripe)) is not None:
            fees[charge.fee.currency] += charge.fee.minor
    currencies = set(held) | set(fees) | set(stripe.bank_payouts) | set(stripe.balance)
    summaries = []
    for currency in sorted(currencies):
        zero = Money.zero(currency)
        summary = CurrencySummary(currency, Money(held.get(currency, 0), currency),
                                  Money(fees.get(currency, 0), currency), stripe.bank_payouts.get(currency, zero),
                                  stripe.balance.get(currency, zero), differences=0)
        if currency in held or summary.stripe_balance or summary.bank_payouts:
            summaries.append(summary)
    return summaries


def _balance_differences(summaries: list[CurrencySummary]) -> list[Difference]:
    return [Difference("platform_balance", _l("Platform balance in %(currency)s", currency=s.currency),
                       s.expected_balance, s.stripe_balance, _l(
        "The ledger puts %(held)s at Stripe; less %(fees)s of Stripe fees and %(bank)s paid out to the platform's "
        "bank, the platform balance should be %(expected)s, and Stripe says %(balance)s. Money moved on the "
        "platform account outside Hashmark, or a difference above explains it.", held=str(s.ledger_at_stripe),
        fees=str(s.stripe_fees), bank=str(s.bank_payouts), expected=str(s.expected_balance),
        balance=str(s.stripe_balance)))
        for s in summaries if s.stripe_balance != s.expected_balance]


# ---------------------------------------------------------------------------------- ledger health
def _ledger_health() -> list[Difference]:
    found = [Difference("ledger_unbalanced", _l("Ledger posting #%(id)d", id=tid), Money(total, currency), None, _l(
        "The entries of this posting do not sum to zero: the ledger tables were changed by hand."))
        for tid, currency, total in ledger.imbalances()]
    rows = db.session.execute(
        select(LedgerEntry.account, LedgerEntry.currency, func.sum(LedgerEntry.amount_minor))
        .group_by(LedgerEntry.account, LedgerEntry.currency)
        .having(or_(func.sum(LedgerEntry.amount_minor) < 0, LedgerEntry.account == STRIPE_ADJUSTMENTS))
        .order_by(LedgerEntry.account, LedgerEntry.currency)).all()
    for account, currency, total in rows:
        balance = Money(int(total), currency)
        subject = _l("Ledger account %(account)s", account=account)
        if account == STRIPE_ADJUSTMENTS and balance:
            found.append(Difference("unassigned_adjustment", subject, balance, None, _l(
                "%(amount)s moved at Stripe outside Hashmark (a reversed transfer, or a refund beyond what the "
                "campaign held) and belongs to no campaign or creator yet: decide where it goes.",
                amount=str(balance))))
        elif account.startswith(NEVER_NEGATIVE):
            found.append(Difference("negative_balance", subject, balance, None, _l(
                "This account holds real money and can never be negative, yet its entries sum to %(amount)s.",
                amount=str(balance))))
    return found


# -------------------------------------------------------------------------------------- compare
def compare(stripe: StripeSnapshot) -> Report:
    """Every difference between the books and `stripe` (fetched just before), with a summary per currency."""
    books = Books.load(stripe)
    charges = {f.charge_id: f.campaign_id for f in books.fundings.values() if f.charge_id and not is_sandbox(f)}
    named = {int(m.group(1)) for t in stripe.transfers if (m := _GROUP.fullmatch(t.transfer_group or ""))}
    groups = set(db.session.scalars(select(Campaign.id).where(Campaign.id.in_(named)))) - books.sandbox_campaigns
    differences = [*_fundings(books, stripe), *_refunds(books, stripe), *_payouts(books, stripe),
                   *_unknown_transfers(books, stripe, groups, charges), *_campaigns(books, stripe, groups, charges)]
    summaries = _currencies(books, stripe)
    differences += _balance_differences(summaries)
    differences += _ledger_health()
    counts: dict[str | None, int] = defaultdict(int)
    for difference in differences:
        counts[difference.currency] += 1
    summaries = [replace(s, differences=counts[s.currency]) for s in summaries]
    sandbox = [SandboxFunding(f.id, f.campaign_id, books.title(f.campaign_id), f.amount)
               for f in books.fundings.values() if is_sandbox(f) and f.status == FundingStatus.PAID]
    checked = {"fundings": sum(1 for f in books.fundings.values() if not is_sandbox(f)),
               "refunds": len(books.refunds),
               "payouts": sum(1 for p in books.payouts.values() if p.campaign_id not in books.sandbox_campaigns),
               "transfers": len(stripe.transfers)}
    return Report(differences, summaries, sandbox, checked)
