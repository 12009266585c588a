"""Platform settings admins change at run time; every change is audited."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import NotAllowed, PermissionDenied
from ..extensions import db
from ..models import MinimumPayout, PlatformSetting, Role, User
from ..money import Money
from .audit import record_event


def minimum_payouts() -> list[MinimumPayout]:
    return list(db.session.scalars(select(MinimumPayout).order_by(MinimumPayout.currency)))


def set_minimum_payout(amount: Money, *, actor: User) -> MinimumPayout:
    """Campaigns paying less than `amount` per post stop reaching creators (0 removes the floor)."""
    if actor.role != Role.ADMIN:
        raise PermissionDenied(_l("Only admins change platform settings."))
    if amount.minor < 0:
        raise NotAllowed("amount", _l("A minimum cannot be negative."))
    row = db.session.scalar(select(MinimumPayout).where(MinimumPayout.currency == amount.currency))
    previous = row.minimum_minor if row else None
    if row is None:
        row = MinimumPayout(currency=amount.currency, minimum_minor=amount.minor)
        db.session.add(row)
    row.minimum_minor = amount.minor
    db.session.flush()
    record_event("minimum_payouts", row.id, "minimum_payout_set", actor=actor,
                 data={"currency": amount.currency, "from_minor": previous, "to_minor": amount.minor})
    return row


@dataclass(frozen=True)
class Knob:
    """A named integer setting: its default and the bounds an admin may set. With `config_key`,
    the app's configuration (the environment) gives the default instead of `default`."""

    default: int
    low: int
    high: int
    config_key: str | None = None

    def initial(self) -> int:
        """The value until an admin sets one."""
        return int(current_app.config[self.config_key]) if self.config_key else self.default


KNOBS = {
    "review_days": Knob(5, 1, 30),                  # days a brand has to review a verified post
    "review_reminder_hours": Knob(24, 1, 240),       # remind the brand this long before the deadline
    "live_grace_hours": Knob(48, 1, 336),            # time to restore a removed or broken post
    "sandbox_clock_offset_seconds": Knob(0, 0, 10 * 365 * 86400),
    # Hashmark's fee on top of each payout, for campaigns created from now on
    "platform_fee_basis_points": Knob(0, 0, 5000, config_key="PLATFORM_FEE_BASIS_POINTS"),
    "payout_hold_days": Knob(0, 0, 30),              # a payout is approvable once this old
}


def platform_setting(name: str) -> int:
    knob = KNOBS[name]
    value = db.session.scalar(select(PlatformSetting.value).where(PlatformSetting.key == name))
    return knob.initial() if value is None else int(value)


def set_platform_setting(name: str, value: int, *, actor: User | None) -> None:
    """Change a setting within its bounds (audited). `actor` None: the system (e.g. the sandbox)."""
    if actor is not None and actor.role != Role.ADMIN:
        raise PermissionDenied(_l("Only admins change platform settings."))
    knob = KNOBS[name]
    if not knob.low <= value <= knob.high:
        raise NotAllowed(name, _l("Choose a value from %(low)d to %(high)d.", low=knob.low, high=knob.high))
    row = db.session.get(PlatformSetting, name)
    previous = row.value if row else knob.initial()
    if row is None:
        row = PlatformSetting(key=name, value=value)
        db.session.add(row)
    row.value = value
    db.session.flush()
    record_event("platform_settings", 0, "setting_changed", actor=actor,
                 data={"name": name, "from": previous, "to": value})
