"""Filters and globals available in every template, all locale-aware."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask import Flask
from flask_login import current_user
from flask_babel import format_datetime, format_percent, get_locale

from ..catalog import NICHES, country_name
from ..money import Money
from .markdown import render_markdown


def niche_label(code: str) -> str:
    return str(NICHES.get(code, code))


def datetime_short(value: datetime | None) -> str:
    return format_datetime(value, "medium") if value else ""


def money(value: Money | int, currency: str | None = None) -> str:
    """Format a Money (or minor units + currency) in the page's language."""
    amount = value if isinstance(value, Money) else Money(value, currency or "")
    return amount.format(str(get_locale()))


def percent_bp(basis_points: int) -> str:
    return format_percent(Decimal(basis_points) / 10_000, "#,##0.##%")


def unread_notifications() -> int:
    """Unread count for the bell; called by the layout only when someone is signed in."""
    from ..services.notifications import unread_count

    return unread_count(current_user) if current_user.is_authenticated else 0


def register_templating(app: Flask) -> None:
    app.add_template_global(country_name)
    app.add_template_global(get_locale)
    app.add_template_global(money)
    app.add_template_global(unread_notifications)
    app.add_template_filter(money)
    app.add_template_filter(percent_bp)
    app.add_template_filter(niche_label)
    app.add_template_filter(datetime_short)
    app.add_template_filter(render_markdown, "markdown")
