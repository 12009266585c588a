"""From a published post to a payout awaiting approval, as the demo people click through it:
the creator links a sandbox Instagram account, publishes a sandbox post and submits it, sees the
verification report; the brand approves; the admin moves the sandbox clock past the live period
and the payout waits for approval. A second creator's post without the disclosure fails, and the
report says which rule and where."""
import re

import pytest

from marketplace.services.demo import BRAND_EMAIL, CREATOR_EMAIL, DEMO_PASSWORD

ADMIN_EMAIL = "admin@demo.example.com"
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
    page.get_by_role("button", name="Link Instagram").click()
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
    page.get_by_role("link", name=re.compile("Submit your post|Your post")).first.click()
    page.get_by_label("Link to your post").first.fill(url)
    page.get_by_role("button", name="Check my post").click()
    page.wait_for_load_state()
    page.get_by_text(re.compile("Meets the brief|Does not meet the brief")).first.wait_for()
    shots.take(page, "report")


def test_a_compliant_post_is_verified_approved_and_becomes_a_payout(seeded, people, shots):
    stack = seeded
    creator = log_in(people("desktop"), CREATOR_EMAIL)
    link_instagram(creator, stack, "ania.creator", shots)
    post_url = publish(creator, stack, "instagram/ania.creator", COMPLIANT, shots)
    submit_post(creator, post_url, shots)
    assert creator.get_by_text("Meets the brief").first.is_visible()
    assert creator.get_by_text("#reklama").first.is_visible()

    brand = log_in(people("desktop"), BRAND_EMAIL)
    brand.get_by_role("link", name="Autumn coffee with Palarnia Kraków").first.click()
    brand.get_by_role("link", name=re.compile("Ania Creates")).first.click()
    shots.take(brand, "brand-review")
    brand.get_by_role("button", name="Approve post").click()
    brand.wait_for_load_state()
    assert brand.get_by_text(re.compile("approved", re.I)).first.is_visible()
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
    creator.get_by_role("link", name=re.compile("Your post")).first.click()
    assert creator.get_by_text(re.compile("Live check passed|payout", re.I)).first.is_visible()
    shots.take(creator, "creator-after-live-check")
