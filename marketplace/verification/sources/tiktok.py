"""TikTok Login Kit v2 and Display API: link an account, read its profile and videos.

Hosts (from SourceSettings): the consent page on `www.tiktok.com`, the token endpoint and the
Display API on `open.tiktokapis.com`. Display API answers carry `error.code`, checked whatever
the HTTP status; `"ok"` is success.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from ..text import N_
from .base import (Reply, SourceSettings, as_int, expires_in, open_session, retry_after,
                   scrub, send, split_scopes, unexpected, split_link)
from .errors import (OAuthRefused, PostNotFound, ScopeMissing, SourceError, TemporarySourceError,
                     TokenError)
from .types import LinkedToken, Post, Profile

log = logging.getLogger(__name__)
PLATFORM = "tiktok"
SCOPES: tuple[str, ...] = ("user.info.basic", "user.info.profile", "user.info.stats",
                           "video.list")
REQUIRED_SCOPES = ("user.info.basic", "user.info.profile", "video.list")  # stats is optional
VIDEO_FIELDS = ("id,title,video_description,create_time,share_url,duration,like_count,"
                "comment_count,share_count,view_count")
DESCRIPTION_LIMIT = 150  # the Display API sends at most this many characters of a description
HOSTS = frozenset({"tiktok.com", "www.tiktok.com", "m.tiktok.com"})
SHORT_HOSTS = frozenset({"vm.tiktok.com", "vt.tiktok.com"})
_VIDEO_PATH = re.compile(r"/@[A-Za-z0-9._]{1,24}/video/([0-9]{1,30})/?")
_VIDEO_ID = re.compile(r"[0-9]{1,30}")


# -- OAuth ---------------------------------------------------------------------------------------
def authorize_url(settings: SourceSettings, *, redirect_uri: str, state: str) -> str:
    """The consent page to send the creator to; `state` comes back on the callback."""
    query = urlencode({"client_key": settings.tiktok_client_key, "scope": ",".join(SCOPES),
                       "response_type": "code", "redirect_uri": redirect_uri, "state": state})
    return f"{settings.tiktok_auth_base}/v2/auth/authorize/?{query}"


def exchange_code(settings: SourceSettings, *, code: str, redirect_uri: str) -> LinkedToken:
    """Code -> access token (24 h) and refresh token (365 days); `platform_user_id` is `open_id`.

    Raises OAuthRefused for a bad, expired or used code, ScopeMissing when the creator unticked
    a permission we need (profile or videos)."""
    token = _token_call(settings, "code exchange", {
        "code": code, "grant_type": "authorization_code", "redirect_uri": redirect_uri}, code)
    if any(scope not in token.scopes for scope in REQUIRED_SCOPES):
        raise ScopeMissing(platform=PLATFORM)
    return token


def refresh(settings: SourceSettings, token: LinkedToken) -> LinkedToken:
    """A new access token from the refresh token. A refused refresh token raises TokenError."""
    if not token.refresh_token:
        raise TokenError(platform=PLATFORM, code="no_refresh_token")
    return _token_call(settings, "refresh", {
        "grant_type": "refresh_token", "refresh_token": token.refresh_token}, token.refresh_token)


# -- profile and posts ---------------------------------------------------------------------------
def profile(settings: SourceSettings, token: LinkedToken) -> Profile:
    """The linked account: open_id, username, display name, avatar; followers with stats scope."""
    fields = ["open_id", "union_id", "avatar_url", "display_name"]
    if "user.info.profile" in token.scopes or not token.scopes:
        fields.append("username")
    if "user.info.stats" in token.scopes or not token.scopes:
        fields.append("follower_count")
    with open_session(settings.tiktok_api_base) as session:
        data = _api(session, settings, token, "GET", "/v2/user/info/", ",".join(fields),
                    None, "user info")
    user = data.get("user") or {}
    username = str(user.get("username") or "")
    return Profile(platform=PLATFORM, user_id=str(user.get("open_id") or token.platform_user_id),
                   username=username, display_name=str(user.get("display_name") or username),
                   account_type=None, followers=as_int(user.get("follower_count")),
                   picture_url=user.get("avatar_url"))


def parse_video_id(url: str) -> str:
    """The video id of `https://www.tiktok.com/@<user>/video/<id>` (query string ignored).
    Short links and anything else raise SourceError(code="invalid_url" or "short_link")."""
    link = split_link(url)
    host, path = link if link is not None else ("", "")
    if host in SHORT_HOSTS or (host in HOSTS and path.startswith("/t/")):
        raise SourceError(N_("This is a shortened TikTok link. Open it in your browser and paste "
                             "the full address, like https://www.tiktok.com/@you/video/"
                             "7380080137682881835."), platform=PLATFORM, code="short_link")
    if host not in HOSTS:
        raise SourceError(N_("This is not a TikTok video link. Paste the address of the video, "
                             "like https://www.tiktok.com/@you/video/7380080137682881835."),
                          platform=PLATFORM, code="invalid_url")
    match = _VIDEO_PATH.fullmatch(path)
    if match is None:
        raise SourceError(N_("This TikTok link does not point to a video. Open the video itself "
                             "and paste its address, like https://www.tiktok.com/@you/video/"
                             "7380080137682881835."), platform=PLATFORM, code="invalid_url")
    return match.group(1)


def resolve_post(settings: SourceSettings, token: LinkedToken, url: str) -> Post:
    """The creator's own video behind a pasted link. Raises PostNotFound when TikTok does not
    return it for this account."""
    return fetch_post(settings, token, parse_video_id(url))


def fetch_post(settings: SourceSettings, token: LinkedToken, video_id: str) -> Post:
    """Re-read a video by id (`video/query`): deleted, private and other people's videos are
    left out of TikTok's answer, so they raise PostNotFound."""
    if not _VIDEO_ID.fullmatch(str(video_id)):
        raise SourceError(N_("This is not a TikTok video id."), platform=PLATFORM,
                          code="invalid_id")
    with open_session(settings.tiktok_api_base) as session:
        data = _api(session, settings, token, "POST", "/v2/video/query/", VIDEO_FIELDS,
                    {"filters": {"video_ids": [video_id]}}, "video query")
    for item in data.get("videos") or ():
        if str(item.get("id")) == video_id:
            return _post(item, token)
    raise PostNotFound(platform=PLATFORM)


