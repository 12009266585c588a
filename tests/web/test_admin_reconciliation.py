"""The admin's reconciliation page: a button that compares the books with (the fake) Stripe."""
import re

from marketplace.money import Money
from marketplace.payments.gateway import client as stripe_client

from tests.payments.conftest import sandbox  # noqa: F401  (the fake Stripe fixture)
from tests.payments.test_reconciliation import realistic
from tests.payments.test_refunds import _funded

from ..factories import AdminFactory, CreatorFactory
from ..helpers import login


def as_admin(client):
    """The Checkout helpers signed the brand in on this client; switch to an admin."""
    client.post("/logout")
    login(client, AdminFactory())


def test_the_page_offers_the_run_button_and_is_in_the_admin_nav(client):
    login(client, AdminFactory())
    page = client.get("/admin/reconciliation").get_data(as_text=True)
    assert "Run reconciliation" in page and 'name="csrf_token"' in page and "Not run yet" in page
    assert 'href="/admin/reconciliation"' in client.get("/admin/").get_data(as_text=True)


def test_only_admins_may_run_it(client):
    login(client, CreatorFactory().user)
    assert client.get("/admin/reconciliation").status_code in (403, 404)
    assert client.post("/admin/reconciliation").status_code in (403, 404)


def test_a_clean_run_says_so_with_a_summary_per_currency(client, sandbox):
    realistic(sandbox)
    as_admin(client)
    page = client.post("/admin/reconciliation").get_data(as_text=True)
    assert "No differences: the books agree with Stripe." in page
    assert "Summary per currency" in page and "<td>PLN</td>" in page
    assert "What was checked" in page and "Not at Stripe (sandbox)" not in page


def test_differences_are_listed_with_both_sides_and_the_reason(client, sandbox):
    campaign, funding = _funded(sandbox)
    stripe_client().v1.refunds.create(params={"charge": funding.charge_id, "amount": 12_345})
    as_admin(client)
    page = client.post("/admin/reconciliation").get_data(as_text=True)
    assert "3 differences between the books and Stripe" in page
    assert "refund_outside" in page and funding.charge_id in page
    assert "123.45 PLN was refunded outside Hashmark" in page
    assert Money(12_345, "PLN").format("en") in page   # Stripe's side, formatted as money
    assert f"campaign_{campaign.id}" in page


def test_a_stripe_outage_is_a_clear_message_not_an_error_page(client, sandbox):
    sandbox.fake.inject_error("/v1/transfers", method="GET", status=500, times=5)
    login(client, AdminFactory())
    response = client.post("/admin/reconciliation")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Stripe could not be asked, so nothing was compared." in page
    assert "No differences" not in page


def test_the_run_needs_the_csrf_token_from_the_page(app, client, sandbox, monkeypatch):
    login(client, AdminFactory())
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/admin/reconciliation").status_code == 400
    page = client.get("/admin/reconciliation").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/admin/reconciliation", data={"csrf_token": token})
    assert response.status_code == 200 and "No differences" in response.get_data(as_text=True)
