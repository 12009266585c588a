"""The brand's campaign report: posts verified per day, reach and likes per creator, spend against
the funded budget; each drawn as a chart with the same figures as a table beside it.

Only the campaign's own brand sees it (another brand's campaign is a 404). Read only.
"""
from __future__ import annotations

from babel.dates import format_skeleton
from flask import render_template
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import ngettext

from ...queries import reports
from ...queries.reports import CampaignReport, major
from ...verification.sources.errors import LABELS as PLATFORM_NAMES
from . import bp
from .loaders import campaign_or_404


def _short_day(day) -> str:
    return format_skeleton("MMMd", day, locale=get_locale())


def verified_chart(report: CampaignReport) -> dict:
    return {"type": "bar", "format": "number",
            "labels": [_short_day(row.day) for row in report.verified_by_day],
            "datasets": [{"label": _("Posts verified"), "data": [row.count for row in report.verified_by_day]}]}


def metrics_chart(report: CampaignReport) -> dict:
    rows = report.metrics
    return {"type": "bar", "format": "number", "format2": "number",
            "labels": [row.creator_name for row in rows],
            "datasets": [{"label": _("Reach"), "data": [row.reach for row in rows], "axis": "y"},
                         {"label": _("Likes"), "data": [row.likes for row in rows], "axis": "y2"}]}


def money_chart(report: CampaignReport) -> dict:
    money = report.money
    return {"type": "bar", "format": "money", "currency": money.funded.currency, "stacked": True,
            "horizontal": True, "labels": [_("Funded budget")],
            "datasets": [{"label": _("Paid out"), "data": [major(money.paid)]},
                         {"label": _("Committed to accepted creators"), "data": [major(money.reserved)]},
                         {"label": _("Uncommitted"), "data": [major(money.available)]}]}


def summaries(report: CampaignReport) -> dict[str, str]:
    days = report.verified_by_day
    total = report.verified_total
    verified = ""
    if days:
        verified = ngettext("%(num)d post verified between %(first)s and %(last)s.",
                            "%(num)d posts verified between %(first)s and %(last)s.", total,
                            first=format_date(days[0].day, "medium"), last=format_date(days[-1].day, "medium"))
    leader = report.metrics[0] if report.metrics else None
    metrics = ""
    if leader is not None and leader.reach is not None:
        metrics = ngettext("Latest figures of %(num)d creator; the widest reach: %(name)s.",
                           "Latest figures of %(num)d creators; the widest reach: %(name)s.",
                           len(report.metrics), name=leader.creator_name)
    elif leader is not None:
        metrics = ngettext("Latest figures of %(num)d creator.", "Latest figures of %(num)d creators.",
                           len(report.metrics))
    money = report.money
    spent = _("%(paid)s paid out and %(reserved)s committed of %(funded)s funded; %(available)s uncommitted.",
              paid=_fmt(money.paid), reserved=_fmt(money.reserved), funded=_fmt(money.funded),
              available=_fmt(money.available))
    return {"verified": verified, "metrics": metrics, "money": spent}


def _fmt(amount) -> str:
    return amount.format(str(get_locale()))


@bp.route("/campaigns/<int:campaign_id>/report")
def campaign_report(campaign_id: int):
    campaign = campaign_or_404(campaign_id)
    report = reports.campaign_report(campaign)
    charts = {"verified": verified_chart(report), "metrics": metrics_chart(report), "money": money_chart(report)}
    return render_template("brand/report.html", campaign=campaign, report=report, charts_data=charts,
                           summaries=summaries(report), platform_names=PLATFORM_NAMES)
