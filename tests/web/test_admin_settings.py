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


def test_admin_changes_the_review_and_grace_schedule_and_it_is_audited(client):
    from marketplace.services.settings import platform_setting

    admin = AdminFactory()
    login(client, admin)
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'name="schedule-review_days"' in page and 'value="5"' in page
    response = client.post("/admin/settings", data={"which": "schedule", "schedule-review_days": "3",
                                                     "schedule-review_reminder_hours": "12",
                                                     "schedule-live_grace_hours": "72"})
    assert response.status_code == 302
    assert (platform_setting("review_days"), platform_setting("review_reminder_hours"),
            platform_setting("live_grace_hours")) == (3, 12, 72)
    changes = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "setting_changed")).all()
    assert {e.data["name"]: (e.data["from"], e.data["to"]) for e in changes}["live_grace_hours"] == (48, 72)
    assert all(e.actor_id == admin.id for e in changes)


def test_an_out_of_bounds_schedule_value_is_a_field_error_and_nothing_changes(client):
    from marketplace.services.settings import platform_setting

    login(client, AdminFactory())
    response = client.post("/admin/settings", data={"which": "schedule", "schedule-review_days": "99",
                                                     "schedule-review_reminder_hours": "12",
                                                     "schedule-live_grace_hours": "72"})
    assert response.status_code == 200
    assert "Choose a value from 1 to 30." in response.get_data(as_text=True)
    assert platform_setting("review_days") == 5 and platform_setting("live_grace_hours") == 48
