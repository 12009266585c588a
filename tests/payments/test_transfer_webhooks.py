"""Stripe's transfer, bank-payout, refund and dispute events: re-read at Stripe, applied once, in
any order, even before our own worker has recorded what it did."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from marketplace import clock
from marketplace import db as tx
from marketplace.extensions import db
from marketplace.jobs.payouts import _record, due_payout_work
from marketplace.models import AuditEvent, LedgerTransaction, PayoutAccount
from marketplace.money import Money
from marketplace.payments import transfers
from marketplace.services import campaigns, ledger, payout_approval

from ..factories import AdminFactory
from ..fakes.stripe_fake import sign
from .test_transfers import approve, flaky_network, funded_payout, transfer_posts


def _account(payout) -> str:
    return db.session.scalar(select(PayoutAccount.stripe_account_id).where(PayoutAccount.creator_id == payout.creator_id))


def _transfer_postings() -> int:
    return db.session.scalar(select(func.count()).select_from(LedgerTransaction)
                             .where(LedgerTransaction.kind == "transfer"))


def _bank_payout(sandbox, account: str, amount: int) -> str:
    """Stripe pays the creator's available balance out to their bank."""
    sandbox.fake.make_available()
    made = sandbox.server.client().v1.payouts.create(params={"amount": amount, "currency": "pln"},
                                                     options={"stripe_account": account})
    return made.id


def test_transfer_created_arriving_before_our_worker_records_finishes_the_payout_once(sandbox):
    payout, _ = funded_payout(sandbox)
    payout_approval.approve([payout], actor=AdminFactory())
    db.session.flush()
    plan = transfers.start(payout, now=clock.now())
    tx.commit()
    found = transfers.at_stripe(plan)

    assert set(sandbox.deliver_all()) == {200}  # transfer.created overtakes the worker
    assert payout.status == "paid" and payout.stripe_transfer_id == found.id

    _record(payout.id, found)  # the worker catches up: nothing more happens
    assert payout.status == "paid" and _transfer_postings() == 1
    [event_id] = sandbox.event_ids("transfer.created")
    assert sandbox.fake.redeliver(event_id)[0].status == 200  # a replayed delivery changes nothing
    assert _transfer_postings() == 1 and ledger.imbalances() == []


def test_the_webhook_finishes_a_payout_whose_answer_was_lost_so_the_retry_sends_nothing(app, sandbox):
    payout, _ = funded_payout(sandbox)
    flaky_network(app, sandbox, drop=1)
    approve(payout)
    assert payout.status == "processing" and payout.next_attempt_at is not None

    sandbox.deliver_all()
    assert payout.status == "paid" and payout.next_attempt_at is None
    assert due_payout_work(clock.now() + transfers.STUCK_AFTER * 10)["payout_retries"] == 0
    assert len(transfer_posts(sandbox)) == 1 and _transfer_postings() == 1


def test_a_transfer_event_for_a_payout_we_marked_failed_follows_stripe(sandbox):
    payout, _ = funded_payout(sandbox)
    payout_approval.approve([payout], actor=AdminFactory())
    db.session.flush()
    plan = transfers.start(payout, now=clock.now())
    tx.commit()
    transfers.at_stripe(plan)
    from marketplace.payments.errors import PaymentError

    transfers.record_failure(payout, PaymentError("we believed it failed"))
    tx.commit()
    sandbox.deliver_all()
    assert payout.status == "paid" and _transfer_postings() == 1
    assert ledger.balance(ledger.creator_payable(payout.creator_id), "PLN") == Money(0, "PLN")


def test_payout_paid_on_the_creators_account_stamps_when_the_money_reached_the_bank(sandbox):
    payout, _ = funded_payout(sandbox)
    approve(payout)
    sandbox.deliver_all()
    bank_payout = _bank_payout(sandbox, _account(payout), 50_000)
    sandbox.fake.pay_payout(bank_payout)
    assert set(sandbox.deliver_all()) == {200}
    assert payout.paid_at is not None and payout.paid_at >= payout.transferred_at
    [paid_out] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "paid_out")).all()
    assert paid_out.entity_id == payout.id and paid_out.data == {"bank_payout": bank_payout}
    [event_id] = sandbox.event_ids("payout.paid")
    sandbox.fake.redeliver(event_id)
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "paid_out")).all()) == 1


def test_a_bank_payout_that_fails_says_so_until_a_later_one_arrives(sandbox):
    payout, _ = funded_payout(sandbox)
    approve(payout)
    account = _account(payout)
    failing = _bank_payout(sandbox, account, 50_000)
    sandbox.fake.fail_payout(failing, "account_closed")
    sandbox.deliver_all()
    assert payout.paid_at is None and payout.status == "paid"
    assert payout.failure_code == "bank_payout_failed" and payout.failure_message == "The bank account has been closed."
    assert "bank details" in transfers.failure_reason(payout)

    sandbox.fake.pay_payout(_bank_payout(sandbox, account, 50_000))
    sandbox.deliver_all()
    assert payout.paid_at is not None and payout.failure_code is None


