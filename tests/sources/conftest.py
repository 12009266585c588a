"""The platform sources against the in-repo fake Instagram + TikTok over real HTTP.

One fake server per test module, emptied before each test. Nothing here touches the Flask app or
the database, so these tests need none of the root conftest's fixtures.
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from marketplace.verification.sources import SourceSettings
from tests.fakes.platforms import FakePlatformsServer

from .helpers import CLIENT_ID, CLIENT_SECRET, HeaderingFake


@pytest.fixture(scope="module")
def server() -> Iterator[FakePlatformsServer]:
    with FakePlatformsServer(HeaderingFake(client_id=CLIENT_ID,
                                           client_secret=CLIENT_SECRET)) as srv:
        yield srv


@pytest.fixture
def fake(server: FakePlatformsServer) -> HeaderingFake:
    """The module's fake, emptied for this test."""
    server.fake.reset()
    assert isinstance(server.fake, HeaderingFake)
    return server.fake


@pytest.fixture
def settings(server: FakePlatformsServer, fake: HeaderingFake) -> SourceSettings:
    """Settings read from Flask-style config keys, every base pointing at the fake."""
    return SourceSettings.from_mapping({
        "INSTAGRAM_AUTH_BASE": server.instagram_base, "INSTAGRAM_API_BASE": server.instagram_base,
        "INSTAGRAM_GRAPH_BASE": server.instagram_base, "INSTAGRAM_CLIENT_ID": CLIENT_ID,
        "INSTAGRAM_CLIENT_SECRET": CLIENT_SECRET, "TIKTOK_AUTH_BASE": server.tiktok_base,
        "TIKTOK_API_BASE": server.tiktok_base, "TIKTOK_CLIENT_KEY": CLIENT_ID,
        "TIKTOK_CLIENT_SECRET": CLIENT_SECRET, "PLATFORM_TIMEOUT": 5})


@pytest.fixture
def browser(server: FakePlatformsServer) -> Iterator[requests.Session]:
    """A creator's browser on the consent pages (loopback: no proxy)."""
    with server.session() as session:
        yield session
