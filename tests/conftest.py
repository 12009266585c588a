"""Shared fixtures: one app and schema per session, one rolled-back transaction per test."""
from __future__ import annotations

import os
import pytest
from flask import g
from flask.testing import FlaskClient

from marketplace import create_app
from marketplace.extensions import db, limiter

from . import databases


def pytest_collection_modifyitems(config, items):
    """`postgres_only` tests (races SQLite's one-writer-at-a-time cannot have) are deselected on
    SQLite, not skipped: the PostgreSQL run of `make test` runs them."""
    if databases.backend() == "postgres":
        return
    kept = [item for item in items if item.get_closest_marker("postgres_only") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def pytest_report_header(config):
    return f"database backend: {databases.backend()}"


@pytest.fixture(scope="session")
def database_server():
    """PostgreSQL server URL for this run (None on SQLite)."""
    if databases.backend() != "postgres":
        yield None
        return
    with databases.postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def fresh_database(database_server, tmp_path_factory):
    """Make another empty database of the run's backend: `with fresh_database() as url:`."""
    def make():
        if database_server is not None:
            return databases.postgres_database(database_server)
        return databases.sqlite_database(tmp_path_factory.mktemp("db"))
    return make


@pytest.fixture(scope="session")
def database_url(fresh_database):
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url):
    """The app with its schema built by the real migrations, once per run."""
    from flask_migrate import upgrade

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        upgrade()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def db_session(app):
    """Run the test inside a transaction that is rolled back at the end.

    The engine is swapped for one connection with an open transaction; the session joins it
    with savepoints, so code under test may commit and roll back freely.
    """
    engines = db.engines
    engine = engines[None]
    connection = engine.connect()
    transaction = connection.begin()
    engines[None] = connection
    factory = db.session.session_factory
    previous_mode = factory.kw.get("join_transaction_mode")
    factory.kw["join_transaction_mode"] = "create_savepoint"
    db.session.remove()
    limiter.reset()
    g.pop("_on_commit_callbacks", None)
    try:
        yield db.session
    finally:
        g.pop("_on_commit_callbacks", None)  # side effects of rolled-back work never run
        db.session.remove()
        factory.kw["join_transaction_mode"] = previous_mode or "conservative_savepoint"
        engines[None] = engine
        if transaction.is_active:
            transaction.rollback()
        connection.close()


class RequestIsolatingClient(FlaskClient):
    """A test client whose requests each start with an empty `g`.

    The test's app context stays pushed (so requests share the test's session and see its
    data), which would otherwise carry `g` - and Flask-Login's cached user - across requests.
    """

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app, db_session):
    app.test_client_class = RequestIsolatingClient
    return app.test_client()


@pytest.fixture(scope="session")
def redis_url():
    """A reachable Redis (REDIS_URL, else the local default). Under CI=true a missing server fails."""
    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {url} is required under CI=true: {exc}")
        pytest.skip(f"no Redis at {url}: {exc}")
    return url


@pytest.fixture(scope="session")
def platforms_server():
    """The fake Instagram + TikTok on a loopback port, shared by the whole run."""
    from tests.fakes.platforms import FakePlatformsServer

    with FakePlatformsServer(client_id="hashmark-sandbox", client_secret="hashmark-sandbox-secret") as server:
        yield server


@pytest.fixture
def platforms(app, db_session, platforms_server, monkeypatch):
    """The fake platforms, emptied for this test, with the app's config pointing at them.

    `platforms.fake` is the `FakePlatforms` (publish, edit, delete posts; grant tokens; inject
    errors; advance its clock); `platforms.url` its address.
    """
    platforms_server.fake.reset()
    for key in ("INSTAGRAM_AUTH_BASE", "INSTAGRAM_API_BASE", "INSTAGRAM_GRAPH_BASE"):
        monkeypatch.setitem(app.config, key, platforms_server.instagram_base)
    for key in ("TIKTOK_AUTH_BASE", "TIKTOK_API_BASE"):
        monkeypatch.setitem(app.config, key, platforms_server.tiktok_base)
    for key in ("INSTAGRAM_CLIENT_ID", "TIKTOK_CLIENT_KEY"):
        monkeypatch.setitem(app.config, key, "hashmark-sandbox")
    for key in ("INSTAGRAM_CLIENT_SECRET", "TIKTOK_CLIENT_SECRET"):
        monkeypatch.setitem(app.config, key, "hashmark-sandbox-secret")
    monkeypatch.setitem(app.config, "PLATFORM_TIMEOUT", 5)
    return platforms_server


@pytest.fixture
def own_app(fresh_database):
    """An app on a database of its own, migrated, for tests whose transactions must really commit
    (concurrency, two connections); the usual rolled-back `db_session` cannot show those."""
    from flask_migrate import upgrade

    options = {"pool_size": 8} if databases.backend() == "postgres" else {}
    with fresh_database() as url:
        made = create_app("testing", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=options)
        with made.app_context():
            upgrade()
        yield made
        with made.app_context():
            db.engine.dispose()