# -- helpers -------------------------------------------------------------------------------------
def _token_call(settings: SourceSettings, operation: str, form: dict[str, str],
                secret_value: str) -> LinkedToken:
    """POST /v2/oauth/token/ (authorization_code or refresh_token grant)."""
    secret = settings.tiktok_client_secret
    with open_session(settings.tiktok_api_base) as session:
        reply = send(session, "POST", f"{settings.tiktok_api_base}/v2/oauth/token/",
                     platform=PLATFORM, timeout=settings.timeout, operation=operation,
                     data={"client_key": settings.tiktok_client_key, "client_secret": secret,
                           **form})
    body = reply.body or {}
    if body.get("error") or not body.get("access_token"):
        raise _oauth_error(reply, operation, secret_value, secret)
    try:
        return LinkedToken(access_token=str(body["access_token"]),
                           expires_at=expires_in(body["expires_in"]),
                           refresh_token=str(body["refresh_token"]),
                           refresh_expires_at=expires_in(body["refresh_expires_in"]),
                           scopes=split_scopes(body.get("scope")),
                           platform_user_id=str(body["open_id"]))
    except (KeyError, TypeError, ValueError):
        raise unexpected(reply, platform=PLATFORM, operation=operation) from None


def _oauth_error(reply: Reply, operation: str, *secrets: str) -> SourceError:
    """Map `{"error", "error_description", "log_id"}` from the token endpoint."""
    body = reply.body or {}
    error = str(body.get("error") or "")
    log.warning("tiktok %s failed: HTTP %s %s log %s: %s", operation, reply.status, error or "-",
                body.get("log_id"), scrub(str(body.get("error_description", "")), *secrets))
    if reply.status == 429 or error == "rate_limit_exceeded":
        return TemporarySourceError(N_("TikTok is limiting how often we can ask right now. We "
                                       "will try again later."), platform=PLATFORM,
                                    code="rate_limited", retry_after=retry_after(reply.headers))
    if reply.status >= 500 or error in ("server_error", "temporarily_unavailable"):
        return TemporarySourceError(platform=PLATFORM, code="server_error",
                                    retry_after=retry_after(reply.headers))
    if error == "invalid_client":
        return SourceError(N_("Linking TikTok is not set up correctly on Hashmark. Please contact "
                              "support."), platform=PLATFORM, code="client_misconfigured")
    if error == "invalid_grant":
        if operation == "refresh":
            return TokenError(platform=PLATFORM, code="refresh_token_invalid")
        return OAuthRefused(N_("This TikTok sign-in expired or was already used. Start linking "
                               "again."), platform=PLATFORM, code="invalid_code")
    if not error:
        return unexpected(reply, platform=PLATFORM, operation=operation)
    return SourceError(N_("TikTok refused the request. Try again later; if it keeps happening, "
                          "contact support."), platform=PLATFORM, code="refused")


