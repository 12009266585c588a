"""Sandbox consent pages: `/instagram/oauth/authorize` and `/tiktok/v2/auth/authorize/`.

GET shows the page (pick or type a sandbox username, untick optional scopes, Allow or Cancel);
the form POSTs back to the same URL, query string included, and gets a 302 to redirect_uri.
"""
from __future__ import annotations

import json
import re
from html import escape
from urllib.parse import urlencode

from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from .core import IG_ACCOUNT_TYPES, IG_SCOPES, TT_SCOPES, Ctx
from .errors import FakeApiError, IgOAuthError, TikTokOAuthError
from .pages import html

_SPEC = {  # platform: (client param, optional params, known scopes, base scope, title)
    "instagram": ("client_id", ("state", "force_reauth", "enable_fb_login"), IG_SCOPES,
                  "instagram_business_basic", "Sandbox Instagram — no real account"),
    "tiktok": ("client_key", ("state", "disable_auto_auth"), TT_SCOPES, "user.info.basic",
               "Sandbox TikTok — no real account"),
}


def _error(platform: str, message: str, kind: str = "invalid_request") -> FakeApiError:
    if platform == "instagram":
        return IgOAuthError(message)
    return TikTokOAuthError(kind, message)


def _validate(ctx: Ctx, platform: str) -> tuple[str, tuple[str, ...], str | None]:
    """(redirect_uri, requested scopes, state) or a platform-shaped error (no redirect)."""
    client_param, optional, known, base, _ = _SPEC[platform]
    args = ctx.request.args
    required = (client_param, "redirect_uri", "response_type", "scope")
    for name in args:
        if name not in required and name not in optional:
            raise _error(platform, f"Unsupported parameter: {name}")
    for name in required:
        if not args.get(name):
            raise _error(platform, f"You must include a {name}" if platform == "instagram"
                         else f"Missing required parameter: {name}.")
    if args[client_param] != ctx.client_id:
        raise _error(platform, "Invalid platform app" if platform == "instagram"
                     else "Client key is invalid.", "invalid_client")
    if args["response_type"] != "code":
        raise _error(platform, "Invalid response_type: only code is supported",
                     "unsupported_response_type")
    if not ctx.redirect_ok(args["redirect_uri"]):
        raise _error(platform, "Invalid redirect_uri")
    scopes = tuple(dict.fromkeys(s for s in re.split(r"[,\s]+", args["scope"]) if s))
    bad = [s for s in scopes if s not in known]
    if bad or base not in scopes:
        raise _error(platform, f"Invalid Scopes: {','.join(bad) or base + ' is required'}",
                     "invalid_scope")
    return args["redirect_uri"], scopes, args.get("state")


def _back(redirect_uri: str, params: dict[str, str], fragment: str = "") -> Response:
    sep = "&" if "?" in redirect_uri else "?"
    return redirect(redirect_uri + sep + urlencode(params) + fragment, 302)


def consent(ctx: Ctx, platform: str) -> Response:
    """GET: the page. POST: decision=allow|cancel, username or new_username, grant=<scope>..."""
    try:
        redirect_uri, scopes, state = _validate(ctx, platform)
    except FakeApiError as exc:
        return Response(json.dumps(exc.body()), status=exc.status, content_type="application/json")
    if ctx.request.method == "GET":
        return _page(ctx, platform, scopes)
    form, w = ctx.request.form, ctx.world
    extra = {"state": state} if state is not None else {}
    if form.get("decision") != "allow":
        if platform == "instagram":
            return _back(redirect_uri, {"error": "access_denied", "error_reason": "user_denied",
                                        "error_description": "The user denied your request.",
                                        **extra}, "#_")
        return _back(redirect_uri, {"error": "access_denied", "error_description":
                                    "The user denied the authorization request.", **extra})
    username = form.get("new_username", "").strip().lstrip("@") or form.get("username", "")
    try:
        acct = w.account(platform, username)
    except LookupError:
        try:
            acct = w.add_account(platform, username, form.get("account_type", "BUSINESS")
                                 if platform == "instagram" else "PERSONAL", 0, None)
        except ValueError as exc:
            return _page(ctx, platform, scopes, error=str(exc), status=400)
    base = _SPEC[platform][3]
    if form.get("grants_shown"):
        chosen = set(form.getlist("grant")) | {base}
        scopes = tuple(s for s in scopes if s in chosen)
    code = w.issue_code(platform, acct.username, scopes, redirect_uri)
    if platform == "instagram":
        return _back(redirect_uri, {"code": code.value, **extra}, "#_")
    return _back(redirect_uri, {"code": code.value, "scopes": ",".join(scopes), **extra})


def _page(ctx: Ctx, platform: str, scopes: tuple[str, ...], error: str = "",
          status: int = 200) -> Response:
    base, title = _SPEC[platform][3], _SPEC[platform][4]
    accounts = sorted((a for a in ctx.world.accounts.values() if a.platform == platform),
                      key=lambda a: a.username)
    refused = " — personal account: the API will refuse it" if platform == "instagram" else ""
    options = "".join(
        f"<label class=row><input type=radio name=username value='{escape(a.username)}'"
        f"{' checked' if i == 0 else ''}> <b>@{escape(a.username)}</b> "
        f"<small>{escape(a.account_type)} · {a.followers:,} followers"
        f"{refused if a.account_type == 'PERSONAL' else ''}</small></label>"
        for i, a in enumerate(accounts)) or "<p>No sandbox accounts yet.</p>"
    grants = "".join(
        f"<label class=row><input type=checkbox name=grant value='{escape(s)}' checked"
        f"{' disabled' if s == base else ''}> {escape(s)}</label>" for s in scopes)
    types = ""
    if platform == "instagram":
        types = (" as <select name=account_type>" + "".join(
            f"<option>{t}</option>" for t in IG_ACCOUNT_TYPES) + "</select>")
    action = escape(ctx.request.full_path)
    body = (f"{'<p class=error>' + escape(error) + '</p>' if error else ''}"
            f"<p>The app <code>{escape(ctx.client_id)}</code> asks to use your account.</p>"
            f"<form method=post action='{action}'><input type=hidden name=grants_shown value=1>"
            f"<fieldset><legend>Sign in as</legend>{options}<label class=row>or type a sandbox "
            f"username: <input name=new_username autocomplete=off>{types}</label></fieldset>"
            f"<fieldset><legend>Permissions</legend>{grants}</fieldset>"
            "<button name=decision value=allow>Allow</button>"
            "<button name=decision value=cancel>Cancel</button></form>")
    heading = "Log in with Instagram" if platform == "instagram" else "Log in with TikTok"
    return html(heading, title, body, status)
