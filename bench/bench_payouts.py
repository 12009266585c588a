"""Payouts settled per second by the transfer job against the fake Stripe (prints figures only).

Funds campaigns through the fake's real Checkout, onboards creators as connected accounts, makes
approved payouts, then lets `execute_payout` settle them (claim, commit, `transfers.create` over
HTTP, record, commit) with 1 worker and with 4 (threads, each with its own app context and
database session, taking payouts from one shared queue). Also runs 4 workers that all try every
payout, to show what losing the compare-and-set costs; every payout still gets one transfer.

The database is a throwaway SQLite file, or a throwaway PostgreSQL database on the server given
by --database-url or TEST_DATABASE_URL.

Run: .venv/bin/python bench/bench_payouts.py [--payouts 200]
     .venv/bin/python bench/bench_payouts.py --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""
from __future__ import annotations

import argparse
import logging
import os
import queue
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # config.py and tests/ live at the root

from _support import postgres_database  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace import db as tx  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.jobs.payouts import execute_payout  # noqa: E402
from marketplace.models import (Application, Brand, Campaign, Creator, CreatorNiche, Payout,  # noqa: E402
                                Submission, User, utcnow)
from marketplace.payments import funding, onboarding  # noqa: E402
from marketplace.payments.sync import sync_funding  # noqa: E402
from marketplace.services import applications, ledger  # noqa: E402
from tests.fakes.stripe_fake import FakeStripeServer  # noqa: E402

API_KEY = "sk_test_bench_payouts"
SLOTS = 10  # payouts per campaign (one funding charge pays them all)


def build(fake, batch: str, payouts: int) -> list[int]:
    """`payouts` approved payouts: campaigns paid through Checkout, onboarded creators."""
    creators = []
    for n in range(SLOTS):
        user = User(email=f"creator{n}-{batch}@bench.test", password_hash="x", role="creator")
        user.creator = Creator(display_name=f"Creator {n}", country="PL", niche_rows=[CreatorNiche(niche="food")])
        db.session.add(user)
        db.session.flush()
        account = onboarding.record_account(user.creator, onboarding.create_account(
            onboarding.plan_account(user.creator, email=user.email, locale="en")))
        fake.complete_onboarding(account.stripe_account_id)
        onboarding.apply_state(account, onboarding.fetch_state(account.stripe_account_id))
        creators.append(user.creator)
    brand_user = User(email=f"brand-{batch}@bench.test", password_hash="x", role="brand")
    brand_user.brand = Brand(company_name=f"Bench {batch}", country="PL", default_currency="PLN")
    db.session.add(brand_user)
    tx.commit()
    made: list[int] = []
    while len(made) < payouts:
        made += _campaign(fake, brand_user, creators[:payouts - len(made)])
    return made


def _campaign(fake, brand_user: User, creators: list[Creator]) -> list[int]:
    now = utcnow()
    campaign = Campaign(brand_id=brand_user.brand.id, title="Bench", payout_minor=20_000, fee_per_post_minor=3_000,
                        currency="PLN", slots=len(creators), status="awaiting_funding", posting_starts_at=now,
                        posting_ends_at=now)
    db.session.add(campaign)
    db.session.flush()
    paying = funding.prepare_funding(campaign, actor=brand_user)
    plan = funding.checkout_plan(paying, success_url="http://bench.test/ok", cancel_url="http://bench.test/no",
                                 email=brand_user.email, locale="en")
    funding.record_checkout(paying, *funding.create_checkout(plan))
    session_id = paying.checkout_session_id
    tx.commit()
    fake.pay_checkout_session(session_id)
    sync_funding(session_id)
    campaign = db.session.get(Campaign, campaign.id)
    ids = []
    for creator in creators:
        application = Application(campaign_id=campaign.id, creator_id=creator.id)
        db.session.add(application)
        db.session.flush()
        applications.accept(application, actor=brand_user)
        submission = Submission(application_id=application.id, campaign_id=campaign.id, creator_id=creator.id,
                                platform="instagram", status="live_check_passed")
        db.session.add(submission)
        db.session.flush()
        payout = Payout(submission_id=submission.id, campaign_id=campaign.id, creator_id=creator.id,
                        status="approved", amount_minor=campaign.payout_minor, fee_minor=campaign.fee_per_post_minor,
                        currency="PLN")
        db.session.add(payout)
        db.session.flush()
        ledger.post("payout", [ledger.Leg(ledger.reserved(campaign.id), -campaign.cost_per_post),
                               ledger.Leg(ledger.creator_payable(creator.id), payout.amount),
                               ledger.Leg(ledger.PLATFORM_FEES, payout.fee)],
                    reference=f"payout:submission:{submission.id}", campaign=campaign)
        ids.append(payout.id)
    tx.commit()
    return ids


def settle(app, ids: list[int], workers: int, *, everyone_tries_all: bool = False) -> float:
    """Seconds for `workers` threads to settle `ids`: from one shared queue, or each trying all."""
    work: queue.Queue[int] = queue.Queue()
    for payout_id in ids:
        work.put(payout_id)
    errors: list[BaseException] = []

    def worker() -> None:
        with app.app_context():
            mine = list(ids) if everyone_tries_all else None
            while True:
                if mine is not None:
                    if not mine:
                        return
                    payout_id = mine.pop(0)
                else:
                    try:
                        payout_id = work.get_nowait()
                    except queue.Empty:
                        return
                try:
                    execute_payout.run(payout_id)
                except BaseException as error:  # noqa: BLE001 - reported below
                    tx.rollback()
                    errors.append(error)
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        print(f"    {len(errors)} errors, first: {errors[0]!r}")
    return elapsed


def run(url: str, label: str, payouts: int) -> None:
    from flask_migrate import upgrade

    logging.disable(logging.WARNING)  # the job logs every transfer
    with FakeStripeServer(api_key=API_KEY, auto_deliver=False, default_currency="pln") as server:
        options = {"pool_size": 8} if url.startswith("postgresql") else {}
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=options,
                         STRIPE_SECRET_KEY=API_KEY, STRIPE_API_BASE=server.url, STRIPE_MAX_NETWORK_RETRIES=0)
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            batches = {name: build(server.fake, name, payouts) for name in ("one", "four", "contended")}
            print(f"\n[{label}] built {3 * payouts} approved payouts in {time.perf_counter() - started:.1f}s")
        print(f"  {'workers':<36} {'payouts/s':>10} {'ms/payout':>10} {'transfers':>10}")
        for name, workers, everyone in (("one", 1, False), ("four", 4, False), ("contended", 4, True)):
            elapsed = settle(app, batches[name], workers, everyone_tries_all=everyone)
            with app.app_context():
                paid = db.session.scalar(select(func.count()).select_from(Payout).where(
                    Payout.id.in_(batches[name]), Payout.status == "paid"))
                db.session.remove()
            posts = {r["idempotency_key"] for r in server.fake.requests("/v1/transfers") if r["method"] == "POST"}
            sent = sum(1 for payout_id in batches[name] if f"payout-{payout_id}-1" in posts)
            what = f"{workers} {'worker' if workers == 1 else 'workers'}" + (", all trying every payout"
                                                                              if everyone else "")
            print(f"  {what:<36} {paid / elapsed:10.1f} {1000 * elapsed / max(paid, 1):10.1f} {sent:>10}")
        with app.app_context():
            db.engine.dispose()
    logging.disable(logging.NOTSET)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--payouts", type=int, default=200, help="payouts per round (default 200)")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL"),
                        help="a PostgreSQL server URL (default: TEST_DATABASE_URL; else SQLite)")
    args = parser.parse_args()
    if args.database_url:
        with postgres_database(args.database_url) as url:
            run(url, "PostgreSQL", args.payouts)
    else:
        with tempfile.TemporaryDirectory(prefix="hashmark-bench-") as directory:
            run(f"sqlite:///{directory}/bench.sqlite3", "SQLite file", args.payouts)


if __name__ == "__main__":
    main()
