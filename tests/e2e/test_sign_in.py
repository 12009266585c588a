"""The simplest journey: the demo brand signs in and lands on its dashboard, on desktop and phone."""
import pytest

from marketplace.services.demo import BRAND_EMAIL, DEMO_PASSWORD


@pytest.fixture(scope="module")
def seeded(stack):
    stack.flask("marketplace", "seed-demo")
    return stack


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_demo_brand_signs_in_and_sees_its_campaigns(seeded, device, request, shots):
    page = request.getfixturevalue(device).new_page()
    page.goto("/login")
    shots.take(page, "login")
    page.get_by_label("E-mail").fill(BRAND_EMAIL)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/brand/")
    assert page.get_by_text("Autumn coffee with Palarnia Kraków").first.is_visible()
    shots.take(page, "dashboard")
