"""Creating and editing campaigns: what is stored, what is refused, and what the brand sees."""
import re

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditEvent, Campaign, MinimumPayout
from marketplace.money import Money

from ...factories import BrandFactory, CampaignFactory
from ...helpers import login, path_of
from .conftest import campaign_form, dates
from .html import checked, error, text_of, value

NEW = "/brand/campaigns/new"


def _campaigns(brand):
    return db.session.scalars(select(Campaign).where(Campaign.brand_id == brand.id)).all()


@pytest.mark.parametrize("country, currency, rule", [
    ("PL", "PLN", "pl"), ("TH", "THB", "th"), ("GB", "GBP", "uk"), ("US", "USD", "us"), ("JP", "JPY", "ja"),
    ("MX", "MXN", "es"), ("SA", "SAR", "ar"), ("DE", "EUR", "us"),
])
def test_new_form_starts_from_the_brands_country_and_currency(client, country, currency, rule):
    login(client, BrandFactory(country=country, default_currency=currency).user)
    response = client.get(NEW)
    assert response.status_code == 200
    assert value(response, "currency") == currency
    assert value(response, "disclosure_locale") == rule
    assert checked(response, "platforms") == ["instagram"]
    assert checked(response, "disclosure_required") == ["y"]
    assert "UTC" in text_of(response, "#dates-title") + response.get_data(as_text=True)
    # the budget box is there on first load, before any htmx request
    assert "Enter the payout per post to see the budget." in text_of(response, "#budget-preview")


def test_creating_a_polish_campaign_stores_keys_and_the_fee_once(app, brand_client, brand, monkeypatch):
    response = brand_client.post(NEW, data=campaign_form())
    [campaign] = _campaigns(brand)
    assert path_of(response.headers["Location"]) == f"/brand/campaigns/{campaign.id}"
    assert campaign.status == "draft"
    assert campaign.required_hashtags == ["palarniakraków", "reklama"]  # fullwidth ＃ stripped, casefolded
    assert campaign.required_mentions == ["palarnia.krakow"]
    assert campaign.disclosure_required and campaign.disclosure_locale == "pl"
    assert campaign.payout == Money(45_000, "PLN")
    assert (campaign.fee_basis_points, campaign.fee_per_post) == (1500, Money(6_750, "PLN"))
    assert campaign.total_budget == Money(155_250, "PLN")
    assert (campaign.countries, campaign.niches, campaign.min_followers) == (["PL"], ["food"], 1000)
    assert campaign.posting_ends_at.date().isoformat() == dates()["posting_ends"]
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.entity == "campaigns",
                                                             AuditEvent.entity_id == campaign.id)) == "created"

    # a later change of the platform fee does not touch a stored campaign
    monkeypatch.setitem(app.config, "PLATFORM_FEE_BASIS_POINTS", 2000)
    page = brand_client.get(f"/brand/campaigns/{campaign.id}").get_data(as_text=True)
    assert "PLN67.50" in page and "PLN1,552.50" in page
    db.session.refresh(campaign)
    assert campaign.fee_per_post_minor == 6_750


def test_the_payout_is_read_in_the_visitors_language(brand_client, brand):
    response = brand_client.post(NEW, data=campaign_form(payout="1 234,50"), headers={"Accept-Language": "pl"})
    assert response.status_code == 302
    assert _campaigns(brand)[0].payout == Money(123_450, "PLN")


