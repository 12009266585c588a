"""Demo data for the offline sandbox, so a newcomer sees a living product. Safe to run twice."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select

from ..extensions import db
from ..models import Application, Campaign, Role, utcnow
from ..money import Money
from . import accounts, campaigns
from .campaign_input import CampaignInput

DEMO_PASSWORD = "hashmark-demo-2026"
BRAND_EMAIL = "brand@demo.example.com"
CREATOR_EMAIL = "creator@demo.example.com"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    created: bool


@dataclass(frozen=True)
class DemoCampaign:
    title: str
    brief: str
    category: str
    platforms: tuple[str, ...]
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]
    locale: str
    payout: Money
    slots: int
    funded: bool


DEMO_CAMPAIGNS = [
    DemoCampaign("Autumn coffee with Palarnia Kraków",
                 "Show your favourite **autumn coffee ritual** with our new single-origin beans.\n\n"
                 "- one Reel or carousel\n- mention where you brew it", "food", ("instagram",),
                 ("PalarniaKraków", "jesień"), ("palarnia.krakow",), "pl", Money(45_000, "PLN"), 5, True),
    DemoCampaign("Weekend in the Tatra mountains",
                 "Take our new 30 l backpack on a weekend hike and tell your followers what you packed.",
                 "travel", ("instagram", "tiktok"), ("GorskieSzlaki",), ("gorskie.szlaki",), "pl",
                 Money(80_000, "PLN"), 3, True),
    DemoCampaign("Bangkok street-food night",
                 "A TikTok from a night market featuring our chilli sauce. Thai-language captions welcome.",
                 "food", ("tiktok",), ("อร่อย", "StreetFoodBKK"), (), "th", Money(350_000, "THB"), 4, False),
]


def _ensure(role: Role, email: str, create) -> DemoAccount:
    if accounts.find_user(email) is not None:
        return DemoAccount(role.value, email, DEMO_PASSWORD, False)
    create()
    return DemoAccount(role.value, email, DEMO_PASSWORD, True)


def _creator(email: str, name: str, country: str, niches: list[str], locale: str, instagram: str | None,
             tiktok: str | None, followers: int):
    def create():
        user = accounts.sign_up_creator(email=email, password=DEMO_PASSWORD, display_name=name,
                                        country=country, niches=niches, locale=locale)
        user.creator.instagram_handle, user.creator.tiktok_handle = instagram, tiktok
        user.creator.followers = followers
    return create


def _campaigns(brand_user) -> None:
    from ..payments.funding import fund_in_sandbox  # demo data is sandbox money

    brand = brand_user.brand
    if db.session.scalar(select(func.count()).select_from(Campaign).where(Campaign.brand_id == brand.id)):
        return
    today = utcnow().date()
    for demo in DEMO_CAMPAIGNS:
        data = CampaignInput(
            title=demo.title, brief=demo.brief, product_category=demo.category, platforms=list(demo.platforms),
            hashtags=list(demo.hashtags), mentions=list(demo.mentions), disclosure_required=True,
            disclosure_locale=demo.locale, payout=demo.payout, slots=demo.slots,
            application_deadline=today + timedelta(days=14), posting_starts=today,
            posting_ends=today + timedelta(days=30), min_live_days=14,
        )
        campaign = campaigns.create_campaign(brand, data, actor=brand_user)
        if demo.funded:
            campaigns.submit_for_funding(campaign, actor=brand_user)
            fund_in_sandbox(campaign, actor=brand_user)


def seed_demo() -> list[DemoAccount]:
    made = [
        _ensure(Role.ADMIN, "admin@demo.example.com", lambda: accounts.create_admin(
            email="admin@demo.example.com", password=DEMO_PASSWORD)),
        _ensure(Role.BRAND, BRAND_EMAIL, lambda: accounts.sign_up_brand(
            email=BRAND_EMAIL, password=DEMO_PASSWORD, company_name="Palarnia Kraków",
            country="PL", default_currency="PLN", locale="pl")),
        _ensure(Role.CREATOR, CREATOR_EMAIL, _creator(
            CREATOR_EMAIL, "Ania Creates", "PL", ["food", "travel", "lifestyle"], "pl",
            "ania.creator", None, 12_400)),
        _ensure(Role.CREATOR, "thai.creator@demo.example.com", _creator(
            "thai.creator@demo.example.com", "Nok Eats", "TH", ["food", "travel"], "th",
            None, "nok.eats", 48_000)),
    ]
    db.session.flush()
    _campaigns(accounts.find_user(BRAND_EMAIL))
    db.session.flush()
    _accept_demo_creator(accounts.find_user(BRAND_EMAIL), accounts.find_user(CREATOR_EMAIL))
    db.session.flush()
    return made


def _accept_demo_creator(brand_user, creator_user) -> None:
    """Ania starts already accepted into the coffee campaign, so the sandbox walk-through can go
    straight to linking Instagram, publishing and submitting the post."""
    from . import applications

    campaign = db.session.scalar(select(Campaign).where(Campaign.brand_id == brand_user.brand.id,
                                                        Campaign.title == DEMO_CAMPAIGNS[0].title))
    if campaign is None or campaign.status != "open":
        return
    if db.session.scalar(select(Application).where(Application.campaign_id == campaign.id,
                                                   Application.creator_id == creator_user.creator.id)):
        return
    application = applications.apply(campaign, creator_user.creator, actor=creator_user,
                                     pitch="Coffee is my morning ritual; my followers love brewing tips.")
    applications.accept(application, actor=brand_user)
