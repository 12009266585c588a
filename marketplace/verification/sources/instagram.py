"""Instagram API with Instagram Login: link a professional account, read its profile and posts.

Hosts (from SourceSettings): the consent page on `www.instagram.com`, the code exchange on
`api.instagram.com`, everything else on `graph.instagram.com`. Graph reads send the token in an
`Authorization: Bearer` header so it never sits in a URL.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import requests

from ..text import N_
from .base import (Reply, SourceSettings, as_int, expires_in, open_session, retry_after,
                   scrub, send, split_scopes, unexpected, split_link)
from .errors import (NotProfessionalAccount, OAuthRefused, PostNotFound, ScopeMissing,
                     SourceError, TemporarySourceError, TokenError)
from .types import LinkedToken, Post, Profile

log = logging.getLogger(__name__)
PLATFORM = "instagram"
SCOPES: tuple[str, ...] = ("instagram_business_basic", "instagram_business_manage_insights")
PROFILE_FIELDS = "user_id,username,name,account_type,profile_picture_url,followers_count"
MEDIA_FIELDS = ("id,caption,media_type,media_product_type,permalink,shortcode,timestamp,"
                "like_count,comments_count,owner")
INSIGHT_METRICS = ("views", "reach", "likes", "comments", "shares", "saved")
PAGE_SIZE, MAX_PAGES = 50, 10  # resolve_post looks through the 500 most recent posts
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613})
HOSTS = frozenset({"instagram.com", "www.instagram.com", "m.instagram.com", "instagr.am",
                   "www.instagr.am"})
_POST_PATH = re.compile(r"/(?:[A-Za-z0-9._]{1,30}/)?(?:p|reels?|tv)/([A-Za-z0-9_-]{5,64})/?")
_MEDIA_ID = re.compile(r"[0-9]{1,30}")


# -- OAuth ---------------------------------------------------------------------------------------
def authorize_url(settings: SourceSettings, *, redirect_uri: str, state: str) -> str:
    """The consent page to send the creator to; `state` comes back on the callback."""
    query = urlencode({"client_id": settings.instagram_client_id, "redirect_uri": redirect_uri,
                       "response_type": "code", "scope": ",".join(SCOPES), "state": state})
    return f"{settings.instagram_auth_base}/oauth/authorize?{query}"


def exchange_code(settings: SourceSettings, *, code: str, redirect_uri: str) -> LinkedToken:
    """Code -> short-lived token -> long-lived token (60 days); `platform_user_id` is `me.user_id`.

    Raises OAuthRefused for a bad, expired or used code and NotProfessionalAccount for a personal
    account."""
    secret = settings.instagram_client_secret
    with open_session(settings.instagram_api_base, settings.instagram_graph_base) as session:
        reply = send(session, "POST", f"{settings.instagram_api_base}/oauth/access_token",
                     platform=PLATFORM, timeout=settings.timeout, operation="code exchange",
                     data={"client_id": settings.instagram_client_id, "client_secret": secret,
                           "grant_type": "authorization_code", "redirect_uri": redirect_uri,
                           "code": code})
        short = _oauth_body(reply, code, secret)
        reply = send(session, "GET", f"{settings.instagram_graph_base}/access_token",
                     platform=PLATFORM, timeout=settings.timeout, operation="long-lived exchange",
                     params={"grant_type": "ig_exchange_token", "client_secret": secret,
                             "access_token": short["access_token"]})
        long = _checked(reply, "long-lived exchange", short["access_token"], secret)
        token = LinkedToken(access_token=str(long["access_token"]),
                            expires_at=expires_in(long.get("expires_in", 0)), refresh_token=None,
                            refresh_expires_at=None, scopes=split_scopes(short.get("permissions")),
                            platform_user_id="")
        me = _graph(session, settings, token, "me", {"fields": "user_id"}, "me")
    return replace(token, platform_user_id=str(me["user_id"]))


def refresh(settings: SourceSettings, token: LinkedToken) -> LinkedToken:
    """A fresh 60-day token for a long-lived one at least 24 hours old and not yet expired.
    An expired token raises TokenError: the creator must link again."""
    with open_session(settings.instagram_graph_base) as session:
        reply = send(session, "GET", f"{settings.instagram_graph_base}/refresh_access_token",
                     platform=PLATFORM, timeout=settings.timeout, operation="refresh",
                     params={"grant_type": "ig_refresh_token", "access_token": token.access_token})
    body = _checked(reply, "refresh", token.access_token)
    return replace(token, access_token=str(body["access_token"]),
                   expires_at=expires_in(body.get("expires_in", 0)))


# -- profile and posts ---------------------------------------------------------------------------
def profile(settings: SourceSettings, token: LinkedToken) -> Profile:
    """The linked professional account: username, name, account type, followers, picture."""
    with open_session(settings.instagram_graph_base) as session:
        me = _graph(session, settings, token, "me", {"fields": PROFILE_FIELDS}, "profile")
    username = str(me.get("username") or "")
    return Profile(platform=PLATFORM, user_id=str(me.get("user_id") or token.platform_user_id),
                   username=username, display_name=str(me.get("name") or username),
                   account_type=me.get("account_type"), followers=as_int(me.get("followers_count")),
                   picture_url=me.get("profile_picture_url"))


def parse_shortcode(url: str) -> str:
    """The shortcode of a pasted post link (/p/, /reel/, /reels/, /tv/, /<user>/p/; the query
    string and fragment are ignored). Raises SourceError(code="invalid_url")."""
    link = split_link(url)
    if link is None or link[0] not in HOSTS:
        raise SourceError(N_("This is not an Instagram post link. In Instagram tap ⋯ on the post, "
                             "then “Copy link”, and paste it here, e.g. "
                             "https://www.instagram.com/p/DAbCdEfGhIj/."),
                          platform=PLATFORM, code="invalid_url")
    match = _POST_PATH.fullmatch(link[1])
    if match is None:
        raise SourceError(N_("This Instagram link does not point to a post or reel. Open the post "
                             "itself, tap ⋯, then “Copy link”, and paste that link here."),
                          platform=PLATFORM, code="invalid_url")
    return match.group(1)


def resolve_post(settings: SourceSettings, token: LinkedToken, url: str) -> Post:
    """The creator's own post behind a pasted link, found by paging through their media (newest
    first, at most PAGE_SIZE * MAX_PAGES posts). Raises PostNotFound when it is not among them."""
    shortcode = parse_shortcode(url)
    node = quote(token.platform_user_id or "me", safe="")
    params: dict[str, Any] = {"fields": MEDIA_FIELDS, "limit": PAGE_SIZE}
    with open_session(settings.instagram_graph_base) as session:
        for _ in range(MAX_PAGES):
            page = _graph(session, settings, token, f"{node}/media", params, "media list")
            for item in page.get("data") or ():
                if _shortcode_of(item) == shortcode:
                    return _post(item, token)
            paging = page.get("paging") or {}
            after = (paging.get("cursors") or {}).get("after")
            if not paging.get("next") or not after:
                raise PostNotFound(platform=PLATFORM)
            params = {**params, "after": after}
    raise PostNotFound(N_("We looked through your %(count)s most recent Instagram posts and this "
                          "one is not among them. Only recent posts of the linked account can be "
                          "submitted."), platform=PLATFORM, count=PAGE_SIZE * MAX_PAGES)


def fetch_post(settings: SourceSettings, token: LinkedToken, media_id: str) -> Post:
    """Re-read a known post by its media id (the live re-check). Raises PostNotFound once it is
    deleted, archived or not the creator's."""
    _check_media_id(media_id)
    with open_session(settings.instagram_graph_base) as session:
        item = _graph(session, settings, token, quote(media_id), {"fields": MEDIA_FIELDS},
                      "media")
    return _post(item, token)