def _api(session: requests.Session, settings: SourceSettings, token: LinkedToken, method: str,
         path: str, fields: str, body: dict[str, Any] | None, operation: str) -> dict[str, Any]:
    """One Display API call; returns `data` or raises the error its envelope names."""
    reply = send(session, method, f"{settings.tiktok_api_base}{path}", platform=PLATFORM,
                 timeout=settings.timeout, operation=operation, params={"fields": fields},
                 json=body, headers={"Authorization": f"Bearer {token.access_token}"})
    envelope = reply.body or {}
    raw_error = envelope.get("error")
    error: dict[str, Any] = raw_error if isinstance(raw_error, dict) else {}
    code = str(error.get("code") or "")
    if code and code != "ok":
        raise _api_error(reply, code, error, operation, token.access_token)
    data = envelope.get("data")
    if reply.status >= 400 or not code or not isinstance(data, dict):
        raise unexpected(reply, platform=PLATFORM, operation=operation)
    return data


def _api_error(reply: Reply, code: str, error: dict[str, Any], operation: str,
               *secrets: str) -> SourceError:
    log.warning("tiktok %s failed: HTTP %s %s log %s: %s", operation, reply.status, code,
                error.get("log_id"), scrub(str(error.get("message", "")), *secrets))
    if code == "access_token_invalid":
        return TokenError(platform=PLATFORM)
    if code == "scope_not_authorized":
        return ScopeMissing(platform=PLATFORM)
    if code == "rate_limit_exceeded" or reply.status == 429:
        return TemporarySourceError(N_("TikTok is limiting how often we can ask right now. We "
                                       "will try again later."), platform=PLATFORM,
                                    code="rate_limited", retry_after=retry_after(reply.headers))
    if code == "internal_error" or reply.status >= 500:
        return TemporarySourceError(platform=PLATFORM, code="server_error",
                                    retry_after=retry_after(reply.headers))
    return SourceError(N_("TikTok refused the request. Try again later; if it keeps happening, "
                          "contact support."), platform=PLATFORM, code="refused")


def _post(item: dict[str, Any], token: LinkedToken) -> Post:
    description = str(item.get("video_description") or "")
    share = urlsplit(str(item.get("share_url") or ""))
    try:
        published = datetime.fromtimestamp(int(item["create_time"]), UTC)
    except (KeyError, TypeError, ValueError, OverflowError):
        raise SourceError(N_("TikTok gave an answer we did not understand. Try again later; if "
                             "it keeps happening, contact support."),
                          platform=PLATFORM, code="unexpected_answer") from None
    return Post(platform=PLATFORM, id=str(item["id"]), caption=description,
                caption_complete=len(description) < DESCRIPTION_LIMIT, published_at=published,
                permalink=f"{share.scheme}://{share.netloc}{share.path}" if share.netloc else "",
                owner_user_id=token.platform_user_id, media_type="VIDEO",
                likes=as_int(item.get("like_count")), comments=as_int(item.get("comment_count")),
                views=as_int(item.get("view_count")))

