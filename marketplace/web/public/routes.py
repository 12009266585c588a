"""Pages anyone can open."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import text

from ... import db as tx
from ...catalog import LANGUAGES
from ...extensions import db
from ...services import accounts
from ..security import safe_next
from . import bp


@bp.route("/")
def index():
    return render_template("public/index.html")


@bp.route("/language", methods=["POST"])
def set_locale():
    """Switch language; remembered on the account when signed in, else in the session."""
    locale = request.form.get("locale", "")
    if locale in LANGUAGES:
        session["locale"] = locale
        if current_user.is_authenticated:
            accounts.set_locale(current_user, locale)
            tx.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("public.index"))


@bp.route("/healthz")
def healthz():
    """Liveness and database reachability for load balancers."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok", "env": current_app.config["ENV_NAME"]}