def test_a_reversed_transfer_returns_the_money_to_the_platform_for_an_admin_to_place(sandbox):
    payout, _ = funded_payout(sandbox)
    approve(payout)
    sandbox.deliver_all()
    sandbox.server.client().v1.transfers.reversals.create(payout.stripe_transfer_id, params={"amount": 20_000})
    sandbox.deliver_all()
    assert ledger.balance(transfers.STRIPE_ADJUSTMENTS, "PLN") == Money(20_000, "PLN")
    assert payout.failure_code == "transfer_reversed"

    sandbox.server.client().v1.transfers.reversals.create(payout.stripe_transfer_id)  # the rest
    sandbox.deliver_all()
    for event_id in sandbox.event_ids("transfer.reversed"):
        sandbox.fake.redeliver(event_id)
    assert ledger.balance(transfers.STRIPE_ADJUSTMENTS, "PLN") == Money(50_000, "PLN")
    assert ledger.balance(ledger.STRIPE_CLEARING, "PLN") == -payout.campaign.total_budget
    assert len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "transfer_reversed")).all()) == 2
    assert ledger.imbalances() == []


def test_a_refund_made_in_the_dashboard_is_booked_from_escrow_then_as_a_difference(sandbox):
    payout, funding = funded_payout(sandbox, slots=2)
    campaign = payout.campaign
    escrow = ledger.balance(ledger.escrow(campaign.id), "PLN")
    assert escrow == campaign.cost_per_post  # one of two posts is still unspent
    stripe = sandbox.server.client()

    stripe.v1.refunds.create(params={"charge": funding.charge_id, "amount": 10_000})
    assert set(sandbox.deliver_all()) == {200}
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == escrow - Money(10_000, "PLN")
    assert ledger.balance(transfers.STRIPE_ADJUSTMENTS, "PLN") == Money(0, "PLN")

    stripe.v1.refunds.create(params={"charge": funding.charge_id, "amount": 60_000})  # more than escrow holds
    sandbox.deliver_all()
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == Money(0, "PLN")
    assert ledger.balance(transfers.STRIPE_ADJUSTMENTS, "PLN") == -(Money(70_000, "PLN") - escrow)
    for event_id in sandbox.event_ids("charge.refunded"):
        sandbox.fake.redeliver(event_id)
    assert ledger.balance(ledger.STRIPE_CLEARING, "PLN") == -campaign.total_budget + Money(70_000, "PLN")
    assert ledger.imbalances() == []
    [booked, _] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "refunded_outside")
                                     .order_by(AuditEvent.id)).all()
    assert booked.entity_id == funding.id and booked.data["amount_minor"] == 10_000


def test_our_own_refunds_are_not_booked_twice_when_their_events_arrive(sandbox):
    payout, _ = funded_payout(sandbox, slots=2)
    campaign = payout.campaign
    campaigns.cancel_campaign(campaign, actor=campaign.brand.user)
    tx.commit()
    sandbox.deliver_all()
    assert db.session.scalar(select(func.count()).select_from(LedgerTransaction)
                             .where(LedgerTransaction.reference.like("refund_outside:%"))) == 0
    assert ledger.balance(transfers.STRIPE_ADJUSTMENTS, "PLN") == Money(0, "PLN")
    assert ledger.imbalances() == []


def _dispute_event(event_id: str, charge: str) -> bytes:
    return json.dumps({"id": event_id, "object": "event", "type": "charge.dispute.created",
                       "data": {"object": {"id": "dp_test_1", "object": "dispute", "charge": charge,
                                           "amount": 115_000, "currency": "pln", "reason": "fraudulent",
                                           "status": "needs_response"}}}).encode()


def test_a_dispute_on_a_funding_charge_is_recorded_once(app, sandbox):
    payout, funding = funded_payout(sandbox)
    for event_id in ("evt_dispute_1", "evt_dispute_1", "evt_dispute_again"):
        body = _dispute_event(event_id, funding.charge_id)
        headers = {"Stripe-Signature": sign(body, app.config["STRIPE_WEBHOOK_SECRET"])}
        assert sandbox.post_webhook(body, headers) == 200
    [recorded] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "charge_disputed")).all()
    assert (recorded.entity, recorded.entity_id, recorded.reason) == ("fundings", funding.id, "fraudulent")
    assert recorded.data["dispute"] == "dp_test_1" and recorded.data["charge"] == funding.charge_id
