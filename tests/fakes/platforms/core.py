"""State of the fake platforms: accounts, posts, OAuth codes and tokens, the clock, injected errors.

Guard every access with `World.lock` (re-entrant). Times are seconds on the fake's clock
(`time.time()` plus an offset that `advance_time` moves); post times are kept in milliseconds so
TikTok's millisecond cursors are exact.
"""
from __future__ import annotations

import re
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Request

Obj = dict[str, Any]
PLATFORMS = ("instagram", "tiktok")
IG_ACCOUNT_TYPES = ("BUSINESS", "MEDIA_CREATOR", "PERSONAL")
IG_MEDIA_TYPES = ("IMAGE", "VIDEO", "CAROUSEL_ALBUM", "REELS")  # REELS = VIDEO shown as a reel
IG_SCOPES = ("instagram_business_basic", "instagram_business_manage_insights",
             "instagram_business_content_publish", "instagram_business_manage_messages",
             "instagram_business_manage_comments")
TT_SCOPES = ("user.info.basic", "user.info.profile", "user.info.stats", "video.list")
IG_CODE_TTL, IG_SHORT_TTL, IG_LONG_TTL, IG_REFRESH_MIN_AGE = 3600, 3600, 60 * 86400, 86400
TT_CODE_TTL, TT_ACCESS_TTL, TT_REFRESH_TTL = 600, 86400, 365 * 86400
TT_DESCRIPTION_MAX = 150
_USERNAME = {"instagram": re.compile(r"[A-Za-z0-9._]{1,30}"),
             "tiktok": re.compile(r"[A-Za-z0-9._]{2,24}")}
_SHORTCODE = string.ascii_letters + string.digits + "-_"


def digits(n: int, lead: str = "") -> str:
    """`lead` then random digits, `n` in all (no leading zero)."""
    lead = lead or secrets.choice("123456789")
    return lead + "".join(secrets.choice(string.digits) for _ in range(n - len(lead)))


def token_str(n: int) -> str:
    return "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(n))


