from datetime import timedelta

import pytest
from marketplace.models import utcnow

from ...factories import BrandFactory
from ...helpers import login


@pytest.fixture(autouse=True)
def _each_test_in_a_rolled_back_transaction(db_session):
    yield


@pytest.fixture
def brand():
    return BrandFactory(country="PL", default_currency="PLN", company_name="Palarnia Kraków")


@pytest.fixture
def brand_client(client, brand):
    login(client, brand.user)
    return client


def dates(**shift_days) -> dict[str, str]:
    today = utcnow().date()
    days = {"application_deadline": 7, "posting_starts": 1, "posting_ends": 21, **shift_days}
    return {name: (today + timedelta(days=n)).isoformat() for name, n in days.items()}


def campaign_form(**overrides) -> dict:
    """A valid campaign form as the browser posts it (unchecked boxes are simply absent)."""
    data = {
        "title": "Jesienna kawa",
        "brief": "Pokaż **poranną kawę** z naszej palarni.",
        "product_category": "food",
        "platforms": ["instagram"],
        "hashtags": "#PalarniaKraków, ＃reklama",
        "mentions": "@palarnia.krakow",
        "disclosure_required": "y",
        "disclosure_locale": "pl",
        "payout": "450.00",
        "currency": "PLN",
        "slots": "3",
        **dates(),
        "min_live_days": "14",
        "countries": ["PL"],
        "min_followers": "1000",
        "niches": ["food"],
        "dos": "Show the cup.",
        "donts": "No competitors.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
