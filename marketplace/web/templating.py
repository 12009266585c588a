"""Filters and globals available in every template, all locale-aware."""
from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_datetime, get_locale

from ..catalog import NICHES
from .markdown import render_markdown


def country_name(code: str) -> str:
    return get_locale().territories.get(code, code)


def niche_label(code: str) -> str:
    return str(NICHES.get(code, code))


def datetime_short(value: datetime | None) -> str:
    return format_datetime(value, "medium") if value else ""


def register_templating(app: Flask) -> None:
    app.add_template_global(country_name)
    app.add_template_global(get_locale)
    app.add_template_filter(niche_label)
    app.add_template_filter(datetime_short)
    app.add_template_filter(render_markdown, "markdown")
