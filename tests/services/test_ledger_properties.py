"""Random sequences of money movements never break the books (hypothesis)."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from marketplace.errors import InvalidTransition, NotAllowed
from marketplace.extensions import db
from marketplace.models import LedgerEntry
from marketplace.money import Money
from marketplace.payments import refunds
from marketplace.services import applications, ledger

from ..factories import ApplicationFactory, open_campaign

OPS = st.lists(st.sampled_from(["apply_accept", "withdraw", "reject", "refund_some", "refund_succeeds",
                                "refund_fails"]), max_size=12)


def _check_books(campaign):
    accounts = [ledger.escrow(campaign.id), ledger.reserved(campaign.id), refunds.pending_account(campaign.id)]
    for account, amount in ledger.balances(accounts, campaign.currency).items():
        assert amount.minor >= 0, f"{account} went negative: {amount}"
    assert db.session.scalar(select(func.coalesce(func.sum(LedgerEntry.amount_minor), 0))) == 0
    assert ledger.imbalances() == []
    money = ledger.campaign_money(campaign)
    held = ledger.balance(refunds.pending_account(campaign.id), campaign.currency)
    assert money.available + money.reserved + held + ledger.balance(ledger.STRIPE_CLEARING, "PLN") == Money(0, "PLN")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, slots=st.integers(min_value=1, max_value=4))
def test_books_balance_and_no_balance_goes_negative(app, ops, slots):
    with db.session.begin_nested() as savepoint:
        campaign = open_campaign(slots=slots)
        owner = campaign.brand.user
        accepted, scheduled = [], []
        for op in ops:
            try:
                with db.session.begin_nested():
                    if op == "apply_accept":
                        application = ApplicationFactory(campaign=campaign)
                        applications.accept(application, actor=owner)
                        accepted.append(application)
                    elif op == "withdraw" and accepted:
                        application = accepted.pop()
                        applications.withdraw(application, actor=application.creator.user)
                    elif op == "reject":
                        applications.reject(ApplicationFactory(campaign=campaign), actor=owner)
                    elif op == "refund_some":
                        available = ledger.balance(ledger.escrow(campaign.id), "PLN")
                        if available.minor:
                            amount = Money(max(1, available.minor // 2), "PLN")
                            scheduled.append(_schedule(campaign, amount))
                    elif op in ("refund_succeeds", "refund_fails") and scheduled:
                        refund = scheduled.pop()
                        outcome = "succeeded" if op == "refund_succeeds" else "failed"
                        refunds.record_result(refund, f"re_{refund.id}", outcome)
            except (NotAllowed, InvalidTransition):
                pass
            _check_books(campaign)
        savepoint.rollback()


def _schedule(campaign, amount):
    """A refund against a stand-in paid funding (no Stripe involved at this level)."""
    from marketplace.models import Funding

    funding = Funding(campaign_id=campaign.id, status="paid", amount_minor=campaign.total_budget.minor,
                      currency="PLN", idempotency_key=f"prop-{campaign.id}-{amount.minor}-{id(amount)}",
                      payment_intent_id="pi_test")
    db.session.add(funding)
    db.session.flush()
    return refunds.schedule_refund(campaign, funding=funding, amount=amount)
