"""What the sources return: plain frozen values, no platform JSON leaks past this package."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class LinkedToken:
    """A creator's access to one platform account. Tokens are left out of `repr` (and so of logs).

    `platform_user_id`: Instagram's professional account id (`me.user_id`), TikTok's `open_id`.
    Instagram has no refresh token: the long-lived access token refreshes itself (`refresh`).
    """

    access_token: str = field(repr=False)
    expires_at: datetime
    refresh_token: str | None = field(repr=False)
    refresh_expires_at: datetime | None
    scopes: tuple[str, ...]
    platform_user_id: str


@dataclass(frozen=True)
class Profile:
    """The linked account as the platform describes it (`account_type`: Instagram only)."""

    platform: str
    user_id: str
    username: str
    display_name: str
    account_type: str | None
    followers: int | None
    picture_url: str | None


@dataclass(frozen=True)
class Post:
    """One post read with its owner's token.

    `caption_complete` is False when the platform may have cut the caption (TikTok sends at most
    150 characters of a description): a missing tag may lie beyond the cut, so the verifier must
    answer "cannot verify", never "fail". `media_type`: Instagram IMAGE, CAROUSEL_ALBUM, VIDEO or
    REELS (a video shown as a reel); TikTok VIDEO.
    """

    platform: str
    id: str
    caption: str
    caption_complete: bool
    published_at: datetime
    permalink: str
    owner_user_id: str
    media_type: str
    likes: int | None = None
    comments: int | None = None
    views: int | None = None
