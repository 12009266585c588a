"""Writing audit events, always in the caller's transaction (never asynchronously), and sealing
them into the hash chain when that transaction commits.

Sealing happens in `before_commit`, as the transaction's last step: it locks the chain head,
numbers the transaction's events and links each to the previous hash. Taking that lock last
means no transaction ever waits for another lock while holding it, so it cannot deadlock, and
concurrent writers append one after the other. Chain order is commit order, not id order.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import AuditChainHead, AuditEvent, User

GENESIS = "0" * 64
_UNSEALED = "hashmark_unsealed_audit_events"


def record_event(entity: str, entity_id: int, action: str, *, actor: User | None,
                 from_status: str | None = None, to_status: str | None = None,
                 reason: str | None = None, data: dict[str, Any] | None = None) -> AuditEvent:
    audit = AuditEvent(
        entity=entity,
        entity_id=entity_id,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor_id=actor.id if actor is not None else None,
        reason=reason,
        data=data,
    )
    db.session.add(audit)
    db.session.info.setdefault(_UNSEALED, []).append(audit)
    return audit


def digest(audit: Any, prev_hash: str) -> str:
    """SHA-256 over the previous hash and every field of an event (an AuditEvent or a row of its
    table), in a canonical form."""
    body = json.dumps({
        "prev": prev_hash, "seq": audit.chain_seq, "id": audit.id, "entity": audit.entity,
        "entity_id": audit.entity_id, "action": audit.action, "from": audit.from_status,
        "to": audit.to_status, "actor": audit.actor_id, "reason": audit.reason, "data": audit.data,
        "at": audit.created_at.isoformat(timespec="microseconds"),
    }, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode()).hexdigest()


@event.listens_for(Session, "before_commit")
def _seal(session: Session) -> None:
    pending = session.info.pop(_UNSEALED, None)
    if not pending:
        return
    session.flush()
    alive = sorted((a for a in pending if inspect(a).persistent and a.hash is None), key=lambda a: a.id)
    if not alive:
        return
    head = session.execute(select(AuditChainHead).where(AuditChainHead.id == 1).with_for_update()).scalar_one()
    for audit in alive:
        head.seq += 1
        audit.chain_seq = head.seq
        audit.prev_hash = head.hash
        audit.hash = digest(audit, head.hash)
        head.hash = audit.hash
    session.flush()


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    if not session.in_transaction():
        session.info.pop(_UNSEALED, None)


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    chain_seq: int | None
    problem: str


def verify_chain(batch: int = 1000) -> tuple[int, BrokenLink | None]:
    """Walk the chain in order; return (events checked, the first broken link or None)."""
    checked, expected_prev, expected_seq = 0, GENESIS, 1
    for audit in _in_chain_order(batch):
        if audit.chain_seq != expected_seq:
            return checked, BrokenLink(audit.id, audit.chain_seq,
                                       f"link {expected_seq} is missing (next found is {audit.chain_seq})")
        if audit.prev_hash != expected_prev:
            return checked, BrokenLink(audit.id, audit.chain_seq, "it does not point at the previous link")
        if audit.hash != digest(audit, audit.prev_hash):
            return checked, BrokenLink(audit.id, audit.chain_seq, "its contents no longer match its hash")
        checked, expected_prev, expected_seq = checked + 1, audit.hash, expected_seq + 1
    head = db.session.get(AuditChainHead, 1)
    if head is not None and (head.seq, head.hash) != (expected_seq - 1, expected_prev):
        return checked, BrokenLink(0, head.seq, f"the chain ends at link {expected_seq - 1}, "
                                                f"but its head says {head.seq}: the last links were removed")
    unsealed = db.session.scalar(select(AuditEvent.id).where(AuditEvent.chain_seq.is_(None)).limit(1))
    if unsealed is not None:
        return checked, BrokenLink(unsealed, None, "it was never sealed into the chain")
    return checked, None


def _in_chain_order(batch: int) -> Iterator[Any]:
    """Rows (not ORM objects, so the session does not fill up) in chain order, a batch at a time."""
    table = AuditEvent.__table__
    after = 0
    while True:
        rows = db.session.execute(select(table).where(table.c.chain_seq > after)
                                  .order_by(table.c.chain_seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].chain_seq
