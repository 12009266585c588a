"""Stripe-shaped errors (404, 401, 403, 400) and idempotency semantics, through the real SDK."""
from __future__ import annotations

import pytest
import requests
import stripe

from tests.fakes.stripe_fake.params import parse_form

from .fixtures import (  # noqa: F401
    checkout_params,
    client,
    creator,
    fake,
    paid_charge,
    receiver,
    server,
)


def test_unknown_url_is_a_stripe_404(client, server):
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.raw_request("get", "/v1/foo")
    assert err.value.http_status == 404
    assert "Unrecognized request URL (GET: /v1/foo)" in str(err.value)
    resp = requests.post(f"{server.url}/v1/transfers/tr_1/cancel",
                         headers={"Authorization": "Bearer sk_test_fake"}, timeout=5)
    assert resp.status_code == 404
    assert resp.json()["error"]["type"] == "invalid_request_error"


@pytest.mark.parametrize("call", [
    lambda c: c.v1.charges.retrieve("ch_missing"),
    lambda c: c.v1.payment_intents.retrieve("pi_missing"),
    lambda c: c.v1.transfers.retrieve("tr_missing"),
    lambda c: c.v1.refunds.retrieve("re_missing"),
    lambda c: c.v1.checkout.sessions.retrieve("cs_test_missing"),
    lambda c: c.v1.customers.retrieve("cus_missing"),
    lambda c: c.v1.events.retrieve("evt_missing"),
    lambda c: c.v1.accounts.retrieve("acct_missing"),
])
def test_unknown_ids_are_resource_missing(client, call):
    with pytest.raises(stripe.InvalidRequestError) as err:
        call(client)
    assert (err.value.http_status, err.value.code, err.value.param) == (404, "resource_missing", "id")
    assert "No such" in str(err.value)


def test_bad_and_missing_api_keys(server):
    bad = stripe.StripeClient("sk_test_wrong_key_1234", base_addresses=server.base_addresses)
    with pytest.raises(stripe.AuthenticationError) as err:
        bad.v1.balance.retrieve()
    assert err.value.http_status == 401 and "sk_test_" in str(err.value) and "1234" in str(err.value)
    live = stripe.StripeClient("sk_live_abc", base_addresses=server.base_addresses)
    with pytest.raises(stripe.AuthenticationError):
        live.v1.balance.retrieve()
    resp = requests.get(f"{server.url}/v1/balance", timeout=5)
    assert resp.status_code == 401 and "did not provide an API key" in resp.json()["error"]["message"]


def test_unknown_stripe_account_header_is_a_permission_error(client):
    with pytest.raises(stripe.PermissionError) as err:
        client.v1.balance.retrieve(options={"stripe_account": "acct_notmine"})
    assert err.value.http_status == 403 and err.value.code is None  # the SDK drops it on 403
    assert err.value.error.code == "account_invalid"


def test_idempotent_replay_returns_the_same_object_and_header(client, fake):
    first = client.v1.checkout.sessions.create(params=checkout_params(),
                                               options={"idempotency_key": "fund-campaign-7"})
    assert "Idempotent-Replayed" not in first.last_response.headers
    again = client.v1.checkout.sessions.create(params=checkout_params(),
                                               options={"idempotency_key": "fund-campaign-7"})
    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert again.last_response.headers["Original-Request"] == first.last_response.request_id
    assert again.last_response.body == first.last_response.body
    other = client.v1.checkout.sessions.create(params=checkout_params())
    assert other.id != first.id


def test_same_key_with_different_params_is_an_idempotency_error(client, fake):
    client.v1.checkout.sessions.create(params=checkout_params(), options={"idempotency_key": "k1"})
    with pytest.raises(stripe.IdempotencyError) as err:
        client.v1.checkout.sessions.create(params=checkout_params(amount=20_000),
                                           options={"idempotency_key": "k1"})
    assert err.value.http_status == 400
    assert err.value.json_body["error"]["type"] == "idempotency_error"
    with pytest.raises(stripe.IdempotencyError):  # same key on another endpoint
        client.v1.customers.create(params={"email": "x@example.com"},
                                   options={"idempotency_key": "k1"})


def test_keys_are_scoped_per_account(client, fake):
    acct = creator(client, fake)
    client.v1.checkout.sessions.create(params=checkout_params(), options={"idempotency_key": "k"})
    with pytest.raises(stripe.InvalidRequestError) as err:  # new key space: executes, fails
        client.v1.payouts.create(params={"amount": 100, "currency": "pln"},
                                 options={"idempotency_key": "k", "stripe_account": acct})
    assert err.value.code == "balance_insufficient"


