"""Platform settings admins change at run time; every change is audited."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import NotAllowed, PermissionDenied
from ..extensions import db
from ..models import MinimumPayout, Role, User
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
