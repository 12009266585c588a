"""Fixtures for the creator workspace: a signed-in creator, campaigns, and a SQL statement counter."""
from __future__ import annotations

import itertools
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from marketplace.catalog import normalise_text
from marketplace.extensions import db
from marketplace.models import CampaignCountry, CampaignNiche, CreatorNiche, utcnow

from ...factories import CampaignFactory, CreatorFactory, open_campaign
from ...helpers import login


@pytest.fixture(autouse=True)
def _each_test_in_a_rolled_back_transaction(db_session):
    yield


def make_creator(niches=("food",), **kwargs):
    return CreatorFactory(niche_rows=[CreatorNiche(niche=n) for n in niches], **kwargs)


_numbers = itertools.count(1)


def listed(countries=(), niches=(), funded=False, **kwargs):
    """An open campaign as the services would have saved it (search_text included).

    `funded=True` goes through the real funding service (needed to accept applications);
    otherwise the campaign is simply open, which is all the marketplace reads.
    """
    kwargs.setdefault("title", f"Listed campaign {next(_numbers)}")
    kwargs.setdefault("brief", "Show our product.")
    kwargs["search_text"] = normalise_text(f"{kwargs['title']}\n{kwargs['brief']}")
    kwargs["country_rows"] = [CampaignCountry(country=c) for c in countries]
    kwargs["niche_rows"] = [CampaignNiche(niche=n) for n in niches]
    if funded:
        return open_campaign(**kwargs)
    kwargs.setdefault("status", "open")
    kwargs.setdefault("application_deadline", utcnow() + timedelta(days=10))
    return CampaignFactory(**kwargs)


@pytest.fixture
def creator(client):
    """A signed-in creator in Poland posting about food, with an Instagram account and 5,000 followers."""
    creator = make_creator(instagram_handle="kasia.gotuje", followers=5_000)
    login(client, creator.user)
    return creator


_CARD = re.compile(r'id="campaign-(\d+)-title"')


def card_ids(response) -> list[int]:
    """Campaign ids of the cards on a marketplace page, in the order shown."""
    assert response.status_code == 200, response.status_code
    return [int(i) for i in _CARD.findall(response.get_data(as_text=True))]


@contextmanager
def count_statements():
    """Every SQL statement sent to the database inside the block (the test's connection)."""
    statements: list[str] = []
    target = db.engines[None]  # the test's connection (see tests/conftest.py db_session)

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(target, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(target, "before_cursor_execute", record)
