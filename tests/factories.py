"""Test data factories. Passwords are real Argon2 hashes (a cheap profile in testing)."""
from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from marketplace.extensions import db
from marketplace.models import Application, Brand, Campaign, Creator, CreatorNiche, Role, User
from marketplace.passwords import hash_password

PASSWORD = "correct horse battery"


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(_Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password_hash = factory.LazyFunction(lambda: hash_password(PASSWORD))
    role = Role.ADMIN.value
    status = "active"


class AdminFactory(UserFactory):
    email = factory.Sequence(lambda n: f"admin{n}@example.com")


class BrandFactory(_Base):
    class Meta:
        model = Brand

    user = factory.SubFactory(UserFactory, role=Role.BRAND.value,
                              email=factory.Sequence(lambda n: f"brand{n}@example.com"))
    company_name = factory.Sequence(lambda n: f"Brand {n}")
    country = "PL"
    default_currency = "PLN"


class CreatorFactory(_Base):
    class Meta:
        model = Creator

    user = factory.SubFactory(UserFactory, role=Role.CREATOR.value,
                              email=factory.Sequence(lambda n: f"creator{n}@example.com"))
    display_name = factory.Sequence(lambda n: f"Creator {n}")
    country = "PL"
    niche_rows = factory.LazyFunction(lambda: [CreatorNiche(niche="food")])


class CampaignFactory(_Base):
    class Meta:
        model = Campaign

    brand = factory.SubFactory(BrandFactory)
    title = factory.Sequence(lambda n: f"Campaign {n}")
    brief = "Show our product."
    payout_minor = 50_000
    currency = "PLN"
    slots = 3


def open_campaign(**overrides) -> Campaign:
    """A campaign funded in full and open for applications (through the real services)."""
    from datetime import timedelta

    from marketplace.models import utcnow
    from marketplace.services.campaigns import record_funding

    now = utcnow()
    defaults = dict(status="awaiting_funding", application_deadline=now + timedelta(days=10),
                    posting_starts_at=now, posting_ends_at=now + timedelta(days=30), fee_per_post_minor=7_500)
    campaign = CampaignFactory(**{**defaults, **overrides})
    record_funding(campaign, campaign.total_budget, f"test-{campaign.id}")
    return campaign


class ApplicationFactory(_Base):
    class Meta:
        model = Application

    campaign = factory.SubFactory(CampaignFactory)
    creator = factory.SubFactory(CreatorFactory)
    pitch = "I post about coffee every morning."


def accepted_application(campaign: Campaign | None = None, creator: Creator | None = None,
                         **campaign_overrides) -> Application:
    """A creator accepted into an open, funded campaign through the real services (budget
    reserved in the ledger)."""
    from marketplace.services import applications

    campaign = campaign or open_campaign(**campaign_overrides)
    creator = creator or CreatorFactory()
    application = applications.apply(campaign, creator, pitch="", actor=creator.user)
    applications.accept(application, actor=campaign.brand.user)
    db.session.flush()
    return application


def linked_account(creator: Creator, fake, platform: str = "instagram", username: str | None = None,
                   *, account_type: str | None = None, followers: int = 5_000, scopes=None):
    """Create `username` on the fake platform, grant a token there (skipping the consent page) and
    store it for `creator` as a linked account, the way the OAuth callback would."""
    from datetime import timedelta

    from marketplace import vault
    from marketplace.models import LinkedAccount, utcnow

    username = username or f"creator.{creator.id}"
    fake.create_account(platform, username, account_type=account_type, followers=followers)
    granted = fake.grant_token(platform, username, scopes)
    details = fake.account(platform, username)
    account = LinkedAccount(
        creator_id=creator.id, platform=platform, username=username,
        platform_user_id=details["user_id"] if platform == "instagram" else details["open_id"],
        display_name=username, account_type=details.get("account_type"), followers=followers,
        access_token_encrypted=vault.encrypt(granted["access_token"]),
        refresh_token_encrypted=vault.encrypt(granted["refresh_token"]) if granted.get("refresh_token") else None,
        token_expires_at=utcnow() + timedelta(seconds=int(granted["expires_in"])),
        scopes=[s for s in (granted.get("permissions") or granted.get("scope") or "").split(",") if s])
    db.session.add(account)
    db.session.flush()
    return account
