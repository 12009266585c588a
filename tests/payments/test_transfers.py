"""Approved payouts become exactly one Stripe Transfer each, whatever the network does.

Campaigns are funded through the fake Stripe's real Checkout (so a `ch_…` charge exists) and
creators onboarded there (transfers capability active); the real SDK talks to it over HTTP.
"""
from __future__ import annotations

from datetime import timedelta

import stripe
from sqlalchemy import func, select

from marketplace import clock
from marketplace import db as tx
from marketplace.extensions import db
from marketplace.jobs.payouts import due_payout_work, execute_payout
from marketplace.models import AuditEvent, LedgerTransaction, Payout, PayoutAccount, Submission
from marketplace.money import Money
from marketplace.payments import onboarding, transfers
from marketplace.payments.funding import fund_in_sandbox
from marketplace.services import applications, ledger, payout_approval

from ..factories import AdminFactory, CampaignFactory, CreatorFactory
from .test_refunds import _funded


# ------------------------------------------------------------------------------ helpers (shared)
def ready_creator(sandbox=None, *, country: str = "PL", onboarded: bool = True, **fields):
    """A creator with a connected account at the fake Stripe, READY when `onboarded`."""
    creator = CreatorFactory(country=country, **fields)
    if sandbox is None:
        return creator
    plan = onboarding.plan_account(creator, email=creator.user.email, locale="en")
    account = onboarding.record_account(creator, onboarding.create_account(plan))
    if onboarded:
        sandbox.fake.complete_onboarding(account.stripe_account_id)
    onboarding.apply_state(account, onboarding.fetch_state(account.stripe_account_id))
    db.session.flush()
    return creator


def payout_for(campaign, creator, *, status: str = "pending_approval") -> Payout:
    """An accepted creator's post is payable: a Payout and its ledger posting (reserved cost ->
    creator's amount + platform fee), as `services.payouts.create_for` makes them."""
    application = applications.apply(campaign, creator, pitch="", actor=creator.user)
    applications.accept(application, actor=campaign.brand.user)
    submission = Submission(application_id=application.id, campaign_id=campaign.id, creator_id=creator.id,
                            platform="instagram", status="live_check_passed",
                            permalink=f"https://www.instagram.com/p/C{application.id}x/")
    db.session.add(submission)
    db.session.flush()
    payout = Payout(submission_id=submission.id, campaign_id=campaign.id, creator_id=creator.id, status=status,
                    amount_minor=campaign.payout_minor, fee_minor=campaign.fee_per_post_minor,
                    currency=campaign.currency)
    db.session.add(payout)
    db.session.flush()
    legs = [ledger.Leg(ledger.reserved(campaign.id), -campaign.cost_per_post),
            ledger.Leg(ledger.creator_payable(creator.id), payout.amount)]
    if payout.fee_minor:
        legs.append(ledger.Leg(ledger.PLATFORM_FEES, payout.fee))
    ledger.post("payout", legs, reference=f"payout:submission:{submission.id}", campaign=campaign)
    return payout


def funded_payout(sandbox, *, onboarded: bool = True, slots: int = 2, **campaign):
    """A payout awaiting approval on a campaign paid through Checkout, for an onboarded creator."""
    campaign_row, funding = _funded(sandbox, slots=slots, **campaign)
    payout = payout_for(campaign_row, ready_creator(sandbox, onboarded=onboarded))
    tx.commit()
    return payout, funding


def approve(payout, admin=None):
    payout_approval.approve([payout], actor=admin or AdminFactory())
    tx.commit()  # the transfer job runs after commit (in process here)


def transfer_posts(sandbox) -> list[dict]:
    return [r for r in sandbox.fake.requests("/v1/transfers") if r["method"] == "POST"]


def made_transfers(sandbox) -> list[dict]:
    return [t for t in sandbox.fake.world.objects.values() if t.get("object") == "transfer"]


def payable(creator) -> Money:
    return ledger.balance(ledger.creator_payable(creator.id), "PLN")