def insights(settings: SourceSettings, token: LinkedToken, media_id: str) -> dict[str, int]:
    """Lifetime views, reach, likes, comments, shares and saved of a post. Metrics the platform
    will not give for this post are left out; a post with too few viewers gives {}."""
    _check_media_id(media_id)
    with open_session(settings.instagram_graph_base) as session:
        wanted = list(INSIGHT_METRICS)
        while wanted:
            reply = _insights_reply(session, settings, token, media_id, wanted)
            error = _error_of(reply)
            if error is None:
                return _metric_values(_checked(reply, "insights", token.access_token))
            if _not_enough_viewers(error):
                return {}
            if not _unsupported_metric(error):
                raise _graph_error(reply, error, "insights", token.access_token)
            named = [m for m in wanted if re.search(rf"\b{m}\b", str(error.get("message", "")))]
            if not named:
                return _one_by_one(session, settings, token, media_id, wanted)
            wanted = [m for m in wanted if m not in named]
    return {}


# -- helpers -------------------------------------------------------------------------------------
def _graph(session: requests.Session, settings: SourceSettings, token: LinkedToken, path: str,
           params: dict[str, Any], operation: str) -> dict[str, Any]:
    url = f"{settings.instagram_graph_base}/{settings.instagram_graph_version}/{path}"
    reply = send(session, "GET", url, platform=PLATFORM, timeout=settings.timeout,
                 operation=operation, params=params,
                 headers={"Authorization": f"Bearer {token.access_token}"})
    return _checked(reply, operation, token.access_token)


