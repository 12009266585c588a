"""Moving the sandbox clock: a week of live checks in a minute, for trying the product out.

Only the schedules' clock (`marketplace.clock`) moves; stored timestamps stay real. Refused
unless `SANDBOX_CLOCK` is on, which production never allows.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..clock import OFFSET_SETTING, offset
from ..errors import NotAllowed
from ..models import User
from .settings import KNOBS, set_platform_setting

MAX_STEP = timedelta(days=60)


def enabled() -> bool:
    return bool(current_app.config.get("SANDBOX_CLOCK"))


def advance(step: timedelta, *, actor: User | None) -> timedelta:
    """Move the clock forward by `step`; returns the new total offset."""
    if not enabled():
        raise NotAllowed(None, _l("The sandbox clock is off on this server."))
    if not timedelta(0) < step <= MAX_STEP:
        raise NotAllowed("days", _l("Move the clock forward by up to 60 days at a time."))
    total = offset() + step
    if total.total_seconds() > KNOBS[OFFSET_SETTING].high:
        raise NotAllowed("days", _l("The sandbox clock cannot run further ahead."))
    set_platform_setting(OFFSET_SETTING, int(total.total_seconds()), actor=actor)
    return total


def reset(*, actor: User | None) -> None:
    if not enabled():
        raise NotAllowed(None, _l("The sandbox clock is off on this server."))
    set_platform_setting(OFFSET_SETTING, 0, actor=actor)