class FlakyHttp(stripe.RequestsClient):
    """The network between us and Stripe: `drop` forwards a matching request and then loses the
    answer (Stripe acted, we never hear); `throttle` answers 429 without forwarding, like a rate
    limiter in front of Stripe."""

    def __init__(self, path: str, *, drop: int = 0, throttle: int = 0):
        import requests

        session = requests.Session()
        session.trust_env = False
        super().__init__(session=session, timeout=15)
        self.path, self.drop, self.throttle = path, drop, throttle

    def request(self, method, url, headers, post_data=None):
        if method.upper() == "POST" and self.path in url and self.throttle:
            self.throttle -= 1
            body = b'{"error": {"type": "invalid_request_error", "code": "rate_limit", "message": "Too many requests"}}'
            return body, 429, {"Request-Id": "req_throttled"}
        answer = super().request(method, url, headers, post_data)
        if method.upper() == "POST" and self.path in url and self.drop:
            self.drop -= 1
            raise stripe.APIConnectionError("the connection dropped before the answer arrived")
        return answer


def flaky_network(app, sandbox, **kwargs) -> FlakyHttp:
    http = FlakyHttp("/v1/transfers", **kwargs)
    app.extensions["stripe_client"] = stripe.StripeClient(app.config["STRIPE_SECRET_KEY"],
                                                          base_addresses=sandbox.server.base_addresses,
                                                          http_client=http)
    return http


# ------------------------------------------------------------------------------------- tests
def test_an_approved_payout_becomes_one_transfer_from_the_campaigns_charge(sandbox):
    payout, funding = funded_payout(sandbox)
    creator = payout.creator
    assert payable(creator) == Money(50_000, "PLN")

    approve(payout)

    assert payout.status == "paid" and payout.attempt == 1
    [made] = made_transfers(sandbox)
    account = db.session.scalar(select(PayoutAccount).where(PayoutAccount.creator_id == creator.id))
    assert (made["amount"], made["currency"], made["destination"]) == (50_000, "pln", account.stripe_account_id)
    assert made["source_transaction"] == funding.charge_id
    assert made["transfer_group"] == f"campaign_{payout.campaign_id}"
    assert made["metadata"] == {"payout_id": str(payout.id), "campaign_id": str(payout.campaign_id),
                                "creator_id": str(creator.id), "attempt": "1"}
    assert [r["idempotency_key"] for r in transfer_posts(sandbox)] == [f"payout-{payout.id}-1"]
    assert payout.stripe_transfer_id == made["id"] and payout.transferred_at is not None and payout.paid_at is None
    assert sandbox.fake.balances(account.stripe_account_id)["pln"]["pending"] == 50_000

    # the creator's money left our books for Stripe; the fee stays ours
    assert payable(creator) == Money(0, "PLN")
    posting = ledger.find(f"transfer:payout:{payout.id}")
    assert posting.kind == "transfer" and {e.account: e.amount_minor for e in posting.entries} == {
        ledger.creator_payable(creator.id): -50_000, ledger.STRIPE_CLEARING: 50_000}
    assert ledger.balance(ledger.PLATFORM_FEES, "PLN") == Money(7_500, "PLN")
    assert ledger.imbalances() == []

    # nothing is due any more, and the webhook for our own transfer changes nothing
    assert due_payout_work(clock.now() + timedelta(days=2)) == {"payouts_sent": 0, "payout_retries": 0,
                                                                 "payouts_reconciled": 0}
    assert set(sandbox.deliver_all()) == {200}
    assert len(made_transfers(sandbox)) == 1 and len(transfer_posts(sandbox)) == 1
    assert db.session.scalar(select(func.count()).select_from(LedgerTransaction)
                             .where(LedgerTransaction.kind == "transfer")) == 1


def test_running_the_job_again_sends_nothing_more(sandbox):
    payout, _ = funded_payout(sandbox)
    approve(payout)
    execute_payout.run(payout.id)
    tx.commit()
    assert len(transfer_posts(sandbox)) == 1 and payout.status == "paid"


