"""The sandbox clock and due work, for trying schedules out (never in production)."""
from __future__ import annotations

from . import bp  # noqa: F401
