"""Refunds of the funding charge and payouts on connected accounts."""
from __future__ import annotations

import pytest
import stripe

from .fixtures import client, creator, fake, paid_charge, receiver, server  # noqa: F401


def test_partial_refund_then_over_refund(client, fake):
    charge = paid_charge(client, fake)
    refund = client.v1.refunds.create(params={"payment_intent": charge.payment_intent,
                                              "amount": 4_000, "reason": "requested_by_customer",
                                              "metadata": {"campaign_id": "7"}})
    assert refund.id.startswith("re_") and refund.object == "refund"
    assert (refund.amount, refund.charge, refund.status) == (4_000, charge.id, "succeeded")
    assert client.v1.refunds.retrieve(refund.id).metadata["campaign_id"] == "7"
    charge = client.v1.charges.retrieve(charge.id)
    assert (charge.amount_refunded, charge.refunded) == (4_000, False)
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.refunds.create(params={"charge": charge.id, "amount": 6_001})
    assert (err.value.code, err.value.param) == ("amount_too_large", "amount")
    client.v1.refunds.create(params={"charge": charge.id})
    assert client.v1.charges.retrieve(charge.id).refunded is True
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.refunds.create(params={"charge": charge.id})
    assert err.value.code == "charge_already_refunded"
    refunded = fake.events("charge.refunded")
    assert len(refunded) == 2 and refunded[0]["data"]["previous_attributes"]["amount_refunded"] == 0
    assert len(fake.events("refund.created")) == 2
    assert client.v1.balance.retrieve().pending[0].amount == 0


def test_refund_needs_exactly_one_target(client, fake):
    charge = paid_charge(client, fake)
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.refunds.create(params={"amount": 100})
    assert err.value.code == "parameter_missing"
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.refunds.create(params={"charge": charge.id, "payment_intent": charge.payment_intent})
    assert err.value.code == "parameters_exclusive"


def test_payout_on_connected_account_fails_and_emits_event_with_account(client, fake):
    charge = paid_charge(client, fake)
    acct = creator(client, fake)
    client.v1.transfers.create(params={"amount": 8_000, "currency": "pln", "destination": acct,
                                       "source_transaction": charge.id})
    on_acct = {"stripe_account": acct}
    with pytest.raises(stripe.InvalidRequestError) as err:  # still pending
        client.v1.payouts.create(params={"amount": 8_000, "currency": "pln"}, options=on_acct)
    assert err.value.code == "balance_insufficient"
    fake.make_available()
    payout = client.v1.payouts.create(params={"amount": 8_000, "currency": "pln",
                                              "metadata": {"payout_id": "5"}}, options=on_acct)
    assert payout.id.startswith("po_") and payout.status == "pending"
    assert [p.id for p in client.v1.payouts.list(options=on_acct).data] == [payout.id]
    assert client.v1.payouts.list().data == []  # the platform has none
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.payouts.retrieve(payout.id)  # not visible without Stripe-Account
    fake.fail_payout(payout.id, "account_closed")
    failed = client.v1.payouts.retrieve(payout.id, options=on_acct)
    assert (failed.status, failed.failure_code) == ("failed", "account_closed")
    event = fake.events("payout.failed")[-1]
    assert event["account"] == acct and event["data"]["object"]["id"] == payout.id
    balance = client.v1.balance.retrieve(options=on_acct)
    assert balance.available[0].amount == 8_000  # funds came back
    connect_events = client.v1.events.list(params={"type": "payout.failed"}, options=on_acct)
    assert [e.id for e in connect_events.data] == [event["id"]]
    assert connect_events.data[0].account == acct


def test_payout_paid(client, fake):
    charge = paid_charge(client, fake)
    acct = creator(client, fake)
    client.v1.transfers.create(params={"amount": 5_000, "currency": "pln", "destination": acct,
                                       "source_transaction": charge.id})
    fake.make_available()
    payout = client.v1.payouts.create(params={"amount": 5_000, "currency": "pln"},
                                      options={"stripe_account": acct})
    fake.pay_payout(payout.id)
    assert fake.events("payout.paid")[-1]["account"] == acct
    assert client.v1.payouts.list(params={"status": "paid"},
                                  options={"stripe_account": acct}).data[0].id == payout.id


def test_payout_needs_onboarding(client, fake):
    acct = creator(client, fake, onboarded=False)
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.payouts.create(params={"amount": 100, "currency": "pln"},
                                 options={"stripe_account": acct})
    assert err.value.code == "payouts_not_allowed"