def test_a_lost_answer_is_retried_with_the_same_key_and_stripe_replays_the_transfer(app, sandbox):
    payout, _ = funded_payout(sandbox)
    flaky_network(app, sandbox, drop=1)

    approve(payout)

    # Stripe made the transfer, but we never heard: still processing, a retry planned
    assert len(made_transfers(sandbox)) == 1
    assert payout.status == "processing" and payout.attempt == 1 and payout.next_attempt_at is not None
    assert payout.failure_code == "stripe_unavailable"
    assert due_payout_work(clock.now())["payout_retries"] == 0  # not due yet: it backs off

    counts = due_payout_work(payout.next_attempt_at)
    assert counts["payout_retries"] == 1
    assert payout.status == "paid" and payout.stripe_transfer_id == made_transfers(sandbox)[0]["id"]
    posts = transfer_posts(sandbox)
    assert [r["idempotency_key"] for r in posts] == [f"payout-{payout.id}-1"] * 2
    assert posts[1]["replayed"] is True
    assert len(made_transfers(sandbox)) == 1
    assert payable(payout.creator) == Money(0, "PLN") and ledger.imbalances() == []


def test_a_rate_limit_is_retried_later_with_the_same_key(app, sandbox):
    payout, _ = funded_payout(sandbox)
    flaky_network(app, sandbox, throttle=1)
    approve(payout)
    assert payout.status == "processing" and transfer_posts(sandbox) == []

    due_payout_work(payout.next_attempt_at)
    assert payout.status == "paid"
    assert [r["idempotency_key"] for r in transfer_posts(sandbox)] == [f"payout-{payout.id}-1"]
    assert len(made_transfers(sandbox)) == 1


def test_a_stripe_500_burns_the_key_so_the_retry_looks_first_then_uses_a_new_one(sandbox):
    payout, _ = funded_payout(sandbox)
    sandbox.fake.inject_error("/v1/transfers", status=500, type="api_error")
    approve(payout)
    assert payout.status == "processing" and payout.attempt == 2  # Stripe keeps the 500 under key 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "payouts",
                                                      AuditEvent.action == "retry_scheduled")).data["key_burned"]

    due_payout_work(payout.next_attempt_at)
    assert payout.status == "paid"
    assert [r["idempotency_key"] for r in transfer_posts(sandbox)] == [f"payout-{payout.id}-1",
                                                                         f"payout-{payout.id}-2"]
    lookups = [r for r in sandbox.fake.requests("/v1/transfers") if r["method"] == "GET"]
    assert len(lookups) == 1  # the new key is used only after Stripe says there is no transfer yet
    assert len(made_transfers(sandbox)) == 1 and made_transfers(sandbox)[0]["metadata"]["attempt"] == "2"


def test_a_worker_killed_before_the_call_is_reconciled_and_sent_once(sandbox):
    payout, _ = funded_payout(sandbox)
    payout_approval.approve([payout], actor=AdminFactory())
    db.session.flush()
    assert transfers.start(payout, now=clock.now()) is not None  # claimed ... and the worker dies
    tx.commit()
    assert payout.status == "processing" and transfer_posts(sandbox) == []
    assert due_payout_work(clock.now())["payouts_reconciled"] == 0  # a live worker may still be calling

    counts = due_payout_work(clock.now() + transfers.STUCK_AFTER + timedelta(minutes=1))
    assert counts["payouts_reconciled"] == 1 and counts["payout_retries"] == 1
    assert payout.status == "paid" and len(made_transfers(sandbox)) == 1
    assert [r["idempotency_key"] for r in transfer_posts(sandbox)] == [f"payout-{payout.id}-1"]
    assert ledger.imbalances() == []


def test_a_worker_killed_after_the_call_is_finished_from_stripe_without_a_second_transfer(sandbox):
    payout, _ = funded_payout(sandbox)
    payout_approval.approve([payout], actor=AdminFactory())
    db.session.flush()
    plan = transfers.start(payout, now=clock.now())
    tx.commit()
    transfers.at_stripe(plan)  # the transfer is made ... and the worker dies before recording it

    counts = due_payout_work(clock.now() + timedelta(hours=25))
    assert counts == {"payouts_sent": 0, "payout_retries": 0, "payouts_reconciled": 1}
    assert payout.status == "paid" and payout.stripe_transfer_id == made_transfers(sandbox)[0]["id"]
    assert len(transfer_posts(sandbox)) == 1
    assert payable(payout.creator) == Money(0, "PLN") and ledger.imbalances() == []


