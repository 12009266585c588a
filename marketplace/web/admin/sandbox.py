"""The sandbox clock and due work, for trying schedules out (never in production)."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import clock
from ... import db as tx
from ...errors import NotAllowed
from ...jobs.due import run_due
from ...services import sandbox
from ...services.audit import record_event
from . import bp
from .forms import AdvanceClockForm


def _sandbox_or_404() -> None:
    if not sandbox.enabled():
        abort(404)


@bp.route("/sandbox", methods=["GET", "POST"])
def sandbox_page():
    _sandbox_or_404()
    form = AdvanceClockForm()
    if form.validate_on_submit():
        try:
            sandbox.advance(timedelta(days=form.days.data or 0, hours=form.hours.data or 0), actor=current_user)
        except NotAllowed as error:
            tx.rollback()
            form.days.errors = [str(error.message)]
        else:
            tx.commit()
            done = run_due()
            flash(_("The sandbox clock moved forward; due work ran: %(summary)s.", summary=_summary(done)), "success")
            return redirect(url_for("admin.sandbox_page"))
    return render_template("admin/sandbox.html", form=form, now=clock.now(), offset=clock.offset())


@bp.route("/sandbox/run-due", methods=["POST"])
def sandbox_run_due():
    _sandbox_or_404()
    done = run_due()
    record_event("platform_settings", 0, "due_work_run", actor=current_user, data=done)
    tx.commit()
    flash(_("Due work ran: %(summary)s.", summary=_summary(done)), "success")
    return redirect(url_for("admin.sandbox_page"))


@bp.route("/sandbox/reset", methods=["POST"])
def sandbox_reset():
    _sandbox_or_404()
    sandbox.reset(actor=current_user)
    tx.commit()
    flash(_("The sandbox clock is back to the real time."), "success")
    return redirect(url_for("admin.sandbox_page"))


def _summary(done: dict[str, int]) -> str:
    return ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in done.items()) or "-"
