"""Hashmark: an influencer campaign marketplace.

`create_app` only wires things together: no migrations, prompts or network calls happen here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_object: str | type | None = None, **overrides: Any) -> Flask:
    """Build the app. `config_object` is a config class or a name (development, testing,
    production; default: $HASHMARK_ENV or development); `overrides` win over everything."""
    from config import Config, config_for

    config_class = config_object if isinstance(config_object, type) else config_for(config_object)
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config_class)
    app.config.update(config_class.from_environment())
    app.config.update(overrides)
    validate: Any = getattr(config_class, "validate", Config.validate)
    validate(dict(app.config))

    from . import logging_setup
    from .extensions import babel, csrf, db, init_celery, limiter, login_manager, migrate
    from .sqlite import configure_sqlite

    logging_setup.configure(app)
    hops = app.config.get("PROXY_FIX_HOPS", 0)
    if hops:  # the client's address (rate limits) and scheme come from our own proxies
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    limiter.init_app(app)
    init_celery(app)

    from .web import init_web
    from .web.locale import select_locale

    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    init_web(app)

    from .payments.signals import connect_signals

    connect_signals()

    from .cli import register_cli

    register_cli(app)
    return app
