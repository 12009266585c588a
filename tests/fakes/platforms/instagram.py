"""Instagram API with Instagram Login: code exchange, long-lived tokens, Graph me/media/insights.

Real hosts api.instagram.com, graph.instagram.com and www.instagram.com all map to `/instagram`.
"""
from __future__ import annotations

import base64
from collections.abc import Iterable
from urllib.parse import urlencode

from .core import IG_REFRESH_MIN_AGE, Account, Ctx, Obj, Post, Token, ig_time
from .errors import (GraphError, IgOAuthError, ig_expired_token, ig_invalid_token, ig_no_object,
                     ig_param, ig_permission)

USER_FIELDS = ("id", "user_id", "username", "name", "account_type", "profile_picture_url",
               "followers_count", "follows_count", "media_count")
MEDIA_FIELDS = ("id", "caption", "media_type", "media_product_type", "permalink", "shortcode",
                "timestamp", "like_count", "comments_count", "username", "media_url",
                "thumbnail_url", "owner", "is_comment_enabled", "is_shared_to_feed")
_COMMON = {"access_token", "appsecret_proof", "pretty"}
_FEED_METRICS = ("views", "reach", "likes", "comments", "shares", "saved", "total_interactions",
                 "profile_visits", "profile_activity", "follows")
_REEL_METRICS = ("views", "reach", "likes", "comments", "shares", "saved", "total_interactions",
                 "ig_reels_avg_watch_time", "ig_reels_video_view_total_time")
_DEPRECATED = ("impressions", "plays", "video_views", "clips_replays_count",
               "ig_reels_aggregated_all_plays_count")
_TITLES = {"views": "Views", "reach": "Accounts reached", "likes": "Likes",
           "comments": "Comments", "shares": "Shares", "saved": "Saved",
           "total_interactions": "Interactions", "profile_visits": "Profile visits",
           "profile_activity": "Profile activity", "follows": "Follows",
           "ig_reels_avg_watch_time": "Average watch time (ms)",
           "ig_reels_video_view_total_time": "Total watch time (ms)"}


def _args(ctx: Ctx, allowed: Iterable[str], required: Iterable[str] = ()) -> dict[str, str]:
    args = {k: v for k, v in ctx.request.args.items()}
    for name in args:
        if name not in _COMMON and name not in allowed:
            raise ig_param(f"Unsupported parameter: {name}")
    for name in required:
        if not args.get(name):
            raise ig_param(f"The parameter {name} is required")
    return args


def _token(ctx: Ctx, value: str | None, *, check_account: bool = True) -> tuple[Token, Account]:
    w = ctx.world
    if not value:
        header = ctx.request.headers.get("Authorization", "")
        value = header[7:].strip() if header.lower().startswith("bearer ") else None
    if not value:
        raise GraphError("An active access token must be used to query information about the "
                         "current user.", code=2500)
    tok = w.tokens.get(value)
    if tok is None or tok.platform != "instagram" or tok.revoked:
        raise ig_invalid_token()
    if tok.expires <= w.now():
        raise ig_expired_token()
    acct = w.account("instagram", tok.username)
    if check_account:
        if acct.account_type == "PERSONAL":
            raise ig_permission("The Instagram API with Instagram Login is only available to "
                                "professional accounts (Business or Creator); this account is "
                                "a personal account")
        if "instagram_business_basic" not in tok.scopes:
            raise ig_permission()
    return tok, acct


def _fields(raw: str | None, allowed: tuple[str, ...], node: str) -> list[str]:
    names = [f.strip() for f in (raw or "").split(",") if f.strip()]
    for name in names:
        if name not in allowed:
            raise ig_param(f"Tried accessing nonexisting field ({name}) on node type ({node})")
    return names


def encode_cursor(post: Post) -> str:
    raw = f"{post.created_ms}:{post.id}".encode()
    return "QVFI" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, str]:
    """The (created_ms, id) sort key inside a cursor; ValueError if it is not one of ours."""
    if not cursor.startswith("QVFI"):
        raise ValueError(cursor)
    body = cursor[4:]
    ms, _, pid = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode().partition(":")
    return int(ms), pid


