import pytest

from config import DEV_SECRET, DEV_STRIPE_SECRET
from marketplace import create_app

GOOD = {
    "SECRET_KEY": "x" * 48,
    "DATABASE_URL": "postgresql+psycopg://hashmark@db.internal/hashmark",
    "STRIPE_SECRET_KEY": "sk_live_realistic_key",
    "STRIPE_WEBHOOK_SECRET": "whsec_realistic",
    "MAIL_SERVER": "smtp.example.com",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "TOKEN_ENCRYPTION_KEY": "kM3dWfWq0qK9bVj0wq2Yc2qfHfS9m0rHq1JcV3Xn6zU=",
}


@pytest.fixture(autouse=True)
def _keep_the_shared_limiter():
    """Extensions are process-wide objects: an app made here must not leave its (unreachable)
    Redis rate-limit storage behind for the other tests."""
    from marketplace.extensions import limiter

    saved = dict(limiter.__dict__)
    yield
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)


@pytest.fixture
def production_env(monkeypatch):
    for name in (*GOOD, "STRIPE_API_BASE", "RATELIMIT_STORAGE_URI", "PROXY_FIX_HOPS", "INSTAGRAM_GRAPH_BASE"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_refuses_to_start_without_secrets_and_names_them(production_env):
    with pytest.raises(RuntimeError) as caught:
        create_app("production")
    message = str(caught.value)
    for name in ("SECRET_KEY", "DATABASE_URL", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "MAIL_SERVER",
                 "REDIS_URL or RATELIMIT_STORAGE_URI", "TOKEN_ENCRYPTION_KEY"):
        assert f"{name} is not set" in message


@pytest.mark.parametrize("name, value, expected", [
    ("SECRET_KEY", DEV_SECRET, "SECRET_KEY is still the development value"),
    ("STRIPE_SECRET_KEY", DEV_STRIPE_SECRET, "STRIPE_SECRET_KEY is still the development value"),
    ("SECRET_KEY", "short", "at least 32 characters"),
    ("STRIPE_API_BASE", "http://127.0.0.1:12111", "fake Stripe"),
    ("INSTAGRAM_GRAPH_BASE", "http://127.0.0.1:12112/instagram", "INSTAGRAM_GRAPH_BASE points at the local sandbox"),
])
def test_production_refuses_development_values(production_env, name, value, expected):
    for key, good in GOOD.items():
        production_env.setenv(key, good)
    production_env.setenv(name, value)
    with pytest.raises(RuntimeError, match=expected):
        create_app("production")


def test_production_starts_with_real_settings_and_secure_cookies(production_env):
    for key, good in GOOD.items():
        production_env.setenv(key, good)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"] == GOOD["DATABASE_URL"]
    assert app.config["SANDBOX_PAYMENTS"] is False


def test_development_defaults_to_embedded_sqlite_and_eager_jobs(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/hashmark.sqlite3")
    assert app.extensions["celery"].conf.task_always_eager is True


def test_broker_url_switches_celery_to_a_real_broker(monkeypatch):
    from marketplace.extensions import celery

    saved = {"task_always_eager": celery.conf.task_always_eager, "broker_url": celery.conf.broker_url}
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    try:
        app = create_app("development")
        assert app.extensions["celery"] is celery
        assert celery.conf.task_always_eager is False
        assert celery.conf.broker_url == "redis://127.0.0.1:6379/0"
    finally:
        celery.conf.update(saved)


def test_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="Unknown HASHMARK_ENV"):
        create_app("staging")


def test_proxy_fix_trusts_only_the_configured_proxies(production_env):
    for key, good in GOOD.items():
        production_env.setenv(key, good)
    production_env.setenv("PROXY_FIX_HOPS", "1")
    app = create_app("production")
    seen = {}

    @app.route("/whoami")
    def whoami():
        from flask import request

        seen["addr"], seen["scheme"] = request.remote_addr, request.scheme
        return ""

    app.test_client().get("/whoami", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    assert seen == {"addr": "203.0.113.9", "scheme": "https"}
