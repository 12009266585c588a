import re

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import OutboxEmail

from ..factories import BrandFactory, CreatorFactory
from ..helpers import login


def _reset_link(email: str) -> str:
    message = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == email)
                                .order_by(OutboxEmail.id.desc()))
    assert message is not None, "no reset e-mail in the outbox"
    match = re.search(r"http://hashmark\.test(/password/reset/\S+)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def test_forgotten_password_is_reset_through_the_emailed_link(client):
    user = CreatorFactory().user
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    link = _reset_link(user.email)
    message = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == user.email))
    assert message.delivered_via == "outbox" and message.delivered_at is not None

    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "brand new password", "confirm": "brand new password"})
    assert response.status_code == 302
    assert login(client, user, password="brand new password").status_code == 302


def test_reset_link_works_only_once(client):
    user = CreatorFactory().user
    client.post("/password/forgot", data={"email": user.email})
    link = _reset_link(user.email)
    client.post(link, data={"password": "brand new password", "confirm": "brand new password"})
    response = client.get(link, follow_redirects=True)
    assert "expired or was already used" in response.get_data(as_text=True)


def test_reset_link_expires(client, app, monkeypatch):
    user = CreatorFactory().user
    client.post("/password/forgot", data={"email": user.email})
    link = _reset_link(user.email)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    response = client.post(link, data={"password": "brand new password", "confirm": "brand new password"},
                           follow_redirects=True)
    assert "expired or was already used" in response.get_data(as_text=True)
    assert login(client, user, password="brand new password").status_code == 200


def test_tampered_link_is_refused(client):
    user = CreatorFactory().user
    client.post("/password/forgot", data={"email": user.email})
    link = _reset_link(user.email)
    response = client.get(link[:-3] + "abc", follow_redirects=True)
    assert "expired or was already used" in response.get_data(as_text=True)


def test_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post("/password/forgot", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert "If an account uses that address" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(OutboxEmail)) == 0


def test_change_password_needs_the_current_one(client):
    user = BrandFactory().user
    login(client, user)
    response = client.post("/account", data={"form": "password", "pw-current_password": "wrong one here",
                                             "pw-new_password": "another long password",
                                             "pw-confirm": "another long password"})
    assert response.status_code == 200
    assert "current password is not right" in response.get_data(as_text=True)

    response = client.post("/account", data={"form": "password", "pw-current_password": "correct horse battery",
                                             "pw-new_password": "another long password",
                                             "pw-confirm": "another long password"})
    assert response.status_code == 302
    client.post("/logout")
    assert login(client, user, password="another long password").status_code == 302


def test_language_choice_is_saved_on_the_account(client):
    user = BrandFactory().user
    login(client, user)
    response = client.post("/account", data={"form": "language", "lang-locale": "th"})
    assert response.status_code == 302
    assert user.locale == "th"
    page = client.get("/account").get_data(as_text=True)
    assert 'lang="th"' in page


def test_reset_link_uses_the_configured_address_not_the_request_host(client):
    user = CreatorFactory().user
    client.post("/password/forgot", data={"email": user.email}, headers={"Host": "attacker.example"})
    message = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == user.email))
    assert "attacker.example" not in message.body_text
    assert "http://hashmark.test/password/reset/" in message.body_text


def test_changing_the_password_signs_out_other_sessions(app, client):
    user = BrandFactory().user
    other_device = app.test_client()
    login(other_device, user)
    login(client, user)
    assert other_device.get("/brand/").status_code == 200
    client.post("/account", data={"form": "password", "pw-current_password": "correct horse battery",
                                  "pw-new_password": "another long password", "pw-confirm": "another long password"})
    assert client.get("/brand/").status_code == 200  # this session follows the new password
    assert other_device.get("/brand/").status_code == 302  # the other one is signed out
