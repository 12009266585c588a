"""The brand's billing page and its CSV export."""
from __future__ import annotations

from flask import Response, render_template

from ...payments import billing
from . import bp
from .loaders import brand_or_403


@bp.route("/billing")
def billing_page():
    items = billing.lines(brand_or_403())
    return render_template("brand/billing.html", items=items, totals=billing.totals(items))


@bp.route("/billing.csv")
def billing_csv():
    body = billing.as_csv(billing.lines(brand_or_403()))
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="hashmark-billing.csv"'})
