"""Writing audit events, always in the caller's transaction (never asynchronously)."""
from __future__ import annotations

from typing import Any

from ..extensions import db
from ..models import AuditEvent, User


def record_event(entity: str, entity_id: int, action: str, *, actor: User | None,
                 from_status: str | None = None, to_status: str | None = None,
                 reason: str | None = None, data: dict[str, Any] | None = None) -> AuditEvent:
    event = AuditEvent(
        entity=entity,
        entity_id=entity_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor.id if actor is not None else None,
        reason=reason,
        data=data,
    )
    db.session.add(event)
    return event
