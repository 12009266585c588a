"""Fixtures for the fake-platform tests: one server per module, a requests session, OAuth helpers.

Imported by each test module (the suite runs with --noconftest) and by conftest.py.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from tests.fakes.platforms import FakePlatforms, FakePlatformsServer

CLIENT_ID, CLIENT_SECRET = "hashmark-sandbox", "hashmark-sandbox-secret"
REDIRECT_IG = "http://127.0.0.1:5000/creator/accounts/instagram/callback"
REDIRECT_TT = "http://127.0.0.1:5000/creator/accounts/tiktok/callback"
IG_SCOPE = "instagram_business_basic,instagram_business_manage_insights"
TT_SCOPE = "user.info.basic,user.info.profile,user.info.stats,video.list"
GRAPH = "/v23.0"


@pytest.fixture(scope="module")
def server() -> Iterator[FakePlatformsServer]:
    with FakePlatformsServer() as srv:
        yield srv


@pytest.fixture
def fake(server: FakePlatformsServer) -> FakePlatforms:
    """The module's fake, emptied for this test."""
    server.fake.reset()
    return server.fake


@pytest.fixture
def http(server: FakePlatformsServer, fake: FakePlatforms) -> Iterator[requests.Session]:
    with server.session() as session:
        yield session


def query_of(location: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def consent(http: requests.Session, server: FakePlatformsServer, platform: str,
            decision: str = "allow", state: str | None = "st-123", scope: str | None = None,
            **form: Any) -> requests.Response:
    """Open the consent page, then submit it; returns the (unfollowed) 302 answer."""
    if platform == "instagram":
        url = f"{server.instagram_base}/oauth/authorize"
        params = {"client_id": CLIENT_ID, "redirect_uri": REDIRECT_IG, "response_type": "code",
                  "scope": scope or IG_SCOPE}
    else:
        url = f"{server.tiktok_base}/v2/auth/authorize/"
        params = {"client_key": CLIENT_ID, "scope": scope or TT_SCOPE, "response_type": "code",
                  "redirect_uri": REDIRECT_TT}
    if state is not None:
        params["state"] = state
    page = http.get(url, params=params, timeout=5)
    assert page.status_code == 200, page.text
    return http.post(page.url, data={"decision": decision, **form}, allow_redirects=False,
                     timeout=5)


def ig_code(http: requests.Session, server: FakePlatformsServer, username: str,
            **kw: Any) -> str:
    resp = consent(http, server, "instagram", username=username, **kw)
    assert resp.status_code == 302, resp.text
    return query_of(resp.headers["Location"])["code"]


def ig_exchange(http: requests.Session, server: FakePlatformsServer, code: str,
                **override: str) -> requests.Response:
    form = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "grant_type": "authorization_code", "redirect_uri": REDIRECT_IG, "code": code,
            **override}
    return http.post(f"{server.instagram_base}/oauth/access_token", data=form, timeout=5)


def ig_login(http: requests.Session, server: FakePlatformsServer, username: str,
             **kw: Any) -> str:
    """The whole Instagram flow: consent, code exchange, long-lived exchange. Returns the token."""
    short = ig_exchange(http, server, ig_code(http, server, username, **kw)).json()
    resp = http.get(f"{server.instagram_base}/access_token", timeout=5, params={
        "grant_type": "ig_exchange_token", "client_secret": CLIENT_SECRET,
        "access_token": short["access_token"]})
    assert resp.status_code == 200, resp.text
    return str(resp.json()["access_token"])


def graph(http: requests.Session, server: FakePlatformsServer, path: str, token: str | None,
          **params: Any) -> requests.Response:
    if token is not None:
        params["access_token"] = token
    return http.get(f"{server.instagram_base}{GRAPH}{path}", params=params, timeout=5)


def tt_code(http: requests.Session, server: FakePlatformsServer, username: str,
            **kw: Any) -> str:
    resp = consent(http, server, "tiktok", username=username, **kw)
    assert resp.status_code == 302, resp.text
    return query_of(resp.headers["Location"])["code"]


def tt_token(http: requests.Session, server: FakePlatformsServer,
             **form: str) -> requests.Response:
    base = {"client_key": CLIENT_ID, "client_secret": CLIENT_SECRET}
    return http.post(f"{server.tiktok_base}/v2/oauth/token/", data={**base, **form}, timeout=5)


def tt_login(http: requests.Session, server: FakePlatformsServer, username: str,
             **kw: Any) -> dict[str, Any]:
    code = tt_code(http, server, username, **kw)
    resp = tt_token(http, server, code=code, grant_type="authorization_code",
                    redirect_uri=REDIRECT_TT)
    assert resp.status_code == 200, resp.text
    return dict(resp.json())


def tt_api(http: requests.Session, server: FakePlatformsServer, method: str, path: str,
           token: str | None, fields: str | None = None, json: Any = None) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    params = {"fields": fields} if fields else {}
    return http.request(method, f"{server.tiktok_base}{path}", params=params, json=json,
                        headers=headers, timeout=5)
