"""Fixtures for the fake-Stripe tests: one server per module, a webhook receiver, SDK clients.

Imported by each test module (the suite runs with --noconftest) and by conftest.py.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import stripe
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.fakes.stripe_fake import FakeStripe, FakeStripeServer
from tests.fakes.stripe_fake.server import _QuietHandler

SECRET = "whsec_test_secret"


@dataclass
class Received:
    body: bytes
    headers: dict[str, str]


@dataclass
class WebhookReceiver:
    """A tiny HTTP endpoint recording webhook deliveries; `fail_next` answers 500 that many times.
    `on_receive(body)` runs inside the request (e.g. to call the fake back)."""

    received: list[Received] = field(default_factory=list)
    fail_next: int = 0
    on_receive: Any = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = make_server("127.0.0.1", 0, self._app, threaded=True,
                                   request_handler=_QuietHandler)
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_port}/webhooks/stripe"

    def _app(self, environ: dict, start_response: Any) -> Any:
        request = Request(environ)
        body = request.get_data()
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return Response("boom", status=500)(environ, start_response)
            self.received.append(Received(body, dict(request.headers)))
        if self.on_receive is not None:
            self.on_receive(body)
        return Response("ok")(environ, start_response)

    def types(self) -> list[str]:
        import json
        return [json.loads(r.body)["type"] for r in self.received]

    def clear(self) -> None:
        with self._lock:
            self.received.clear()
            self.fail_next = 0
            self.on_receive = None

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture(scope="module")
def receiver() -> Iterator[WebhookReceiver]:
    r = WebhookReceiver()
    yield r
    r.stop()


@pytest.fixture(scope="module")
def server(receiver: WebhookReceiver) -> Iterator[FakeStripeServer]:
    with FakeStripeServer(webhook_url=receiver.url, webhook_secret=SECRET, default_currency="pln",
                          retry_delays=(0.05, 0.1)) as srv:
        yield srv


@pytest.fixture
def fake(server: FakeStripeServer, receiver: WebhookReceiver) -> FakeStripe:
    """The module's fake, emptied for this test."""
    server.fake.wait_for_deliveries(5)
    server.fake.reset()
    receiver.clear()
    return server.fake


@pytest.fixture
def client(server: FakeStripeServer, fake: FakeStripe) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_fake", base_addresses=server.base_addresses,
                               http_client=server.http_client())


def checkout_params(amount: int = 10_000, currency: str = "pln", campaign: int = 7,
                    **extra: Any) -> Any:
    return {
        "mode": "payment",
        "line_items": [{"price_data": {"currency": currency, "unit_amount": amount,
                                       "product_data": {"name": f"Campaign {campaign} budget"}},
                        "quantity": 1}],
        "success_url":
            "http://127.0.0.1:5000/brand/campaigns/7/funded?session={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://127.0.0.1:5000/brand/campaigns/7",
        "client_reference_id": f"campaign-{campaign}",
        "customer_email": "brand@example.com",
        "metadata": {"campaign_id": str(campaign)},
        "payment_intent_data": {"transfer_group": f"campaign_{campaign}",
                                "metadata": {"campaign_id": str(campaign)}},
        **extra,
    }


def paid_charge(client: stripe.StripeClient, fake: FakeStripe, amount: int = 10_000,
                currency: str = "pln", campaign: int = 7) -> Any:
    """Fund a campaign through Checkout; returns the (pending) Charge."""
    session = client.v1.checkout.sessions.create(params=checkout_params(amount, currency, campaign))
    fake.pay_checkout_session(session.id)
    pi = client.v1.payment_intents.retrieve(
        str(client.v1.checkout.sessions.retrieve(session.id).payment_intent))
    return client.v1.charges.retrieve(str(pi.latest_charge))


def account_params(**extra: Any) -> Any:
    return {
        "display_name": "Ola Creator", "contact_email": "ola@example.com",
        "identity": {"country": "pl"}, "dashboard": "express",
        "configuration": {"recipient": {"capabilities": {"stripe_balance": {
            "stripe_transfers": {"requested": True}}}}},
        "defaults": {"currency": "pln", "locales": ["pl-PL"],
                     "responsibilities": {"fees_collector": "application",
                                          "losses_collector": "application"}},
        "metadata": {"creator_id": "42"}, "include": ["configuration.recipient", "requirements"],
        **extra,
    }


def creator(client: stripe.StripeClient, fake: FakeStripe, onboarded: bool = True) -> str:
    account = client.v2.core.accounts.create(params=account_params())
    if onboarded:
        fake.complete_onboarding(account.id)
    return account.id


def wait_until(predicate: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
