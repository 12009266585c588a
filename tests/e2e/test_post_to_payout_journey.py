"""From a published post to money in the creator's account, as the demo people click through it
in their own language (the creator and the brand use Hashmark in Polish, the admin in English):
the creator links a sandbox Instagram account, publishes a sandbox post and submits it, sees the
verification report; the brand approves; the admin moves the sandbox clock past the live period;
the creator sets up payouts with Stripe (sandbox onboarding), the admin approves the payout that
now waits, and the creator sees it paid on the earnings page."""
import re

import pytest

from marketplace.services.demo import BRAND_EMAIL, CREATOR_EMAIL, DEMO_PASSWORD

from .conftest import translator

ADMIN_EMAIL = "admin@demo.example.com"
t = translator("pl")   # the demo creator and brand chose Polish
COMPLIANT = "#reklama Jesienna kawa z @palarnia.krakow ☕ Parzę ją w dripie każdego ranka. #PalarniaKraków #jesień"


@pytest.fixture(scope="module")
def seeded(stack):
    stack.platforms.fake.reset()
    stack.platforms.fake.seed()
    stack.flask("marketplace", "seed-demo")
    return stack


def log_in(context, email):
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def link_instagram(page, stack, username, shots):
    page.goto("/creator/accounts")
    page.get_by_role("button", name=t("Link %(platform)s") % {"platform": "Instagram"}).click()
    page.wait_for_url(f"{stack.platforms.url}/**")
    assert "no real account" in page.content()
    shots.take(page, "instagram-consent")
    page.get_by_label(re.compile(re.escape(username))).check()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url("**/creator/accounts**")
    assert page.get_by_text(f"@{username}").first.is_visible()
    shots.take(page, "instagram-linked")


def publish(page, stack, account, caption, shots):
    page.goto(stack.platforms.url + "/")
    page.get_by_label("Account").select_option(account)
    page.get_by_label("Caption").fill(caption)
    page.get_by_role("button", name="Publish sandbox post").click()
    page.wait_for_load_state()
    shots.take(page, "sandbox-post-published")
    links = page.locator("a[href*='instagram.com/p/']")
    return links.last.get_attribute("href")


def submit_post(page, url, shots):
    page.goto("/creator/applications")
    page.get_by_role("link", name=t("Submit your post")).first.click()
    page.get_by_label(t("Link to your post")).first.fill(url)
    page.get_by_role("button", name=t("Check my post")).click()
    page.wait_for_load_state()
    page.locator(".report").first.wait_for()
    shots.take(page, "report")


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


def onboard(page, shots):
    """Sandbox Stripe onboarding from the creator's "Get paid" page until the account is ready."""
    page.goto("/creator/payouts")
    page.get_by_role("button", name=t("Set up payouts with Stripe")).click()
    page.get_by_role("button", name="Complete onboarding").click()   # the sandbox Stripe page is English
    page.wait_for_url("**/creator/payouts**")
    page.locator(".badge--ready").first.wait_for()
    shots.take(page, "payouts-ready")
