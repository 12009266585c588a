"""Instagram Graph over HTTP: me, media paging, media by id, insights, permissions, errors."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from .fixtures import fake, graph, http, server  # noqa: F401

MEDIA_FIELDS = ("id,caption,media_type,media_product_type,permalink,shortcode,timestamp,"
                "like_count,comments_count")


@pytest.fixture
def ania(fake):
    acct = fake.create_account("instagram", "ania.creator", followers=12_400)
    acct["token"] = fake.grant_token("instagram", "ania.creator")["access_token"]
    return acct


def test_me_returns_profile_fields(http, server, fake, ania):
    fake.publish_post("instagram", "ania.creator", "first")
    resp = graph(http, server, "/me", ania["token"], fields="user_id,username,account_type,"
                 "profile_picture_url,followers_count,media_count")
    assert resp.status_code == 200
    assert resp.json() == {"id": ania["id"], "user_id": ania["user_id"],
                           "username": "ania.creator", "account_type": "BUSINESS",
                           "profile_picture_url": resp.json()["profile_picture_url"],
                           "followers_count": 12_400, "media_count": 1}


def test_media_list_pages_newest_first_with_cursors(http, server, fake, ania):
    ids = [fake.publish_post("instagram", "ania.creator", f"post {i}",
                             timestamp=1_750_000_000 + i * 60)["id"] for i in range(5)]
    first = graph(http, server, f"/{ania['user_id']}/media", ania["token"], fields=MEDIA_FIELDS,
                  limit=2).json()
    assert [m["id"] for m in first["data"]] == ids[::-1][:2]
    assert "previous" not in first["paging"] and first["paging"]["next"].startswith(server.url)
    second = http.get(first["paging"]["next"], timeout=5).json()
    assert [m["id"] for m in second["data"]] == ids[::-1][2:4]
    third = graph(http, server, "/me/media", ania["token"], fields="id", limit=2,
                  after=second["paging"]["cursors"]["after"]).json()
    assert [m["id"] for m in third["data"]] == ids[:1] and "next" not in third["paging"]
    back = http.get(third["paging"]["previous"], timeout=5).json()
    assert [m["id"] for m in back["data"]] == ids[::-1][2:4]
    window = graph(http, server, "/me/media", ania["token"], fields="id",
                   since=1_750_000_060, until=1_750_000_180).json()
    assert [m["id"] for m in window["data"]] == ids[3:0:-1]


def test_media_fields_follow_instagram_shapes(http, server, fake, ania):
    reel = fake.publish_post("instagram", "ania.creator", "#reklama Nowy plecak @gorskie.szlaki",
                             media_type="REELS", timestamp="2025-06-03T18:02:11+0000",
                             counts={"likes": 2310, "comments": 97})
    item = graph(http, server, "/me/media", ania["token"], fields=MEDIA_FIELDS).json()["data"][0]
    assert item == {"id": reel["id"], "caption": "#reklama Nowy plecak @gorskie.szlaki",
                    "media_type": "VIDEO", "media_product_type": "REELS",
                    "permalink": f"https://www.instagram.com/reel/{reel['shortcode']}/",
                    "shortcode": reel["shortcode"], "timestamp": "2025-06-03T18:02:11+0000",
                    "like_count": 2310, "comments_count": 97}
    assert re.fullmatch(r"[A-Za-z0-9_-]{11}", reel["shortcode"])
    image = fake.publish_post("instagram", "ania.creator", "", media_type="CAROUSEL_ALBUM")
    got = graph(http, server, f"/{image['id']}", ania["token"],
                fields="id,caption,permalink,username,timestamp").json()
    assert "caption" not in got and got["permalink"].startswith("https://www.instagram.com/p/")
    assert got["username"] == "ania.creator"
    assert datetime.strptime(got["timestamp"], "%Y-%m-%dT%H:%M:%S%z").tzinfo == UTC


def test_permalink_resolves_to_the_media_by_shortcode(http, server, fake, ania):
    for i in range(30):
        fake.publish_post("instagram", "ania.creator", f"filler {i}", timestamp=1_700_000_000 + i)
    target = fake.publish_post("instagram", "ania.creator", "the one", timestamp=1_600_000_000)
    shortcode = target["permalink"].rstrip("/").rsplit("/", 1)[1]
    url, params, found = None, {"fields": "id,shortcode,caption", "limit": 25}, None
    while found is None:
        page = (http.get(url, timeout=5) if url else
                graph(http, server, "/me/media", ania["token"], **params)).json()
        found = next((m for m in page["data"] if m["shortcode"] == shortcode), None)
        url = page["paging"].get("next")
        if found is None:
            assert url, "shortcode not found"
    assert found == {"id": target["id"], "shortcode": shortcode, "caption": "the one"}


def test_another_users_media_is_refused(http, server, fake, ania):
    fake.create_account("instagram", "other.brand")
    theirs = fake.publish_post("instagram", "other.brand", "not yours")
    other = fake.account("instagram", "other.brand")
    for path, params in [(f"/{theirs['id']}", {"fields": "id,caption"}),
                         (f"/{other['user_id']}/media", {"fields": "id,caption"}),
                         (f"/{theirs['id']}/insights", {"metric": "likes"})]:
        resp = graph(http, server, path, ania["token"], **params)
        assert resp.status_code == 400, path
        error = resp.json()["error"]
        assert (error["type"], error["code"], error["error_subcode"]) == \
            ("GraphMethodException", 100, 33)
        assert error["message"].startswith("Unsupported get request.") and error["fbtrace_id"]


def test_edit_delete_and_archive_are_visible_to_later_reads(http, server, fake, ania):
    post = fake.publish_post("instagram", "ania.creator", "#reklama original")
    fake.edit_caption(post["id"], "edited, no label")
    assert graph(http, server, f"/{post['id']}", ania["token"], fields="caption").json() == \
        {"id": post["id"], "caption": "edited, no label"}
    fake.archive_post(post["id"])
    assert graph(http, server, f"/{post['id']}", ania["token"]).json()["error"]["code"] == 100
    assert graph(http, server, "/me/media", ania["token"]).json() == {"data": []}
    fake.archive_post(post["id"], archived=False)
    assert graph(http, server, f"/{post['id']}", ania["token"]).ok
    fake.delete_post(post["id"])
    assert graph(http, server, f"/{post['id']}", ania["token"]).status_code == 400
    assert fake.post(post["id"])["deleted"] is True


def test_insights_for_a_reel(http, server, fake, ania):
    reel = fake.publish_post("instagram", "ania.creator", "r", media_type="REELS",
                             counts={"views": 48_210, "reach": 30_112, "likes": 2310,
                                     "comments": 97, "shares": 140, "saved": 388})
    resp = graph(http, server, f"/{reel['id']}/insights", ania["token"],
                 metric="views,reach,likes,total_interactions")
    data = {m["name"]: m for m in resp.json()["data"]}
    assert data["views"]["values"] == [{"value": 48_210}] and data["views"]["period"] == "lifetime"
    assert data["total_interactions"]["values"][0]["value"] == 2310 + 97 + 140 + 388
    assert data["reach"]["id"] == f"{reel['id']}/insights/reach/lifetime"
    old = graph(http, server, f"/{reel['id']}/insights", ania["token"], metric="impressions")
    assert old.status_code == 400 and old.json()["error"]["message"] == (
        "(#100) The Media Insights API does not support the impressions metric for this media "
        "product type.")
    no_scope = fake.grant_token("instagram", "ania.creator", ["instagram_business_basic"])
    denied = graph(http, server, f"/{reel['id']}/insights", no_scope["access_token"],
                   metric="views")
    assert denied.json()["error"]["code"] == 10


def test_strict_parameters_and_fields(http, server, fake, ania):
    resp = graph(http, server, "/me", ania["token"], fields="username,bogus")
    assert resp.status_code == 400 and resp.json()["error"]["message"] == \
        "(#100) Tried accessing nonexisting field (bogus) on node type (User)"
    assert graph(http, server, "/me", ania["token"], colour="red").json()["error"]["message"] == \
        "(#100) Unsupported parameter: colour"
    post = fake.publish_post("instagram", "ania.creator", "x")
    missing = graph(http, server, f"/{post['id']}/insights", ania["token"])
    assert missing.status_code == 400 and "metric is required" in missing.json()["error"]["message"]
    assert graph(http, server, "/me/media", ania["token"], limit="ten").status_code == 400
    unknown = http.get(f"{server.instagram_base}/latest/me", timeout=5)
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == 2500


def test_injected_rate_limit_and_server_error(http, server, fake, ania):
    fake.inject_error("instagram", "/v23.0/", status=429, body_kind="rate_limit", times=1)
    fake.inject_error("instagram", "/instagram/v23.0/me", status=500, body_kind="server_error")
    limited = graph(http, server, "/me", ania["token"])
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == 4 and limited.json()["error"]["is_transient"]
    failed = graph(http, server, "/me", ania["token"])
    assert failed.status_code == 500 and failed.json()["error"]["code"] == 2
    assert graph(http, server, "/me", ania["token"]).status_code == 200
    assert [r["status"] for r in fake.requests("instagram")] == [429, 500, 200]
