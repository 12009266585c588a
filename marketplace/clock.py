"""The time the product's schedules run on: live checks, grace periods, review deadlines.

In production it is the real UTC time. With `SANDBOX_CLOCK` on (development and tests), an
admin can move it forward from the sandbox page to see a week of live checks in a minute; the
offset is a platform setting, so the web server and `run-due` agree on it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from .models.types import utcnow

OFFSET_SETTING = "sandbox_clock_offset_seconds"


def offset() -> timedelta:
    if not current_app.config.get("SANDBOX_CLOCK"):
        return timedelta(0)
    from .services.settings import platform_setting
    return timedelta(seconds=platform_setting(OFFSET_SETTING))


def now() -> datetime:
    return utcnow() + offset()