# -- OAuth -------------------------------------------------------------------------------------
def code_exchange(ctx: Ctx) -> Obj:
    """POST /oauth/access_token (form) -> short-lived token."""
    form = ctx.request.form
    names = ("client_id", "client_secret", "grant_type", "redirect_uri", "code")
    for name in form:
        if name not in names:
            raise IgOAuthError(f"Unsupported parameter: {name}")
    for name in names:
        if not form.get(name):
            raise IgOAuthError(f"You must provide a {name}")
    if form["client_id"] != ctx.client_id:
        raise IgOAuthError("Invalid platform app")
    if form["client_secret"] != ctx.client_secret:
        raise IgOAuthError("Error validating client secret.")
    if form["grant_type"] != "authorization_code":
        raise IgOAuthError(f"Unsupported grant_type: {form['grant_type']}")
    code = ctx.world.codes.get(form["code"])
    if code is None or code.platform != "instagram":
        raise IgOAuthError("Invalid authorization code")
    if code.used:
        raise IgOAuthError("This authorization code has been used")
    if code.expires <= ctx.world.now():
        raise IgOAuthError("This authorization code has expired")
    if form["redirect_uri"] != code.redirect_uri:
        raise IgOAuthError("Error validating verification code. Please make sure your "
                           "redirect_uri is identical to the one you used in the OAuth dialog "
                           "request")
    code.used = True
    tok = ctx.world.issue_token("instagram", code.username, code.scopes, "short")
    acct = ctx.world.account("instagram", code.username)
    return {"access_token": tok.value, "user_id": acct.id, "permissions": ",".join(code.scopes)}


def _long_lived(ctx: Ctx, old: Token) -> Obj:
    tok = ctx.world.issue_token("instagram", old.username, old.scopes, "long", grant=old.grant)
    return {"access_token": tok.value, "token_type": "bearer",
            "expires_in": int(tok.expires - tok.issued)}


def exchange_token(ctx: Ctx) -> Obj:
    """GET /access_token?grant_type=ig_exchange_token&client_secret&access_token."""
    args = _args(ctx, ("grant_type", "client_secret"), ("grant_type", "client_secret",
                                                          "access_token"))
    if args["grant_type"] != "ig_exchange_token":
        raise ig_param(f"Unsupported grant_type: {args['grant_type']}")
    if args["client_secret"] != ctx.client_secret:
        raise GraphError("Error validating client secret.", code=1)
    tok, _ = _token(ctx, args["access_token"], check_account=False)
    if tok.kind != "short":
        raise ig_param("Only a short-lived access token can be exchanged for a long-lived one")
    return _long_lived(ctx, tok)


def refresh_token(ctx: Ctx) -> Obj:
    """GET /refresh_access_token?grant_type=ig_refresh_token&access_token."""
    args = _args(ctx, ("grant_type",), ("grant_type", "access_token"))
    if args["grant_type"] != "ig_refresh_token":
        raise ig_param(f"Unsupported grant_type: {args['grant_type']}")
    tok, _ = _token(ctx, args["access_token"], check_account=False)
    if tok.kind != "long":
        raise ig_param("Only a long-lived access token can be refreshed")
    if ctx.world.now() - tok.issued < IG_REFRESH_MIN_AGE:
        raise ig_param("A long-lived access token can be refreshed only when it is at least 24 "
                       "hours old")
    return _long_lived(ctx, tok)


# -- Graph -------------------------------------------------------------------------------------
def user_view(ctx: Ctx, acct: Account, fields: list[str]) -> Obj:
    values: Obj = {
        "id": acct.id, "user_id": acct.user_id, "username": acct.username,
        "name": acct.display_name, "account_type": acct.account_type,
        "profile_picture_url": f"https://scontent.cdninstagram.com/sandbox/{acct.user_id}.jpg",
        "followers_count": acct.followers, "follows_count": acct.follows,
        "media_count": len(ctx.world.posts_of(acct))}
    return {"id": acct.id, **{f: values[f] for f in fields if f != "id"}}


def media_view(acct: Account, post: Post, fields: list[str]) -> Obj:
    values: Obj = {
        "id": post.id, "caption": post.caption, "media_type": post.media_type,
        "media_product_type": post.product_type, "permalink": post.url,
        "shortcode": post.shortcode, "timestamp": ig_time(post.created),
        "like_count": post.counts.get("likes", 0),
        "comments_count": post.counts.get("comments", 0), "username": acct.username,
        "media_url": f"https://scontent.cdninstagram.com/sandbox/{post.id}."
                     + ("mp4" if post.media_type == "VIDEO" else "jpg"),
        "thumbnail_url": f"https://scontent.cdninstagram.com/sandbox/{post.id}_thumb.jpg",
        "owner": {"id": acct.user_id}, "is_comment_enabled": True, "is_shared_to_feed": True}
    out: Obj = {"id": post.id}
    for name in fields:
        if name == "caption" and not post.caption:
            continue  # Graph omits an empty caption
        if name == "thumbnail_url" and post.media_type != "VIDEO":
            continue
        if name == "is_shared_to_feed" and post.product_type != "REELS":
            continue
        out[name] = values[name]
    return out


def me(ctx: Ctx, ver: str) -> Obj:
    tok, acct = _token(ctx, ctx.request.args.get("access_token"))
    args = _args(ctx, ("fields",))
    return user_view(ctx, acct, _fields(args.get("fields"), USER_FIELDS, "User"))


