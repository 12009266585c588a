"""Every creator page renders in each language of the product (money, dates, percentages)."""
from __future__ import annotations

import pytest

from marketplace.money import Money

from ...factories import ApplicationFactory
from ...helpers import login
from .conftest import listed, make_creator


@pytest.mark.parametrize("locale", ["en", "pl", "th"])
def test_creator_pages_render_in_every_language(client, locale):
    creator = make_creator(instagram_handle="nok.eats", followers=2_000)
    creator.user.locale = locale
    login(client, creator.user)
    campaign = listed(title="คืนสตรีทฟู้ด", payout_minor=350_000, fee_per_post_minor=52_500, fee_basis_points=1500,
                      currency="THB", dos="- ถ่ายตอนกลางคืน", required_hashtags=["อร่อย"])
    applied = listed(title="Kawa jesienią")
    ApplicationFactory(creator=creator, campaign=applied, status="accepted")
    pages = ["/creator/", "/creator/campaigns", f"/creator/campaigns/{campaign.id}",
             f"/creator/campaigns/{applied.id}", "/creator/applications", "/creator/profile",
             "/creator/campaigns?sort=payout&currency=THB&payout_min=100"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{locale}"' in response.get_data(as_text=True), url
    html = client.get(f"/creator/campaigns/{campaign.id}").get_data(as_text=True)
    assert Money(350_000, "THB").format(locale) in html and "#อร่อย" in html
