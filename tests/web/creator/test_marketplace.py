"""The marketplace page: eligibility, search, filters, sorting, pagination and its SQL cost."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import Campaign, MinimumPayout, utcnow
from marketplace.money import Money
from marketplace.queries.marketplace import Filters, fit_score, marketplace_page
from marketplace.services.eligibility import fit, ineligibility

from ...factories import ApplicationFactory, BrandFactory
from .conftest import card_ids, count_statements, listed, make_creator

URL = "/creator/campaigns"


# Eligibility -----------------------------------------------------------------------------

def test_lists_only_campaigns_the_creator_is_eligible_for(client, creator):
    now = utcnow()
    shown = [
        listed(),
        listed(countries=["PL", "CZ"]),
        listed(niches=["food", "travel"]),
        listed(min_followers=5_000),
        listed(application_deadline=None),
        listed(payout_minor=50_000),  # exactly the minimum below
    ]
    hidden = [
        listed(countries=["TH"]),                                  # other country
        listed(min_followers=5_001),                               # audience too small
        listed(niches=["gaming"]),                                 # other niche
        listed(payout_minor=49_999),                               # below the platform minimum
        listed(application_deadline=now - timedelta(minutes=1)),   # deadline passed
        listed(status="closed"),                                   # not open
        listed(status="draft"),
        listed(status="awaiting_funding"),
        listed(status="cancelled"),
    ]
    full = listed(slots=1)
    ApplicationFactory(campaign=full, status="accepted")
    db.session.add(MinimumPayout(currency="PLN", minimum_minor=50_000))
    db.session.flush()

    ids = set(card_ids(client.get(URL)))
    assert ids == {c.id for c in shown}
    assert not ids & {c.id for c in hidden + [full]}
    # the SQL and the Python rule agree on every campaign
    for campaign in shown + hidden:
        eligible = not ineligibility(campaign, creator, now=utcnow(), minimum=Money(50_000, "PLN"))
        assert (campaign.id in ids) == eligible, campaign.title


def test_minimum_payout_applies_per_currency(client, creator):
    db.session.add(MinimumPayout(currency="THB", minimum_minor=100_000))
    pln = listed(payout_minor=5_000, currency="PLN")
    thb = listed(payout_minor=50_000, currency="THB")
    assert card_ids(client.get(URL)) == [pln.id]
    assert thb.id not in card_ids(client.get(URL, query_string={"currency": "THB"}))


def test_creator_without_niches_sees_only_campaigns_open_to_any_niche(client):
    from ...helpers import login

    creator = make_creator(niches=())
    login(client, creator.user)
    anyone = listed()
    listed(niches=["food"])
    assert card_ids(client.get(URL)) == [anyone.id]


def test_slots_left_counts_accepted_and_completed_applications_only(client, creator):
    campaign = listed(slots=4)
    for status in ("accepted", "completed", "pending", "rejected", "withdrawn"):
        ApplicationFactory(campaign=campaign, status=status)
    html = client.get(URL).get_data(as_text=True)
    assert "2 of 4" in html


# Search ----------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["kraków", "KRAKÓW", "Kraków", "ＫＲＡＫÓＷ", "palarnią", "kawa kraków", "rak"])
def test_search_matches_polish_words_with_diacritics_in_any_case(client, creator, query):
    coffee = listed(title="Jesienna kawa z Palarnią Kraków", brief="Pokaż swój poranny rytuał.")
    listed(title="Weekend w Tatrach", brief="Plecak na szlak.")
    assert card_ids(client.get(URL, query_string={"q": query})) == [coffee.id]


@pytest.mark.parametrize("query", ["krakow", "kawa tokyo", "palarnia"])
def test_every_word_must_match(client, creator, query):
    listed(title="Jesienna kawa z Palarnią Kraków")
    assert card_ids(client.get(URL, query_string={"q": query})) == []


@pytest.mark.parametrize("query", ["ซอสพริก", "ตลาดนัด", "อร่อย ซอส"])
def test_search_finds_thai_words_inside_text_written_without_spaces(client, creator, query):
    sauce = listed(title="คืนสตรีทฟู้ดกรุงเทพ", brief="รีวิวซอสพริกจากตลาดนัดกลางคืน #อร่อย")
    listed(title="Coffee morning", brief="Latte art.")
    assert card_ids(client.get(URL, query_string={"q": query})) == [sauce.id]


def test_search_covers_the_brief_and_is_case_insensitive(client, creator):
    latte = listed(title="Coffee morning", brief="Show your LATTE art.")
    assert card_ids(client.get(URL, query_string={"q": "latte"})) == [latte.id]
    assert card_ids(client.get(URL, query_string={"q": "COFFEE"})) == [latte.id]


@pytest.mark.parametrize("query", ["%", "_", "% off_"])
def test_like_wildcards_in_the_query_are_plain_characters(client, creator, query):
    listed(title="Coffee morning")
    percent = listed(title="Spring sale: 20% off_now")
    assert card_ids(client.get(URL, query_string={"q": query})) == [percent.id]


def test_overlong_search_is_refused_with_a_message_not_an_error(client, creator):
    campaign = listed()
    response = client.get(URL, query_string={"q": "x" * 500})
    assert response.status_code == 200
    assert "Use at most 200 characters." in response.get_data(as_text=True)
    assert card_ids(response) == [campaign.id]  # the bad parameter is ignored


# Filters ---------------------------------------------------------------------------------

def test_platform_filter(client, creator):
    instagram = listed(on_instagram=True, on_tiktok=False)
    tiktok = listed(on_instagram=False, on_tiktok=True)
    both = listed(on_instagram=True, on_tiktok=True)
    assert set(card_ids(client.get(URL, query_string={"platform": "tiktok"}))) == {tiktok.id, both.id}
    assert set(card_ids(client.get(URL, query_string={"platform": "instagram"}))) == {instagram.id, both.id}
    assert set(card_ids(client.get(URL))) == {instagram.id, tiktok.id, both.id}


def test_country_filter_keeps_campaigns_looking_for_that_country(client, creator):
    poland = listed(countries=["PL"])
    central_europe = listed(countries=["CZ", "PL"])
    listed()  # open to any country
    assert set(card_ids(client.get(URL, query_string={"country": "PL"}))) == {poland.id, central_europe.id}
    assert card_ids(client.get(URL, query_string={"country": "CZ"})) == [central_europe.id]


def test_filters_offer_only_values_open_campaigns_have(client, creator):
    listed(countries=["CZ", "PL"], currency="CZK")
    listed(currency="THB", status="closed", countries=["TH"])
    html = client.get(URL).get_data(as_text=True)
    assert '<option value="CZ">Czechia</option>' in html and '<option value="PL">Poland</option>' in html
    assert 'value="TH"' not in html and 'value="DE"' not in html
    assert '<option value="CZK">CZK</option>' in html and 'value="THB"' not in html


def test_niche_filter_matches_product_category_or_campaign_niche(client):
    from ...helpers import login

    creator = make_creator(niches=("food", "travel"))
    login(client, creator.user)
    by_category = listed(product_category="travel")
    by_niche = listed(niches=["travel"], product_category="lifestyle")
    listed(product_category="food")
    assert set(card_ids(client.get(URL, query_string={"niche": "travel"}))) == {by_category.id, by_niche.id}


def test_currency_and_payout_range_in_major_units(client, creator):
    cheap = listed(payout_minor=30_000, currency="PLN")
    middle = listed(payout_minor=45_000, currency="PLN")
    dear = listed(payout_minor=90_000, currency="PLN")
    baht = listed(payout_minor=45_000, currency="THB")
    assert set(card_ids(client.get(URL, query_string={"currency": "THB"}))) == {baht.id}
    assert set(card_ids(client.get(URL, query_string={"currency": "PLN", "payout_min": "400",
                                                       "payout_max": "600"}))) == {middle.id}
    assert set(card_ids(client.get(URL, query_string={"currency": "PLN", "payout_min": "450.00"}))) == {middle.id, dear.id}
    assert set(card_ids(client.get(URL, query_string={"currency": "PLN", "payout_max": "300"}))) == {cheap.id}


def test_payout_filter_without_currency_asks_for_one_and_is_ignored(client, creator):
    campaigns = {listed(payout_minor=1_000).id, listed(payout_minor=90_000).id}
    response = client.get(URL, query_string={"payout_min": "500"})
    assert "Choose a currency to filter by payout." in response.get_data(as_text=True)
    assert set(card_ids(response)) == campaigns


@pytest.mark.parametrize("params, message", [
    ({"platform": "facebook"}, None),
    ({"country": "ZZ"}, None),
    ({"niche": "knitting"}, None),
    ({"currency": "XYZ"}, None),
    ({"sort": "random"}, None),
    ({"page": "abc"}, None),
    ({"page": "-3"}, None),
    ({"page": "99999999999999999999"}, None),
    ({"currency": "PLN", "payout_min": "abc"}, "Enter an amount in PLN"),
    ({"currency": "PLN", "payout_min": "-5"}, "Enter an amount in PLN"),
    ({"currency": "PLN", "payout_min": "1,5"}, "Enter an amount in PLN"),
    ({"currency": "PLN", "payout_min": "100", "payout_max": "50"}, "The upper amount is below the lower one."),
])
def test_bad_parameters_are_ignored_never_a_server_error(client, creator, params, message):
    campaign = listed()
    response = client.get(URL, query_string=params)
    assert response.status_code == 200
    assert campaign.id in card_ids(response)
    if message:
        assert message in response.get_data(as_text=True)


# Sorting ---------------------------------------------------------------------------------

def _aged(days_ago: int, **kwargs) -> Campaign:
    return listed(created_at=utcnow() - timedelta(days=days_ago), **kwargs)


def test_default_sort_is_fit_then_newest(client, creator):
    # the signed-in creator: PL, food, Instagram, 5,000 followers
    best = _aged(5, product_category="food", countries=["PL"], min_followers=1_000)  # 3+2+2+1
    good_old = _aged(9, product_category="food")                                       # 3+2
    good_new = _aged(1, product_category="food")                                       # 3+2
    weak = _aged(0, on_instagram=False, on_tiktok=True)                                # 0
    assert card_ids(client.get(URL)) == [best.id, good_new.id, good_old.id, weak.id]
    assert card_ids(client.get(URL, query_string={"sort": "fit"})) == [best.id, good_new.id, good_old.id, weak.id]


def test_sort_newest(client, creator):
    old, new, middle = _aged(9), _aged(1), _aged(5)
    assert card_ids(client.get(URL, query_string={"sort": "newest"})) == [new.id, middle.id, old.id]


def test_sort_deadline_soonest_first_and_open_ended_last(client, creator):
    now = utcnow()
    later = listed(application_deadline=now + timedelta(days=20))
    never = listed(application_deadline=None)
    soon = listed(application_deadline=now + timedelta(days=1))
    assert card_ids(client.get(URL, query_string={"sort": "deadline"})) == [soon.id, later.id, never.id]


def test_sort_payout_highest_first_within_one_currency(client, creator):
    pln_low = listed(payout_minor=10_000, currency="PLN")
    pln_high = listed(payout_minor=80_000, currency="PLN")
    eur_low = listed(payout_minor=2_000, currency="EUR")
    eur_high = listed(payout_minor=900_000, currency="EUR")
    # one currency chosen: straight by amount
    assert card_ids(client.get(URL, query_string={"sort": "payout", "currency": "EUR"})) == [eur_high.id, eur_low.id]
    # no currency: 9,000 EUR is never ranked against 800 PLN; the creator's own currency (PLN) comes
    # first although EUR sorts before it
    response = client.get(URL, query_string={"sort": "payout"})
    assert card_ids(response) == [pln_high.id, pln_low.id, eur_high.id, eur_low.id]
    assert "Payouts in different currencies are not compared" in response.get_data(as_text=True)


# Pagination ------------------------------------------------------------------------------

def test_pages_of_twenty_keep_the_search(client, creator):
    campaigns = [_aged(i, title=f"Kawa {i:02d}") for i in range(45)]
    listed(title="Herbata")
    newest_first = [c.id for c in campaigns]  # _aged(0) is the newest
    params = {"q": "kawa", "sort": "newest"}
    first = client.get(URL, query_string=params)
    assert card_ids(first) == newest_first[:20]
    html = first.get_data(as_text=True)
    assert "45 campaigns for you" in html
    assert 'rel="next"' in html and "q=kawa" in html and "sort=newest" in html and "page=2" in html
    assert card_ids(client.get(URL, query_string={**params, "page": 2})) == newest_first[20:40]
    assert card_ids(client.get(URL, query_string={**params, "page": 3})) == newest_first[40:]
    # past the end: the last page rather than an empty one
    assert card_ids(client.get(URL, query_string={**params, "page": 50})) == newest_first[40:]


def test_empty_results_explain_what_to_do(client, creator):
    html = client.get(URL).get_data(as_text=True)
    assert "No open campaigns for you right now" in html
    listed(title="Kawa")
    html = client.get(URL, query_string={"q": "herbata"}).get_data(as_text=True)
    assert "No campaigns match" in html


# Cards -----------------------------------------------------------------------------------

def test_card_shows_what_a_creator_needs_to_decide(client, creator):
    brand = BrandFactory(company_name="Palarnia Kraków")
    listed(brand=brand, title="Autumn coffee", payout_minor=45_000, currency="PLN", on_tiktok=True,
           product_category="food", countries=["PL"], slots=5)
    html = client.get(URL).get_data(as_text=True)
    assert "Autumn coffee" in html and "Palarnia Kraków" in html
    assert Money(45_000, "PLN").format("en") in html
    assert "Instagram, TikTok" in html
    assert "5 of 5" in html
    assert "Matches your niche" in html and "Looking for creators in your country" in html
    assert "On a platform you post on" in html


# SQL: the fit score and the statement count ----------------------------------------------

FIT_CASES = [
    dict(),
    dict(product_category="food"),
    dict(product_category="travel"),
    dict(niches=["food", "gaming"]),
    dict(niches=["gaming"]),
    dict(niches=["travel"], product_category="food"),
    dict(countries=["PL"]),
    dict(countries=["TH"]),
    dict(countries=["PL", "TH"]),
    dict(on_instagram=False, on_tiktok=True),
    dict(on_instagram=True, on_tiktok=True),
    dict(min_followers=1_000),
    dict(min_followers=5_000),
    dict(min_followers=50_000),
    dict(product_category="food", countries=["PL"], min_followers=100, on_tiktok=True, niches=["food"]),
]
FIT_CREATORS = [
    dict(niches=("food", "travel"), country="PL", instagram_handle="kasia", followers=5_000),
    dict(niches=("gaming",), country="TH", tiktok_handle="nok.eats", followers=100),
    dict(niches=(), country="DE", followers=0),
    dict(niches=("food",), country="PL", instagram_handle="a", tiktok_handle="bb", followers=50_000),
]


@pytest.mark.parametrize("creator_kwargs", FIT_CREATORS)
def test_sql_fit_score_equals_python_fit(creator_kwargs):
    creator = make_creator(**creator_kwargs)
    campaigns = [listed(**case) for case in FIT_CASES]
    scores = dict(db.session.execute(
        select(Campaign.id, fit_score(creator)).where(Campaign.id.in_([c.id for c in campaigns]))).all())
    assert {c.id: fit(c, creator).score for c in campaigns} == scores


def test_fit_cases_cover_every_kind_of_point():
    creator = make_creator(**FIT_CREATORS[0])
    scores = {fit(listed(**case), creator).score for case in FIT_CASES}
    assert {0, 2, 3, 5, 8} <= scores  # nothing, platform, niche, niche+platform, all four


def test_page_scores_and_reasons_come_from_the_same_rule(creator):
    for case in FIT_CASES:
        listed(**case)
    page = marketplace_page(creator, Filters(), now=utcnow())
    assert page.items
    for card in page.items:
        assert card.score == card.fit.score == fit(card.campaign, creator).score
    assert [card.score for card in page.items] == sorted((card.score for card in page.items), reverse=True)


def _rich_campaigns(n: int) -> None:
    """Campaigns using everything a card shows: own brand, countries, niches, slots taken."""
    for i in range(n):
        campaign = listed(countries=["PL", "CZ"], niches=["food", "travel"], product_category="food",
                          on_tiktok=bool(i % 2), min_followers=i % 3 * 100)
        ApplicationFactory(campaign=campaign, status="accepted")


@pytest.mark.parametrize("params", [
    {},
    {"q": "campaign", "sort": "payout"},
    {"platform": "instagram", "country": "PL", "niche": "food", "currency": "PLN", "payout_min": "100",
     "sort": "deadline"},
])
def test_statement_count_does_not_grow_with_the_rows(client, creator, params):
    _rich_campaigns(10)
    client.get(URL, query_string=params)  # warm-up: first-request work is not per page
    db.session.expunge_all()  # as in production, the request starts with an empty session
    with count_statements() as few:
        assert len(card_ids(client.get(URL, query_string=params))) == 10
    _rich_campaigns(190)
    db.session.expunge_all()
    with count_statements() as many:
        assert len(card_ids(client.get(URL, query_string={**params, "page": 2}))) == 20
    assert len(many) == len(few), "\n".join(many)
    # 9: the signed-in user, their creator row and its niches, the filter choices, the page with
    # its brands and the total (one statement), the page's countries, its niches, its slots taken,
    # and the layout's unread-notifications badge.
    assert len(many) <= 9, "\n".join(many)
