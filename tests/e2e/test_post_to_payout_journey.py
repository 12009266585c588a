"""From a published post to money in the creator's account, as the demo people click through it
in their own language (the creator and the brand use Hashmark in Polish, the admin in English):
the creator links a sandbox Instagram account, publishes a sandbox post and submits it, sees the
verification report; the brand approves; the admin moves the sandbox clock past the live period;
the creator sets up payouts with Stripe (sandbox onboarding), the admin approves the payout that
now waits, and the creator sees it paid on the earnings page."""
import re

import pytest

from marketplace.services.demo import BRAND_EMAIL, CREATOR_EMAIL, DEMO_PASSWORD

from . import journeys
from .journeys import link_instagram, onboard, publish, submit_post, t

ADMIN_EMAIL = "admin@demo.example.com"
COMPLIANT = journeys.COMPLIANT   # the demo creator and brand chose Polish: `t` is the Polish catalogue


@pytest.fixture(scope="module")
def seeded(stack):
    stack.platforms.fake.reset()
    stack.platforms.fake.seed()
    stack.flask("marketplace", "seed-demo")
    return stack


def log_in(context, email):
    return journeys.log_in(context, email, DEMO_PASSWORD)


def test_a_compliant_post_is_verified_approved_and_becomes_a_payout(seeded, people, shots):
    stack = seeded
    creator = log_in(people("desktop"), CREATOR_EMAIL)
    link_instagram(creator, stack, "ania.creator", shots)
    post_url = publish(creator, stack, "instagram/ania.creator", COMPLIANT, shots)
    submit_post(creator, post_url, shots)
    assert creator.get_by_text(t("Meets the brief")).first.is_visible()
    assert creator.get_by_text("#reklama").first.is_visible()

    brand = log_in(people("desktop"), BRAND_EMAIL)
    brand.get_by_role("link", name="Autumn coffee with Palarnia Kraków").first.click()
    brand.get_by_role("link", name=re.compile("Ania Creates")).first.click()
    shots.take(brand, "brand-review")
    brand.get_by_role("button", name=t("Approve post")).click()
    brand.wait_for_load_state()
    assert brand.locator(".badge--approved").first.is_visible()
    shots.take(brand, "brand-approved")

    admin = log_in(people("desktop"), ADMIN_EMAIL)
    admin.goto("/admin/sandbox")
    admin.get_by_label("Days").fill("15")
    admin.get_by_role("button", name="Move forward and run due work").click()
    admin.wait_for_load_state()
    shots.take(admin, "sandbox-clock")
    admin.goto("/admin/payouts")
    assert admin.get_by_text("Ania Creates").first.is_visible()
    assert admin.get_by_text("450,00").first.is_visible() or admin.get_by_text("450.00").first.is_visible()
    shots.take(admin, "payout-awaiting-approval")

    creator.goto("/creator/applications")
    creator.get_by_role("link", name=re.compile(re.escape(t("Your post:")))).first.click()
    assert creator.locator(".badge--live_check_passed").first.is_visible()
    assert creator.locator(".badge--pending_approval").first.is_visible()
    shots.take(creator, "creator-after-live-check")

    onboard(creator, shots)
    admin.goto("/admin/payouts")
    admin.get_by_role("checkbox", name=re.compile("Select payout")).first.check()
    admin.get_by_role("button", name="Approve selected").click()
    admin.wait_for_load_state()
    shots.take(admin, "payout-approved")

    creator.goto("/creator/earnings")
    assert creator.get_by_text("Autumn coffee with Palarnia Kraków").first.is_visible()
    assert creator.locator(".badge--paid").first.is_visible()
    shots.take(creator, "earnings-paid")

