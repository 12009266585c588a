"""FakePlatforms: both platforms as one WSGI app, plus the hooks tests use to play the creator."""
from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, RequestRedirect, Rule
from werkzeug.wrappers import Request, Response

from . import authorize, hooks, instagram, pages, tiktok
from .core import (IG_ACCOUNT_TYPES, IG_SCOPES, PLATFORMS, TT_SCOPES, Ctx, Injected, Obj, Post,
                   World, account_view, to_seconds)
from .errors import FakeApiError, GraphError, TikTokError, injected

_ROUTES: dict[str, tuple[str, str, Callable[..., Any]]] = {  # name: (methods, path, handler)
    "ig_authorize": ("GET POST", "/instagram/oauth/authorize",
                     lambda c: authorize.consent(c, "instagram")),
    "ig_code": ("POST", "/instagram/oauth/access_token", instagram.code_exchange),
    "ig_exchange": ("GET", "/instagram/access_token", instagram.exchange_token),
    "ig_refresh": ("GET", "/instagram/refresh_access_token", instagram.refresh_token),
    "ig_me": ("GET", "/instagram/<ver>/me", instagram.me),
    "ig_node": ("GET", "/instagram/<ver>/<node>", instagram.node),
    "ig_media": ("GET", "/instagram/<ver>/<node>/media", instagram.media_list),
    "ig_insights": ("GET", "/instagram/<ver>/<node>/insights", instagram.insights),
    "tt_authorize": ("GET POST", "/tiktok/v2/auth/authorize/",
                     lambda c: authorize.consent(c, "tiktok")),
    "tt_token": ("POST", "/tiktok/v2/oauth/token/", tiktok.token),
    "tt_revoke": ("POST", "/tiktok/v2/oauth/revoke/", tiktok.revoke),
    "tt_user": ("GET", "/tiktok/v2/user/info/", tiktok.user_info),
    "tt_list": ("POST", "/tiktok/v2/video/list/", tiktok.video_list),
    "tt_query": ("POST", "/tiktok/v2/video/query/", tiktok.video_query),
}
_MAP = Map([Rule(path, methods=methods.split(), endpoint=name)
            for name, (methods, path, _) in _ROUTES.items()])
_OAUTH = {"ig_code", "tt_token", "tt_revoke"}  # injected errors here take the OAuth shape
_VERSION = re.compile(r"v\d+\.\d+")
DEFAULT_SCOPES = {"instagram": ("instagram_business_basic", "instagram_business_manage_insights"),
                  "tiktok": TT_SCOPES}


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status,
                    content_type="application/json; charset=UTF-8")


