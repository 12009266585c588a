from urllib.parse import urlsplit

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditEvent, PayoutAccount

from ..factories import CreatorFactory
from ..helpers import login


def _onboard(sandbox, creator):
    login(sandbox.client, creator.user)
    return sandbox.client.post("/creator/payouts/onboard")


def test_polish_creator_onboards_and_becomes_ready_by_webhook(sandbox):
    creator = CreatorFactory(country="PL")
    response = _onboard(sandbox, creator)
    assert response.status_code == 303
    account = db.session.scalar(select(PayoutAccount).where(PayoutAccount.creator_id == creator.id))
    assert account.status == "onboarding" and account.country == "PL"
    assert urlsplit(response.headers["Location"]).path == f"/connect/onboarding/{account.stripe_account_id}"
    made = sandbox.fake.requests("/v2/core/accounts")
    assert made[0]["idempotency_key"].startswith(f"connect-account-creator-{creator.id}-")

    # coming back from Stripe is not "done": the account is read, and it is not ready yet
    sandbox.client.get("/creator/payouts/return")
    assert account.status == "restricted"  # Stripe still needs details
    assert "Stripe still needs some details" in sandbox.client.get("/creator/payouts").get_data(as_text=True)

    sandbox.fake.complete_onboarding(account.stripe_account_id)
    assert set(sandbox.deliver_all()) == {200}
    assert account.status == "ready"
    assert "ready to be paid" in sandbox.client.get("/creator/payouts").get_data(as_text=True)
    assert "Ready to be paid" in sandbox.client.get("/creator/").get_data(as_text=True)
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "payout_accounts",
                                                      AuditEvent.to_status == "ready"))


def test_the_account_is_created_once_and_refresh_mints_a_new_link(sandbox):
    creator = CreatorFactory(country="DE")
    first = _onboard(sandbox, creator).headers["Location"]
    second = sandbox.client.get("/creator/payouts/refresh").headers["Location"]
    assert first != second
    assert len(sandbox.fake.requests("/v2/core/accounts")) == 1
    assert len(sandbox.fake.requests("/v2/core/account_links")) == 2
    assert db.session.scalar(select(db.func.count()).select_from(PayoutAccount)) == 1


def test_thai_creator_is_told_plainly_why_payouts_are_not_available(sandbox):
    creator = CreatorFactory(country="TH")
    login(sandbox.client, creator.user)
    page = sandbox.client.get("/creator/payouts")
    assert "not available yet" in page.get_data(as_text=True)
    assert "not available in your country yet" in sandbox.client.get("/creator/").get_data(as_text=True)
    response = sandbox.client.post("/creator/payouts/onboard", follow_redirects=True)
    assert "not available yet" in response.get_data(as_text=True)
    assert sandbox.fake.requests("/v2/core/accounts") == []


def test_supported_countries_are_configuration(sandbox, app, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_CONNECT_COUNTRIES", frozenset({"PL", "TH"}))
    creator = CreatorFactory(country="TH")
    assert _onboard(sandbox, creator).status_code == 303


def test_the_refresh_link_never_creates_an_account(sandbox):
    creator = CreatorFactory(country="PL")
    login(sandbox.client, creator.user)
    response = sandbox.client.get("/creator/payouts/refresh")
    assert response.status_code == 302 and response.headers["Location"].endswith("/creator/payouts")
    assert sandbox.fake.requests("/v2/core/accounts") == []
