"""The bell: notifications for any signed-in account."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from ... import db as tx
from ...services import notifications
from . import bp


@bp.route("/notifications")
@login_required
def notifications_list():
    items = notifications.recent(current_user)
    return render_template("auth/notifications.html", items=items, sentence=notifications.sentence)


@bp.route("/notifications/read", methods=["POST"])
@login_required
def notifications_read():
    notifications.mark_all_read(current_user)
    tx.commit()
    return redirect(url_for("auth.notifications_list"))
