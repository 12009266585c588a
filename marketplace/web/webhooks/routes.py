"""Stripe calls us here; we verify, store, answer fast, and process in a job."""
from __future__ import annotations

import logging

from flask import current_app, request

from ... import db as tx
from ...payments import webhooks
from . import bp

log = logging.getLogger(__name__)


@bp.route("/webhooks/stripe", methods=["POST"])
def stripe_webhook():
    try:
        row = webhooks.receive(request.get_data(cache=False), request.headers.get("Stripe-Signature"),
                               current_app.config["STRIPE_WEBHOOK_SECRET"])
    except ValueError as error:
        log.warning("stripe webhook refused: %s", error)
        return {"error": str(error)}, 400
    if row is None:
        return {"received": True, "duplicate": True}
    webhooks.enqueue(row)
    tx.commit()
    return {"received": True}
