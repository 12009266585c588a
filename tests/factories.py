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
