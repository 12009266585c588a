"""Creators, in Polish, on a desktop and on a 390-px phone.

(b) A creator in Poland signs up, sets up payouts with the sandbox Stripe, links a sandbox
    Instagram account, finds a brand's campaign by searching and applies.
(c) The brand accepts two creators. The first publishes a sandbox post with every requirement and
    submits it: the report says it meets the brief. The second leaves out #reklama (it uses
    #współpraca, which Polish rules call unclear): the report fails the advertising-label rule,
    says why in Polish and marks the label it found in the caption as read.

Each journey makes its own brand, campaign and people (unique names), so they run in any order.
The sandbox Instagram accounts are made through the fake platform's API; all else is clicked.
"""
import re

import pytest
from playwright.sync_api import expect

from .journeys import (COMPLIANT, UNCLEAR_LABEL, accept, find_and_apply, link_instagram, new_open_campaign,
                       onboard, publish, sign_up_creator, snap, submit_post, t, unique)


def sandbox_instagram(stack, username: str, followers: int = 8_200) -> str:
    stack.platforms.fake.create_account("instagram", username, account_type="MEDIA_CREATOR", followers=followers)
    return username


def new_creator(people, device, stack, shots, *, onboarded: bool = True):
    """A creator who signed up (Poland), optionally set up payouts, and linked Instagram."""
    token = unique("")
    name = f"Ola {token}"
    username = sandbox_instagram(stack, f"ola.{token}")
    page = sign_up_creator(people(device), shots, name=name, email=f"ola-{token}@example.com")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    if onboarded:
        onboard(page, shots)
    link_instagram(page, stack, username, shots)
    return page, name, username


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_creator_signs_up_gets_ready_links_instagram_finds_a_campaign_and_applies(stack, people, shots, device):
    brand, title, campaign_path = new_open_campaign(people("desktop"), shots)
    creator, name, username = new_creator(people, device, stack, shots)

    # the follower count came from the linked account
    expect(creator.locator("#account-instagram dd").filter(has_text=re.compile(r"^8\D?200$"))).to_have_count(1)

    token = title.rsplit(" ", 1)[1]
    find_and_apply(creator, shots, search=f"kawa {token}", title=title)

    # a search for words no campaign has says so, without an error
    creator.get_by_role("link", name=t("Find campaigns")).first.click()
    creator.get_by_role("searchbox", name=t("Search campaigns")).fill(f"herbata {unique('')}")
    creator.get_by_role("button", name=t("Search"), exact=True).click()
    expect(creator.get_by_text(t("No campaigns match"))).to_be_visible()

    # the brand sees the application, with the follower count from Instagram
    brand.goto(campaign_path)
    card = brand.locator("article").filter(has=brand.get_by_role("heading", name=name, exact=True))
    expect(card.locator(".badge--pending")).to_be_visible()
    expect(card.get_by_text(f"@{username}")).to_be_visible()
    shots.take(brand, "brand-sees-application")


@pytest.mark.parametrize("device", ["phone"])
def test_accepted_creators_submit_posts_and_see_the_disclosure_rule_pass_or_fail(stack, people, shots, device):
    brand, title, campaign_path = new_open_campaign(people("desktop"), shots, slots=2)
    token = title.rsplit(" ", 1)[1]
    first, first_name, first_account = new_creator(people, device, stack, shots, onboarded=False)
    find_and_apply(first, shots, search=f"kawa {token}", title=title)
    second, second_name, second_account = new_creator(people, device, stack, shots, onboarded=False)
    find_and_apply(second, shots, search=f"kawa {token}", title=title)

    accept(brand, shots, campaign_path, first_name)
    accept(brand, shots, campaign_path, second_name)

    # the first creator's post has everything: it meets the brief
    post = publish(first, stack, f"instagram/{first_account}", COMPLIANT, shots)
    submit_post(first, post, shots, title=title)
    report = first.locator(".report").first
    expect(report).to_have_class(re.compile(r"\breport--pass\b"))
    expect(report.locator(".badge--pass").first).to_have_text(t("Meets the brief"))
    expect(report.locator("mark.caption-mark--pass").filter(has_text="#reklama")).to_be_visible()
    expect(report.locator(".rule--fail")).to_have_count(0)

    # the second one wrote #współpraca instead of #reklama: the ad-label rule fails, and says where
    post = publish(second, stack, f"instagram/{second_account}", UNCLEAR_LABEL, shots)
    submit_post(second, post, shots, title=title)
    report = second.locator(".report").first
    expect(report).to_have_class(re.compile(r"\breport--fail\b"))
    expect(report.locator(".badge--fail").first).to_have_text(t("Does not meet the brief"))
    rule = report.locator(".rule--fail").filter(has_text=t("Advertising label"))
    expect(rule).to_have_count(1)
    message = rule.locator(".rule__message")
    expect(message).to_contain_text("#współpraca")
    expect(message).to_contain_text("#reklama")
    unclear = t("“%(label)s” is not a clear advertising label. Start the caption with one such as "
                "“%(example_label)s” or %(example_hashtag)s.")
    expect(message).to_contain_text(unclear.split("%(label)s", 1)[1].split("%(", 1)[0].strip())   # the Polish words
    expect(report.locator("mark.caption-mark--fail")).to_have_text("#współpraca")
    expect(report.locator(".rule--pass").filter(has_text="#PalarniaKraków")).to_have_count(1)
    expect(report.locator(".rule--pass").filter(has_text="#jesień")).to_have_count(1)
    snap(second, shots, "report-disclosure-failed")

    # the brand sees both verdicts on the campaign
    brand.goto(campaign_path)
    expect(brand.get_by_text(first_name).first).to_be_visible()
    shots.take(brand, "brand-sees-submissions")
