from urllib.parse import urlsplit

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Funding, LedgerEntry
from marketplace.money import Money
from marketplace.services import ledger

from ..factories import CampaignFactory
from ..helpers import login


def _awaiting(**kw):
    return CampaignFactory(status="awaiting_funding", fee_per_post_minor=7_500, **kw)


def _start_checkout(sandbox, campaign):
    login(sandbox.client, campaign.brand.user)
    response = sandbox.client.post(f"/brand/campaigns/{campaign.id}/fund")
    assert response.status_code == 303, response.get_data(as_text=True)
    funding = db.session.scalar(select(Funding).where(Funding.campaign_id == campaign.id))
    return funding, response.headers["Location"]


def test_funding_happy_path_through_checkout_and_a_signed_webhook(sandbox):
    campaign = _awaiting(slots=3, payout_minor=45_000)
    funding, location = _start_checkout(sandbox, campaign)
    assert location == funding.checkout_url and urlsplit(location).path == f"/checkout/{funding.checkout_session_id}"

    session = sandbox.fake.get(funding.checkout_session_id)
    assert session["metadata"]["campaign_id"] == str(campaign.id)
    assert session["amount_total"] == campaign.total_budget.minor == 3 * (45_000 + 7_500)
    created = sandbox.fake.requests("/v1/checkout/sessions")[0]
    assert created["idempotency_key"] == funding.idempotency_key

    # the return page only waits; nothing is credited until Stripe confirms
    page = sandbox.client.get(f"/brand/campaigns/{campaign.id}/funding").get_data(as_text=True)
    assert "Waiting for Stripe to confirm" in page
    assert campaign.status == "awaiting_funding"

    sandbox.fake.pay_checkout_session(funding.checkout_session_id)
    assert set(sandbox.deliver_all()) == {200}
    assert funding.status == "paid" and funding.charge_id.startswith("ch_")
    intent = sandbox.fake.get(funding.payment_intent_id)
    assert intent["transfer_group"] == f"campaign_{campaign.id}"
    assert campaign.status == "open"
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == campaign.total_budget
    assert ledger.balance(ledger.STRIPE_CLEARING, "PLN") == -campaign.total_budget
    assert ledger.imbalances() == []
    assert "is open" in sandbox.client.get(f"/brand/campaigns/{campaign.id}/funding/status").get_data(as_text=True)


def test_pressing_fund_twice_reuses_the_same_checkout(sandbox):
    campaign = _awaiting()
    first, url_one = _start_checkout(sandbox, campaign)
    response = sandbox.client.post(f"/brand/campaigns/{campaign.id}/fund")
    assert response.headers["Location"] == url_one
    assert [r["method"] for r in sandbox.fake.requests("/v1/checkout/sessions")].count("POST") == 1
    assert db.session.scalar(select(db.func.count()).select_from(Funding)) == 1


def test_duplicate_and_repeated_webhooks_change_nothing(sandbox):
    campaign = _awaiting()
    funding, _ = _start_checkout(sandbox, campaign)
    sandbox.fake.pay_checkout_session(funding.checkout_session_id)
    sandbox.deliver_all()
    [completed] = sandbox.event_ids("checkout.session.completed")
    for _ in range(2):
        assert sandbox.fake.redeliver(completed)[0].status == 200
    entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.account == ledger.escrow(campaign.id))).all()
    assert len(entries) == 1 and entries[0].amount_minor == campaign.total_budget.minor


def test_events_in_any_order_end_in_the_same_state(sandbox):
    campaign = _awaiting()
    funding, _ = _start_checkout(sandbox, campaign)
    sandbox.fake.pay_checkout_session(funding.checkout_session_id, async_=True)  # e.g. a bank transfer
    sandbox.fake.succeed_async_payment(funding.checkout_session_id)
    pending = sandbox.fake.pending_deliveries()
    for event_id in reversed(pending):  # the success arrives before the "completed" event
        assert sandbox.fake.deliver(event_id)[0].status == 200
    assert funding.status == "paid" and campaign.status == "open"


def test_async_payment_in_progress_then_failed(sandbox):
    campaign = _awaiting()
    funding, _ = _start_checkout(sandbox, campaign)
    sandbox.fake.pay_checkout_session(funding.checkout_session_id, async_=True)
    sandbox.deliver_all()
    assert funding.status == "processing" and campaign.status == "awaiting_funding"
    assert "processing the payment" in sandbox.client.get(
        f"/brand/campaigns/{campaign.id}/funding").get_data(as_text=True)
    sandbox.fake.fail_async_payment(funding.checkout_session_id)
    sandbox.deliver_all()
    assert funding.status == "failed" and funding.failure_reason
    assert campaign.status == "awaiting_funding"
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == Money(0, "PLN")


