"""Transfers (separate charges and transfers), reversals, listing by transfer_group."""
from __future__ import annotations

import pytest
import stripe

from .fixtures import client, creator, fake, paid_charge, receiver, server  # noqa: F401


def transfer(client, destination, charge=None, amount=8_000, **extra):
    params = {"amount": amount, "currency": "pln", "destination": destination,
              "transfer_group": "campaign_7", "metadata": {"payout_id": "5"}, **extra}
    if charge is not None:
        params["source_transaction"] = charge.id
    return client.v1.transfers.create(params=params)


def balances(client, account=None):
    options = {"stripe_account": account} if account else None
    b = client.v1.balance.retrieve(options=options)
    return ({x.currency: x.amount for x in b.available}, {x.currency: x.amount for x in b.pending})


def test_transfer_with_source_transaction_works_while_funds_are_pending(client, fake):
    charge = paid_charge(client, fake)
    acct = creator(client, fake)
    tr = transfer(client, acct, charge)
    assert tr.id.startswith("tr_") and tr.object == "transfer"
    assert (tr.amount, tr.currency, tr.destination) == (8_000, "pln", acct)
    assert (tr.source_transaction, tr.transfer_group) == (charge.id, "campaign_7")
    assert tr.metadata["payout_id"] == "5" and tr.reversed is False
    assert balances(client) == ({"pln": 0}, {"pln": 2_000})
    assert balances(client, acct) == ({"pln": 0}, {"pln": 8_000})
    fake.make_available("pln")
    assert balances(client, acct) == ({"pln": 8_000}, {"pln": 0})
    assert client.v1.transfers.retrieve(tr.id).amount == 8_000
    assert fake.events("transfer.created")[-1]["data"]["object"]["id"] == tr.id


def test_transfer_without_source_transaction_needs_available_funds(client, fake):
    paid_charge(client, fake)
    acct = creator(client, fake)
    with pytest.raises(stripe.InvalidRequestError) as err:
        transfer(client, acct)
    assert err.value.code == "balance_insufficient" and err.value.http_status == 400
    fake.make_available()
    assert transfer(client, acct).amount == 8_000
    assert balances(client) == ({"pln": 2_000}, {"pln": 0})


def test_source_transaction_is_limited_to_what_remains_of_the_charge(client, fake):
    charge = paid_charge(client, fake)
    acct = creator(client, fake)
    transfer(client, acct, charge, amount=6_000)
    with pytest.raises(stripe.InvalidRequestError) as err:
        transfer(client, acct, charge, amount=4_001)
    assert err.value.code == "balance_insufficient"
    assert transfer(client, acct, charge, amount=4_000).amount == 4_000


def test_source_transaction_currency_must_match(client, fake):
    charge = paid_charge(client, fake)
    acct = creator(client, fake)
    with pytest.raises(stripe.InvalidRequestError) as err:
        transfer(client, acct, charge, currency="eur")
    assert err.value.param == "currency"
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.transfers.create(params={"amount": 100, "currency": "pln", "destination": acct,
                                           "source_transaction": "ch_missing"})
    assert (err.value.code, err.value.param) == ("resource_missing", "source_transaction")


def test_transfer_to_account_without_active_capability_fails(client, fake):
    charge = paid_charge(client, fake)
    acct = creator(client, fake, onboarded=False)
    with pytest.raises(stripe.InvalidRequestError) as err:
        transfer(client, acct, charge)
    assert err.value.code == "insufficient_capabilities_for_transfer"
    assert "at least one of the following capabilities enabled: transfers" in str(err.value)
    with pytest.raises(stripe.InvalidRequestError) as err:
        transfer(client, "acct_unknown", charge)
    assert (err.value.code, err.value.param) == ("resource_missing", "destination")


def test_list_transfers_by_group_and_destination_with_pagination(client, fake):
    charge = paid_charge(client, fake, amount=50_000)
    a, b = creator(client, fake), creator(client, fake)
    made = [transfer(client, dest, charge, amount=1_000) for dest in (a, b, a, a)]
    transfer(client, a, charge, amount=1_000, transfer_group="campaign_8")
    page = client.v1.transfers.list(params={"transfer_group": "campaign_7", "destination": a,
                                            "limit": 2})
    assert page.object == "list" and page.url == "/v1/transfers" and page.has_more
    assert [t.id for t in page.data] == [made[3].id, made[2].id]  # newest first
    every = [t.id for t in page.auto_paging_iter()]
    assert every == [made[3].id, made[2].id, made[0].id]
    assert len(client.v1.transfers.list(params={"transfer_group": "campaign_7"}).data) == 4


def test_partial_and_full_reversal(client, fake):
    charge = paid_charge(client, fake)
    acct = creator(client, fake)
    tr = transfer(client, acct, charge)
    rev = client.v1.transfers.reversals.create(tr.id, params={"amount": 3_000,
                                                              "metadata": {"reason": "refund"}})
    assert rev.id.startswith("trr_") and rev.object == "transfer_reversal"
    assert (rev.amount, rev.transfer) == (3_000, tr.id)
    tr = client.v1.transfers.retrieve(tr.id)
    assert (tr.amount_reversed, tr.reversed) == (3_000, False)
    assert balances(client, acct) == ({"pln": 0}, {"pln": 5_000})
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.transfers.reversals.create(tr.id, params={"amount": 5_001})
    assert err.value.code == "amount_too_large"
    client.v1.transfers.reversals.create(tr.id)
    tr = client.v1.transfers.retrieve(tr.id)
    assert (tr.amount_reversed, tr.reversed, tr.reversals.total_count) == (8_000, True, 2)
    event = fake.events("transfer.reversed")[-1]
    assert event["data"]["previous_attributes"] == {"amount_reversed": 3_000, "reversed": False}
    assert balances(client) == ({"pln": 0}, {"pln": 10_000})


def test_reversal_needs_balance_on_the_destination(client, fake):
    charge = paid_charge(client, fake)
    acct = creator(client, fake)
    tr = transfer(client, acct, charge)
    fake.make_available()
    client.v1.payouts.create(params={"amount": 8_000, "currency": "pln"},
                             options={"stripe_account": acct})
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.transfers.reversals.create(tr.id, params={"amount": 1_000})
    assert err.value.code == "balance_insufficient"
