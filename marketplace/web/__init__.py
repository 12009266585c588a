"""HTTP layer: one blueprint per audience, plus what every response shares."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from .errors import register_error_handlers
from .security import register_security
from .session import register_login
from .templating import register_templating


class DatabaseId(IntegerConverter):
    """`<int:...>` in every route: ids beyond a 32-bit key are a 404, never a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def init_web(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseId
    from .admin import bp as admin_bp
    from .auth import bp as auth_bp
    from .brand import bp as brand_bp
    from .creator import bp as creator_bp
    from .files import bp as files_bp
    from .public import bp as public_bp
    from .webhooks import bp as webhooks_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(brand_bp, url_prefix="/brand")
    app.register_blueprint(creator_bp, url_prefix="/creator")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(webhooks_bp)
    app.register_blueprint(files_bp)
    register_login(app)
    register_security(app)
    register_error_handlers(app)
    register_templating(app)
