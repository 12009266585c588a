"""Demo data for the offline sandbox, so a newcomer sees a living product. Safe to run twice."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Campaign, Role
from ..money import Money
from . import accounts

DEMO_PASSWORD = "hashmark-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    created: bool


DEMO_CAMPAIGNS = [
    ("Autumn coffee with Palarnia Kraków", "Show your favourite autumn coffee ritual with our new "
     "single-origin beans. One Reel or carousel, tagged #palarniakrakow and #jesien.", 45000, "PLN", 5),
    ("Weekend in the Tatra mountains", "Take our new 30 l backpack on a weekend hike and tell your "
     "followers what you packed. #GorskieSzlaki", 80000, "PLN", 3),
    ("Bangkok street-food night", "A TikTok from a night market featuring our chilli sauce. "
     "Thai-language captions welcome: #อร่อย", 350000, "THB", 4),
]


def _ensure(role: Role, email: str, create) -> DemoAccount:
    if accounts.find_user(email) is not None:
        return DemoAccount(role.value, email, DEMO_PASSWORD, False)
    create()
    return DemoAccount(role.value, email, DEMO_PASSWORD, True)


def seed_demo() -> list[DemoAccount]:
    made = [
        _ensure(Role.ADMIN, "admin@demo.example.com", lambda: accounts.create_admin(
            email="admin@demo.example.com", password=DEMO_PASSWORD)),
        _ensure(Role.BRAND, "brand@demo.example.com", lambda: accounts.sign_up_brand(
            email="brand@demo.example.com", password=DEMO_PASSWORD, company_name="Palarnia Kraków",
            country="PL", default_currency="PLN", locale="pl")),
        _ensure(Role.CREATOR, "creator@demo.example.com", lambda: accounts.sign_up_creator(
            email="creator@demo.example.com", password=DEMO_PASSWORD, display_name="Ania Creates",
            country="PL", niches=["food", "travel", "lifestyle"], locale="pl")),
        _ensure(Role.CREATOR, "thai.creator@demo.example.com", lambda: accounts.sign_up_creator(
            email="thai.creator@demo.example.com", password=DEMO_PASSWORD, display_name="Nok Eats",
            country="TH", niches=["food", "travel"], locale="th")),
    ]
    brand = accounts.find_user("brand@demo.example.com").brand
    has_campaigns = db.session.scalar(select(func.count()).where(Campaign.brand_id == brand.id))
    if not has_campaigns:
        for title, brief, payout_minor, currency, slots in DEMO_CAMPAIGNS:
            payout = Money(payout_minor, currency)
            db.session.add(Campaign(brand_id=brand.id, title=title, brief=brief,
                                    payout_minor=payout.minor, currency=payout.currency, slots=slots))
    db.session.flush()
    return made
