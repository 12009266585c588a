"""Configuration classes, read from the environment when the app is created (never at import)."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET = "dev-only-secret-change-me"
DEV_STRIPE_SECRET = "sk_test_hashmark_sandbox"
DEV_WEBHOOK_SECRET = "whsec_hashmark_sandbox"


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    return default if value is None else int(value)


class Config:
    """Settings shared by every environment. Subclasses override per environment."""

    ENV_NAME = "base"
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_ECHO = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    PUBLIC_URL = "http://127.0.0.1:5000"
    PROXY_FIX_HOPS = 0  # reverse proxies in front of the app whose X-Forwarded-* headers we trust

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = 3600 * 8

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "pl", "th")

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "5 per minute"

    CELERY_BROKER_URL: str | None = None
    CELERY_TASK_ALWAYS_EAGER = True

    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_USE_TLS = True
    MAIL_DEFAULT_SENDER = "Hashmark <no-reply@hashmark.local>"
    PASSWORD_RESET_MAX_AGE = 3600

    SANDBOX_PAYMENTS = True
    STRIPE_SECRET_KEY: str | None = None
    STRIPE_WEBHOOK_SECRET: str | None = None
    STRIPE_API_BASE: str | None = None
    PLATFORM_FEE_BASIS_POINTS = 1500

    # Instagram (Instagram API with Instagram Login) and TikTok (Login Kit + Display API)
    INSTAGRAM_AUTH_BASE = "https://www.instagram.com"
    INSTAGRAM_API_BASE = "https://api.instagram.com"
    INSTAGRAM_GRAPH_BASE = "https://graph.instagram.com"
    INSTAGRAM_GRAPH_VERSION = "v23.0"
    INSTAGRAM_CLIENT_ID: str | None = None
    INSTAGRAM_CLIENT_SECRET: str | None = None
    TIKTOK_AUTH_BASE = "https://www.tiktok.com"
    TIKTOK_API_BASE = "https://open.tiktokapis.com"
    TIKTOK_CLIENT_KEY: str | None = None
    TIKTOK_CLIENT_SECRET: str | None = None
    PLATFORM_TIMEOUT = 10
    TOKEN_ENCRYPTION_KEY: str | None = None  # Fernet key(s) for platform tokens, newest first
    SANDBOX_CLOCK = False  # lets admins move the schedules' clock forward (never in production)
    # Countries whose creators can receive transfers from the platform's Stripe account
    # (self-serve cross-border transfers: US, UK, EEA, Canada, Switzerland). Comma-separated in env.
    STRIPE_CONNECT_COUNTRIES = frozenset(
        "AT BE BG CA CH CY CZ DE DK EE ES FI FR GB GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK US".split()
    )

    # setting name -> environment variable that overrides it
    ENV_STRINGS = {
        "SECRET_KEY": "SECRET_KEY",
        "SQLALCHEMY_DATABASE_URI": "DATABASE_URL",
        "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
        "CELERY_BROKER_URL": "CELERY_BROKER_URL",
        "MAIL_SERVER": "MAIL_SERVER",
        "MAIL_USERNAME": "MAIL_USERNAME",
        "MAIL_PASSWORD": "MAIL_PASSWORD",
        "MAIL_DEFAULT_SENDER": "MAIL_DEFAULT_SENDER",
        "STRIPE_SECRET_KEY": "STRIPE_SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET": "STRIPE_WEBHOOK_SECRET",
        "STRIPE_API_BASE": "STRIPE_API_BASE",
        "PUBLIC_URL": "PUBLIC_URL",
        "TOKEN_ENCRYPTION_KEY": "TOKEN_ENCRYPTION_KEY",
        **{key: key for key in ("INSTAGRAM_AUTH_BASE", "INSTAGRAM_API_BASE", "INSTAGRAM_GRAPH_BASE",
                                "INSTAGRAM_CLIENT_ID", "INSTAGRAM_CLIENT_SECRET", "TIKTOK_AUTH_BASE",
                                "TIKTOK_API_BASE", "TIKTOK_CLIENT_KEY", "TIKTOK_CLIENT_SECRET")},
    }

    @classmethod
    def from_environment(cls) -> dict:
        """Values taken from the environment, applied on top of the class defaults."""
        values: dict = {key: env(var, getattr(cls, key)) for key, var in cls.ENV_STRINGS.items()}
        values["MAIL_PORT"] = env_int("MAIL_PORT", cls.MAIL_PORT)
        values["PROXY_FIX_HOPS"] = env_int("PROXY_FIX_HOPS", cls.PROXY_FIX_HOPS)
        values["PLATFORM_TIMEOUT"] = env_int("PLATFORM_TIMEOUT", cls.PLATFORM_TIMEOUT)
        values["INSTAGRAM_GRAPH_VERSION"] = env("INSTAGRAM_GRAPH_VERSION", cls.INSTAGRAM_GRAPH_VERSION)
        values["MAIL_USE_TLS"] = env_bool("MAIL_USE_TLS", cls.MAIL_USE_TLS)
        values["PLATFORM_FEE_BASIS_POINTS"] = env_int(
            "PLATFORM_FEE_BASIS_POINTS", cls.PLATFORM_FEE_BASIS_POINTS
        )
        countries = env("STRIPE_CONNECT_COUNTRIES")
        if countries:
            values["STRIPE_CONNECT_COUNTRIES"] = frozenset(c.strip().upper() for c in countries.split(",") if c.strip())
        values["CELERY_TASK_ALWAYS_EAGER"] = values["CELERY_BROKER_URL"] is None
        redis_url = env("REDIS_URL")
        if redis_url and values["RATELIMIT_STORAGE_URI"] == "memory://":
            values["RATELIMIT_STORAGE_URI"] = redis_url
        return values

    @classmethod
    def validate(cls, settings: dict) -> None:
        """Refuse settings that are unsafe for this environment. Overridden by Production."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SANDBOX_CLOCK = True
    SECRET_KEY = DEV_SECRET
    STRIPE_API_BASE = "http://127.0.0.1:12111"  # the offline sandbox `make run` starts
    # the offline Instagram/TikTok sandbox `make run` starts
    INSTAGRAM_AUTH_BASE = INSTAGRAM_API_BASE = INSTAGRAM_GRAPH_BASE = "http://127.0.0.1:12112/instagram"
    TIKTOK_AUTH_BASE = TIKTOK_API_BASE = "http://127.0.0.1:12112/tiktok"
    INSTAGRAM_CLIENT_ID = TIKTOK_CLIENT_KEY = "hashmark-sandbox"
    INSTAGRAM_CLIENT_SECRET = TIKTOK_CLIENT_SECRET = "hashmark-sandbox-secret"
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{BASE_DIR / 'instance' / 'hashmark.sqlite3'}"
    STRIPE_SECRET_KEY = DEV_STRIPE_SECRET
    STRIPE_WEBHOOK_SECRET = DEV_WEBHOOK_SECRET


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False
    STRIPE_SECRET_KEY = DEV_STRIPE_SECRET
    STRIPE_WEBHOOK_SECRET = DEV_WEBHOOK_SECRET
    PASSWORD_HASH_FAST = True
    SANDBOX_CLOCK = True
    SERVER_NAME = "hashmark.test"
    PUBLIC_URL = "http://hashmark.test"

    @classmethod
    def from_environment(cls) -> dict:
        """Tests are hermetic: the environment never changes them; fixtures pass overrides."""
        return {}


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    SANDBOX_PAYMENTS = False

    REQUIRED = ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")
    DEV_VALUES = {DEV_SECRET, DEV_STRIPE_SECRET, DEV_WEBHOOK_SECRET, "testing-secret"}

    @classmethod
    def validate(cls, settings: dict) -> None:
        problems = []
        for key in cls.REQUIRED:
            name = cls.ENV_STRINGS[key]
            value = settings.get(key)
            if not value:
                problems.append(f"{name} is not set")
            elif value in cls.DEV_VALUES:
                problems.append(f"{name} is still the development value")
        secret = settings.get("SECRET_KEY") or ""
        if secret and secret not in cls.DEV_VALUES and len(secret) < 32:
            problems.append("SECRET_KEY must be at least 32 characters")
        if not settings.get("MAIL_SERVER"):
            problems.append("MAIL_SERVER is not set (e-mail would only reach the outbox)")
        if str(settings.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
            problems.append("REDIS_URL or RATELIMIT_STORAGE_URI is not set (rate limits must be shared by all workers)")
        if not settings.get("TOKEN_ENCRYPTION_KEY"):
            problems.append("TOKEN_ENCRYPTION_KEY is not set (creators' platform tokens are encrypted with it)")
        if settings.get("STRIPE_API_BASE"):
            problems.append("STRIPE_API_BASE points at a fake Stripe; production talks to Stripe itself")
        for key in ("INSTAGRAM_AUTH_BASE", "INSTAGRAM_API_BASE", "INSTAGRAM_GRAPH_BASE", "TIKTOK_AUTH_BASE",
                    "TIKTOK_API_BASE"):
            if urlsplit(str(settings.get(key) or "")).hostname in ("127.0.0.1", "localhost", "::1"):
                problems.append(f"{key} points at the local sandbox")
        if settings.get("SANDBOX_CLOCK"):
            problems.append("SANDBOX_CLOCK is on; production runs on the real time")
        if problems:
            raise RuntimeError("Refusing to start in production: " + "; ".join(problems) + ".")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None) -> type[Config]:
    name = name or env("HASHMARK_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"Unknown HASHMARK_ENV {name!r}; use one of {', '.join(CONFIGS)}") from None
