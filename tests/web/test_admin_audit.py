"""The audit log for admins: filtered, paginated, each event with its chain link and a short hash;
"Verify chain" names the first broken link, and is itself recorded."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select, update

from marketplace import db as tx
from marketplace.extensions import db
from marketplace.models import AuditEvent
from marketplace.services.audit import record_event

from .brand.html import text_of
from ..factories import AdminFactory, BrandFactory
from ..helpers import login


def _event(entity="campaigns", entity_id=1, action="status_changed", *, actor=None, at=None, **fields) -> AuditEvent:
    event = record_event(entity, entity_id, action, actor=actor, **fields)
    if at is not None:
        event.created_at = at
    return event


def _sealed(*events: AuditEvent) -> list[AuditEvent]:
    tx.commit()
    return list(events)


def _ids_in(html: str) -> list[int]:
    return [int(chunk.split('"', 1)[0]) for chunk in html.split('id="event-')[1:]]


def _admin(client):
    admin = AdminFactory()
    login(client, admin)
    return admin


def test_events_are_listed_newest_link_first_with_their_link_number_and_a_short_hash(client):
    brand = BrandFactory()
    first, second = _sealed(
        _event(actor=brand.user, from_status="open", to_status="closed", reason="Koniec sezonu — ปิด"),
        _event("disputes", 7, "opened", data={"submission_id": 3}))
    _admin(client)
    response = client.get("/admin/audit")
    assert response.status_code == 200
    ids = _ids_in(response.get_data(as_text=True))
    assert ids.index(second.id) < ids.index(first.id)
    row = text_of(response, f"#event-{first.id}")
    assert str(first.chain_seq) in row and first.hash[:12] in row and first.hash not in row
    assert "campaigns #1 · status_changed" in row and "open → closed" in row
    assert brand.user.email in row and "Koniec sezonu — ปิด" in row
    assert f'title="{first.hash}"' in response.get_data(as_text=True)
    assert "submission_id: 3" in text_of(response, f"#event-{second.id}")
    assert "/admin/audit" in client.get("/admin/").get_data(as_text=True)


def test_filters_by_entity_id_action_actor_and_dates(client):
    brand = BrandFactory(user__email="Kawiarnia@Example.com")
    old = _event("campaigns", 5, "created", actor=brand.user, at=datetime(2025, 3, 1, 23, 30, tzinfo=timezone.utc))
    other = _event("campaigns", 6, "created", at=datetime(2025, 3, 2, 0, 30, tzinfo=timezone.utc))
    payout = _event("payouts", 5, "held", at=datetime(2025, 3, 10, tzinfo=timezone.utc))
    _sealed(old, other, payout)
    _admin(client)

    def listed(**args):
        response = client.get("/admin/audit", query_string=args)
        assert response.status_code == 200
        return set(_ids_in(response.get_data(as_text=True))) & {old.id, other.id, payout.id}

    assert listed() == {old.id, other.id, payout.id}
    assert listed(entity="campaigns") == {old.id, other.id}
    assert listed(entity="campaigns", entity_id=5) == {old.id}
    assert listed(entity_id=5) == {old.id, payout.id}
    assert listed(action="held") == {payout.id}
    assert listed(actor="kawiarnia@") == {old.id}
    assert listed(since="2025-03-02") == {other.id, payout.id}
    assert listed(until="2025-03-01") == {old.id}  # the whole day, inclusive
    assert listed(since="2025-03-02", until="2025-03-09") == {other.id}
    assert listed(entity_id=99_999_999_999) == set()
    # junk never fails: it is ignored (or matches nothing)
    assert listed(since="yesterday", until="9999-12-31", entity_id="x", page="-4") == {old.id, other.id, payout.id}
    assert listed(actor="%_", entity="<script>") == set()


def test_the_log_is_paginated_and_pages_keep_the_filters(client):
    _sealed(*(_event("applications", n, "submitted") for n in range(55)))
    _admin(client)
    first = client.get("/admin/audit", query_string={"entity": "applications"})
    assert len(_ids_in(first.get_data(as_text=True))) == 50
    assert "55 events" in first.get_data(as_text=True)
    pager = first.get_data(as_text=True).split('class="pager"', 1)[1].split("</nav>", 1)[0]
    assert "page=2" in pager and "entity=applications" in pager
    second = client.get("/admin/audit", query_string={"entity": "applications", "page": 2})
    assert len(_ids_in(second.get_data(as_text=True))) == 5


def test_verify_chain_says_intact_and_is_itself_recorded(client):
    _sealed(_event(), _event(entity_id=2))
    admin = _admin(client)
    response = client.post("/admin/audit/verify", data={"entity": "campaigns"}, follow_redirects=True)
    assert "The audit chain is intact: 2 links checked" in text_of(response, ".flashes")
    assert "entity=campaigns" in response.request.url
    check = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "chain_verified"))
    assert (check.actor_id, check.data) == (admin.id, {"checked": 2, "intact": True})
    assert check.chain_seq == 3  # sealed into the chain like any other event


def test_verify_chain_names_the_first_broken_link(client):
    first, second, third = _sealed(_event(), _event(entity_id=2), _event(entity_id=3))
    db.session.execute(update(AuditEvent).where(AuditEvent.id == second.id).values(reason="rewritten later"))
    _admin(client)
    response = client.post("/admin/audit/verify", follow_redirects=True)
    flash = text_of(response, ".flashes")
    assert f"broken at link {second.chain_seq} (event #{second.id})" in flash
    assert "contents no longer match its hash" in flash and "1 links before it are intact" in flash
    check = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "chain_verified"))
    assert check.data["intact"] is False and check.data["event_id"] == second.id
    assert check.entity_id == second.id


def test_only_admins_read_or_verify_the_log(client):
    login(client, BrandFactory().user)
    assert client.get("/admin/audit").status_code == 403
    assert client.post("/admin/audit/verify").status_code == 403
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "chain_verified")) is None