class FakePlatforms:
    """In-memory Instagram (Instagram Login) and TikTok (Login Kit v2 + Display API).

    `client_id`/`client_secret` are the only OAuth client accepted by both platforms (TikTok
    calls them client_key/client_secret). `redirect_uris`, if given, is the allowlist for the
    consent pages (else any http(s) URL). `seed=True` creates the two demo accounts (also after
    `reset()`).
    """

    def __init__(self, *, client_id: str = "hashmark-sandbox",
                 client_secret: str = "hashmark-sandbox-secret",
                 redirect_uris: Iterable[str] | None = None, seed: bool = False) -> None:
        self.client_id, self.client_secret, self.seeded = client_id, client_secret, seed
        self.redirect_uris = frozenset(redirect_uris) if redirect_uris is not None else None
        self.world = World()
        if seed:
            self.seed()

    # -- WSGI -----------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return self.dispatch(Request(environ))(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        path = request.path
        if path.startswith("/_fake/"):
            return hooks.dispatch(self, request)
        if path == "/":
            return pages.index(self)
        platform = next((p for p in PLATFORMS if path.startswith(f"/{p}/")), None)
        if platform is None:
            return pages.html("Not found", pages.BANNER, "<p><a href='/'>Sandbox home</a></p>",
                              404)
        ctx = Ctx(self.world, request, self.client_id, self.client_secret, self.redirect_uris)
        with self.world.lock:
            try:
                response = self._route(ctx, platform)
            except RequestRedirect as exc:
                response = exc.get_response()
            except FakeApiError as exc:
                response = json_response(exc.body(), exc.status)
            self.world.requests.append({"platform": platform, "method": request.method,
                                        "path": path, "status": response.status_code})
        return response

    def _route(self, ctx: Ctx, platform: str) -> Response:
        request = ctx.request
        try:
            name, args = _MAP.bind_to_environ(request.environ).match(method=request.method)
        except RequestRedirect:
            raise
        except HTTPException as exc:
            if platform == "tiktok":
                if isinstance(exc, MethodNotAllowed):
                    raise TikTokError(405, "invalid_params", "Method not allowed.") from None
                raise tiktok.not_found(request.path) from None
            if isinstance(exc, MethodNotAllowed):
                raise GraphError(f"Unsupported {request.method.lower()} request.", code=100,
                                 type="GraphMethodException") from None
            raise GraphError(f"Unknown path components: {request.path[10:]}", code=2500) from None
        if "ver" in args and not _VERSION.fullmatch(args["ver"]):
            raise GraphError(f"Unknown path components: /{args['ver']}", code=2500)
        self._check_injected(platform, request.path, name in _OAUTH)
        result = _ROUTES[name][2](ctx, **args)
        return result if isinstance(result, Response) else json_response(result)

    def _check_injected(self, platform: str, path: str, oauth: bool) -> None:
        rel = path[len(platform) + 1:]
        for rule in self.world.injected:
            if rule.times > 0 and rule.platform == platform and rel.startswith(rule.path_prefix):
                rule.times -= 1
                raise injected(platform, rule.body_kind, rule.status, oauth, rule.body)

    # -- accounts -------------------------------------------------------------------------------
    def seed(self) -> None:
        """The demo accounts: ania.creator (Instagram, BUSINESS, 12,400) and nok.eats (TikTok)."""
        with self.world.lock:
            self.world.add_account("instagram", "ania.creator", "BUSINESS", 12_400, "Ania")
            self.world.add_account("tiktok", "nok.eats", "PERSONAL", 48_000, "Nok Eats")

    def create_account(self, platform: str, username: str, *, account_type: str | None = None,
                       followers: int = 0, display_name: str | None = None) -> Obj:
        """A sandbox account; Instagram account_type BUSINESS (default), MEDIA_CREATOR, PERSONAL."""
        kind = account_type or ("BUSINESS" if platform == "instagram" else "PERSONAL")
        with self.world.lock:
            return account_view(self.world.add_account(platform, username, kind.upper(),
                                                       int(followers), display_name))

    def update_account(self, platform: str, username: str, *, account_type: str | None = None,
                       followers: int | None = None, display_name: str | None = None) -> Obj:
        with self.world.lock:
            acct = self.world.account(platform, username)
            if account_type is not None:
                if platform == "instagram" and account_type.upper() not in IG_ACCOUNT_TYPES:
                    raise ValueError(f"account_type must be one of {IG_ACCOUNT_TYPES}")
                acct.account_type = account_type.upper()
            if followers is not None:
                acct.followers = int(followers)
            if display_name is not None:
                acct.display_name = display_name
            return account_view(acct)

    def account(self, platform: str, username: str) -> Obj:
        with self.world.lock:
            return account_view(self.world.account(platform, username))

    # -- posts ----------------------------------------------------------------------------------
    def publish_post(self, platform: str, username: str, caption: str, *,
                     media_type: str | None = None, timestamp: Any = None, title: str = "",
                     counts: dict[str, int] | None = None) -> Obj:
        """Publish as the creator. Returns the fake's view: id, permalink or share_url, caption...

        `timestamp`: unix seconds, datetime or ISO 8601 (default: the fake's now). Instagram
        media_type: IMAGE (default), CAROUSEL_ALBUM, VIDEO or REELS (both become a reel)."""
        with self.world.lock:
            acct = self.world.account(platform, username)
            when = self.world.now() if timestamp in (None, "") else to_seconds(timestamp)
            kind = (media_type or "IMAGE").upper()
            post = self.world.add_post(acct, caption, kind, when, title)
            if counts:
                post.counts.update({k: int(v) for k, v in counts.items()})
            return post.view()

    def _live_post(self, post_id: str) -> Post:
        post = self.world.post(post_id)
        if post.deleted:
            raise ValueError(f"post {post_id} is deleted")
        return post

    def edit_caption(self, post_id: str, caption: str) -> Obj:
        with self.world.lock:
            post = self._live_post(post_id)
            post.caption = caption
            return post.view()

    def delete_post(self, post_id: str) -> Obj:
        with self.world.lock:
            post = self.world.post(post_id)
            post.deleted = True
            return post.view()

    def archive_post(self, post_id: str, archived: bool = True) -> Obj:
        """Instagram: archive (un-archive with archived=False); TikTok: make private. Either way
        the API stops returning the post."""
        with self.world.lock:
            post = self._live_post(post_id)
            post.archived = bool(archived)
            return post.view()

    def set_counts(self, post_id: str, **counts: int | str | None) -> Obj:
        """likes, comments, views, shares, saved, reach, ig_reels_avg_watch_time, ..."""
        with self.world.lock:
            post = self.world.post(post_id)
            post.counts.update({k: int(v) for k, v in counts.items() if v is not None and v != ""})
            return post.view()

    def post(self, post_id: str) -> Obj:
        """The fake's view of a post, with its full (untruncated) caption and state."""
        with self.world.lock:
            return self.world.post(post_id).view()

    def posts(self, platform: str, username: str, include_gone: bool = False) -> list[Obj]:
        with self.world.lock:
            acct = self.world.account(platform, username)
            return [p.view() for p in self.world.posts_of(acct, live_only=not include_gone)]

    # -- tokens, clock, errors ------------------------------------------------------------------
    def grant_token(self, platform: str, username: str, scopes: Iterable[str] | None = None, *,
                    long_lived: bool = True) -> Obj:
        """A token as if the creator had completed OAuth (skips the consent page).

        Instagram: `{"access_token", "token_type", "expires_in", "permissions"}` (long-lived by
        default); TikTok: the token endpoint's answer (access + refresh token, open_id)."""
        with self.world.lock:
            w = self.world
            acct = w.account(platform, username)
            chosen = tuple(scopes) if scopes is not None else DEFAULT_SCOPES[platform]
            known = IG_SCOPES if platform == "instagram" else TT_SCOPES
            if any(s not in known for s in chosen):
                raise ValueError(f"unknown scope in {chosen}")
            if platform == "tiktok":
                refresh = w.issue_token("tiktok", acct.username, chosen, "refresh")
                ctx = Ctx(w, Request.from_values(), self.client_id, self.client_secret, None)
                return tiktok.token_response(ctx, refresh)
            tok = w.issue_token("instagram", acct.username, chosen,
                                "long" if long_lived else "short")
            return {"access_token": tok.value, "token_type": "bearer",
                    "expires_in": int(tok.expires - tok.issued), "permissions": ",".join(chosen)}

    def expire_token(self, token: str) -> None:
        """Make an access (or refresh) token expired now."""
        with self.world.lock:
            tok = self.world.tokens.get(token)
            if tok is None:
                raise LookupError("unknown token")
            tok.expires = self.world.now() - 1

    def advance_time(self, seconds: float) -> float:
        """Move the fake's clock (token and code expiry, default post times); returns now."""
        with self.world.lock:
            self.world.offset += float(seconds)
            return self.world.now()

    def now(self) -> float:
        return self.world.now()

    def inject_error(self, platform: str, path_prefix: str = "", status: int | None = None,
                     body_kind: str = "server_error", times: int = 1,
                     body: Obj | None = None) -> None:
        """Answer the next `times` requests to `platform` whose path (without `/instagram` or
        `/tiktok`) starts with `path_prefix` with a platform-shaped error of `body_kind`
        (errors.BODY_KINDS; `body` = verbatim). `status` overrides the kind's default."""
        if platform not in PLATFORMS:
            raise ValueError(f"platform must be one of {PLATFORMS}")
        injected(platform, body_kind, status, False, body)  # validates body_kind
        prefix = path_prefix[len(platform) + 1:] if path_prefix.startswith(f"/{platform}/") \
            else path_prefix
        with self.world.lock:
            self.world.injected.append(Injected(platform, prefix, status, body_kind, int(times),
                                                body))

    def reset(self) -> None:
        """Forget everything (accounts, posts, tokens, clock, injected errors, request log)."""
        with self.world.lock:
            self.world.reset()
            if self.seeded:
                self.seed()

    # -- inspection -----------------------------------------------------------------------------
    def requests(self, platform: str | None = None, path_prefix: str = "") -> list[Obj]:
        """The API request log: platform, method, path, status (oldest first)."""
        with self.world.lock:
            return [dict(r) for r in self.world.requests if platform in (None, r["platform"])
                    and r["path"].startswith(path_prefix)]

    def snapshot(self) -> Obj:
        """A JSON-able summary for `/_fake/state`."""
        with self.world.lock:
            w = self.world
            return {"now": w.now(), "offset": w.offset,
                    "accounts": [{**account_view(a), "posts": [p.view() for p in
                                                              w.posts_of(a, live_only=False)]}
                                 for a in w.accounts.values()],
                    "tokens": len(w.tokens), "injected": [copy.copy(vars(i))
                                                          for i in w.injected if i.times > 0]}
