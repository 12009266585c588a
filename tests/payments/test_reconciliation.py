"""Reconciliation: the books against the fake Stripe, through the real SDK.

Campaigns are funded through Checkout and refunded on cancel by the real services; a paid payout is
made here as the transfer job makes one (a Stripe transfer in the campaign's transfer group from the
funding charge, the Payout row naming it, the ledger posting `transfer:payout:<id>`).
"""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import delete, select

from marketplace import db as tx
from marketplace.extensions import db
from marketplace.models import LedgerEntry, LedgerTransaction, PayoutStatus, Refund, Submission, utcnow
from marketplace.money import Money
from marketplace.payments import onboarding, refunds, transfers
from marketplace.payments.errors import TemporaryPaymentError
from marketplace.payments.funding import fund_in_sandbox
from marketplace.payments.gateway import client
from marketplace.payments.reconcile import fetch
from marketplace.services import campaigns, ledger, payouts, reconciliation

from ..factories import CampaignFactory, CreatorFactory
from .test_funding import _awaiting, _start_checkout
from .test_refunds import _funded


# ------------------------------------------------------------------------------- helpers (shared)
def run() -> reconciliation.Report:
    """What the CLI and the admin page do: ids, commit, ask Stripe, compare."""
    ids = reconciliation.stripe_ids()
    tx.commit()
    return reconciliation.compare(fetch(**ids.asdict()))


def kinds(report) -> list[str]:
    return sorted(d.kind for d in report.differences)


def only(report, kind: str):
    [found] = [d for d in report.differences if d.kind == kind]
    return found


def connected_creator(sandbox):
    """A creator whose Stripe connected account can receive transfers."""
    creator = CreatorFactory(country="PL")
    plan = onboarding.plan_account(creator, email=creator.user.email, locale="en")
    account = onboarding.record_account(creator, onboarding.create_account(plan))
    sandbox.fake.complete_onboarding(account.stripe_account_id)
    onboarding.apply_state(account, onboarding.fetch_state(account.stripe_account_id))
    db.session.flush()
    return creator, account.stripe_account_id


def stripe_transfer(funding, destination: str, amount: Money, **metadata):
    return client().v1.transfers.create(params={
        **amount.to_stripe(), "destination": destination, "transfer_group": f"campaign_{funding.campaign_id}",
        "source_transaction": funding.charge_id, "metadata": {k: str(v) for k, v in metadata.items()}})


def paid_payout(sandbox, campaign, funding, *, transfer_amount: Money | None = None):
    """A creator's post paid out: the payout (services.payouts), the transfer at Stripe and the
    `transfer` posting, as payments.transfers records them."""
    from marketplace.services import applications

    creator, account = connected_creator(sandbox)
    application = applications.apply(campaign, creator, pitch="", actor=creator.user)
    applications.accept(application, actor=campaign.brand.user)
    submission = Submission(application_id=application.id, campaign_id=campaign.id, creator_id=creator.id,
                            platform="instagram", status="live_check_passed",
                            permalink=f"https://www.instagram.com/p/C{application.id}r/")
    db.session.add(submission)
    db.session.flush()
    payout = payouts.create_for(submission)
    made = stripe_transfer(funding, account, transfer_amount or payout.amount, payout_id=payout.id,
                           campaign_id=campaign.id, creator_id=creator.id, attempt=1)
    payout.status, payout.attempt = PayoutStatus.PAID, 1  # what record_transfer does once Stripe made it
    payout.stripe_transfer_id, payout.transferred_at = made.id, utcnow()
    ledger.move("transfer", payout.amount, source=ledger.creator_payable(creator.id),
                destination=ledger.STRIPE_CLEARING, reference=f"transfer:payout:{payout.id}", campaign=campaign)
    tx.commit()
    return payout


