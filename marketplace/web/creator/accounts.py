"""Linked Instagram and TikTok accounts: link (OAuth), relink, unlink."""
from __future__ import annotations

from . import bp  # noqa: F401
