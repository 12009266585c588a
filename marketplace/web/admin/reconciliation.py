"""Reconciliation on demand: the books against Stripe, every difference explained."""
from __future__ import annotations

from flask import render_template, request

from ... import db as tx
from ...payments.errors import PaymentError
from ...payments.reconcile import fetch
from ...services import reconciliation as books
from . import bp


@bp.route("/reconciliation", methods=["GET", "POST"])
def reconciliation():
    """GET shows the button; POST runs a reconciliation (read-only) and shows what it found."""
    if request.method == "GET":
        return render_template("admin/reconciliation.html", report=None)
    ids = books.stripe_ids()
    tx.commit()  # no transaction stays open while Stripe answers
    try:
        snapshot = fetch(**ids.asdict())
    except PaymentError as error:
        return render_template("admin/reconciliation.html", report=None, outage=error)
    report = books.compare(snapshot)
    return render_template("admin/reconciliation.html", report=report)
