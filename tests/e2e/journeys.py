"""Steps the browser journeys share, each clicked the way a person would click it.

The people in these journeys use Hashmark in Polish (`t` is the Polish catalogue, so a step
clicks what a Polish user reads); the sandbox Stripe and the sandbox Instagram pages are English.
Every step that matters leaves a screenshot through `shots`. On a 390-px phone each page is also
checked for sideways scrolling (`fits_the_screen`).
"""
from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from playwright.sync_api import expect

from .conftest import translator

t = translator("pl")
PASSWORD = "jesienna kawa o poranku"
COMPLIANT = "#reklama Jesienna kawa z @palarnia.krakow ☕ Parzę ją w dripie każdego ranka. #PalarniaKraków #jesień"
# No #reklama: "#współpraca" is an ad label Poland's regulator calls unclear, so the rule fails on it.
UNCLEAR_LABEL = "#współpraca Jesienna kawa z @palarnia.krakow ☕ Parzę ją w dripie każdego ranka. #PalarniaKraków #jesień"


def unique(prefix: str) -> str:
    """A name no other journey of this session uses."""
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def prefix_of(message: str) -> re.Pattern:
    """A button whose label starts like `message` up to its first placeholder ("Pay %(total)s")."""
    return re.compile("^" + re.escape(message.split("%(", 1)[0].strip()))


def digits(text: str) -> int:
    """An amount as shown ("1 650,00 zł") in minor units."""
    return int(re.sub(r"\D", "", text))


def is_phone(page) -> bool:
    return bool(page.viewport_size) and page.viewport_size["width"] < 600


def fits_the_screen(page) -> None:
    """On a phone nothing may stick out sideways (the page never scrolls horizontally)."""
    if not is_phone(page):
        return
    wide = page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth <= width) return [];
        return [...document.querySelectorAll('body *')]
          .filter(el => el.getBoundingClientRect().right > width + 1)
          .slice(0, 8)
          .map(el => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
                     + ' ' + Math.round(el.getBoundingClientRect().right) + 'px');
    }""")
    assert not wide, f"{page.url} scrolls sideways on a {page.viewport_size['width']}-px phone: {wide}"


def snap(page, shots, label: str) -> None:
    fits_the_screen(page)
    shots.take(page, label)


def nav(page, label: str) -> None:
    """Follow a link of the main navigation, opening the phone menu first when it is folded."""
    toggle = page.locator("[data-nav-toggle]")
    if toggle.is_visible():
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=label, exact=True).click()
    page.wait_for_load_state()


def log_in(context, email: str, password: str = PASSWORD):
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    return page


def choose_polish(page) -> None:
    """The language switch in the footer (it submits itself on change)."""
    with page.expect_navigation():
        page.get_by_label("Language", exact=True).select_option("pl")
    expect(page.locator("html")).to_have_attribute("lang", "pl")


# --- brands ---------------------------------------------------------------------------------

def sign_up_brand(context, shots, *, company: str, email: str):
    """From the home page, in Polish: a brand account in Poland paying in złoty."""
    page = context.new_page()
    page.goto("/")
    choose_polish(page)
    nav(page, t("Sign up"))
    page.get_by_role("link", name=re.compile(re.escape(t("I'm a brand")))).click()
    page.get_by_label(t("Company name")).fill(company)
    page.get_by_label(t("Work e-mail")).fill(email)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(t("Country")).select_option("PL")
    page.get_by_label(t("Default currency")).select_option("PLN")
    snap(page, shots, "brand-signup")
    page.get_by_role("button", name=t("Create brand account")).click()
    page.wait_for_url("**/brand/")
    expect(page.get_by_text(t("Welcome to Hashmark, %(name)s!") % {"name": company})).to_be_visible()
    snap(page, shots, "brand-dashboard")
    return page


def create_campaign(page, shots, *, title: str, payout: str = "150", slots: int = 2) -> str:
    """Fill in a campaign with Polish hashtags and the Polish disclosure rule, watching the budget
    follow the typing, and save the draft. Returns the campaign page's path."""
    nav(page, t("New campaign"))
    page.get_by_label(t("Title")).fill(title)
    page.get_by_label(t("Brief")).fill("Pokaż, jak parzysz naszą jesienną kawę w domu.\n\n- dobre światło\n- kubek w kadrze")
    page.get_by_label(t("Product category")).select_option("food")
    page.get_by_label(t("Required hashtags")).fill("#PalarniaKraków, #jesień")
    page.get_by_label(t("Required mentions")).fill("@palarnia.krakow")
    expect(page.get_by_label(t("Creators must mark the post as an ad"))).to_be_checked()
    page.get_by_label(t("Disclosure rule")).select_option("pl")

    budget = page.locator("#budget-preview")
    expect(budget.locator("[data-budget-problem]")).to_be_visible()   # no payout yet: no budget
    page.get_by_label(t("Currency"), exact=True).select_option("PLN")
    page.get_by_label(t("Creator slots")).fill("1")
    page.get_by_label(t("Payout per post")).press_sequentially(payout, delay=30)
    total = budget.locator("[data-budget-total]")
    expect(total).to_be_visible()
    # typed key by key, it settles on the whole amount (Polish style: "150,00 zł")
    expect(budget.locator(".facts__row").first).to_contain_text(f"{payout},00")
    cost = digits(budget.locator("[data-budget-cost]").inner_text())
    assert cost >= digits(payout) * 100, "the cost per post is the payout plus the platform fee"
    expect(total).to_have_text(re.compile(r"zł"))
    assert digits(total.inner_text()) == cost
    snap(page, shots, "budget-one-creator")
    page.get_by_label(t("Creator slots")).fill(str(slots))
    expect(total).not_to_have_text(total.inner_text())   # it follows the typing, no reload
    assert digits(total.inner_text()) == cost * slots
    snap(page, shots, "budget-updated")

    today = date.today()
    page.get_by_label(t("Applications close")).fill((today + timedelta(days=30)).isoformat())
    page.get_by_label(t("Posting starts")).fill(today.isoformat())
    page.get_by_label(t("Posting ends")).fill((today + timedelta(days=60)).isoformat())
    page.get_by_label(t("Minimum days live")).fill("7")
    page.get_by_role("button", name=t("Save draft")).click()
    page.wait_for_url(re.compile(r"/brand/campaigns/\d+$"))
    expect(page.locator(".badge--draft").first).to_be_visible()
    expect(page.get_by_text("#PalarniaKraków").first).to_be_visible()
    expect(page.get_by_text("#jesień").first).to_be_visible()
    snap(page, shots, "campaign-draft")
    return re.sub(r"^https?://[^/]+", "", page.url)


