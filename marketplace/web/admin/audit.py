"""The audit log: every recorded event, newest link of the hash chain first, filtered; and a check
that the chain is intact (`audit.verify_chain`), whose result is itself recorded."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import false, func, select
from sqlalchemy.orm import selectinload

from ... import db as tx
from ...extensions import db
from ...models import AuditEvent, User
from ...services.audit import record_event, verify_chain
from ..forms import page_arg
from . import bp

PAGE_SIZE = 50
MAX_TEXT = 200
ENTITY_ID_MAX = 2**31 - 1   # the column's range: a larger id cannot exist (and must not reach the query)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@dataclass(frozen=True)
class Filters:
    entity: str
    entity_id: int | None
    action: str
    actor: str          # part of the actor's e-mail
    since: date | None  # from this day (UTC)
    until: date | None  # to this day (UTC), inclusive

    @classmethod
    def parse(cls, values) -> Filters:
        return cls(entity=(values.get("entity") or "").strip()[:MAX_TEXT],
                   entity_id=values.get("entity_id", type=int),
                   action=(values.get("action") or "").strip()[:MAX_TEXT],
                   actor=(values.get("actor") or "").strip().lower()[:MAX_TEXT],
                   since=_day(values.get("since")), until=_day(values.get("until")))

    def args(self) -> dict:
        """As query arguments (empty ones left out)."""
        return {k: v.isoformat() if isinstance(v, date) else v for k, v in vars(self).items()
                if v is not None and v != ""}

    def where(self) -> list:
        clauses = []
        if self.entity:
            clauses.append(AuditEvent.entity == self.entity)
        if self.entity_id is not None:
            in_range = 0 <= self.entity_id <= ENTITY_ID_MAX
            clauses.append(AuditEvent.entity_id == self.entity_id if in_range else false())
        if self.action:
            clauses.append(AuditEvent.action == self.action)
        if self.actor:
            clauses.append(AuditEvent.actor_id.in_(select(User.id).where(
                func.lower(User.email).contains(self.actor, autoescape=True))))
        if self.since:
            clauses.append(AuditEvent.created_at >= _midnight(self.since))
        if self.until and self.until < date.max:
            clauses.append(AuditEvent.created_at < _midnight(self.until + timedelta(days=1)))
        return clauses


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


@bp.route("/audit")
def audit_log():
    filters = Filters.parse(request.args)
    stmt = (select(AuditEvent).where(*filters.where()).options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.chain_seq.desc().nulls_first(), AuditEvent.id.desc()))
    pagination = db.paginate(stmt, page=page_arg(), per_page=PAGE_SIZE, error_out=False)
    entities = db.session.scalars(select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)).all()
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    return render_template("admin/audit.html", pagination=pagination, filters=filters, entities=entities,
                           actions=actions)


@bp.route("/audit/verify", methods=["POST"])
def audit_verify():
    """Walk the whole chain; the outcome is recorded (who checked, when, what was found)."""
    checked, broken = verify_chain()
    data = {"checked": checked, "intact": broken is None}
    if broken is not None:
        data |= {"event_id": broken.event_id, "chain_seq": broken.chain_seq, "problem": broken.problem}
    record_event("audit_events", broken.event_id if broken else 0, "chain_verified", actor=current_user, data=data)
    tx.commit()
    if broken is None:
        flash(_("The audit chain is intact: %(num)d links checked, none altered, missing or unsealed.",
                num=checked), "success")
    elif broken.chain_seq is not None:
        flash(_("The audit chain is broken at link %(seq)d (event #%(id)d): %(problem)s. %(num)d links before it "
                "are intact.", seq=broken.chain_seq, id=broken.event_id, problem=broken.problem, num=checked),
              "error")
    else:
        flash(_("The audit chain is broken at event #%(id)d: %(problem)s. %(num)d links before it are intact.",
                id=broken.event_id, problem=broken.problem, num=checked), "error")
    return redirect(url_for("admin.audit_log", **Filters.parse(request.form).args()))