def test_a_creator_not_ready_to_be_paid_keeps_the_payout_approved_and_waiting(sandbox):
    payout, _ = funded_payout(sandbox, onboarded=False)
    approve(payout)
    assert payout.status == "approved" and transfer_posts(sandbox) == []
    assert payout.failure_code == transfers.WAITING_FOR_ACCOUNT
    assert "finish setting up payouts" in transfers.failure_reason(payout)
    assert due_payout_work(clock.now())["payouts_sent"] == 0

    account = db.session.scalar(select(PayoutAccount).where(PayoutAccount.creator_id == payout.creator_id))
    sandbox.fake.complete_onboarding(account.stripe_account_id)
    sandbox.deliver_all()  # account.updated: the account is ready
    assert account.status == "ready"
    assert due_payout_work(clock.now())["payouts_sent"] == 1
    assert payout.status == "paid" and payout.failure_code is None and len(made_transfers(sandbox)) == 1


def test_a_refused_transfer_fails_with_a_plain_reason_and_a_retry_uses_a_new_key(sandbox):
    payout, _ = funded_payout(sandbox)
    sandbox.fake.inject_error("/v1/transfers", status=400, code="insufficient_capabilities_for_transfer",
                              message="Your destination account needs to have at least one of the following "
                                      "capabilities enabled: transfers")
    approve(payout)
    assert payout.status == "failed" and payout.failure_code == "insufficient_capabilities_for_transfer"
    assert "needs more details" in transfers.failure_reason(payout)
    assert payable(payout.creator) == Money(50_000, "PLN")  # still owed to the creator
    failed = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "payouts",
                                                        AuditEvent.to_status == "failed"))
    assert failed.reason and failed.data["code"] == "insufficient_capabilities_for_transfer"

    admin = AdminFactory()
    payout_approval.retry(payout, actor=admin)
    tx.commit()
    assert payout.status == "paid" and payout.attempt == 2 and payout.failure_code is None
    assert [r["idempotency_key"] for r in transfer_posts(sandbox)] == [f"payout-{payout.id}-1",
                                                                         f"payout-{payout.id}-2"]
    assert len(made_transfers(sandbox)) == 1
    retried = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "payouts",
                                                         AuditEvent.reason == "retry"))
    assert retried.actor_id == admin.id
    assert payable(payout.creator) == Money(0, "PLN") and ledger.imbalances() == []


def test_a_second_payout_uses_what_is_left_of_the_same_charge(sandbox):
    payout, funding = funded_payout(sandbox)
    other = payout_for(payout.campaign, ready_creator(sandbox))
    tx.commit()
    payout_approval.approve([payout, other], actor=AdminFactory())
    tx.commit()
    assert payout.status == other.status == "paid"
    assert {t["source_transaction"] for t in made_transfers(sandbox)} == {funding.charge_id}
    assert ledger.imbalances() == []


def test_a_sandbox_funded_campaign_settles_in_the_ledger_only(sandbox, app, monkeypatch):
    campaign = CampaignFactory(status="awaiting_funding", fee_per_post_minor=7_500, slots=1)
    fund_in_sandbox(campaign, actor=campaign.brand.user)
    payout = payout_for(campaign, ready_creator(sandbox))
    approve(payout)
    assert payout.status == "paid" and payout.stripe_transfer_id is None
    assert payout.transferred_at is not None and payout.paid_at is not None
    assert transfer_posts(sandbox) == []
    assert payable(payout.creator) == Money(0, "PLN") and ledger.imbalances() == []
    paid = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "payouts", AuditEvent.to_status == "paid"))
    assert paid.data == {"sandbox": True}


def test_without_sandbox_payments_a_sandbox_funded_campaign_cannot_pay(sandbox, app, monkeypatch):
    campaign = CampaignFactory(status="awaiting_funding", fee_per_post_minor=7_500, slots=1)
    fund_in_sandbox(campaign, actor=campaign.brand.user)
    payout = payout_for(campaign, ready_creator(sandbox))
    monkeypatch.setitem(app.config, "SANDBOX_PAYMENTS", False)
    approve(payout)
    assert payout.status == "failed" and payout.failure_code == "sandbox_funding"
    assert "funded in the sandbox" in transfers.failure_reason(payout)
    assert payable(payout.creator) == Money(50_000, "PLN")