def _insights_reply(session: requests.Session, settings: SourceSettings, token: LinkedToken,
                    media_id: str, metrics: list[str]) -> Reply:
    url = (f"{settings.instagram_graph_base}/{settings.instagram_graph_version}/"
           f"{quote(media_id)}/insights")
    return send(session, "GET", url, platform=PLATFORM, timeout=settings.timeout,
                operation="insights", params={"metric": ",".join(metrics)},
                headers={"Authorization": f"Bearer {token.access_token}"})


def _one_by_one(session: requests.Session, settings: SourceSettings, token: LinkedToken,
                media_id: str, metrics: list[str]) -> dict[str, int]:
    """Ask for each metric alone, keeping those the platform gives."""
    values: dict[str, int] = {}
    for metric in metrics:
        reply = _insights_reply(session, settings, token, media_id, [metric])
        error = _error_of(reply)
        if error is None:
            values.update(_metric_values(_checked(reply, "insights", token.access_token)))
        elif not (_unsupported_metric(error) or _not_enough_viewers(error)):
            raise _graph_error(reply, error, "insights", token.access_token)
    return values


def _metric_values(body: dict[str, Any]) -> dict[str, int]:
    values: dict[str, int] = {}
    for item in body.get("data") or ():
        name = item.get("name")
        points = item.get("values") or [item.get("total_value") or {}]
        value = as_int((points[0] or {}).get("value")) if points else None
        if name in INSIGHT_METRICS and value is not None:
            values[name] = value
    return values


def _error_of(reply: Reply) -> dict[str, Any] | None:
    error = (reply.body or {}).get("error")
    return error if isinstance(error, dict) else None


def _unsupported_metric(error: dict[str, Any]) -> bool:
    return as_int(error.get("code")) == 100 and as_int(error.get("error_subcode")) != 33


def _not_enough_viewers(error: dict[str, Any]) -> bool:
    return as_int(error.get("code")) == 10 and "viewers" in str(error.get("message", "")).lower()


def _checked(reply: Reply, operation: str, *secrets: str) -> dict[str, Any]:
    """The body of a successful Graph answer, or the matching SourceError."""
    error = _error_of(reply)
    if error is not None:
        raise _graph_error(reply, error, operation, *secrets)
    if reply.body is None or reply.status >= 400:
        raise unexpected(reply, platform=PLATFORM, operation=operation)
    return reply.body