def _own(ctx: Ctx, acct: Account, node: str) -> bool:
    return node in ("me", acct.id, acct.user_id)


def _media(ctx: Ctx, acct: Account, node: str) -> Post:
    post = ctx.world.posts.get(node)
    if post is None or not post.live or post.platform != "instagram" \
            or post.username != acct.username:
        raise ig_no_object(node)
    return post


def node(ctx: Ctx, ver: str, node: str) -> Obj:
    """GET /{media-id}?fields=... (or /{ig-user-id}?fields=... for the token's own user)."""
    tok, acct = _token(ctx, ctx.request.args.get("access_token"))
    args = _args(ctx, ("fields",))
    if _own(ctx, acct, node):
        return user_view(ctx, acct, _fields(args.get("fields"), USER_FIELDS, "User"))
    post = _media(ctx, acct, node)
    return media_view(acct, post, _fields(args.get("fields"), MEDIA_FIELDS, "Media"))


def _int_arg(args: dict[str, str], name: str, default: int | None = None) -> int | None:
    if name not in args:
        return default
    try:
        return int(args[name])
    except ValueError:
        raise ig_param(f"Param {name} must be an integer") from None


def media_list(ctx: Ctx, ver: str, node: str) -> Obj:
    """GET /{ig-user-id}/media?fields&limit&after|before&since&until (newest first)."""
    tok, acct = _token(ctx, ctx.request.args.get("access_token"))
    args = _args(ctx, ("fields", "limit", "after", "before", "since", "until"))
    if not _own(ctx, acct, node):
        raise ig_no_object(node)
    fields = _fields(args.get("fields"), MEDIA_FIELDS, "Media")
    limit = _int_arg(args, "limit", 25) or 25
    if not 1 <= limit <= 100:
        raise ig_param("Param limit must be between 1 and 100")
    since, until = _int_arg(args, "since"), _int_arg(args, "until")
    items = [p for p in ctx.world.posts_of(acct) if (since is None or p.created >= since)
             and (until is None or p.created <= until)]
    keys = [(p.created_ms, p.id) for p in items]
    try:
        if args.get("after"):
            start = len([k for k in keys if k >= decode_cursor(args["after"])])
            page = items[start:start + limit]
        elif args.get("before"):
            end = len([k for k in keys if k > decode_cursor(args["before"])])
            page = items[max(0, end - limit):end]
        else:
            page = items[:limit]
    except ValueError:
        raise ig_param("Invalid cursor") from None
    result: Obj = {"data": [media_view(acct, p, fields) for p in page]}
    if page:
        first, last = encode_cursor(page[0]), encode_cursor(page[-1])
        paging: Obj = {"cursors": {"before": first, "after": last}}
        base = f"{ctx.base_url}{ctx.request.path}?"
        rest = {k: v for k, v in ctx.request.args.items() if k not in ("after", "before")}
        if items.index(page[-1]) < len(items) - 1:
            paging["next"] = base + urlencode({**rest, "after": last})
        if items.index(page[0]) > 0:
            paging["previous"] = base + urlencode({**rest, "before": first})
        result["paging"] = paging
    return result


def insights(ctx: Ctx, ver: str, node: str) -> Obj:
    """GET /{media-id}/insights?metric=a,b,c (lifetime values)."""
    tok, acct = _token(ctx, ctx.request.args.get("access_token"))
    args = _args(ctx, ("metric", "period"), ("metric",))
    post = _media(ctx, acct, node)
    if "instagram_business_manage_insights" not in tok.scopes:
        raise ig_permission()
    valid = _REEL_METRICS if post.product_type == "REELS" else _FEED_METRICS
    metrics = [m.strip() for m in args["metric"].split(",") if m.strip()]
    for i, metric in enumerate(metrics):
        if metric not in _FEED_METRICS + _REEL_METRICS + _DEPRECATED:
            raise ig_param(f"metric[{i}] must be one of the following values: "
                           + ", ".join(dict.fromkeys(_FEED_METRICS + _REEL_METRICS)))
        if metric not in valid:
            raise ig_param(f"The Media Insights API does not support the {metric} metric for "
                           "this media product type.")
    c = post.counts
    values = {**{k: c.get(k, 0) for k in _TITLES},
              "reach": c.get("reach", c.get("views", 0)),
              "total_interactions": sum(c.get(k, 0) for k in ("likes", "comments", "shares",
                                                                "saved"))}
    return {"data": [{"name": m, "period": "lifetime", "values": [{"value": values[m]}],
                      "title": _TITLES[m], "description": "...",
                      "id": f"{post.id}/insights/{m}/lifetime"} for m in metrics]}
