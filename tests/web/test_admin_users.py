from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditEvent

from ..factories import AdminFactory, CreatorFactory
from ..helpers import login


def test_admin_suspends_and_reinstates_with_an_audited_reason(client):
    admin = AdminFactory()
    creator = CreatorFactory().user
    login(client, admin)
    assert creator.email in client.get("/admin/users").get_data(as_text=True)

    response = client.post(f"/admin/users/{creator.id}/suspend", data={"reason": "Fake followers"})
    assert response.status_code == 302
    assert creator.status == "suspended"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "users",
                                                       AuditEvent.entity_id == creator.id,
                                                       AuditEvent.to_status == "suspended"))
    assert event.reason == "Fake followers" and event.actor_id == admin.id

    client.post(f"/admin/users/{creator.id}/reinstate")
    assert creator.status == "active"


def test_suspension_needs_a_reason(client):
    admin = AdminFactory()
    creator = CreatorFactory().user
    login(client, admin)
    response = client.post(f"/admin/users/{creator.id}/suspend", data={"reason": "  "}, follow_redirects=True)
    assert "Say why the account is suspended" in response.get_data(as_text=True)
    assert creator.status == "active"


def test_suspended_user_is_signed_out_on_next_request(app, client):
    creator = CreatorFactory().user
    login(client, creator)
    assert client.get("/creator/").status_code == 200
    creator.status = "suspended"
    db.session.flush()
    assert client.get("/creator/").status_code == 302


def test_admin_cannot_suspend_themselves(client):
    admin = AdminFactory()
    login(client, admin)
    response = client.post(f"/admin/users/{admin.id}/suspend", data={"reason": "oops"}, follow_redirects=True)
    assert "cannot suspend your own account" in response.get_data(as_text=True)
    assert admin.status == "active"


def test_unknown_user_is_404(client):
    login(client, AdminFactory())
    assert client.post("/admin/users/999999/suspend", data={"reason": "x"}).status_code == 404


def test_admin_dashboard_shows_activity(client):
    admin = AdminFactory()
    creator = CreatorFactory().user
    login(client, admin)
    client.post(f"/admin/users/{creator.id}/suspend", data={"reason": "Spam"})
    page = client.get("/admin/").get_data(as_text=True)
    assert "Spam" in page and "suspended" in page


def test_admins_never_see_reset_tokens_in_the_outbox(client):
    from marketplace.models import OutboxEmail

    creator = CreatorFactory().user
    client.post("/password/forgot", data={"email": creator.email})
    message = db.session.scalar(select(OutboxEmail))
    assert "/password/reset/" in message.body_text
    login(client, AdminFactory())
    page = client.get(f"/admin/outbox/{message.id}").get_data(as_text=True)
    token = message.body_text.split("/password/reset/")[1].split()[0]
    assert token not in page and "/password/reset/[hidden]" in page
