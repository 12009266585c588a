"""Helpers for the source tests: the fake with settable error headers, the browser side of the
OAuth consent pages, and tokens granted without the consent page."""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from werkzeug.wrappers import Request, Response

from marketplace.verification.sources import LinkedToken, callback_code
from marketplace.verification.sources.base import expires_in, split_scopes
from tests.fakes.platforms import FakePlatforms, FakePlatformsServer

CLIENT_ID, CLIENT_SECRET = "hashmark-sandbox", "hashmark-sandbox-secret"


class HeaderingFake(FakePlatforms):
    """The fake, plus response headers a test sets on its error answers (`Retry-After`, Meta's
    usage header): the fake itself never sends them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_headers: dict[str, str] = {}

    def dispatch(self, request: Request) -> Response:
        response = super().dispatch(request)
        if response.status_code >= 400:
            response.headers.update(self.error_headers)
        return response

    def reset(self) -> None:
        super().reset()
        self.error_headers = {}


def callback_uri(server: FakePlatformsServer, platform: str) -> str:
    """Our callback address for the test: on the fake's host, which answers it with a 404 page,
    so the browser can follow the redirect and the test reads the code from where it landed."""
    return f"{server.url}/hashmark/accounts/{platform}/callback"


def consent(browser: requests.Session, url: str, username: str, decision: str = "allow",
            **form: Any) -> dict[str, str]:
    """Open the consent page at `url`, submit it like a browser and follow the redirect;
    returns the query arguments our callback would receive."""
    page = browser.get(url, timeout=5)
    assert page.status_code == 200, page.text
    assert "no real account" in page.text
    landed = browser.post(page.url, data={"decision": decision, "username": username, **form},
                          timeout=5)
    assert [r.status_code for r in landed.history] == [302]
    return dict(parse_qsl(urlsplit(landed.url).query))


def link_code(browser: requests.Session, url: str, platform: str, username: str,
              state: str, **form: Any) -> str:
    """The whole browser side of linking: consent, redirect, then the callback's checks."""
    return callback_code(platform, consent(browser, url, username, **form), expected_state=state)


def ig_token(fake: FakePlatforms, username: str, scopes: tuple[str, ...] | None = None,
             ) -> LinkedToken:
    """A long-lived Instagram token as if linked (skips the consent page)."""
    granted = fake.grant_token("instagram", username, scopes)
    return LinkedToken(access_token=granted["access_token"],
                       expires_at=expires_in(granted["expires_in"]), refresh_token=None,
                       refresh_expires_at=None, scopes=split_scopes(granted["permissions"]),
                       platform_user_id=fake.account("instagram", username)["user_id"])


def tt_token(fake: FakePlatforms, username: str, scopes: tuple[str, ...] | None = None,
             ) -> LinkedToken:
    """A TikTok access + refresh token as if linked (skips the consent page)."""
    granted = fake.grant_token("tiktok", username, scopes)
    return LinkedToken(access_token=granted["access_token"],
                       expires_at=expires_in(granted["expires_in"]),
                       refresh_token=granted["refresh_token"],
                       refresh_expires_at=expires_in(granted["refresh_expires_in"]),
                       scopes=split_scopes(granted["scope"]), platform_user_id=granted["open_id"])
