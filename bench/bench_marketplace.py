"""Requests per second and SQL statements per page of the creator marketplace (prints figures only).

Builds 10,000 open campaigns (plus closed and draft ones, brands, creators and applications) in a
temporary SQLite database, signs a creator in, and requests the marketplace page with a few
search / filter / sort combinations through the real app. With TEST_DATABASE_URL set (a
PostgreSQL server URL), does the same in a throwaway database on that server, then once more
with a pg_trgm index on `campaigns.search_text` to show what it does for substring search.

Run: .venv/bin/python bench/bench_marketplace.py
     TEST_DATABASE_URL=postgresql://user:pw@localhost/postgres .venv/bin/python bench/bench_marketplace.py
"""
from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # config.py lives at the repository root

from _support import postgres_database  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.catalog import NICHES, normalise_text  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.models import (Application, Brand, Campaign, CampaignCountry, CampaignNiche, Creator,  # noqa: E402
                                CreatorNiche, User, utcnow)
from marketplace.services import accounts  # noqa: E402

OPEN_CAMPAIGNS = 10_000
OTHER_CAMPAIGNS = 2_000
BRANDS = 300
CREATORS = 300
APPLICATIONS = 4_000
PASSWORD = "bench-password-123"
SCENARIOS = [
    ("best fit, page 1", {}),
    ("newest, page 10", {"sort": "newest", "page": 10}),
    ("search 'kawa' (Polish)", {"q": "kawa"}),
    ("search 'kraków palarnia'", {"q": "kraków palarnia"}),
    ("search 'อาหาร' (Thai substring)", {"q": "อาหาร"}),
    ("tiktok + food + PLN >= 100, by payout", {"platform": "tiktok", "niche": "food", "currency": "PLN",
                                              "payout_min": "100", "sort": "payout"}),
    ("country PL, by deadline", {"country": "PL", "sort": "deadline"}),
]
SEARCH_SCENARIOS = [scenario for scenario in SCENARIOS if "q" in scenario[1]]

WORDS = {
    "en": ["coffee", "morning", "ritual", "trail", "shoes", "summer", "skincare", "review", "recipe", "unboxing",
           "weekend", "city", "sneakers", "tea", "workout", "gadget", "travel", "beach", "street", "food"],
    "pl": ["kawa", "Kraków", "palarnia", "jesień", "góry", "kosmetyki", "przepis", "śniadanie", "rower",
           "Łódź", "herbata", "plecak", "szlak", "zdrowie", "wnętrza", "moda", "żółty", "święta"],
    "th": ["อาหาร", "กาแฟ", "ตลาดนัด", "ซอสพริก", "ครีมกันแดด", "ท่องเที่ยว", "รีวิว", "เครื่องสำอาง",
           "กรุงเทพ", "ชายหาด", "ขนม", "สุขภาพ"],
}
COUNTRIES = ["PL", "TH", "DE", "CZ", "US", "GB"]
CURRENCIES = {"PL": "PLN", "TH": "THB", "DE": "EUR", "CZ": "CZK", "US": "USD", "GB": "GBP"}


def _text(rng: random.Random, words: int) -> str:
    language = rng.choice(list(WORDS))
    picked = [rng.choice(WORDS[language]) for _ in range(words)]
    # Thai is written without spaces between words
    return "".join(picked) if language == "th" else " ".join(picked)


