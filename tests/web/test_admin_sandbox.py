"""The sandbox clock page: admins move the schedules' clock forward; production has no such page."""
from datetime import timedelta

from marketplace import clock
from marketplace.models import utcnow

from ..factories import AdminFactory, BrandFactory
from ..helpers import login


def test_admin_moves_the_clock_forward_and_due_work_runs(client):
    login(client, AdminFactory())
    assert "Sandbox clock" in client.get("/admin/sandbox").get_data(as_text=True)
    response = client.post("/admin/sandbox", data={"days": "8", "hours": "2"}, follow_redirects=True)
    assert "due work ran" in response.get_data(as_text=True)
    assert clock.offset() == timedelta(days=8, hours=2)
    assert abs(clock.now() - (utcnow() + timedelta(days=8, hours=2))) < timedelta(seconds=5)
    client.post("/admin/sandbox/reset")
    assert clock.offset() == timedelta(0)


def test_a_step_beyond_sixty_days_is_refused_with_a_field_error(client):
    login(client, AdminFactory())
    response = client.post("/admin/sandbox", data={"days": "61", "hours": "0"})
    assert response.status_code == 200 and clock.offset() == timedelta(0)
    response = client.post("/admin/sandbox", data={"days": "0", "hours": "0"})
    assert "up to 60 days" in response.get_data(as_text=True) and clock.offset() == timedelta(0)


def test_the_page_does_not_exist_without_the_sandbox_clock(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "SANDBOX_CLOCK", False)
    login(client, AdminFactory())
    assert client.get("/admin/sandbox").status_code == 404
    assert client.post("/admin/sandbox/run-due").status_code == 404
    assert clock.offset() == timedelta(0)


def test_only_admins_reach_the_sandbox(client):
    login(client, BrandFactory().user)
    assert client.get("/admin/sandbox").status_code == 403
