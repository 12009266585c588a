"""What payments do when the rest of the product changes state."""
from __future__ import annotations

from ..models import Campaign, User
from ..services.campaigns import campaign_cancelled
from .refunds import refund_unspent


def _refund_unspent_budget(campaign: Campaign, *, actor: User | None = None, **_: object) -> None:
    refund_unspent(campaign, actor=actor)


def connect_signals() -> None:
    """Idempotent: blinker keeps one connection per receiver."""
    campaign_cancelled.connect(_refund_unspent_budget, weak=False)
