"""A brand's first campaign, on a desktop and on a 390-px phone: it signs up in Polish (chosen in
the footer), writes a campaign with Polish hashtags and Poland's ad-disclosure rule while the budget
follows its typing, submits it for funding, pays on the sandbox Checkout page and sees it open."""
import pytest
from playwright.sync_api import expect

from .journeys import create_campaign, fund_campaign, sign_up_brand, t, unique


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_brand_signs_up_in_polish_funds_a_campaign_and_sees_it_open(stack, people, shots, device):
    token = unique("")
    company = f"Palarnia {token}"
    page = sign_up_brand(people(device), shots, company=company, email=f"brand-{token}@example.com")
    expect(page.locator("html")).to_have_attribute("lang", "pl")

    title = f"Jesienna kawa {token}"
    create_campaign(page, shots, title=title, payout="150", slots=3)
    expect(page.get_by_text(t("Poland: UOKiK recommendations (#reklama)"))).to_be_visible()
    fund_campaign(page, shots)

    # the dashboard lists it as open
    page.goto("/brand/")
    row = page.get_by_role("link", name=title).first
    expect(row).to_be_visible()
    expect(page.locator(".badge--open").first).to_be_visible()