def test_execution_errors_are_replayed_even_after_the_state_changes(client, fake):
    charge = paid_charge(client, fake)
    acct = creator(client, fake)
    params = {"amount": 5_000, "currency": "pln", "destination": acct}
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.transfers.create(params=params, options={"idempotency_key": "payout-5-1"})
    assert err.value.code == "balance_insufficient"
    fake.make_available()
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.transfers.create(params=params, options={"idempotency_key": "payout-5-1"})
    assert err.value.code == "balance_insufficient"
    assert err.value.headers["Idempotent-Replayed"] == "true"
    assert client.v1.transfers.create(params=params,
                                      options={"idempotency_key": "payout-5-2"}).amount == 5_000
    assert charge.id


def test_validation_errors_are_not_saved_under_the_key(client, fake):
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.customers.create(params={"emial": "typo@example.com"},
                                   options={"idempotency_key": "cus-1"})
    customer = client.v1.customers.create(params={"email": "ok@example.com"},
                                          options={"idempotency_key": "cus-1"})
    assert customer.email == "ok@example.com"


def test_overlong_idempotency_key(client):
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.customers.create(params={}, options={"idempotency_key": "k" * 256})
    assert "255" in str(err.value)


def test_injected_server_error_is_replayed_for_the_same_key(client, fake):
    fake.inject_error("/v1/customers", status=500)
    with pytest.raises(stripe.APIError) as err:
        client.v1.customers.create(params={"email": "a@example.com"}, options={"idempotency_key": "c"})
    assert err.value.http_status == 500
    with pytest.raises(stripe.APIError):
        client.v1.customers.create(params={"email": "a@example.com"}, options={"idempotency_key": "c"})
    assert client.v1.customers.create(params={"email": "a@example.com"},
                                      options={"idempotency_key": "c2"}).id.startswith("cus_")


def test_injected_card_error(client, fake):
    fake.inject_error("/v1/customers", status=402, type="card_error", code="card_declined",
                      message="Your card was declined.")
    with pytest.raises(stripe.CardError) as err:
        client.v1.customers.create(params={})
    assert err.value.code == "card_declined"


def test_sdk_retries_after_a_500_get_the_replayed_500(server, fake):
    retrying = stripe.StripeClient("sk_test_fake", base_addresses=server.base_addresses,
                                   max_network_retries=2)
    fake.inject_error("/v1/customers", status=500)
    with pytest.raises(stripe.APIError):
        retrying.v1.customers.create(params={"email": "a@example.com"})
    log = fake.requests("/v1/customers")
    assert [r["status"] for r in log] == [500, 500, 500]
    assert [r["replayed"] for r in log] == [False, True, True]
    assert len({r["idempotency_key"] for r in log}) == 1  # the SDK reuses its generated key


def test_bracket_notation_parsing():
    parsed = parse_form("metadata[campaign_id]=7&line_items[0][price_data][currency]=pln"
                        "&line_items[0][quantity]=1&line_items[1][quantity]=2&expand[]=a&expand[]=b"
                        "&x=")
    assert parsed == {"metadata": {"campaign_id": "7"},
                      "line_items": {"0": {"price_data": {"currency": "pln"}, "quantity": "1"},
                                     "1": {"quantity": "2"}},
                      "expand": {"0": "a", "1": "b"}, "x": ""}


def test_concurrent_requests_with_one_key_create_one_transfer(client, fake):
    from concurrent.futures import ThreadPoolExecutor

    from .fixtures import creator
    charge = paid_charge(client, fake)
    acct = creator(client, fake)
    params = {"amount": 1_000, "currency": "pln", "destination": acct,
              "source_transaction": charge.id, "transfer_group": "campaign_7"}

    def pay(_: int) -> str:
        return client.v1.transfers.create(params=params,
                                          options={"idempotency_key": "payout-9-1"}).id

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(pay, range(16)))
    assert len(ids) == 1
    assert len(client.v1.transfers.list(params={"transfer_group": "campaign_7"}).data) == 1


def test_locale_is_checked(client):
    assert client.v1.checkout.sessions.create(params=checkout_params(locale="pl")).locale == "pl"
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.checkout.sessions.create(params=checkout_params(locale="klingon"))
    assert err.value.param == "locale"
