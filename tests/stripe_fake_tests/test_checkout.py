"""Checkout Sessions through the real SDK: create, pay (hook and hosted page), async, expire."""
from __future__ import annotations

import pytest
import requests
import stripe

from tests.fakes.stripe_fake import ApiError

from .fixtures import checkout_params, client, fake, receiver, server  # noqa: F401


def test_create_session_is_open_and_points_at_the_sandbox_page(client, server):
    session = client.v1.checkout.sessions.create(params=checkout_params(),
                                                 options={"idempotency_key": "fund-7-1"})
    assert session.id.startswith("cs_test_")
    assert (session.object, session.mode, session.status) == ("checkout.session", "payment", "open")
    assert (session.amount_total, session.currency, session.payment_status) == (10_000, "pln", "unpaid")
    assert session.payment_intent is None and session.livemode is False
    assert session.url == f"{server.url}/checkout/{session.id}"
    assert session.metadata["campaign_id"] == "7" and session.client_reference_id == "campaign-7"
    page = requests.get(session.url, timeout=5)
    assert page.status_code == 200 and "Sandbox checkout — no real money" in page.text


def test_paying_creates_payment_intent_and_charge_with_pending_funds(client, fake):
    session = client.v1.checkout.sessions.create(params=checkout_params(12_345))
    fake.pay_checkout_session(session.id)
    session = client.v1.checkout.sessions.retrieve(session.id)
    assert (session.status, session.payment_status) == ("complete", "paid")
    pi = client.v1.payment_intents.retrieve(session.payment_intent)
    assert pi.id.startswith("pi_") and pi.status == "succeeded"
    assert (pi.amount, pi.currency, pi.transfer_group) == (12_345, "pln", "campaign_7")
    assert pi.metadata.to_dict() == {"campaign_id": "7"}
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert charge.id.startswith("ch_") and charge.status == "succeeded" and charge.paid
    assert charge.balance_transaction.startswith("txn_") and charge.transfer_group == "campaign_7"
    balance = client.v1.balance.retrieve()
    assert [(b.currency, b.amount) for b in balance.pending] == [("pln", 12_345)]
    assert [(b.currency, b.amount) for b in balance.available] == [("pln", 0)]
    fake.make_available()
    balance = client.v1.balance.retrieve()
    assert [(b.amount, p.amount) for b, p in zip(balance.available, balance.pending, strict=True)] == [(12_345, 0)]


def test_expand_latest_charge(client, fake):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    fake.pay_checkout_session(session.id)
    pi_id = client.v1.checkout.sessions.retrieve(session.id).payment_intent
    pi = client.v1.payment_intents.retrieve(pi_id, params={"expand": ["latest_charge"]})
    assert pi.latest_charge.object == "charge" and pi.latest_charge.amount == 10_000


def test_hosted_page_pay_redirects_to_success_url_with_session_id(client, fake):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    resp = requests.post(f"{session.url}/pay", data={"method": "card"}, allow_redirects=False,
                         timeout=5)
    assert resp.status_code == 303
    assert resp.headers["Location"].endswith(f"/funded?session={session.id}")
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"
    gone = requests.get(session.url, timeout=5)
    assert gone.status_code == 410


def test_hosted_page_cancel_redirects_and_leaves_session_open(client, fake):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    resp = requests.post(f"{session.url}/cancel", allow_redirects=False, timeout=5)
    assert resp.status_code == 303 and resp.headers["Location"] == "http://127.0.0.1:5000/brand/campaigns/7"
    assert client.v1.checkout.sessions.retrieve(session.id).status == "open"


def test_async_payment_completes_unpaid_then_succeeds(client, fake):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    fake.pay_checkout_session(session.id, async_=True)
    session = client.v1.checkout.sessions.retrieve(session.id)
    assert (session.status, session.payment_status) == ("complete", "unpaid")
    assert client.v1.payment_intents.retrieve(session.payment_intent).status == "processing"
    assert client.v1.balance.retrieve().pending[0].amount == 0
    fake.succeed_async_payment(session.id)
    assert client.v1.checkout.sessions.retrieve(session.id).payment_status == "paid"
    assert client.v1.balance.retrieve().pending[0].amount == 10_000
    types = [e["type"] for e in fake.events()]
    assert types.index("checkout.session.completed") < types.index(
        "checkout.session.async_payment_succeeded")


def test_async_payment_failure(client, fake):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    fake.pay_checkout_session(session.id, async_=True)
    fake.fail_async_payment(session.id)
    session = client.v1.checkout.sessions.retrieve(session.id)
    assert session.payment_status == "unpaid"
    pi = client.v1.payment_intents.retrieve(session.payment_intent)
    assert pi.status == "requires_payment_method" and pi.last_payment_error.code == "insufficient_funds"
    assert [e["type"] for e in fake.events()][-1] == "checkout.session.async_payment_failed"


def test_expire_session(client, fake):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    expired = client.v1.checkout.sessions.expire(session.id)
    assert expired.status == "expired" and expired.url is None
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.expire(session.id)
    with pytest.raises(ApiError, match="expired"):
        fake.pay_checkout_session(session.id)


def test_session_expires_when_time_passes(client, fake):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    fake.advance_time(86_400)
    assert client.v1.checkout.sessions.retrieve(session.id).status == "expired"
    assert fake.events("checkout.session.expired")


@pytest.mark.parametrize("params, param", [
    ({"payment_intent_data": {"transfer_group": "g", "foo": "x"}}, "payment_intent_data[foo]"),
    ({"line_items": [{"price_data": {"currency": "pln", "unit_amount": 500, "foo": 1,
                                     "product_data": {"name": "x"}}, "quantity": 1}]},
     "line_items[0][price_data][foo]"),
    ({"application_fee_amount": 100}, "application_fee_amount"),
])
def test_unknown_parameters_are_rejected(client, params, param):
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.checkout.sessions.create(params={**checkout_params(), **params})
    assert err.value.code == "parameter_unknown" and err.value.param == param
    assert err.value.http_status == 400
    assert f"Received unknown parameter: {param}" in str(err.value)


def test_missing_and_invalid_parameters(client):
    params = checkout_params()
    del params["success_url"]
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.checkout.sessions.create(params=params)
    assert (err.value.code, err.value.param) == ("parameter_missing", "success_url")
    bad = checkout_params()
    bad["line_items"][0]["price_data"]["unit_amount"] = "12.50"
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.checkout.sessions.create(params=bad)
    assert err.value.code == "parameter_invalid_integer"
    assert err.value.param == "line_items[0][price_data][unit_amount]"
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.checkout.sessions.create(params=checkout_params(amount=100))
    assert err.value.code == "amount_too_small"


def test_customer_create_and_retrieve(client):
    customer = client.v1.customers.create(params={"email": "brand@example.com", "name": "Brand",
                                                  "metadata": {"brand_id": "3"}})
    assert customer.id.startswith("cus_")
    again = client.v1.customers.retrieve(customer.id)
    assert (again.email, again.metadata["brand_id"]) == ("brand@example.com", "3")
    session = client.v1.checkout.sessions.create(
        params={**checkout_params(), "customer_email": None, "customer": customer.id})
    assert session.customer == customer.id
