"""The admins' overview in charts: payout volume per currency and week, and the share of post
verifications that pass, week by week, each with the same figures as a table. Read only (GET)."""
from __future__ import annotations

from babel.dates import format_skeleton
from flask import render_template
from flask_babel import format_date, format_number, format_percent, get_locale
from flask_babel import gettext as _

from ... import clock
from ...queries import reports
from ...queries.reports import CurrencyVolume, Overview, major
from . import bp


def _short_day(day) -> str:
    return format_skeleton("MMMd", day, locale=get_locale())


def volume_chart(volume: CurrencyVolume) -> dict:
    return {"type": "bar", "format": "money", "currency": volume.currency,
            "labels": [_short_day(row.week) for row in volume.weeks],
            "datasets": [{"label": _("Paid to creators (%(currency)s)", currency=volume.currency),
                          "data": [major(row.amount) for row in volume.weeks]}]}


def pass_rate_chart(overview: Overview) -> dict:
    return {"type": "line", "format": "percent", "max": 1,
            "labels": [_short_day(row.week) for row in overview.pass_rate],
            "datasets": [{"label": _("Verifications passed"), "data": [row.rate for row in overview.pass_rate]}]}


def summaries(overview: Overview) -> dict:
    first = format_date(overview.weeks[0], "medium")
    volume = {v.currency: _("%(total)s paid in %(count)s payouts since the week of %(first)s.",
                            total=v.total.format(str(get_locale())), count=format_number(v.count), first=first)
              for v in overview.payout_volume}
    rate = ""
    if overview.checked:
        rate = _("%(passed)s of %(checked)s verifications passed (%(rate)s) since the week of %(first)s.",
                 passed=format_number(overview.passed), checked=format_number(overview.checked),
                 rate=format_percent(overview.passed / overview.checked), first=first)
    return {"volume": volume, "rate": rate}


@bp.route("/overview")
def overview():
    data = reports.overview(clock.now().date())
    charts = {"volume": {v.currency: volume_chart(v) for v in data.payout_volume},
              "rate": pass_rate_chart(data)}
    return render_template("admin/overview.html", overview=data, charts_data=charts, summaries=summaries(data))
