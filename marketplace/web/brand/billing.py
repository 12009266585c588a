"""The brand's billing page and its CSV export."""
from __future__ import annotations

from flask import Response, render_template
from flask_login import current_user

from ...payments import billing
from . import bp


@bp.route("/billing")
def billing_page():
    items = billing.lines(current_user.brand)
    return render_template("brand/billing.html", items=items, totals=billing.totals(items))


@bp.route("/billing.csv")
def billing_csv():
    body = billing.as_csv(billing.lines(current_user.brand))
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="hashmark-billing.csv"'})
