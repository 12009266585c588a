"""The one helper that changes a status, for every state machine in the product.

A change is a compare-and-set `UPDATE ... SET status=:to WHERE id=:id AND status=:from`, so a
concurrent change (on SQLite or PostgreSQL alike) makes the loser raise `InvalidTransition`
instead of silently overwriting. The same transaction stamps `status_changed_at` and writes an
`AuditEvent`. Asking for the status an object already has is a no-op.
"""
from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from ..errors import InvalidTransition
from ..extensions import db
from ..models import User, utcnow
from .audit import record_event

Transitions = Mapping[str, frozenset[str]]


def table(**edges: set[str] | frozenset[str]) -> Transitions:
    """Build a transition table: `table(draft={"open"}, open={"closed"})`."""
    return {source: frozenset(targets) for source, targets in edges.items()}


def can_transition(transitions: Transitions, from_status: str, to_status: str) -> bool:
    return to_status in transitions.get(from_status, frozenset())


def transition(obj: Any, to_status: str, *, transitions: Transitions, actor: User | None,
               reason: str | None = None, data: dict[str, Any] | None = None) -> bool:
    """Move `obj` to `to_status`; return False when it already had it.

    Raises InvalidTransition when the table forbids the move or another transaction changed
    the status first.
    """
    model = type(obj)
    entity = model.__tablename__
    from_status = obj.status
    if from_status == to_status:
        return False
    if not can_transition(transitions, from_status, to_status):
        raise InvalidTransition(entity, obj.id, from_status, to_status)

    db.session.flush()
    now = utcnow()
    result = db.session.execute(
        update(model)
        .where(model.id == obj.id, model.status == from_status)
        .values(status=to_status, status_changed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(obj, ["status"])
        raise InvalidTransition(
            entity, obj.id, from_status, to_status,
            message=f"{entity} {obj.id} was changed by someone else (now {obj.status}); reload and try again.",
        )
    set_committed_value(obj, "status", to_status)
    set_committed_value(obj, "status_changed_at", now)
    record_event(entity, obj.id, "status_changed", actor=actor, from_status=from_status,
                 to_status=to_status, reason=reason, data=data)
    return True
