"""`flask marketplace reconcile`: exit 0 with a summary when the books agree with Stripe, 1 listing
each difference, 2 when Stripe cannot be asked."""
from marketplace.money import Money
from marketplace.payments.gateway import client as stripe_client

from tests.payments.conftest import sandbox  # noqa: F401  (the fake Stripe fixture)
from tests.payments.test_reconciliation import paid_payout, realistic
from tests.payments.test_refunds import _funded


def reconcile(app):
    return app.test_cli_runner().invoke(args=["marketplace", "reconcile"])


def test_a_clean_run_prints_a_short_summary_and_exits_0(app, sandbox):
    realistic(sandbox)
    result = reconcile(app)
    assert result.exit_code == 0, result.output
    assert "Checked fundings: 1, refunds: 1, payouts: 1, transfers: 1." in result.output
    assert "PLN: the ledger puts" in result.output and "0 differences" in result.output
    assert "No differences: the books agree with Stripe." in result.output


def test_each_difference_is_listed_and_the_exit_code_is_1(app, sandbox):
    campaign, funding = _funded(sandbox)
    payout = paid_payout(sandbox, campaign, funding)
    stripe_client().v1.transfers.reversals.create(payout.stripe_transfer_id, params={"amount": 2_500})
    result = reconcile(app)
    assert result.exit_code == 1
    assert "3 differences:" in result.output
    assert f"- [transfer_reversed] Payout #{payout.id} · campaign #{campaign.id}: ours 0.00 PLN, Stripe 25.00 PLN" \
        in result.output
    assert "came back to the platform without the books knowing" in result.output
    expected = campaign.total_budget - payout.amount
    assert f"[platform_balance] Platform balance in PLN: ours {expected}, Stripe {expected + Money(2_500, 'PLN')}" \
        in result.output
    assert "[campaign_money]" in result.output


def test_a_stripe_outage_exits_2_with_a_clear_message(app, sandbox):
    sandbox.fake.inject_error("/v1/balance", method="GET", status=503, times=5)
    result = reconcile(app)
    assert result.exit_code == 2
    assert "Could not reconcile: Stripe could not be reached" in result.stderr
    assert "No differences" not in result.stdout