def build(rng: random.Random) -> None:
    """Bulk-insert the data set (Core inserts through the ORM: seconds, not minutes)."""
    now = utcnow()
    users = [{"email": f"bench-brand{i}@example.com", "password_hash": "x", "role": "brand", "status": "active",
              "created_at": now} for i in range(BRANDS)]
    users += [{"email": f"bench-creator{i}@example.com", "password_hash": "x", "role": "creator",
               "status": "active", "created_at": now} for i in range(CREATORS)]
    user_ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), users))
    brand_ids = list(db.session.scalars(insert(Brand).returning(Brand.id, sort_by_parameter_order=True), [
        {"user_id": uid, "company_name": f"Brand {n}", "country": "PL", "default_currency": "PLN", "created_at": now}
        for n, uid in enumerate(user_ids[:BRANDS])]))
    creator_ids = list(db.session.scalars(insert(Creator).returning(Creator.id, sort_by_parameter_order=True), [
        {"user_id": uid, "display_name": f"Creator {n}", "country": rng.choice(COUNTRIES), "bio": "",
         "followers": rng.randrange(0, 100_000), "created_at": now}
        for n, uid in enumerate(user_ids[BRANDS:])]))

    rows = []
    for i in range(OPEN_CAMPAIGNS + OTHER_CAMPAIGNS):
        home = rng.choice(COUNTRIES)
        title, brief = _text(rng, 3).capitalize(), _text(rng, 40)
        on_instagram = rng.random() < 0.7
        payout = rng.choice([5_000, 20_000, 45_000, 80_000, 150_000, 400_000])
        rows.append({
            "brand_id": rng.choice(brand_ids), "title": title[:140], "brief": brief,
            "product_category": rng.choice(list(NICHES)),
            "status": "open" if i < OPEN_CAMPAIGNS else rng.choice(["closed", "draft", "completed", "cancelled"]),
            "on_instagram": on_instagram, "on_tiktok": (not on_instagram) or rng.random() < 0.4,
            "required_hashtags": [], "required_mentions": [], "disclosure_required": True,
            "disclosure_locale": "pl", "payout_minor": payout, "fee_per_post_minor": payout * 15 // 100,
            "fee_basis_points": 1500, "currency": CURRENCIES[home], "slots": rng.randrange(1, 20),
            "application_deadline": now + timedelta(days=rng.randrange(-10, 60)) if rng.random() < 0.95 else None,
            "posting_starts_at": now, "posting_ends_at": now + timedelta(days=70), "min_live_days": 7,
            "min_followers": rng.choice([0, 0, 0, 1_000, 10_000, 100_000]), "dos": "", "donts": "",
            "drafts_need_approval": False, "search_text": normalise_text(f"{title}\n{brief}"),
            "created_at": now - timedelta(minutes=rng.randrange(0, 100_000)),
        })
    campaign_ids = list(db.session.scalars(insert(Campaign).returning(Campaign.id, sort_by_parameter_order=True), rows))

    countries, niches = [], []
    for campaign_id in campaign_ids:
        if rng.random() < 0.6:
            countries += [{"campaign_id": campaign_id, "country": c} for c in rng.sample(COUNTRIES, rng.randrange(1, 4))]
        if rng.random() < 0.5:
            niches += [{"campaign_id": campaign_id, "niche": n} for n in rng.sample(list(NICHES), rng.randrange(1, 3))]
    db.session.execute(insert(CampaignCountry), countries)
    db.session.execute(insert(CampaignNiche), niches)
    db.session.execute(insert(CreatorNiche), [{"creator_id": cid, "niche": rng.choice(list(NICHES))}
                                              for cid in creator_ids])
    pairs = {(rng.choice(campaign_ids[:OPEN_CAMPAIGNS]), rng.choice(creator_ids)) for _ in range(APPLICATIONS)}
    db.session.execute(insert(Application), [
        {"campaign_id": campaign_id, "creator_id": creator_id, "pitch": "",
         "status": rng.choice(["pending", "accepted", "accepted", "rejected"]), "created_at": now}
        for campaign_id, creator_id in pairs])
    accounts.sign_up_creator(email="bench@example.com", password=PASSWORD, display_name="Bench Creator",
                             country="PL", niches=["food", "travel"])
    creator = accounts.find_user("bench@example.com").creator
    creator.instagram_handle, creator.followers = "bench.creator", 20_000
    db.session.commit()


def measure(app, label: str, scenarios, rounds: int) -> None:
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute",
                     lambda conn, cursor, statement, *args: statements.append(statement))
    client = app.test_client()
    response = client.post("/login", data={"email": "bench@example.com", "password": PASSWORD})
    assert response.status_code == 302, "bench creator could not sign in"
    print(f"\n{label}")
    print(f"  {'scenario':<42} {'req/s':>8} {'ms/req':>8} {'SQL/page':>9} {'cards':>6}")
    for name, params in scenarios:
        client.get("/creator/campaigns", query_string=params)  # warm-up (compiled-statement cache)
        statements.clear()
        started = time.perf_counter()
        for _ in range(rounds):
            response = client.get("/creator/campaigns", query_string=params)
        elapsed = time.perf_counter() - started
        cards = response.get_data(as_text=True).count('class="card__title"')
        print(f"  {name:<42} {rounds / elapsed:8.1f} {1000 * elapsed / rounds:8.1f} "
              f"{len(statements) / rounds:9.1f} {cards:6d}")


def run(url: str, label: str, rounds: int, *, trigram: bool = False) -> None:
    from flask_migrate import upgrade

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        build(random.Random(20261124))
        print(f"\n[{label}] built {OPEN_CAMPAIGNS:,} open + {OTHER_CAMPAIGNS:,} other campaigns "
              f"in {time.perf_counter() - started:.1f}s")
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    measure(app, f"[{label}] marketplace page, {rounds} requests each", SCENARIOS, rounds)
    if trigram:
        with app.app_context():
            db.session.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            db.session.execute(text("CREATE INDEX ix_bench_search_trgm ON campaigns "
                                    "USING gin (search_text gin_trgm_ops)"))
            db.session.execute(text("ANALYZE campaigns"))
            db.session.commit()
        measure(app, f"[{label}] search again, with a pg_trgm GIN index on search_text", SEARCH_SCENARIOS, rounds)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    rounds = int(os.environ.get("BENCH_ROUNDS", "30"))
    with tempfile.TemporaryDirectory(prefix="hashmark-bench-") as directory:
        run(f"sqlite:///{directory}/bench.sqlite3", "SQLite", rounds)
    server = os.environ.get("TEST_DATABASE_URL")
    if server:
        with postgres_database(server) as url:
            run(url, "PostgreSQL", rounds, trigram=True)
    else:
        print("\n(PostgreSQL skipped: set TEST_DATABASE_URL to a server URL to include it.)")


if __name__ == "__main__":
    main()
