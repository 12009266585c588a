"""The only code that talks to Instagram and TikTok: link an account (OAuth), read its profile,
resolve a pasted post link, re-read a post. Plain values in and out; no Flask, no database.

    settings = SourceSettings.from_mapping(app.config)
    client = client_for("tiktok")
    post = client.resolve_post(settings, token, "https://www.tiktok.com/@nok.eats/video/7380...")
"""

from __future__ import annotations

from typing import Protocol

from . import instagram, tiktok
from .base import SourceSettings, callback_code, open_session
from .errors import (NotProfessionalAccount, OAuthRefused, PostNotFound, ScopeMissing, SourceError,
                     TemporarySourceError, TokenError)
from .types import LinkedToken, Post, Profile

PLATFORMS = ("instagram", "tiktok")


class SourceClient(Protocol):
    """What both platform modules offer (Instagram adds `insights`)."""

    SCOPES: tuple[str, ...]

    def authorize_url(self, settings: SourceSettings, *, redirect_uri: str, state: str) -> str: ...

    def exchange_code(self, settings: SourceSettings, *, code: str,
                      redirect_uri: str) -> LinkedToken: ...

    def refresh(self, settings: SourceSettings, token: LinkedToken, /) -> LinkedToken: ...

    def profile(self, settings: SourceSettings, token: LinkedToken, /) -> Profile: ...

    def resolve_post(self, settings: SourceSettings, token: LinkedToken, url: str, /) -> Post: ...

    def fetch_post(self, settings: SourceSettings, token: LinkedToken, post_id: str, /) -> Post: ...


_CLIENTS: dict[str, SourceClient] = {"instagram": instagram, "tiktok": tiktok}


def client_for(platform: str) -> SourceClient:
    """The module for `instagram` or `tiktok`; ValueError for anything else."""
    try:
        return _CLIENTS[platform]
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}; use one of {PLATFORMS}") from None


__all__ = [
    "PLATFORMS",
    "LinkedToken",
    "NotProfessionalAccount",
    "OAuthRefused",
    "Post",
    "PostNotFound",
    "Profile",
    "ScopeMissing",
    "SourceClient",
    "SourceError",
    "SourceSettings",
    "TemporarySourceError",
    "TokenError",
    "callback_code",
    "client_for",
    "instagram",
    "open_session",
    "tiktok",
]