def fund_campaign(page, shots) -> None:
    """From the draft's page: submit it for funding, pay on the sandbox Checkout, wait until open."""
    page.get_by_role("button", name=t("Submit for funding")).click()
    page.wait_for_load_state()
    expect(page.locator(".badge--awaiting_funding").first).to_be_visible()
    snap(page, shots, "awaiting-funding")
    page.get_by_role("button", name=prefix_of(t("Pay %(total)s by card"))).click()
    page.wait_for_url("**/checkout/**")
    expect(page.get_by_text("Sandbox checkout — no real money")).to_be_visible()
    shots.take(page, "sandbox-checkout")   # Stripe's page, not ours: not held to our phone layout
    page.get_by_role("button", name="Pay", exact=True).click()
    page.wait_for_url("**/funding")
    expect(page.get_by_role("link", name=t("Go to the campaign"))).to_be_visible(timeout=30_000)
    snap(page, shots, "payment-confirmed")
    page.get_by_role("link", name=t("Go to the campaign")).click()
    expect(page.locator(".badge--open").first).to_be_visible()
    snap(page, shots, "campaign-open")


def new_open_campaign(context, shots, *, slots: int = 2) -> tuple[object, str, str]:
    """A brand of its own with a funded campaign: (brand page, campaign title, campaign path)."""
    token = unique("")
    company = f"Palarnia {token}"
    page = sign_up_brand(context, shots, company=company, email=f"brand-{token}@example.com")
    title = f"Jesienna kawa {token}"
    path = create_campaign(page, shots, title=title, slots=slots)
    fund_campaign(page, shots)
    return page, title, path


def accept(page, shots, campaign_path: str, creator_name: str) -> None:
    page.goto(campaign_path)
    card = page.locator("article").filter(has=page.get_by_role("heading", name=creator_name, exact=True))
    expect(card.locator(".badge--pending")).to_be_visible()
    card.get_by_role("button", name=prefix_of(t("Accept (reserves %(cost)s)"))).click()
    page.wait_for_load_state()
    card = page.locator("article").filter(has=page.get_by_role("heading", name=creator_name, exact=True))
    expect(card.locator(".badge--accepted")).to_be_visible()
    snap(page, shots, "brand-accepted")


# --- creators -------------------------------------------------------------------------------

