from datetime import timedelta

import pytest
from flask import abort

from marketplace.models import utcnow

from ...factories import BrandFactory
from ...helpers import login


@pytest.fixture(autouse=True)
def _each_test_in_a_rolled_back_transaction(db_session):
    yield


# Accepting or rejecting an application notifies the creator with a link to these pages of the
# creator blueprint. Until that blueprint provides them, stand-ins (404, behind the creator gate)
# let the links be built; once the real views exist this does nothing.
CREATOR_LINKS = {
    "creator.campaign_view": "/creator/campaigns/<int:campaign_id>",
    "creator.applications": "/creator/applications",
}


@pytest.fixture(scope="session", autouse=True)
def _creator_links(app):
    from werkzeug.routing import Rule

    def not_yet(**_values):
        abort(404)

    for endpoint, rule in CREATOR_LINKS.items():
        if endpoint not in app.view_functions:
            app.url_map.add(Rule(rule, endpoint=endpoint, methods=["GET"]))
            app.view_functions[endpoint] = not_yet


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