def test_a_comma_decimal_is_refused_in_english_rather_than_misread(brand_client, brand):
    response = brand_client.post(NEW, data=campaign_form(payout="450,00"), headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert "misplaced thousands separator" in error(response, "payout")
    assert _campaigns(brand) == []


@pytest.mark.parametrize("change, field, message", [
    ({"hashtags": "#kawa☕"}, "hashtags", "cannot contain emoji"),
    ({"hashtags": "#2024"}, "hashtags", "needs at least one letter"),
    ({"mentions": "@12345"}, "mentions", "cannot be only digits"),
    ({"payout": "10.005"}, "payout", "at most 2 decimal places"),
    ({"payout": "0"}, "payout", "Enter the amount a creator receives per post."),
    ({"currency": "XXX"}, "payout", "Not a valid choice"),
    ({**dates(application_deadline=30)}, "application_deadline",
     "Applications must close before the posting window ends."),
    ({"posting_ends": "2026-02-30"}, "posting_ends", "Not a valid date value."),
    ({"posting_ends": "9999-12-31"}, "posting_ends", "Choose a date between 2000 and 2099."),
    ({"platforms": None}, "platforms", "Choose Instagram, TikTok or both."),
    ({"slots": ""}, "slots", "Enter how many creators you want."),
    ({"slots": "501"}, "slots", "Between 1 and 500 creators."),
    ({"min_followers": "99999999999"}, "min_followers", "Between 0 and"),
    ({"title": "x" * 141}, "title", "140"),
    ({"countries": ["PL", "XX"]}, "countries", "not a valid choice"),
])
def test_bad_input_is_shown_on_its_field_and_nothing_is_saved(brand_client, brand, change, field, message):
    form = campaign_form(**change)
    response = brand_client.post(NEW, data=form)
    assert response.status_code == 200
    assert message in error(response, field)
    assert _campaigns(brand) == []
    # what was typed is still there
    for name in ("title", "hashtags", "mentions", "payout", "slots", "posting_ends"):
        if isinstance(form.get(name), str):
            assert value(response, name) == form[name], name


def test_every_problem_is_reported_at_once_and_the_typed_values_are_kept(brand_client, brand):
    form = campaign_form(title="Kawa", hashtags="#kawa☕, #2024, #PalarniaKraków", payout="10.005",
                         platforms=None, **dates(application_deadline=30))
    response = brand_client.post(NEW, data=form)
    assert response.status_code == 200
    hashtag_errors = error(response, "hashtags")
    assert "emoji" in hashtag_errors and "at least one letter" in hashtag_errors
    assert "at most 2 decimal places" in error(response, "payout")
    assert "Choose Instagram, TikTok or both." in error(response, "platforms")
    assert "Applications must close" in error(response, "application_deadline")
    assert value(response, "hashtags") == "#kawa☕, #2024, #PalarniaKraków"
    assert value(response, "payout") == "10.005"
    assert value(response, "title") == "Kawa"
    assert value(response, "brief") == form["brief"]
    assert checked(response, "countries") == ["PL"] and checked(response, "niches") == ["food"]
    assert _campaigns(brand) == []


def test_a_payout_below_the_admins_minimum_is_refused(brand_client, brand):
    db.session.add(MinimumPayout(currency="PLN", minimum_minor=50_000))
    db.session.commit()  # into the test's transaction: a refused form rolls its request back
    response = brand_client.post(NEW, data=campaign_form(payout="450"))
    assert response.status_code == 200
    assert "pay at least 500.00 PLN per post" in error(response, "payout")
    assert _campaigns(brand) == []
    assert brand_client.post(NEW, data=campaign_form(payout="500")).status_code == 302


def test_more_tags_than_instagram_allows_warns_but_saves(brand_client, brand):
    response = brand_client.post(NEW, data=campaign_form(hashtags="#kawa #jesień #palarnia #kraków #poranek"))
    assert response.status_code == 302
    [campaign] = _campaigns(brand)
    assert len(campaign.required_hashtags) == 5
    detail = brand_client.get(f"/brand/campaigns/{campaign.id}")
    assert "at most 5 hashtags" in text_of(detail, "#req-title") + detail.get_data(as_text=True)
    edit = brand_client.get(f"/brand/campaigns/{campaign.id}/edit")
    assert "at most 5 hashtags" in text_of(edit, "#tag-checks")


def test_edit_shows_the_stored_draft_and_saves_changes(brand_client, brand):
    brand_client.post(NEW, data=campaign_form())
    [campaign] = _campaigns(brand)
    url = f"/brand/campaigns/{campaign.id}/edit"
    page = brand_client.get(url)
    assert value(page, "hashtags") == "#palarniakraków #reklama"
    assert value(page, "payout") == "450.00" and value(page, "currency") == "PLN"
    assert value(page, "posting_ends") == dates()["posting_ends"]
    assert checked(page, "countries") == ["PL"]
    assert "PLN1,552.50" in text_of(page, "#budget-preview")

    response = brand_client.post(url, data=campaign_form(title="Zimowa kawa", slots="5", countries=None))
    assert path_of(response.headers["Location"]) == f"/brand/campaigns/{campaign.id}"
    db.session.refresh(campaign)
    assert (campaign.title, campaign.slots, campaign.countries) == ("Zimowa kawa", 5, [])
    assert campaign.total_budget == Money(5 * 51_750, "PLN")


def test_edit_refusals_leave_the_draft_as_it_was(brand_client, brand):
    brand_client.post(NEW, data=campaign_form())
    [campaign] = _campaigns(brand)
    response = brand_client.post(f"/brand/campaigns/{campaign.id}/edit",
                                 data=campaign_form(title="New", payout="1.001"))
    assert response.status_code == 200 and "decimal places" in error(response, "payout")
    db.session.refresh(campaign)
    assert campaign.title == "Jesienna kawa"


@pytest.mark.parametrize("status, message", [
    ("awaiting_funding", "Move it back to draft to edit it."),
    ("open", "Only draft campaigns can be edited."),
    ("cancelled", "Only draft campaigns can be edited."),
])
def test_only_drafts_can_be_edited(brand_client, brand, status, message):
    campaign = CampaignFactory(brand=brand, status=status, title="Before")
    db.session.commit()
    url = f"/brand/campaigns/{campaign.id}/edit"
    for response in (brand_client.get(url), brand_client.post(url, data=campaign_form(title="After"))):
        assert path_of(response.headers["Location"]) == f"/brand/campaigns/{campaign.id}"
    db.session.refresh(campaign)
    assert campaign.title == "Before"
    page = brand_client.get(f"/brand/campaigns/{campaign.id}")
    assert message in page.get_data(as_text=True)
    assert f'href="{url}"' not in page.get_data(as_text=True)


# --- the live budget -----------------------------------------------------------------------------

PREVIEW = "/brand/campaigns/budget-preview"


def test_budget_preview_is_slots_times_payout_plus_fee(brand_client):
    response = brand_client.get(PREVIEW, query_string={"payout": "450.00", "currency": "PLN", "slots": "3"},
                                headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert text_of(response, ".stat__value") == "PLN1,552.50"  # 3 × (450.00 + 67.50)
    body = response.get_data(as_text=True)
    assert "PLN67.50" in body and "PLN517.50" in body and "Platform fee (15%)" in body
    assert "<html" not in body  # a fragment, not a page


def test_budget_preview_follows_the_configured_fee_and_currency_exponent(app, brand_client, monkeypatch):
    monkeypatch.setitem(app.config, "PLATFORM_FEE_BASIS_POINTS", 1250)
    response = brand_client.get(PREVIEW, query_string={"payout": "1001", "currency": "JPY", "slots": "2"})
    assert text_of(response, ".stat__value") == "¥2,252"  # 1001 + 125.125 → 125 (half-up), × 2
    assert "12.5%" in response.get_data(as_text=True)


@pytest.mark.parametrize("query, message", [
    ({}, "Choose a currency"),
    ({"currency": "PLN"}, "Enter the payout per post"),
    ({"currency": "PLN", "payout": "abc", "slots": "3"}, "Check the payout"),
    ({"currency": "PLN", "payout": "10.005", "slots": "3"}, "at most 2 decimal places"),
    ({"currency": "PLN", "payout": "-5", "slots": "3"}, "cannot be negative"),
    ({"currency": "XYZ", "payout": "10", "slots": "3"}, "Choose a currency"),
    ({"currency": "PLN", "payout": "10", "slots": "0"}, "between 1 and 500"),
    ({"currency": "PLN", "payout": "10", "slots": "٣"}, "between 1 and 500"),
    ({"currency": "PLN", "payout": "10", "slots": "1e9"}, "between 1 and 500"),
    ({"currency": "PLN", "payout": "9" * 70, "slots": "3"}, "Check the payout"),
])
def test_budget_preview_explains_bad_input_instead_of_failing(brand_client, query, message):
    response = brand_client.get(PREVIEW, query_string=query)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert text_of(response, ".stat__value") == ""


def test_budget_preview_warns_about_the_minimum_payout(brand_client):
    db.session.add(MinimumPayout(currency="PLN", minimum_minor=50_000))
    db.session.commit()  # into the test's transaction: a refused form rolls its request back
    response = brand_client.get(PREVIEW, query_string={"payout": "450", "currency": "PLN", "slots": "1"})
    assert "pay at least PLN500.00 per post" in response.get_data(as_text=True)


FIVE_TAGS = "#kawa #jesień #palarnia #kraków #poranek"


@pytest.mark.parametrize("query, warned", [
    ({"hashtags": FIVE_TAGS, "platforms": "instagram", "disclosure_required": "y"}, True),
    ({"hashtags": FIVE_TAGS, "platforms": "instagram"}, False),                       # no disclosure tag
    ({"hashtags": FIVE_TAGS, "platforms": "tiktok", "disclosure_required": "y"}, False),  # not Instagram
    ({"hashtags": "#kawa #jesień #palarnia #kraków", "platforms": "instagram", "disclosure_required": "y"}, False),
    ({"hashtags": FIVE_TAGS + " #kawa", "platforms": "instagram"}, False),            # duplicates count once
])
def test_budget_preview_swaps_in_the_instagram_tag_cap_warning(brand_client, query, warned):
    response = brand_client.get(PREVIEW, query_string={"currency": "PLN", **query})
    assert ("at most 5 hashtags" in text_of(response, "#tag-checks")) is warned
    assert 'id="tag-checks" hx-swap-oob="true"' in response.get_data(as_text=True)


def test_budget_preview_lists_refused_tags_with_the_verifiers_reason(brand_client):
    response = brand_client.get(PREVIEW, query_string={"hashtags": "#kawa☕ #ok #2024", "mentions": "@a b @x.",
                                                       "currency": "PLN"})
    checks = text_of(response, "#tag-checks")
    assert "cannot contain emoji: “kawa☕”" in checks
    assert "“2024” would not become a hashtag" in checks
    assert "cannot end with a period: “x.”" in checks
    assert "“ok”" not in checks


def test_the_form_wires_the_live_preview_with_htmx_only(brand_client):
    response = brand_client.get(NEW)
    html = response.get_data(as_text=True)
    assert f'hx-get="{PREVIEW}"' in html
    for name in ("payout", "currency", "slots", "hashtags", "mentions", "disclosure_required"):
        tag = re.search(rf'<(?:input|select)[^>]*\bname="{name}"[^>]*>', html).group(0)
        assert "js-preview" in tag, name
    assert 'hx-trigger="input delay:400ms from:.js-preview, change from:.js-preview, change from:#platforms"' in html
    # strict CSP: no inline scripts, styles or event handlers
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\sstyle=|<style|\son[a-z]+=", html)
