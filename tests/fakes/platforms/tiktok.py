"""TikTok Login Kit v2 token endpoints and the Display API (user info, video list, video query).

Real hosts www.tiktok.com (authorize) and open.tiktokapis.com both map to `/tiktok`.
"""
from __future__ import annotations

import json
from typing import Any

from .core import TT_DESCRIPTION_MAX, Account, Ctx, Obj, Post, Token, log_id
from .errors import TikTokError, TikTokOAuthError, tt_invalid_token, tt_params, tt_scope

USER_FIELDS = {"open_id": "user.info.basic", "union_id": "user.info.basic",
               "avatar_url": "user.info.basic", "avatar_url_100": "user.info.basic",
               "avatar_large_url": "user.info.basic", "display_name": "user.info.basic",
               "bio_description": "user.info.profile", "profile_deep_link": "user.info.profile",
               "is_verified": "user.info.profile", "username": "user.info.profile",
               "follower_count": "user.info.stats", "following_count": "user.info.stats",
               "likes_count": "user.info.stats", "video_count": "user.info.stats"}
VIDEO_FIELDS = ("id", "create_time", "cover_image_url", "share_url", "video_description",
                "duration", "height", "width", "title", "embed_html", "embed_link", "like_count",
                "comment_count", "share_count", "view_count")


def ok(data: Obj) -> Obj:
    return {"data": data, "error": {"code": "ok", "message": "", "log_id": log_id()}}


# -- OAuth -------------------------------------------------------------------------------------
def token(ctx: Ctx) -> Obj:
    """POST /v2/oauth/token/ (form): grant_type authorization_code or refresh_token."""
    req, w = ctx.request, ctx.world
    if req.mimetype != "application/x-www-form-urlencoded":
        raise TikTokOAuthError("invalid_request", "The request parameters are malformed.")
    form = req.form
    grant_type = form.get("grant_type", "")
    needed = {"authorization_code": ("client_key", "client_secret", "code", "grant_type",
                                     "redirect_uri"),
              "refresh_token": ("client_key", "client_secret", "grant_type", "refresh_token")}
    if grant_type not in needed:
        raise TikTokOAuthError("unsupported_grant_type" if grant_type else "invalid_request",
                               f"The grant type '{grant_type}' is not supported." if grant_type
                               else "The request parameters are malformed.")
    for name in form:
        if name not in needed[grant_type] and name != "code_verifier":
            raise TikTokOAuthError("invalid_request", f"Unknown parameter: {name}.")
    for name in needed[grant_type]:
        if not form.get(name):
            raise TikTokOAuthError("invalid_request", f"Missing required parameter: {name}.")
    if form["client_key"] != ctx.client_id or form["client_secret"] != ctx.client_secret:
        raise TikTokOAuthError("invalid_client", "Client key or secret is incorrect.", 401)
    if grant_type == "refresh_token":
        refresh = w.tokens.get(form["refresh_token"])
        if refresh is None or refresh.kind != "refresh" or refresh.revoked \
                or refresh.expires <= w.now():
            raise TikTokOAuthError("invalid_grant", "Refresh token is invalid or expired.")
    else:
        code = w.codes.get(form["code"])
        if code is None or code.platform != "tiktok":
            raise TikTokOAuthError("invalid_grant", "Authorization code is invalid.")
        if code.used:
            raise TikTokOAuthError("invalid_grant", "Authorization code was already used.")
        if code.expires <= w.now():
            raise TikTokOAuthError("invalid_grant", "Authorization code is expired.")
        if form["redirect_uri"] != code.redirect_uri:
            raise TikTokOAuthError("invalid_grant", "The redirect_uri does not match the one "
                                   "used in the authorization request.")
        code.used = True
        refresh = w.issue_token("tiktok", code.username, code.scopes, "refresh")
    return token_response(ctx, refresh)


def token_response(ctx: Ctx, refresh: Token) -> Obj:
    """A new access token under `refresh` (the refresh token itself is kept, not rotated)."""
    w = ctx.world
    access = w.issue_token("tiktok", refresh.username, refresh.scopes, "access", refresh.grant)
    acct = w.account("tiktok", refresh.username)
    return {"access_token": access.value, "expires_in": int(access.expires - access.issued),
            "open_id": acct.id, "refresh_expires_in": round(refresh.expires - w.now()),
            "refresh_token": refresh.value, "scope": ",".join(refresh.scopes),
            "token_type": "Bearer"}


def revoke(ctx: Ctx) -> Obj:
    """POST /v2/oauth/revoke/ (form client_key, client_secret, token): ends the authorization."""
    form = ctx.request.form
    if form.get("client_key") != ctx.client_id or form.get("client_secret") != ctx.client_secret:
        raise TikTokOAuthError("invalid_client", "Client key or secret is incorrect.", 401)
    tok = ctx.world.tokens.get(form.get("token", ""))
    if tok is None or tok.platform != "tiktok":
        raise TikTokOAuthError("invalid_request", "The token is invalid.")
    for other in ctx.world.tokens.values():
        if other.grant == tok.grant:
            other.revoked = True
    return {}


# -- Display API -------------------------------------------------------------------------------
def _auth(ctx: Ctx, scope: str | None) -> tuple[Token, Account]:
    w = ctx.world
    header = ctx.request.headers.get("Authorization", "")
    value = header[7:].strip() if header.startswith("Bearer ") else ""
    tok = w.tokens.get(value)
    if tok is None or tok.platform != "tiktok" or tok.kind != "access" or tok.revoked \
            or tok.expires <= w.now():
        raise tt_invalid_token()
    if scope is not None and scope not in tok.scopes:
        raise tt_scope()
    return tok, w.account("tiktok", tok.username)


