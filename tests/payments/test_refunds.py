from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Refund
from marketplace.money import Money
from marketplace.services import applications, campaigns, ledger

from ..factories import ApplicationFactory
from .test_funding import _awaiting, _start_checkout


def _funded(sandbox, **kw):
    campaign = _awaiting(**kw)
    funding, _ = _start_checkout(sandbox, campaign)
    sandbox.fake.pay_checkout_session(funding.checkout_session_id)
    sandbox.deliver_all()
    assert campaign.status == "open"
    return campaign, funding


def test_cancel_refunds_the_unspent_budget_through_stripe(sandbox):
    campaign, funding = _funded(sandbox, slots=3)
    application = ApplicationFactory(campaign=campaign)
    applications.accept(application, actor=campaign.brand.user)
    response = sandbox.client.post(f"/brand/campaigns/{campaign.id}/cancel", data={"reason": "Budget cut"})
    assert response.status_code == 302
    assert campaign.status == "cancelled"
    refund = db.session.scalar(select(Refund).where(Refund.campaign_id == campaign.id))
    assert refund.status == "succeeded" and refund.amount == campaign.total_budget  # reservation released first
    stripe_refund = sandbox.fake.get(refund.stripe_refund_id)
    assert stripe_refund["amount"] == campaign.total_budget.minor
    assert stripe_refund["payment_intent"] == funding.payment_intent_id
    assert sandbox.fake.requests("/v1/refunds")[0]["idempotency_key"] == refund.idempotency_key
    assert ledger.campaign_money(campaign).funded == Money(0, "PLN")
    assert ledger.balance(ledger.STRIPE_CLEARING, "PLN") == Money(0, "PLN")
    assert ledger.imbalances() == []
    assert set(sandbox.deliver_all()) <= {200}  # charge.refunded etc. are harmless afterwards
    assert refund.status == "succeeded"
    page = sandbox.client.get("/brand/billing").get_data(as_text=True)
    assert refund.stripe_refund_id in page and funding.payment_intent_id in page
    csv = sandbox.client.get("/brand/billing.csv").get_data(as_text=True)
    assert csv.splitlines()[0].startswith("date_utc,campaign_id")
    assert f"-{campaign.total_budget.amount_text()}" in csv


def test_a_refund_refused_by_stripe_goes_back_to_escrow_and_can_be_retried(sandbox):
    campaign, _funding = _funded(sandbox)
    sandbox.fake.inject_error("/v1/refunds", status=400, type="invalid_request_error",
                              code="charge_disputed", message="The charge is disputed.")
    campaigns.cancel_campaign(campaign, actor=campaign.brand.user)
    from marketplace import db as tx

    tx.commit()
    refund = db.session.scalar(select(Refund).where(Refund.campaign_id == campaign.id))
    assert refund.status == "failed" and "disputed" in refund.failure_reason
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == campaign.total_budget
    from marketplace.payments import refunds

    refunds.retry(refund, actor=campaign.brand.user)
    tx.commit()
    assert refund.status == "succeeded" and refund.attempt == 2
    keys = [r["idempotency_key"] for r in sandbox.fake.requests("/v1/refunds")]
    assert keys == [f"refund-{refund.id}-1", f"refund-{refund.id}-2"]
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == Money(0, "PLN")
    assert ledger.imbalances() == []


def test_a_stripe_500_is_retried_by_run_due_with_a_new_key(sandbox, app):
    from marketplace import db as tx

    campaign, _funding = _funded(sandbox)
    sandbox.fake.inject_error("/v1/refunds", status=500, type="api_error", times=1)
    campaigns.cancel_campaign(campaign, actor=campaign.brand.user)
    tx.commit()
    refund = db.session.scalar(select(Refund).where(Refund.campaign_id == campaign.id))
    assert refund.status == "pending" and refund.attempt == 2  # Stripe keeps the 500 under key 1
    result = app.test_cli_runner().invoke(args=["marketplace", "run-due"])
    assert result.exit_code == 0 and "refunds: 1" in result.output
    assert refund.status == "succeeded"
    keys = [r["idempotency_key"] for r in sandbox.fake.requests("/v1/refunds")]
    assert keys == [f"refund-{refund.id}-1", f"refund-{refund.id}-2"]
    assert ledger.imbalances() == []
