"""The creator's dashboard."""
from __future__ import annotations

from ...factories import ApplicationFactory
from ...helpers import login
from .conftest import listed, make_creator

URL = "/creator/"


def test_new_creator_is_told_what_to_add_and_where_to_find_campaigns(client):
    creator = make_creator()
    login(client, creator.user)
    html = client.get(URL).get_data(as_text=True)
    assert "Add your Instagram or TikTok username." in html
    assert "Add your follower count." in html
    assert "Write a short bio." in html
    assert 'href="/creator/campaigns"' in html and "Find campaigns" in html
    assert "No applications yet" in html


def test_complete_profile_has_no_hints(client):
    creator = make_creator(tiktok_handle="nok.eats", followers=1200, bio="Street food in Bangkok")
    login(client, creator.user)
    html = client.get(URL).get_data(as_text=True)
    assert "Complete your profile" not in html
    assert "@nok.eats" in html


def test_summary_counts_applications_by_status(client, creator):
    for status in ("pending", "pending", "accepted", "rejected"):
        ApplicationFactory(creator=creator, campaign=listed(), status=status)
    ApplicationFactory(campaign=listed(title="Not mine"))
    html = client.get(URL).get_data(as_text=True)
    assert "badge--pending" in html and "<strong>2</strong>" in html
    assert "badge--accepted" in html and "badge--rejected" in html
    assert "Not mine" not in html.split("Campaigns for you")[0]


def test_shows_the_best_matching_open_campaigns(client, creator):
    best = listed(title="Perfect match", product_category="food", countries=["PL"])
    for i in range(4):
        listed(title=f"Other {i}", on_instagram=False, on_tiktok=True)
    listed(title="Hidden from you", countries=["TH"])
    html = client.get(URL).get_data(as_text=True)
    assert "Perfect match" in html and "Hidden from you" not in html
    assert html.index("Perfect match") < html.index("Other")
    assert "See all 5 open campaigns" in html
    assert f"/creator/campaigns/{best.id}" in html
