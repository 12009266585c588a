"""The `/_fake/...` HTTP test hooks (JSON or form bodies; a form `next=/path` gets a 303 there)."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

if TYPE_CHECKING:
    from .app import FakePlatforms

Args = dict[str, Any]


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("1", "true", "yes", "on")


def _who(a: Args) -> tuple[str, str]:
    """(platform, username) from `platform` + `username`, or `account=platform/username`."""
    if a.get("account"):
        platform, _, username = str(a["account"]).partition("/")
        return platform, username
    return a["platform"], a["username"]


def _scopes(value: Any) -> list[str] | None:
    if value in (None, ""):
        return None
    return [s.strip() for s in value.split(",")] if isinstance(value, str) else list(value)


_COUNTS = ("likes", "comments", "views", "shares", "saved", "reach", "ig_reels_avg_watch_time",
           "ig_reels_video_view_total_time", "profile_visits", "profile_activity", "follows")

_HOOKS: dict[str, Callable[..., Any]] = {
    "create_account": lambda f, a: f.create_account(
        *_who(a), account_type=a.get("account_type") or None,
        followers=int(a.get("followers") or 0), display_name=a.get("display_name") or None),
    "update_account": lambda f, a, platform, username: f.update_account(
        platform, username, account_type=a.get("account_type"),
        followers=a.get("followers"), display_name=a.get("display_name")),
    "get_account": lambda f, a, platform, username: f.account(platform, username),
    "publish": lambda f, a: f.publish_post(
        *_who(a), a["caption"], media_type=a.get("media_type") or None,
        timestamp=a.get("timestamp") or None, title=a.get("title", ""), counts=a.get("counts")),
    "get_post": lambda f, a, id: f.post(id),
    "caption": lambda f, a, id: f.edit_caption(id, a["caption"]),
    "delete": lambda f, a, id: f.delete_post(id),
    "archive": lambda f, a, id: f.archive_post(id, _truthy(a.get("archived", True))),
    "counts": lambda f, a, id: f.set_counts(id, **{k: a[k] for k in _COUNTS if k in a}),
    "grant_token": lambda f, a: f.grant_token(*_who(a), _scopes(a.get("scopes")),
                                              long_lived=_truthy(a.get("long_lived", True))),
    "expire_token": lambda f, a: f.expire_token(a["token"]) or {"ok": True},
    "advance_time": lambda f, a: {"now": f.advance_time(float(a.get("seconds", 0)))},
    "inject_error": lambda f, a: f.inject_error(
        a["platform"], a.get("path_prefix", a.get("path", "")),
        int(a["status"]) if a.get("status") not in (None, "") else None,
        a.get("body_kind", "server_error"), int(a.get("times", 1)), a.get("body")) or {"ok": True},
    "reset": lambda f, a: f.reset() or {"ok": True},
    "state": lambda f, a: f.snapshot(),
    "requests": lambda f, a: f.requests(a.get("platform"), a.get("path_prefix", "")),
}

HOOK_MAP = Map([
    Rule("/_fake/accounts", methods=["POST"], endpoint="create_account"),
    Rule("/_fake/accounts/<platform>/<username>", methods=["POST"], endpoint="update_account"),
    Rule("/_fake/accounts/<platform>/<username>", methods=["GET"], endpoint="get_account"),
    Rule("/_fake/posts", methods=["POST"], endpoint="publish"),
    Rule("/_fake/posts/<id>", methods=["GET"], endpoint="get_post"),
    Rule("/_fake/posts/<id>/caption", methods=["POST"], endpoint="caption"),
    Rule("/_fake/posts/<id>/delete", methods=["POST"], endpoint="delete"),
    Rule("/_fake/posts/<id>/archive", methods=["POST"], endpoint="archive"),
    Rule("/_fake/posts/<id>/counts", methods=["POST"], endpoint="counts"),
    Rule("/_fake/tokens", methods=["POST"], endpoint="grant_token"),
    Rule("/_fake/tokens/expire", methods=["POST"], endpoint="expire_token"),
    Rule("/_fake/advance_time", methods=["POST"], endpoint="advance_time"),
    Rule("/_fake/inject_error", methods=["POST"], endpoint="inject_error"),
    Rule("/_fake/reset", methods=["POST"], endpoint="reset"),
    Rule("/_fake/state", methods=["GET"], endpoint="state"),
    Rule("/_fake/requests", methods=["GET"], endpoint="requests"),
])


def _args(request: Request) -> Args:
    args: Args = dict(request.args.items())
    if request.is_json:
        body = request.get_json(silent=True)
        if isinstance(body, dict):
            args.update(body)
    else:
        args.update(request.form.items())
    return args


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, indent=2, ensure_ascii=False, default=str), status=status,
                    content_type="application/json")


def dispatch(fake: FakePlatforms, request: Request) -> Response:
    """Run a hook. Errors: 404 for unknown accounts/posts, 400 for bad arguments."""
    try:
        endpoint, params = HOOK_MAP.bind_to_environ(request.environ).match(method=request.method)
    except HTTPException as exc:
        return _json({"error": f"no hook {request.method} {request.path}"}, exc.code or 404)
    args = _args(request)
    try:
        result = _HOOKS[endpoint](fake, args, **params)
    except LookupError as exc:  # KeyError is a LookupError: a missing argument is a 400
        missing = isinstance(exc, KeyError)
        return _json({"error": f"missing argument {exc}" if missing else str(exc)},
                     400 if missing else 404)
    except (ValueError, TypeError) as exc:
        return _json({"error": str(exc)}, 400)
    target = args.get("next")
    if isinstance(target, str) and target.startswith("/") and not target.startswith("//"):
        return redirect(target, 303)
    return _json(result)