def ig_time(seconds: float) -> str:
    """Instagram's timestamp format, e.g. `2025-06-01T10:15:30+0000`."""
    return datetime.fromtimestamp(int(seconds), UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")


def log_id() -> str:
    """A TikTok-style log id: UTC time then upper-case hex (30 characters)."""
    return datetime.now(UTC).strftime("%Y%m%d%H%M%S") + secrets.token_hex(8).upper()


def to_seconds(value: Any) -> float:
    """A post time from unix seconds, a datetime (naive = UTC) or an ISO 8601 string."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp()
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    return to_seconds(datetime.fromisoformat(text))


@dataclass
class Account:
    platform: str
    username: str
    account_type: str
    followers: int
    display_name: str
    id: str  # Instagram: app-scoped user id (`me.id`); TikTok: open_id
    user_id: str  # Instagram: professional account id (`me.user_id`); TikTok: union_id
    follows: int = 0


def account_view(acct: Account) -> Obj:
    """The fake's view of an account (Instagram ids `id`/`user_id`, TikTok `open_id`/`union_id`)."""
    ids = {"open_id": acct.id, "union_id": acct.user_id} if acct.platform == "tiktok" \
        else {"id": acct.id, "user_id": acct.user_id}
    return {"platform": acct.platform, "username": acct.username,
            "account_type": acct.account_type, "followers": acct.followers,
            "display_name": acct.display_name, **ids}


@dataclass
class Post:
    id: str
    platform: str
    username: str
    caption: str  # the full text; TikTok's API shows at most 150 characters of it
    media_type: str
    product_type: str
    created_ms: int
    shortcode: str = ""
    title: str = ""
    duration: int = 15
    counts: dict[str, int] = field(default_factory=dict)
    deleted: bool = False
    archived: bool = False  # Instagram: archived; TikTok: made private. Hidden from the API.

    @property
    def live(self) -> bool:
        return not (self.deleted or self.archived)

    @property
    def created(self) -> int:
        return self.created_ms // 1000

    @property
    def url(self) -> str:
        if self.platform == "tiktok":
            return f"https://www.tiktok.com/@{self.username}/video/{self.id}"
        kind = "reel" if self.product_type == "REELS" else "p"
        return f"https://www.instagram.com/{kind}/{self.shortcode}/"

    def view(self) -> Obj:
        """The fake's own view (full caption and state) for hooks and `/_fake/state`."""
        link = "share_url" if self.platform == "tiktok" else "permalink"
        out: Obj = {"id": self.id, "platform": self.platform, "username": self.username,
                    link: self.url, "caption": self.caption, "media_type": self.media_type,
                    "media_product_type": self.product_type, "created_time": self.created,
                    "timestamp": ig_time(self.created), "counts": dict(self.counts),
                    "deleted": self.deleted, "archived": self.archived}
        if self.shortcode:
            out["shortcode"] = self.shortcode
        return out


@dataclass
class Token:
    value: str
    platform: str
    username: str
    scopes: tuple[str, ...]
    issued: float
    expires: float
    kind: str  # instagram: short | long; tiktok: access | refresh
    grant: str  # tokens from one authorization share it (revocation)
    revoked: bool = False


@dataclass
class Code:
    value: str
    platform: str
    username: str
    scopes: tuple[str, ...]
    redirect_uri: str
    expires: float
    used: bool = False


@dataclass
class Injected:
    platform: str
    path_prefix: str
    status: int | None
    body_kind: str
    times: int
    body: Obj | None = None


class World:
    """Everything the fake knows."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.offset = 0.0
            self.accounts: dict[tuple[str, str], Account] = {}
            self.posts: dict[str, Post] = {}
            self.tokens: dict[str, Token] = {}
            self.codes: dict[str, Code] = {}
            self.injected: list[Injected] = []
            self.requests: list[Obj] = []

    def now(self) -> float:
        return time.time() + self.offset

    # -- accounts ------------------------------------------------------------------------------
    def account(self, platform: str, username: str) -> Account:
        acct = self.accounts.get((platform, username.lower().lstrip("@")))
        if acct is None:
            raise LookupError(f"no {platform} sandbox account {username!r}")
        return acct

    def add_account(self, platform: str, username: str, account_type: str, followers: int,
                    display_name: str | None) -> Account:
        if platform not in PLATFORMS:
            raise ValueError(f"platform must be one of {PLATFORMS}")
        username = username.strip().lstrip("@")
        if not _USERNAME[platform].fullmatch(username):
            raise ValueError(f"invalid {platform} username: {username!r}")
        if (platform, username.lower()) in self.accounts:
            raise ValueError(f"{platform} account {username!r} exists")
        if platform == "instagram" and account_type not in IG_ACCOUNT_TYPES:
            raise ValueError(f"account_type must be one of {IG_ACCOUNT_TYPES}")
        if platform == "instagram":
            ids = (digits(16), digits(17, "17841"))
        else:
            ids = ("-000" + secrets.token_hex(14), secrets.token_hex(16))
        acct = Account(platform, username, account_type, int(followers),
                       display_name or username, *ids)
        self.accounts[(platform, username.lower())] = acct
        return acct

    # -- posts ---------------------------------------------------------------------------------
    def post(self, post_id: str) -> Post:
        post = self.posts.get(str(post_id))
        if post is None:
            raise LookupError(f"no sandbox post {post_id!r}")
        return post

    def posts_of(self, acct: Account, live_only: bool = True) -> list[Post]:
        """An account's posts, newest first."""
        found = [p for p in self.posts.values() if p.platform == acct.platform
                 and p.username == acct.username and (p.live or not live_only)]
        return sorted(found, key=lambda p: (p.created_ms, p.id), reverse=True)

    def add_post(self, acct: Account, caption: str, media_type: str, created: float,
                 title: str = "") -> Post:
        ms = int(created * 1000)
        taken = {p.created_ms for p in self.posts_of(acct, live_only=False)}
        while ms in taken:  # unique per account, so millisecond cursors never split a tie
            ms += 1
        shape = (17, "18") if acct.platform == "instagram" else (19, "7")
        pid = digits(*shape)
        while pid in self.posts:
            pid = digits(*shape)
        post = Post(pid, acct.platform, acct.username, caption, media_type, "FEED", ms, title=title)
        if acct.platform == "instagram":
            if media_type not in IG_MEDIA_TYPES:
                raise ValueError(f"media_type must be one of {IG_MEDIA_TYPES}")
            if media_type in ("VIDEO", "REELS"):
                post.media_type, post.product_type = "VIDEO", "REELS"
            post.shortcode = "D" + "".join(secrets.choice(_SHORTCODE) for _ in range(10))
        else:
            post.media_type, post.product_type = "VIDEO", "VIDEO"
        self.posts[pid] = post
        return post

    # -- OAuth ---------------------------------------------------------------------------------
    def issue_code(self, platform: str, username: str, scopes: tuple[str, ...],
                   redirect_uri: str) -> Code:
        ttl = IG_CODE_TTL if platform == "instagram" else TT_CODE_TTL
        value = ("AQ" + token_str(180)) if platform == "instagram" else token_str(60) + "*!4"
        code = Code(value, platform, username, scopes, redirect_uri, self.now() + ttl)
        self.codes[value] = code
        return code

    def issue_token(self, platform: str, username: str, scopes: tuple[str, ...], kind: str,
                    grant: str | None = None, ttl: float | None = None) -> Token:
        prefix = {"short": "IGAA", "long": "IGAA", "access": "act.", "refresh": "rft."}[kind]
        default = {"short": IG_SHORT_TTL, "long": IG_LONG_TTL, "access": TT_ACCESS_TTL,
                   "refresh": TT_REFRESH_TTL}[kind]
        now = self.now()
        tok = Token(prefix + token_str(96), platform, username, scopes, now,
                    now + (default if ttl is None else ttl), kind, grant or secrets.token_hex(8))
        self.tokens[tok.value] = tok
        return tok


@dataclass
class Ctx:
    """One request as the handlers see it."""

    world: World
    request: Request
    client_id: str
    client_secret: str
    redirect_uris: frozenset[str] | None

    @property
    def base_url(self) -> str:
        return self.request.host_url.rstrip("/")

    def redirect_ok(self, uri: str) -> bool:
        if self.redirect_uris is not None:
            return uri in self.redirect_uris
        return uri.startswith(("http://", "https://"))
