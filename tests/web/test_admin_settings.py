from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditEvent, MinimumPayout

from ..factories import AdminFactory
from ..helpers import login


def test_admin_sets_a_minimum_payout_in_local_format_and_it_is_audited(client):
    admin = AdminFactory(locale="pl")
    login(client, admin)
    response = client.post("/admin/settings", data={"currency": "PLN", "amount": "49,99"})
    assert response.status_code == 302
    row = db.session.scalar(select(MinimumPayout).where(MinimumPayout.currency == "PLN"))
    assert row.minimum_minor == 4_999
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "minimum_payouts"))
    assert event.actor_id == admin.id and event.data["to_minor"] == 4_999
    client.post("/admin/settings", data={"currency": "PLN", "amount": "60"})
    assert row.minimum_minor == 6_000
    assert "60,00" in client.get("/admin/settings").get_data(as_text=True)


def test_bad_amount_rerenders_with_a_field_error(client):
    login(client, AdminFactory())
    response = client.post("/admin/settings", data={"currency": "JPY", "amount": "100.5"})
    assert response.status_code == 200
    assert "JPY" in response.get_data(as_text=True) and 'value="100.5"' in response.get_data(as_text=True)
    assert db.session.scalar(select(MinimumPayout)) is None
