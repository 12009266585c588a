"""The waiting time before a payout may be approved (`payout_hold_days`, 0 = none).

A new payout stays unapprovable for that many days, so a late dispute, a take-down or a brand's
complaint can surface before money leaves. The setting in force at approval time counts.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from ..models import Payout
from .settings import platform_setting


def payout_hold_until(payout: Payout) -> datetime:
    """The moment `payout` becomes approvable (its creation time when no hold is set)."""
    return payout.created_at + timedelta(days=platform_setting("payout_hold_days"))