def sign_up_creator(context, shots, *, name: str, email: str):
    """From the home page, in Polish: a creator in Poland who posts about food."""
    page = context.new_page()
    page.goto("/")
    choose_polish(page)
    nav(page, t("Sign up"))
    page.get_by_role("link", name=re.compile(re.escape(t("I'm a creator")))).click()
    page.get_by_label(t("Display name")).fill(name)
    page.get_by_label("E-mail", exact=True).fill(email)
    page.get_by_label(t("Password"), exact=True).fill(PASSWORD)
    page.get_by_label(t("Country")).select_option("PL")
    page.locator("input[name=niches][value=food]").check()
    snap(page, shots, "creator-signup")
    page.get_by_role("button", name=t("Create creator account")).click()
    page.wait_for_url("**/creator/")
    expect(page.get_by_text(t("Welcome to Hashmark, %(name)s!") % {"name": name})).to_be_visible()
    snap(page, shots, "creator-dashboard")
    return page


def onboard(page, shots) -> None:
    """Sandbox Stripe onboarding from the creator's "Get paid" page until the account is ready."""
    nav(page, t("Get paid"))
    page.get_by_role("button", name=t("Set up payouts with Stripe")).click()
    page.get_by_role("button", name="Complete onboarding").click()   # the sandbox Stripe page is English
    page.wait_for_url("**/creator/payouts**")
    page.locator(".badge--ready").first.wait_for()
    snap(page, shots, "payouts-ready")


def link_instagram(page, stack, username: str, shots) -> None:
    nav(page, t("Linked accounts"))
    page.get_by_role("button", name=t("Link %(platform)s") % {"platform": "Instagram"}).click()
    page.wait_for_url(f"{stack.platforms.url}/**")
    assert "no real account" in page.content()
    shots.take(page, "instagram-consent")   # the sandbox platform's page, not ours
    page.get_by_label(re.compile(re.escape(username))).check()
    page.get_by_role("button", name="Allow").click()
    page.wait_for_url("**/creator/accounts**")
    expect(page.get_by_text(f"@{username}").first).to_be_visible()
    expect(page.locator("#account-instagram .badge--active").first).to_be_visible()
    snap(page, shots, "instagram-linked")


def find_and_apply(page, shots, *, search: str, title: str) -> None:
    """Search the marketplace, open the campaign, read the brief and send a pitch."""
    nav(page, t("Find campaigns"))
    page.get_by_role("searchbox", name=t("Search campaigns")).fill(search)
    page.get_by_role("button", name=t("Search"), exact=True).click()
    page.wait_for_load_state()
    result = page.get_by_role("link", name=title, exact=True)
    expect(result).to_have_count(1)
    snap(page, shots, "search-results")
    result.click()
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    expect(page.get_by_text("#reklama").first).to_be_visible()   # the Polish ad label is asked for
    snap(page, shots, "campaign-brief")
    page.get_by_label(t("Your pitch"), exact=True).fill("Parzę kawę co rano i pokazuję to moim obserwującym.")
    page.get_by_role("button", name=t("Send application")).click()
    # sent (the list; the browser keeps the form's "#apply"), or refused (the form again)
    page.wait_for_url(re.compile(r"/creator/(applications(#apply)?$|campaigns/\d+/apply)"))
    refused = page.locator("#apply .alert, #apply .field__error, .form-errors")
    assert "/creator/applications" in page.url, f"not applied: {refused.all_inner_texts()}"
    expect(page.get_by_role("link", name=title).first).to_be_visible()
    expect(page.locator(".badge--pending").first).to_be_visible()
    snap(page, shots, "applied")


def publish(page, stack, account: str, caption: str, shots) -> str:
    """Publish on the sandbox platform's page; returns the new post's link."""
    page.goto(stack.platforms.url + "/")
    page.get_by_label("Account").select_option(account)
    page.get_by_label("Caption").fill(caption)
    page.get_by_role("button", name="Publish sandbox post").click()
    page.wait_for_load_state()
    shots.take(page, "sandbox-post-published")
    platform, username = account.split("/", 1)
    # the posts listed under this account's heading (the page lists every sandbox account's posts)
    posts = page.locator(f"xpath=//div[contains(concat(' ', @class, ' '), ' post ')]"
                         f"[preceding-sibling::h3[1][starts-with(normalize-space(.), '@{username} ')]]")
    return posts.last.locator(f"a[href*='{platform}.com/']").first.get_attribute("href")


def submit_post(page, url: str, shots, *, title: str | None = None) -> None:
    """From the applications list: paste the post's link and have it checked."""
    page.goto("/creator/")   # back from the platform's page to Hashmark
    nav(page, t("Applications"))
    rows = page.locator("tr").filter(has_text=title) if title else page.locator("tr")
    rows.get_by_role("link", name=t("Submit your post")).first.click()
    page.get_by_label(t("Link to your post")).first.fill(url)
    page.get_by_role("button", name=t("Check my post")).click()
    page.wait_for_load_state()
    page.locator(".report").first.wait_for()
    snap(page, shots, "report")
