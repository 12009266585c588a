"""Events and signed webhook delivery (background thread, retries, manual ordering)."""
from __future__ import annotations

import json
import time

import pytest
import stripe

from tests.fakes.stripe_fake import FakeStripeServer

from .fixtures import (  # noqa: F401
    SECRET,
    checkout_params,
    client,
    creator,
    fake,
    paid_charge,
    receiver,
    server,
    wait_until,
)


def test_webhook_is_signed_so_the_sdk_accepts_it(client, fake, receiver):
    session = client.v1.checkout.sessions.create(params=checkout_params())
    fake.pay_checkout_session(session.id)
    assert fake.wait_for_deliveries(5)
    assert receiver.types() == ["charge.succeeded", "payment_intent.succeeded",
                                "checkout.session.completed"]
    hook = receiver.received[-1]
    header = hook.headers["Stripe-Signature"]
    assert header.startswith("t=") and ",v1=" in header
    event = client.construct_event(hook.body, header, SECRET)
    assert event.type == "checkout.session.completed" and event.object == "event"
    assert event.data.object.id == session.id and event.data.object.payment_status == "paid"
    assert event.api_version == stripe._api_version._ApiVersion.CURRENT and event.livemode is False
    assert stripe.Webhook.construct_event(hook.body, header, SECRET).id == event.id
    with pytest.raises(stripe.SignatureVerificationError):
        client.construct_event(hook.body, header, "whsec_wrong")
    with pytest.raises(stripe.SignatureVerificationError):
        client.construct_event(hook.body.replace(b"paid", b"PAID"), header, SECRET)
    assert client.v1.events.retrieve(event.id).pending_webhooks == 0
    assert all(d.ok for d in fake.deliveries)


def test_events_are_listable_and_carry_the_request(client, fake):
    charge = paid_charge(client, fake)
    refund = client.v1.refunds.create(params={"charge": charge.id, "amount": 100},
                                      options={"idempotency_key": "refund-7-1"})
    events = client.v1.events.list(params={"type": "refund.created"})
    assert [e.data.object.id for e in events.data] == [refund.id]
    event = events.data[0]
    assert event.request.idempotency_key == "refund-7-1" and event.request.id.startswith("req_")
    assert event.id.startswith("evt_") and isinstance(event.created, int)
    completed = client.v1.events.list(params={"types": ["checkout.session.*"]}).data
    assert [e.type for e in completed] == ["checkout.session.completed"]
    assert completed[0].request.id is None  # caused by the buyer, not by an API call
    everything = client.v1.events.list(params={"limit": 100}).data
    assert everything[0].type == "charge.refunded"  # newest first
    assert client.v1.events.retrieve(event.id).type == "refund.created"


def test_connect_events_carry_account_and_are_listed_on_that_account(client, fake, receiver):
    acct = creator(client, fake)
    assert fake.wait_for_deliveries(5)
    hook = next(r for r in receiver.received if json.loads(r.body)["type"] == "account.updated")
    event = client.construct_event(hook.body, hook.headers["Stripe-Signature"], SECRET)
    assert event.account == acct
    assert client.v1.events.list(params={"type": "account.updated"}).data == []
    assert [e.account for e in client.v1.events.list(
        params={"type": "account.updated"}, options={"stripe_account": acct}).data] == [acct]


def test_failed_deliveries_are_retried_and_recorded(client, fake, receiver):
    receiver.fail_next = 1
    client.v1.customers.create(params={})  # no event
    session = client.v1.checkout.sessions.create(params=checkout_params())
    client.v1.checkout.sessions.expire(session.id)
    assert fake.wait_for_deliveries(5)
    attempts = [(d.event_type, d.attempt, d.status) for d in fake.deliveries]
    assert attempts == [("checkout.session.expired", 1, 500), ("checkout.session.expired", 2, 200)]
    assert receiver.types() == ["checkout.session.expired"]


def test_delivery_never_blocks_the_api_and_the_receiver_may_call_back(client, fake, receiver):
    seen = []

    def call_back(body):
        obj = json.loads(body)["data"]["object"]
        if obj["object"] == "checkout.session":
            seen.append(client.v1.checkout.sessions.retrieve(obj["id"]).status)
            time.sleep(0.3)

    receiver.on_receive = call_back
    session = client.v1.checkout.sessions.create(params=checkout_params())
    started = time.monotonic()
    client.v1.checkout.sessions.expire(session.id)
    client.v1.checkout.sessions.retrieve(session.id)
    assert time.monotonic() - started < 0.3
    assert fake.wait_for_deliveries(5) and seen == ["expired"]


def test_manual_delivery_reorders_and_duplicates():
    got = []

    def handler(body, headers):
        stripe.WebhookSignature.verify_header(body, headers["Stripe-Signature"], "whsec_manual")
        got.append(json.loads(body)["type"])
        return 200

    with FakeStripeServer(webhook_url=handler, webhook_secret="whsec_manual",
                          auto_deliver=False) as srv:
        fake, client = srv.fake, srv.client()
        session = client.v1.checkout.sessions.create(params=checkout_params())
        fake.pay_checkout_session(session.id)
        pending = fake.pending_deliveries()
        assert len(pending) == 3 and got == []
        completed = fake.events("checkout.session.completed")[0]["id"]
        fake.deliver(completed)  # out of order: session first
        fake.deliver_pending()
        fake.redeliver(completed)  # and a duplicate
        assert got == ["checkout.session.completed", "charge.succeeded",
                       "payment_intent.succeeded", "checkout.session.completed"]
        assert fake.pending_deliveries() == []


def test_hooks_over_http(client, fake, server):
    import requests
    session = client.v1.checkout.sessions.create(params=checkout_params())
    r = requests.post(f"{server.url}/_fake/checkout/sessions/{session.id}/pay", data={"async": "1"},
                      timeout=5)
    assert r.status_code == 200 and r.json()["payment_status"] == "unpaid"
    requests.post(f"{server.url}/_fake/checkout/sessions/{session.id}/succeed_async", timeout=5)
    requests.post(f"{server.url}/_fake/balance/make_available", json={"currency": "pln"}, timeout=5)
    assert client.v1.balance.retrieve().available[0].amount == 10_000
    acct = client.v2.core.accounts.create(params={"display_name": "X"}).id
    r = requests.post(f"{server.url}/_fake/accounts/{acct}/complete_onboarding", timeout=5)
    assert r.json()["details_submitted"] is True
    r = requests.post(f"{server.url}/_fake/payouts/po_nope/fail", timeout=5)
    assert r.status_code == 404 and r.json()["error"]["code"] == "resource_missing"
    index = requests.get(f"{server.url}/", timeout=5)
    assert "Sandbox" in index.text and "checkout.session.completed" in index.text
    state = requests.get(f"{server.url}/_fake/state", timeout=5).json()
    assert state["platform"]["balance"]["pln"]["available"] == 10_000
    requests.post(f"{server.url}/_fake/reset", timeout=5)
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.checkout.sessions.retrieve(session.id)
    assert wait_until(lambda: fake.wait_for_deliveries(0.1))
