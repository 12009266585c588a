"""Two workers at once, on two real connections (SQLite and PostgreSQL alike): one transfer, one posting."""
from __future__ import annotations

import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from marketplace import create_app
from marketplace import db as tx
from marketplace.extensions import db
from marketplace.jobs.payouts import _record, execute_payout, sync_transfer
from marketplace.models import Brand, Campaign, Creator, CreatorNiche, LedgerTransaction, Payout, User, utcnow
from marketplace.payments import funding, onboarding, transfers
from marketplace.payments.sync import sync_funding
from marketplace.services import ledger

from ..fakes.stripe_fake import FakeStripeServer
from .test_transfers import payout_for



@pytest.fixture
def race(fresh_database):
    """An app on a database of its own (the racing transactions really commit) and a fake Stripe."""
    with fresh_database() as url, FakeStripeServer(api_key="sk_test_race", auto_deliver=False,
                                                   default_currency="pln") as server:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 4},
                         STRIPE_SECRET_KEY="sk_test_race", STRIPE_API_BASE=server.url,
                         STRIPE_MAX_NETWORK_RETRIES=0)
        with app.app_context():
            upgrade()
        yield app, server.fake
        with app.app_context():
            db.engine.dispose()


def _approved_payout(app, fake) -> int:
    """A campaign paid through Checkout, an onboarded creator, an approved payout; returns its id."""
    with app.app_context():
        now = utcnow()
        brand_user = User(email="brand@race.test", password_hash="x", role="brand")
        brand_user.brand = Brand(company_name="Race", country="PL", default_currency="PLN")
        campaign = Campaign(brand=brand_user.brand, title="Race", payout_minor=10_000, fee_per_post_minor=1_500,
                            currency="PLN", slots=1, status="awaiting_funding", posting_starts_at=now,
                            application_deadline=None, posting_ends_at=now)
        creator_user = User(email="creator@race.test", password_hash="x", role="creator")
        creator_user.creator = Creator(display_name="Racer", country="PL", niche_rows=[CreatorNiche(niche="food")])
        db.session.add_all([brand_user, campaign, creator_user])
        db.session.flush()
        made = funding.prepare_funding(campaign, actor=brand_user)
        plan = funding.checkout_plan(made, success_url="http://hashmark.test/ok", cancel_url="http://hashmark.test/no",
                                     email=brand_user.email, locale="en")
        funding.record_checkout(made, *funding.create_checkout(plan))
        session_id = made.checkout_session_id
        tx.commit()
        fake.pay_checkout_session(session_id)
        sync_funding(session_id)
        creator = db.session.get(Creator, creator_user.creator.id)
        account = onboarding.record_account(creator, onboarding.create_account(
            onboarding.plan_account(creator, email=creator_user.email, locale="en")))
        fake.complete_onboarding(account.stripe_account_id)
        onboarding.apply_state(account, onboarding.fetch_state(account.stripe_account_id))
        payout = payout_for(db.session.get(Campaign, campaign.id), creator, status="approved")
        tx.commit()
        return payout.id


def _together(*jobs) -> list[BaseException]:
    """Run each job in its own thread and app context, released at the same moment."""
    barrier, errors = threading.Barrier(len(jobs), timeout=20), []

    def run(job):
        try:
            barrier.wait()
            job()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            errors.append(error)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _postings(app, payout_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LedgerTransaction)
                                 .where(LedgerTransaction.reference == f"transfer:payout:{payout_id}"))


def test_two_workers_sending_the_same_payout_make_one_transfer(race):
    app, fake = race
    payout_id = _approved_payout(app, fake)

    def worker():
        with app.app_context():
            execute_payout.run(payout_id)

    assert _together(worker, worker) == []
    posts = [r for r in fake.requests("/v1/transfers") if r["method"] == "POST"]
    assert len(posts) == 1 and posts[0]["idempotency_key"] == f"payout-{payout_id}-1"
    assert _postings(app, payout_id) == 1
    with app.app_context():
        payout = db.session.get(Payout, payout_id)
        assert payout.status == "paid"
        assert ledger.balance(ledger.creator_payable(payout.creator_id), "PLN").minor == 0
        assert ledger.imbalances() == []


def test_the_worker_and_the_webhook_recording_at_once_post_once(race):
    app, fake = race
    payout_id = _approved_payout(app, fake)
    with app.app_context():
        plan = transfers.start(db.session.get(Payout, payout_id), now=utcnow())
        tx.commit()
        found = transfers.at_stripe(plan)

    def worker():
        with app.app_context():
            _record(payout_id, found)

    def webhook():
        with app.app_context():
            sync_transfer(found.id)

    assert _together(worker, webhook) == []
    assert _postings(app, payout_id) == 1
    with app.app_context():
        assert db.session.get(Payout, payout_id).status == "paid"
        assert ledger.imbalances() == []