def _fields(ctx: Ctx, allowed: Any) -> list[str]:
    for name in ctx.request.args:
        if name != "fields":
            raise tt_params(f"Unknown query parameter: {name}.")
    names = [f.strip() for f in ctx.request.args.get("fields", "").split(",") if f.strip()]
    if not names:
        raise tt_params("The fields parameter is required.")
    bad = [n for n in names if n not in allowed]
    if bad:
        raise tt_params(f"Invalid fields: {','.join(bad)}.")
    return names


def _body(ctx: Ctx, allowed: tuple[str, ...]) -> Obj:
    try:
        body = json.loads(ctx.request.get_data(as_text=True) or "{}")
    except ValueError:
        raise tt_params("The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise tt_params("The request body must be a JSON object.")
    for name in body:
        if name not in allowed:
            raise tt_params(f"Unknown body field: {name}.")
    return body


def user_info(ctx: Ctx) -> Obj:
    """GET /v2/user/info/?fields=... (each field needs its scope)."""
    tok, acct = _auth(ctx, None)
    fields = _fields(ctx, USER_FIELDS)
    if any(USER_FIELDS[f] not in tok.scopes for f in fields):
        raise tt_scope()
    posts = ctx.world.posts_of(acct)
    avatar = f"https://p16-sign.tiktokcdn.com/sandbox/{acct.user_id}"
    values: Obj = {
        "open_id": acct.id, "union_id": acct.user_id, "avatar_url": avatar + ".jpeg",
        "avatar_url_100": avatar + "~100x100.jpeg", "avatar_large_url": avatar + "~720x720.jpeg",
        "display_name": acct.display_name, "bio_description": "",
        "profile_deep_link": f"https://vm.tiktok.com/sandbox-{acct.username}/",
        "is_verified": False, "username": acct.username, "follower_count": acct.followers,
        "following_count": acct.follows, "video_count": len(posts),
        "likes_count": sum(p.counts.get("likes", 0) for p in posts)}
    return ok({"user": {f: values[f] for f in fields}})


def video_view(ctx: Ctx, post: Post, fields: list[str], utm: bool) -> Obj:
    share = post.url + (f"?utm_campaign=tt4d_open_api&utm_source={ctx.client_id}" if utm else "")
    values: Obj = {
        "id": post.id, "create_time": post.created,
        "cover_image_url": f"https://p16-sign.tiktokcdn.com/sandbox/{post.id}~cover.jpeg",
        "share_url": share, "video_description": post.caption[:TT_DESCRIPTION_MAX],
        "duration": post.duration, "height": 1920, "width": 1080, "title": post.title,
        "embed_html": f'<blockquote class="tiktok-embed" cite="{post.url}" '
                      f'data-video-id="{post.id}"></blockquote>',
        "embed_link": f"https://www.tiktok.com/player/v1/{post.id}",
        "like_count": post.counts.get("likes", 0),
        "comment_count": post.counts.get("comments", 0),
        "share_count": post.counts.get("shares", 0), "view_count": post.counts.get("views", 0)}
    return {f: values[f] for f in fields}


def _int(body: Obj, name: str, default: int, low: int, high: int) -> int:
    value = body.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise tt_params(f"{name} must be an integer between {low} and {high}.")
    return value


def video_list(ctx: Ctx) -> Obj:
    """POST /v2/video/list/?fields=... body {cursor?, max_count?}: newest first, 1-20 a page."""
    tok, acct = _auth(ctx, "video.list")
    fields = _fields(ctx, VIDEO_FIELDS)
    body = _body(ctx, ("cursor", "max_count"))
    max_count = _int(body, "max_count", 10, 1, 20)
    cursor = _int(body, "cursor", 0, 0, 2**63 - 1) or None
    items = [p for p in ctx.world.posts_of(acct) if cursor is None or p.created_ms < cursor]
    page = items[:max_count]
    next_cursor = page[-1].created_ms if page else (cursor or int(ctx.world.now() * 1000))
    return ok({"videos": [video_view(ctx, p, fields, utm=True) for p in page],
               "cursor": next_cursor, "has_more": len(items) > max_count})


def video_query(ctx: Ctx) -> Obj:
    """POST /v2/video/query/?fields=... body {"filters": {"video_ids": [...]}} (1-20 ids).

    Ids of deleted, private or other users' videos are left out of the answer."""
    tok, acct = _auth(ctx, "video.list")
    fields = _fields(ctx, VIDEO_FIELDS)
    body = _body(ctx, ("filters",))
    filters = body.get("filters")
    ids = filters.get("video_ids") if isinstance(filters, dict) else None
    if not isinstance(filters, dict) or set(filters) != {"video_ids"} or not isinstance(ids, list) \
            or not 1 <= len(ids) <= 20 or not all(isinstance(i, str) for i in ids):
        raise tt_params("filters.video_ids must be a list of 1 to 20 video id strings.")
    videos = []
    for vid in dict.fromkeys(ids):
        post = ctx.world.posts.get(vid)
        if post and post.live and post.platform == "tiktok" and post.username == acct.username:
            videos.append(video_view(ctx, post, fields, utm=False))
    return ok({"videos": videos})


def not_found(path: str) -> TikTokError:
    return TikTokError(404, "invalid_params", f"The API path {path} does not exist.")