def _graph_error(reply: Reply, error: dict[str, Any], operation: str,
                 *secrets: str) -> SourceError:
    """Map a Graph error (`{"error": {"code", "error_subcode", "is_transient", ...}}`)."""
    code, subcode = as_int(error.get("code")), as_int(error.get("error_subcode"))
    message = str(error.get("message", ""))
    log.warning("instagram %s failed: HTTP %s code %s/%s trace %s: %s", operation, reply.status,
                code, subcode, error.get("fbtrace_id"), scrub(message, *secrets))
    wait = retry_after(reply.headers) or _usage_wait(reply.headers)
    if code == 190:
        return TokenError(platform=PLATFORM, code="token_expired" if subcode == 463 else None)
    if code in RATE_LIMIT_CODES:
        return TemporarySourceError(N_("Instagram is limiting how often we can ask right now. "
                                       "We will try again later."),
                                    platform=PLATFORM, code="rate_limited", retry_after=wait)
    if error.get("is_transient") or code == 2 or reply.status >= 500:
        return TemporarySourceError(platform=PLATFORM, code="server_error", retry_after=wait)
    if code == 10:
        lowered = message.lower()
        if operation == "insights" and "personal" not in lowered and "professional" not in lowered:
            return ScopeMissing(N_("Hashmark needs permission to read the statistics of your "
                                   "Instagram posts. Link your Instagram account again and keep "
                                   "every permission ticked."), platform=PLATFORM)
        return NotProfessionalAccount()
    if code == 100 and subcode == 33:
        return PostNotFound(platform=PLATFORM)
    return SourceError(N_("Instagram refused the request. Try again later; if it keeps "
                          "happening, contact support."), platform=PLATFORM, code="refused")


def _oauth_body(reply: Reply, *secrets: str) -> dict[str, Any]:
    """The code exchange answer (plain or wrapped in `data`), or why the code was refused."""
    body = reply.body or {}
    data = body.get("data")
    if isinstance(data, list) and data and isinstance(data[0], dict):
        body = data[0]
    if reply.status < 400 and body.get("access_token"):
        return body
    if isinstance(body.get("error"), dict):
        raise _graph_error(reply, body["error"], "code exchange", *secrets)
    if reply.status >= 500 or reply.status == 429 or "error_message" not in body:
        raise unexpected(reply, platform=PLATFORM, operation="code exchange")
    message = str(body["error_message"])
    log.warning("instagram code exchange refused: HTTP %s: %s", reply.status,
                scrub(message, *secrets))
    if "client secret" in message.lower() or "platform app" in message.lower():
        raise SourceError(N_("Linking Instagram is not set up correctly on Hashmark. Please "
                             "contact support."), platform=PLATFORM, code="client_misconfigured")
    raise OAuthRefused(N_("This Instagram sign-in expired or was already used. Start linking "
                          "again."), platform=PLATFORM, code="invalid_code")


def _post(item: dict[str, Any], token: LinkedToken) -> Post:
    try:
        published = datetime.strptime(str(item["timestamp"]), "%Y-%m-%dT%H:%M:%S%z")
        product = item.get("media_product_type")
        return Post(platform=PLATFORM, id=str(item["id"]), caption=str(item.get("caption") or ""),
                    caption_complete=True, published_at=published.astimezone(UTC),
                    permalink=str(item.get("permalink") or ""),
                    owner_user_id=str((item.get("owner") or {}).get("id")
                                      or token.platform_user_id),
                    media_type="REELS" if product == "REELS" else str(item.get("media_type", "")),
                    likes=as_int(item.get("like_count")),
                    comments=as_int(item.get("comments_count")))
    except (KeyError, TypeError, ValueError):
        log.warning("instagram media %s: answer without id or timestamp", item.get("id"))
        raise SourceError(N_("Instagram gave an answer we did not understand. Try again later; "
                             "if it keeps happening, contact support."),
                          platform=PLATFORM, code="unexpected_answer") from None


def _shortcode_of(item: dict[str, Any]) -> str | None:
    if item.get("shortcode"):
        return str(item["shortcode"])
    match = _POST_PATH.fullmatch(urlsplit(str(item.get("permalink") or "")).path)
    return match.group(1) if match else None


def _check_media_id(media_id: str) -> None:
    if not _MEDIA_ID.fullmatch(str(media_id)):
        raise SourceError(N_("This is not an Instagram media id."), platform=PLATFORM,
                          code="invalid_id")


def _usage_wait(headers: Any) -> float | None:
    """Seconds until access returns, from Meta's `X-Business-Use-Case-Usage` header (minutes)."""
    raw = headers.get("X-Business-Use-Case-Usage")
    try:
        usage = json.loads(raw) if raw else {}
        minutes = max((float(entry.get("estimated_time_to_regain_access") or 0)
                       for entries in usage.values() for entry in entries), default=0.0)
    except (TypeError, ValueError, AttributeError):
        return None
    return minutes * 60 if minutes > 0 else None

