"""The fake Stripe on a real loopback port, talked to by the real SDK; webhooks signed and
delivered (from the test's own thread, so they share its transaction) to /webhooks/stripe."""
import pytest

from tests.fakes.stripe_fake import FakeStripeServer


@pytest.fixture(autouse=True)
def _each_test_in_a_rolled_back_transaction(db_session):
    yield


class Sandbox:
    def __init__(self, server: FakeStripeServer, client):
        self.server, self.fake, self.client = server, server.fake, client
        self.statuses: list[int] = []

    def post_webhook(self, body: bytes, headers: dict) -> int:
        response = self.client.post("/webhooks/stripe", data=body, headers=headers,
                                    content_type="application/json")
        self.statuses.append(response.status_code)
        return response.status_code

    def deliver_all(self) -> list[int]:
        """Deliver every queued event in emission order; return the HTTP statuses we answered."""
        return [d.status for d in self.fake.deliver_pending()]

    def event_ids(self, type_: str) -> list[str]:
        return [event["id"] for event in self.fake.events(type_)]


@pytest.fixture
def sandbox(app, client, monkeypatch):
    holder: dict = {}
    server = FakeStripeServer(api_key=app.config["STRIPE_SECRET_KEY"], webhook_secret=app.config["STRIPE_WEBHOOK_SECRET"],
                              webhook_url=lambda body, headers: holder["sandbox"].post_webhook(body, headers),
                              auto_deliver=False, default_currency="pln")
    with server:
        monkeypatch.setitem(app.config, "STRIPE_API_BASE", server.url)
        monkeypatch.setitem(app.config, "STRIPE_MAX_NETWORK_RETRIES", 0)
        app.extensions.pop("stripe_client", None)
        holder["sandbox"] = Sandbox(server, client)
        yield holder["sandbox"]
        app.extensions.pop("stripe_client", None)