def remove_posting(reference: str, account: str | None = None) -> None:
    """Someone deletes a ledger posting (or only its `account` leg) by hand."""
    posting = ledger.find(reference)
    entries = delete(LedgerEntry).where(LedgerEntry.transaction_id == posting.id)
    if account:
        db.session.execute(entries.where(LedgerEntry.account == account))
    else:
        db.session.execute(entries)
        db.session.execute(delete(LedgerTransaction).where(LedgerTransaction.id == posting.id))
    db.session.expire_all()
    tx.commit()


def realistic(sandbox):
    """Funded through Checkout (Stripe keeps a fee), one post paid out, then cancelled and refunded."""
    sandbox.fake.world.fee_bps, sandbox.fake.world.fee_fixed = 290, 100
    campaign, funding = _funded(sandbox, slots=3)
    payout = paid_payout(sandbox, campaign, funding)
    campaigns.cancel_campaign(campaign, actor=campaign.brand.user)
    tx.commit()
    assert set(sandbox.deliver_all()) <= {200}
    return campaign, funding, payout


# ------------------------------------------------------------------------------------- clean runs
def test_checkout_funding_a_paid_transfer_and_a_refund_on_cancel_reconcile_cleanly(sandbox):
    campaign, funding, payout = realistic(sandbox)
    refund = db.session.scalar(select(Refund).where(Refund.campaign_id == campaign.id))
    assert refund.status == "succeeded" and refund.amount == campaign.total_budget - payout.gross

    report = run()

    assert report.clean, [(d.kind, str(d.explanation)) for d in report.differences]
    assert report.checked == {"fundings": 1, "refunds": 1, "payouts": 1, "transfers": 1}
    [pln] = report.currencies
    fee = Money((campaign.total_budget.minor * 290 + 5000) // 10000 + 100, "PLN")
    left = campaign.total_budget - refund.amount - payout.amount   # the platform fee of the paid post
    assert (pln.ledger_at_stripe, pln.stripe_fees, pln.bank_payouts) == (left, fee, Money(0, "PLN"))
    assert pln.stripe_balance == pln.expected_balance == left - fee
    assert pln.differences == 0


def test_a_funding_still_in_checkout_and_an_empty_stripe_are_clean(sandbox):
    campaign = _awaiting()
    _start_checkout(sandbox, campaign)
    tx.commit()
    report = run()
    assert report.clean and report.currencies == [] and report.sandbox == []


def test_a_refund_stripe_is_still_sending_counts_as_gone_from_the_balance(sandbox):
    campaign, funding = _funded(sandbox)
    refund = refunds.schedule_refund(campaign, funding=funding, amount=Money(10_000, "PLN"))
    made = client().v1.refunds.create(params={"payment_intent": funding.payment_intent_id, "amount": 10_000})
    refunds.record_result(refund, made.id, "pending")   # e.g. a bank refund: accepted, not settled
    db.session.flush()
    fetched = fetch(**reconciliation.stripe_ids().asdict())
    pending = replace(fetched, refunds={made.id: replace(fetched.refunds[made.id], status="pending")})

    report = reconciliation.compare(pending)

    assert report.clean, [(d.kind, str(d.explanation)) for d in report.differences]
    assert report.currencies[0].ledger_at_stripe == campaign.total_budget - Money(10_000, "PLN")
    # had Stripe finished it (as the fake does at once), the books would lag until the webhook arrives
    assert kinds(reconciliation.compare(fetched)) == ["campaign_money", "platform_balance", "refund_status"]


def test_sandbox_fundings_are_listed_apart_never_as_differences(sandbox, app, monkeypatch):
    monkeypatch.setitem(app.config, "SANDBOX_PAYMENTS", True)
    real, _funding = _funded(sandbox)
    play = CampaignFactory(status="awaiting_funding", fee_per_post_minor=7_500, title="Kawa na niby")
    sandboxed = fund_in_sandbox(play, actor=play.brand.user)
    campaigns.cancel_campaign(play, actor=play.brand.user)   # its refund settles in the ledger only
    tx.commit()

    report = run()

    assert report.clean, [(d.kind, str(d.explanation)) for d in report.differences]
    [listed] = report.sandbox
    assert (listed.funding_id, listed.campaign_title) == (sandboxed.id, "Kawa na niby")
    assert listed.amount == play.total_budget
    [pln] = report.currencies
    assert pln.ledger_at_stripe == real.total_budget == pln.stripe_balance   # the sandbox money is left out
    assert report.checked["fundings"] == 1 and report.checked["refunds"] == 0


# -------------------------------------------------------------------------- injected differences
def test_a_refund_made_directly_at_stripe_is_reported_until_its_webhook_books_it(sandbox):
    campaign, funding = _funded(sandbox)
    sandbox.fake.world.fee_bps = 0
    client().v1.refunds.create(params={"charge": funding.charge_id, "amount": 10_000})

    report = run()

    assert kinds(report) == ["campaign_money", "platform_balance", "refund_outside"]
    outside = only(report, "refund_outside")
    assert (outside.ours, outside.stripe) == (Money(0, "PLN"), Money(10_000, "PLN"))
    assert funding.charge_id in str(outside.subject)
    assert "100.00 PLN was refunded outside Hashmark" in str(outside.explanation)
    money = only(report, "campaign_money")
    assert (money.ours, money.stripe) == (campaign.total_budget, campaign.total_budget - Money(10_000, "PLN"))
    assert f"campaign_{campaign.id}" in str(money.explanation)
    assert report.currencies[0].differences == 3

    assert set(sandbox.deliver_all()) == {200}   # charge.refunded: booked from the campaign's escrow
    assert run().clean


def test_a_transfer_made_outside_hashmark_is_reported(sandbox):
    campaign, funding = _funded(sandbox)
    _creator, account = connected_creator(sandbox)
    made = stripe_transfer(funding, account, Money(20_000, "PLN"))
    tx.commit()

    report = run()

    assert kinds(report) == ["campaign_money", "platform_balance", "transfer_outside"]
    outside = only(report, "transfer_outside")
    assert made.id in str(outside.subject) and outside.stripe == Money(20_000, "PLN") and outside.ours is None
    assert "made outside Hashmark" in str(outside.explanation) and account in str(outside.explanation)
    balance = only(report, "platform_balance")
    assert (balance.ours, balance.stripe) == (campaign.total_budget, campaign.total_budget - Money(20_000, "PLN"))


def test_a_removed_ledger_posting_is_reported(sandbox):
    campaign, funding = _funded(sandbox)
    payout = paid_payout(sandbox, campaign, funding)
    assert run().clean
    remove_posting(f"transfer:payout:{payout.id}")

    report = run()

    assert kinds(report) == ["campaign_money", "ledger_missing", "platform_balance"]
    missing = only(report, "ledger_missing")
    assert f"Payout #{payout.id}" in str(missing.subject) and missing.stripe == payout.amount
    assert f"no posting transfer:payout:{payout.id}" in str(missing.explanation)
    assert only(report, "campaign_money").ours == campaign.total_budget


def test_a_ledger_leg_removed_by_hand_unbalances_the_books(sandbox):
    campaign, funding = _funded(sandbox)
    paid_payout(sandbox, campaign, funding)
    remove_posting(f"funding:{funding.checkout_session_id}", account=ledger.escrow(campaign.id))

    report = run()

    assert kinds(report) == ["ledger_unbalanced", "negative_balance"]
    negative = only(report, "negative_balance")
    assert ledger.escrow(campaign.id) in str(negative.subject) and negative.ours.minor < 0
    assert "changed by hand" in str(only(report, "ledger_unbalanced").explanation)


def test_a_transfer_for_another_amount_than_its_payout_is_reported(sandbox):
    campaign, funding = _funded(sandbox)
    payout = paid_payout(sandbox, campaign, funding, transfer_amount=campaign.payout - Money(100, "PLN"))

    report = run()

    assert kinds(report) == ["campaign_money", "platform_balance", "transfer_amount"]
    wrong = only(report, "transfer_amount")
    assert (wrong.ours, wrong.stripe) == (payout.amount, payout.amount - Money(100, "PLN"))
    assert payout.stripe_transfer_id in str(wrong.explanation)


def test_a_transfer_reversed_at_stripe_is_reported(sandbox):
    campaign, funding = _funded(sandbox)
    payout = paid_payout(sandbox, campaign, funding)
    client().v1.transfers.reversals.create(payout.stripe_transfer_id, params={"amount": 5_000})

    report = run()

    assert kinds(report) == ["campaign_money", "platform_balance", "transfer_reversed"]
    reversed_ = only(report, "transfer_reversed")
    assert (reversed_.ours, reversed_.stripe) == (Money(0, "PLN"), Money(5_000, "PLN"))
    assert "came back to the platform without the books knowing" in str(reversed_.explanation)


def test_a_reversal_booked_by_its_webhook_leaves_only_the_unassigned_money(sandbox):
    campaign, funding = _funded(sandbox)
    payout = paid_payout(sandbox, campaign, funding)
    client().v1.transfers.reversals.create(payout.stripe_transfer_id, params={"amount": 5_000})
    assert set(sandbox.deliver_all()) == {200}   # transfer.reversed, booked to stripe_adjustments

    report = run()

    assert kinds(report) == ["unassigned_adjustment"]
    assert only(report, "unassigned_adjustment").ours == Money(5_000, "PLN")
    assert reconciliation.STRIPE_ADJUSTMENTS == transfers.STRIPE_ADJUSTMENTS


def test_a_payment_stripe_took_while_the_webhook_is_missing_is_reported(sandbox):
    campaign = _awaiting()
    funding, _ = _start_checkout(sandbox, campaign)
    sandbox.fake.pay_checkout_session(funding.checkout_session_id)   # no webhook delivered
    tx.commit()

    report = run()

    assert kinds(report) == ["campaign_money", "funding_unrecorded", "platform_balance"]
    unrecorded = only(report, "funding_unrecorded")
    assert (unrecorded.ours, unrecorded.stripe) == ("created", campaign.total_budget)
    assert "webhook has not been processed yet" in str(unrecorded.explanation)


def test_a_payout_naming_a_transfer_stripe_does_not_have_is_reported(sandbox):
    campaign, funding = _funded(sandbox)
    payout = paid_payout(sandbox, campaign, funding)
    real = payout.stripe_transfer_id
    payout.stripe_transfer_id = "tr_nonexistent"
    tx.commit()

    report = run()

    assert kinds(report) == ["transfer_missing", "transfer_unrecorded"]
    assert "tr_nonexistent" in str(only(report, "transfer_missing").explanation)
    unrecorded = only(report, "transfer_unrecorded")
    assert real in str(unrecorded.subject) and "which Stripe does not have" in str(unrecorded.explanation)


def test_a_second_transfer_for_a_paid_payout_is_reported_as_paying_twice(sandbox):
    campaign, funding = _funded(sandbox)
    payout = paid_payout(sandbox, campaign, funding)
    account = onboarding.account_for(payout.creator).stripe_account_id
    again = stripe_transfer(funding, account, payout.amount, payout_id=payout.id, attempt=2)

    report = run()

    assert kinds(report) == ["campaign_money", "platform_balance", "transfer_duplicate"]
    duplicate = only(report, "transfer_duplicate")
    assert (duplicate.ours, duplicate.stripe) == (payout.stripe_transfer_id, again.id)
    assert "paid twice" in str(duplicate.explanation)


def test_stripe_down_raises_a_temporary_payment_error(sandbox):
    sandbox.fake.inject_error("/v1/transfers", method="GET", status=500)
    ids = reconciliation.stripe_ids()
    try:
        fetch(**ids.asdict())
    except TemporaryPaymentError as error:
        assert "try again" in error.message
    else:
        raise AssertionError("expected a TemporaryPaymentError")
