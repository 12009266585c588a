import pytest

from marketplace.web.security import safe_next

from ..factories import BrandFactory
from ..helpers import login


def test_every_response_carries_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_contain_no_inline_script_or_style(client):
    login(client, BrandFactory().user)
    for path in ("/", "/brand/", "/account"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page and "<script " not in page.replace("<script src=", "")
        assert " style=" not in page
        assert " onclick=" not in page


def test_session_cookie_is_httponly_and_samesite_lax(client):
    response = login(client, BrandFactory().user)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_forms_are_rejected_without_a_csrf_token(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = BrandFactory().user
    response = login(client, user)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True).lower()


def test_forms_are_accepted_with_the_csrf_token_from_the_page(client, app, monkeypatch):
    import re

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    user = BrandFactory().user
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                           "csrf_token": token})
    assert response.status_code == 302


@pytest.mark.parametrize("target, ok", [
    ("/brand/", True), ("/a?b=c#d", True), (None, False), ("", False), ("//x.org", False),
    ("http://x.org/", False), ("/\\x.org", False), ("x.org", False), ("/\nfoo", False),
])
def test_safe_next(target, ok):
    assert (safe_next(target) is not None) is ok


@pytest.mark.parametrize("path", ["/?q=%00", "/admin/users?q=a%00b"])
def test_nul_bytes_are_a_clear_400(client, path):
    assert client.get(path).status_code == 400


def test_nul_bytes_in_forms_are_a_clear_400(client):
    response = client.post("/signup/brand", data={"company_name": "A\x00B", "email": "a@b.pl"})
    assert response.status_code == 400


def test_absurd_page_numbers_do_not_overflow(client):
    from ..factories import AdminFactory

    login(client, AdminFactory())
    assert client.get("/admin/users?page=99999999999999999999").status_code == 200


def test_the_400_page_says_what_went_wrong(client):
    assert "could not read that request" in client.get("/?q=%00").get_data(as_text=True)


def test_forms_may_end_at_stripe_but_nowhere_else(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    form_action = next(part for part in csp.split("; ") if part.startswith("form-action"))
    assert form_action == "form-action 'self' https://checkout.stripe.com https://connect.stripe.com"


def test_the_sandbox_origin_is_allowed_as_a_form_target_when_configured():
    from marketplace.web.security import content_security_policy

    assert "form-action 'self' https://checkout.stripe.com https://connect.stripe.com http://127.0.0.1:12111" in \
        content_security_policy("http://127.0.0.1:12111")
