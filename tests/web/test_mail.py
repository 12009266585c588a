from sqlalchemy import select

from marketplace import db as tx
from marketplace.extensions import db
from marketplace.mail import queue_email
from marketplace.models import OutboxEmail

from ..factories import AdminFactory, CreatorFactory
from ..fakes.smtp import FakeSMTP
from ..helpers import login


def _queue(user):
    queue_email(user.email, "Reset your Hashmark password", "password_reset", user=user,
                link="http://hashmark.test/x", minutes=60)


def test_mail_goes_out_over_smtp_after_commit(app, monkeypatch):
    user = CreatorFactory().user
    with FakeSMTP() as smtp:
        monkeypatch.setitem(app.config, "MAIL_SERVER", smtp.host)
        monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
        monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
        _queue(user)
        assert smtp.messages == []  # nothing leaves before the commit
        tx.commit()
    assert len(smtp.messages) == 1
    assert user.email in smtp.messages[0].recipients[0]
    assert "Subject: Reset your Hashmark password" in smtp.messages[0].data
    message = db.session.scalar(select(OutboxEmail))
    assert message.delivered_via == "smtp" and message.attempts == 1


def test_rolled_back_transaction_sends_nothing(app):
    user = CreatorFactory().user
    _queue(user)
    tx.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(OutboxEmail)) == 0


def test_failed_delivery_is_recorded_and_can_be_retried_from_the_outbox(app, client, monkeypatch):
    user = CreatorFactory().user
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # discard port: nothing listens, connection refused
    _queue(user)
    tx.commit()
    message = db.session.scalar(select(OutboxEmail))
    assert message.delivered_at is None and message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error

    admin = AdminFactory()
    login(client, admin)
    assert "Failed" in client.get("/admin/outbox").get_data(as_text=True)
    with FakeSMTP() as smtp:
        monkeypatch.setitem(app.config, "MAIL_PORT", smtp.port)
        monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
        monkeypatch.setitem(app.config, "MAIL_SERVER", smtp.host)
        client.post(f"/admin/outbox/{message.id}/retry")
    assert len(smtp.messages) == 1
    assert message.delivered_via == "smtp" and message.attempts == 2 and message.last_error is None


def test_long_subjects_are_shortened_to_fit_one_line(app):
    from marketplace.services.notifications import notify

    user = CreatorFactory().user
    notify(user, "application_received", link="/brand/", campaign="K" * 140 + "\nX-Injected: 1",
           creator="A" * 80)
    db.session.flush()
    message = db.session.scalar(select(OutboxEmail))
    assert len(message.subject) == 200 and message.subject.endswith("…")
    assert "\n" not in message.subject
