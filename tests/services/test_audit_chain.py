"""The audit trail is a hash chain: any edit, deletion or truncation is found and named."""
import threading

from sqlalchemy import delete, func, select, update

from marketplace import db as tx
from marketplace.extensions import db
from marketplace.models import AuditChainHead, AuditEvent
from marketplace.services.audit import GENESIS, record_event, verify_chain

from ..factories import AdminFactory


def _events(n: int, actor=None) -> list[AuditEvent]:
    made = [record_event("campaigns", i, "status_changed", actor=actor, from_status="open", to_status="closed",
                         reason=f"Powód nr {i} — ปิดแคมเปญ", data={"i": i, "tags": ["#reklama", "#อร่อย"]})
            for i in range(n)]
    tx.commit()
    return made


def test_committed_events_are_linked_in_order_from_the_genesis_hash():
    admin = AdminFactory()
    first, second, third = _events(3, actor=admin)
    assert (first.chain_seq, second.chain_seq, third.chain_seq) == (1, 2, 3)
    assert first.prev_hash == GENESIS and second.prev_hash == first.hash and third.prev_hash == second.hash
    assert db.session.get(AuditChainHead, 1).hash == third.hash
    assert verify_chain() == (3, None)


def test_editing_an_event_breaks_the_chain_at_that_event():
    events = _events(4)
    db.session.execute(update(AuditEvent).where(AuditEvent.id == events[1].id).values(reason="nothing to see"))
    checked, broken = verify_chain()
    assert checked == 1 and broken.event_id == events[1].id
    assert "contents no longer match" in broken.problem


def test_deleting_an_event_in_the_middle_is_named_as_a_missing_link():
    events = _events(4)
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == events[2].id))
    checked, broken = verify_chain()
    assert checked == 2 and broken.event_id == events[3].id and "link 3 is missing" in broken.problem


def test_removing_the_last_events_is_found_through_the_head():
    events = _events(3)
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == events[2].id))
    checked, broken = verify_chain()
    assert checked == 2 and "last links were removed" in broken.problem


def test_rewriting_an_event_and_its_hash_still_breaks_the_next_link():
    from marketplace.services.audit import digest

    events = _events(3)
    forged = db.session.get(AuditEvent, events[0].id)
    forged.reason = "rewritten"
    forged.hash = digest(forged, forged.prev_hash)
    db.session.flush()
    checked, broken = verify_chain()
    assert checked == 1 and broken.event_id == events[1].id and "previous link" in broken.problem


def test_events_of_a_rolled_back_transaction_leave_no_gap():
    _events(2)
    record_event("campaigns", 99, "never_happened", actor=None)
    tx.rollback()
    _events(1)
    assert verify_chain() == (3, None)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action == "never_happened")) == 0


def test_cli_verify_audit_reports_intact_and_broken_trails(app):
    events = _events(2)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["marketplace", "verify-audit"])
    assert ok.exit_code == 0 and "intact: 2 events" in ok.output
    db.session.execute(update(AuditEvent).where(AuditEvent.id == events[1].id).values(to_status="open"))
    bad = runner.invoke(args=["marketplace", "verify-audit"])
    assert bad.exit_code == 1 and f"broken at event {events[1].id} (link 2)" in bad.output


def test_concurrent_writers_append_one_after_the_other(own_app):
    writers, each = 6, 5
    barrier = threading.Barrier(writers, timeout=30)
    errors = []

    def write(n: int) -> None:
        barrier.wait()
        try:
            with own_app.app_context():
                for i in range(each):
                    record_event("campaigns", n * 100 + i, "status_changed", actor=None, data={"writer": n})
                    tx.commit()
        except Exception as error:  # surfaced by the assertion below
            errors.append(repr(error))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with own_app.app_context():
        assert verify_chain() == (writers * each, None)