def test_status_page_syncs_from_stripe_when_no_webhook_arrives(sandbox):
    campaign = _awaiting()
    funding, _ = _start_checkout(sandbox, campaign)
    sandbox.fake.pay_checkout_session(funding.checkout_session_id)  # webhooks stay queued
    page = sandbox.client.get(f"/brand/campaigns/{campaign.id}/funding/status").get_data(as_text=True)
    assert "is open" in page and campaign.status == "open"
    assert set(sandbox.deliver_all()) == {200}  # the late webhooks are then harmless
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == campaign.total_budget


def test_other_brands_cannot_fund_or_watch(sandbox):
    campaign = _awaiting()
    other = _awaiting()
    login(sandbox.client, other.brand.user)
    assert sandbox.client.post(f"/brand/campaigns/{campaign.id}/fund").status_code == 404
    assert sandbox.client.get(f"/brand/campaigns/{campaign.id}/funding").status_code == 404


def test_stripe_down_shows_a_message_and_keeps_the_intent(sandbox):
    campaign = _awaiting()
    sandbox.fake.inject_error("/v1/checkout/sessions", status=500, type="api_error", times=1)
    login(sandbox.client, campaign.brand.user)
    response = sandbox.client.post(f"/brand/campaigns/{campaign.id}/fund", follow_redirects=True)
    assert response.status_code == 200
    assert "try again" in response.get_data(as_text=True).lower()
    failed = db.session.scalar(select(Funding).where(Funding.campaign_id == campaign.id))
    assert failed.status == "failed" and failed.checkout_session_id is None
    # Stripe keeps a 500 under its key, so the retry is a new attempt with a new key
    sandbox.client.post(f"/brand/campaigns/{campaign.id}/fund")
    funding = db.session.scalar(select(Funding).where(Funding.campaign_id == campaign.id, Funding.status == "created"))
    assert funding.idempotency_key != failed.idempotency_key and funding.checkout_session_id
    keys = [r["idempotency_key"] for r in sandbox.fake.requests("/v1/checkout/sessions") if r["method"] == "POST"]
    assert keys == [failed.idempotency_key, funding.idempotency_key]


def test_no_second_checkout_while_a_bank_payment_is_processing(sandbox):
    campaign = _awaiting()
    funding, _ = _start_checkout(sandbox, campaign)
    sandbox.fake.pay_checkout_session(funding.checkout_session_id, async_=True)
    sandbox.deliver_all()
    page = sandbox.client.get(f"/brand/campaigns/{campaign.id}").get_data(as_text=True)
    assert "by card" not in page and "processing the payment" in page
    response = sandbox.client.post(f"/brand/campaigns/{campaign.id}/fund", follow_redirects=True)
    assert "still processing" in response.get_data(as_text=True)
    assert [r["method"] for r in sandbox.fake.requests("/v1/checkout/sessions")].count("POST") == 1
    sandbox.fake.succeed_async_payment(funding.checkout_session_id)
    sandbox.deliver_all()
    assert campaign.status == "open"


def test_zero_decimal_and_isk_amounts_go_to_stripe_in_its_units(sandbox):
    campaign = _awaiting(currency="ISK", payout_minor=5_000)
    campaign.fee_per_post_minor = 750
    funding, _ = _start_checkout(sandbox, campaign)
    session = sandbox.fake.get(funding.checkout_session_id)
    assert session["amount_total"] == campaign.total_budget.minor * 100  # Stripe counts ISK in hundredths
    sandbox.fake.pay_checkout_session(funding.checkout_session_id)
    sandbox.deliver_all()
    assert campaign.status == "open"
    assert ledger.balance(ledger.escrow(campaign.id), "ISK") == campaign.total_budget


def test_a_payment_that_does_not_match_the_budget_is_refunded_not_credited(sandbox):
    campaign = _awaiting(slots=2)
    funding, _ = _start_checkout(sandbox, campaign)
    campaign.status = "draft"  # the brand went back to draft and changed the terms…
    campaign.slots = 3
    campaign.status = "awaiting_funding"
    sandbox.fake.pay_checkout_session(funding.checkout_session_id)  # …then paid the stale checkout
    sandbox.deliver_all()
    assert campaign.status == "awaiting_funding"
    from marketplace.models import Refund

    refund = db.session.scalar(select(Refund).where(Refund.funding_id == funding.id))
    assert refund.status == "succeeded" and refund.amount == funding.amount
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == Money(0, "PLN")
    assert ledger.imbalances() == []
