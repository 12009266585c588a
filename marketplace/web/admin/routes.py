"""The admin console."""
from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ... import db as tx
from ...errors import NotAllowed, PermissionDenied
from ...extensions import db
from ...jobs.mail import deliver_email
from ...models import AuditEvent, OutboxEmail, User
from ...money import Money, MoneyParseError
from ...services import accounts, settings
from ...services.audit import record_event
from ..forms import show_error, page_arg
from . import bp
from .forms import FeesAndHoldForm, MinimumPayoutForm, ReasonForm, ScheduleSettingsForm

PAGE_SIZE = 50
# password-reset links are credentials: admins see that one was sent, never the token
SECRET_LINK = re.compile(r"(/password/reset/)\S+")


@bp.route("/")
def dashboard():
    counts = dict(db.session.execute(select(User.role, func.count()).group_by(User.role)).all())
    events = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.id.desc()).limit(20)
    ).all()
    return render_template("admin/dashboard.html", counts=counts, events=events)


@bp.route("/users")
def users():
    page = page_arg()
    query = request.args.get("q", "").strip().lower()
    stmt = select(User).order_by(User.created_at.desc(), User.id.desc())
    if query:
        stmt = stmt.where(User.email.contains(query, autoescape=True))
    pagination = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", pagination=pagination, query=query, form=ReasonForm())


def _user_or_404(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/users/<int:user_id>/suspend", methods=["POST"])
def user_suspend(user_id: int):
    user = _user_or_404(user_id)
    form = ReasonForm()
    try:
        accounts.suspend_user(user, actor=current_user, reason=form.reason.data or "")
    except (NotAllowed, PermissionDenied) as error:
        tx.rollback()
        flash(str(error.message), "error")
    else:
        tx.commit()
        flash(_("%(email)s is suspended.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/reinstate", methods=["POST"])
def user_reinstate(user_id: int):
    user = _user_or_404(user_id)
    try:
        accounts.reinstate_user(user, actor=current_user)
    except (NotAllowed, PermissionDenied) as error:
        tx.rollback()
        flash(str(error.message), "error")
    else:
        tx.commit()
        flash(_("%(email)s is active again.", email=user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/outbox")
def outbox():
    page = page_arg()
    stmt = select(OutboxEmail).order_by(OutboxEmail.id.desc())
    pagination = db.paginate(stmt, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/outbox.html", pagination=pagination)


@bp.route("/outbox/<int:message_id>")
def outbox_message(message_id: int):
    message = db.session.get(OutboxEmail, message_id) or abort(404)
    return render_template("admin/outbox_message.html", message=message,
                           body=SECRET_LINK.sub(r"\1[hidden]", message.body_text))


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
def outbox_retry(message_id: int):
    message = db.session.get(OutboxEmail, message_id) or abort(404)
    if message.delivered_at is None:
        record_event("outbox_emails", message.id, "delivery_retried", actor=current_user)
        tx.commit()
        deliver_email.delay(message.id)
        flash(_("Delivery retried."), "info")
    return redirect(url_for("admin.outbox_message", message_id=message.id))


SCHEDULE_KNOBS = ("review_days", "review_reminder_hours", "live_grace_hours")
MONEY_KNOBS = ("platform_fee_basis_points", "payout_hold_days")


@bp.route("/settings", methods=["GET", "POST"])
def platform_settings():
    form = MinimumPayoutForm()
    schedule = ScheduleSettingsForm(prefix="schedule", data=_current(SCHEDULE_KNOBS))
    fees = FeesAndHoldForm(prefix="fees", data=_current(MONEY_KNOBS))
    which = request.form.get("which")
    if request.method == "POST" and which in ("schedule", "fees"):
        knobs, knob_form, saved = ((SCHEDULE_KNOBS, schedule, _("Schedule settings saved.")) if which == "schedule"
                                   else (MONEY_KNOBS, fees, _("Fee and payout settings saved.")))
        if knob_form.validate_on_submit() and _save_knobs(knob_form, knobs):
            tx.commit()
            flash(saved, "success")
            return redirect(url_for("admin.platform_settings"))
    elif form.validate_on_submit():
        try:
            amount = Money.parse(form.amount.data, form.currency.data, locale=str(get_locale()))
            settings.set_minimum_payout(amount, actor=current_user)
        except MoneyParseError as error:
            form.amount.errors = [str(error)]
        except NotAllowed as error:
            tx.rollback()
            show_error(form, error)
        else:
            tx.commit()
            flash(_("Minimum payout for %(currency)s saved.", currency=amount.currency), "success")
            return redirect(url_for("admin.platform_settings"))
    return render_template("admin/settings.html", form=form, schedule=schedule, fees=fees,
                           minimums=settings.minimum_payouts(),
                           fee_basis_points=settings.platform_setting("platform_fee_basis_points"),
                           fee_default=settings.KNOBS["platform_fee_basis_points"].initial())


def _current(names: tuple[str, ...]) -> dict[str, int]:
    return {name: settings.platform_setting(name) for name in names}


def _save_knobs(knob_form, names: tuple[str, ...]) -> bool:
    """Save every knob of the form, or none: the first out-of-bounds value becomes that field's error."""
    for name in names:
        try:
            settings.set_platform_setting(name, getattr(knob_form, name).data, actor=current_user)
        except NotAllowed as error:
            tx.rollback()
            getattr(knob_form, name).errors = [str(error.message)]
            return False
    return True
