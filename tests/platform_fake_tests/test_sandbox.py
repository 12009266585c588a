"""The human sandbox page, the `/_fake/` HTTP hooks and the standalone `python -m` entry point."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests

from tests.fakes.platforms import FakePlatforms

from .fixtures import fake, graph, http, server  # noqa: F401


def test_index_page_lists_accounts_and_posts(http, server, fake):
    fake.create_account("instagram", "ania.creator", followers=12_400)
    fake.publish_post("instagram", "ania.creator", "<b>#reklama</b> kawa")
    page = http.get(f"{server.url}/", timeout=5)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "no real accounts" in page.text and "@ania.creator" in page.text
    assert "&lt;b&gt;#reklama&lt;/b&gt; kawa" in page.text  # escaped
    assert "Publish sandbox post" in page.text


def test_publish_form_creates_a_post_the_api_returns(http, server, fake):
    fake.create_account("instagram", "ania.creator")
    token = fake.grant_token("instagram", "ania.creator")["access_token"]
    resp = http.post(f"{server.url}/_fake/posts", allow_redirects=False, timeout=5, data={
        "next": "/", "account": "instagram/ania.creator", "caption": "#reklama z formularza",
        "media_type": "REELS", "timestamp": ""})
    assert resp.status_code == 303 and resp.headers["Location"].endswith("/")
    assert "#reklama z formularza" in http.get(f"{server.url}/", timeout=5).text
    media = graph(http, server, "/me/media", token, fields="caption,media_product_type").json()
    assert [(m["caption"], m["media_product_type"]) for m in media["data"]] == \
        [("#reklama z formularza", "REELS")]


def test_edit_and_delete_forms(http, server, fake):
    fake.create_account("tiktok", "nok.eats")
    post = fake.publish_post("tiktok", "nok.eats", "Ad | before")
    base = f"{server.url}/_fake/posts/{post['id']}"
    http.post(f"{base}/caption", data={"next": "/", "caption": "after"}, timeout=5)
    assert fake.post(post["id"])["caption"] == "after"
    http.post(f"{base}/counts", data={"next": "/", "likes": "12", "comments": "", "views": "900"},
              timeout=5)
    assert fake.post(post["id"])["counts"] == {"likes": 12, "views": 900}
    http.post(f"{base}/delete", data={"next": "/"}, timeout=5)
    assert fake.post(post["id"])["deleted"] is True
    assert "deleted" in http.get(f"{server.url}/", timeout=5).text


def test_json_hooks(http, server, fake):
    url = f"{server.url}/_fake"
    acct = http.post(f"{url}/accounts", json={"platform": "instagram", "username": "ola.fit",
                                              "account_type": "MEDIA_CREATOR",
                                              "followers": 900}, timeout=5).json()
    assert acct["account_type"] == "MEDIA_CREATOR" and acct["user_id"].startswith("17841")
    post = http.post(f"{url}/posts", json={"platform": "instagram", "username": "ola.fit",
                                           "caption": "hi", "timestamp": 1_750_000_000},
                     timeout=5).json()
    assert post["timestamp"] == "2025-06-15T15:06:40+0000"
    token = http.post(f"{url}/tokens", json={"platform": "instagram", "username": "ola.fit"},
                      timeout=5).json()["access_token"]
    assert graph(http, server, f"/{post['id']}", token, fields="caption").json()["caption"] == "hi"
    http.post(f"{url}/inject_error", json={"platform": "instagram", "path_prefix": "/v",
                                           "status": 429, "body_kind": "rate_limit"}, timeout=5)
    assert graph(http, server, "/me", token).status_code == 429
    now = http.post(f"{url}/advance_time", json={"seconds": 61 * 86_400}, timeout=5).json()["now"]
    assert now > fake.world.now() - 5
    assert graph(http, server, "/me", token).json()["error"]["code"] == 190
    state = http.get(f"{url}/state", timeout=5).json()
    assert state["accounts"][0]["posts"][0]["caption"] == "hi"
    assert http.post(f"{url}/posts/404/delete", timeout=5).status_code == 404
    assert http.post(f"{url}/posts", json={"platform": "instagram"}, timeout=5).status_code == 400
    assert http.post(f"{url}/reset", timeout=5).json() == {"ok": True}
    assert http.get(f"{url}/state", timeout=5).json()["accounts"] == []


def test_seed_creates_the_demo_accounts():
    seeded = FakePlatforms(seed=True)
    assert seeded.account("instagram", "ania.creator")["followers"] == 12_400
    assert seeded.account("instagram", "ania.creator")["account_type"] == "BUSINESS"
    assert seeded.account("tiktok", "nok.eats")["followers"] == 48_000
    seeded.reset()
    assert seeded.account("tiktok", "nok.eats")


def test_python_m_runs_a_standalone_sandbox():
    root = Path(__file__).resolve().parents[2]
    command = [sys.executable, "-m", "tests.fakes.platforms", "--port", "0", "--seed"]
    with subprocess.Popen(command, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as proc, requests.Session() as session:
        try:
            assert proc.stdout is not None
            url = proc.stdout.readline().split(" on ", 1)[1].split()[0]
            session.trust_env = False
            page = session.get(f"{url}/", timeout=5)
            assert "@ania.creator" in page.text and "@nok.eats" in page.text
        finally:
            proc.terminate()
            proc.wait(timeout=5)
