import pytest

from marketplace.extensions import db

from ..factories import AdminFactory, BrandFactory, CreatorFactory
from ..helpers import login


@pytest.fixture
def brand_user():
    return BrandFactory().user


@pytest.mark.parametrize("make, home", [
    (lambda: BrandFactory().user, "/brand/"),
    (lambda: CreatorFactory().user, "/creator/"),
    (lambda: AdminFactory(), "/admin/"),
])
def test_each_role_logs_in_to_its_own_dashboard(client, make, home):
    user = make()
    response = login(client, user)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(home)
    assert client.get(home).status_code == 200
    assert user.last_login_at is not None


def test_email_is_case_insensitive(client, brand_user):
    response = client.post("/login", data={"email": brand_user.email.upper(), "password": "correct horse battery"})
    assert response.status_code == 302


def test_wrong_password_shows_a_message(client, brand_user):
    response = login(client, brand_user, password="not the password")
    assert response.status_code == 200
    assert "do not match an account" in response.get_data(as_text=True)
    assert client.get("/brand/").status_code == 302


def test_unknown_email_gets_the_same_message(client):
    response = client.post("/login", data={"email": "nobody@example.com", "password": "whatever it is"})
    assert "do not match an account" in response.get_data(as_text=True)


def test_suspended_account_cannot_log_in(client, brand_user):
    brand_user.status = "suspended"
    db.session.flush()
    response = login(client, brand_user)
    assert response.status_code == 200
    assert "suspended" in response.get_data(as_text=True)


def test_logout_is_post_only_and_ends_the_session(client, brand_user):
    login(client, brand_user)
    assert client.get("/logout").status_code == 405
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/brand/").status_code == 302


@pytest.mark.parametrize("target, expected", [
    ("/brand/", "/brand/"),
    ("/account?tab=1", "/account?tab=1"),
    ("//evil.example/", "/brand/"),
    ("https://evil.example/brand/", "/brand/"),
    ("/\\evil.example", "/brand/"),
    ("javascript:alert(1)", "/brand/"),
])
def test_next_redirects_only_to_same_site_paths(client, brand_user, target, expected):
    response = client.post("/login", data={"email": brand_user.email, "password": "correct horse battery",
                                           "next": target})
    location = response.headers["Location"]
    assert location.endswith(expected)
    assert "evil" not in location


def test_login_form_carries_next_from_the_gate(client, brand_user):
    response = client.get("/brand/")
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="/brand/"' in page


def test_login_is_rate_limited_with_a_friendly_page(client, brand_user):
    for _ in range(5):
        assert login(client, brand_user, password="wrong password").status_code == 200
    response = login(client, brand_user, password="wrong password")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert "Retry-After" in response.headers or "X-RateLimit-Reset" in response.headers


def test_successful_logins_do_not_use_up_the_limit(client, brand_user):
    for _ in range(8):
        assert login(client, brand_user).status_code == 302
        client.post("/logout")
