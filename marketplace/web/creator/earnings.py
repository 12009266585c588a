"""The creator's earnings: every payout with its timeline, per currency, and a CSV export."""
from __future__ import annotations

from . import bp  # noqa: F401
