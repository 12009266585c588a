"""Human pages (sandbox Checkout and Connect onboarding) and the `/_fake/...` test-hook routes."""
from __future__ import annotations

import json
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from .connect import finish_link, open_link
from .core import ApiError, fmt_amount

if TYPE_CHECKING:
    from .app import FakeStripe

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}"
          ".sandbox{background:#fff3cd;border:2px dashed #b58a00;padding:.6rem 1rem;font-weight:700}"
          "button{font-size:1rem;padding:.5rem 1.2rem;margin:.3rem .3rem 0 0;cursor:pointer}"
          "table{width:100%;border-collapse:collapse}td{padding:.3rem 0}"
          ".total{font-weight:700;border-top:1px solid #ccc}")


def html(title: str, banner: str, body: str, status: int = 200) -> Response:
    page = (f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body><p class=sandbox role=note>{escape(banner)}</p>"
            f"<h1>{escape(title)}</h1>{body}</body></html>")
    return Response(page, status=status, content_type="text/html; charset=utf-8")


def checkout_page(fake: FakeStripe, request: Request, id: str) -> Response:
    banner = "Sandbox checkout — no real money"
    with fake.world.lock:
        try:
            session = fake._session(id)
        except ApiError:
            return html("Checkout session not found", banner, "<p>This link is invalid.</p>", 404)
        lines = fake.world.private[id]["line_items"]
    if session["status"] != "open":
        return html(f"This checkout session is {session['status']}", banner,
                    "<p>Nothing to pay here any more.</p>", 410)
    cur = session["currency"]
    rows = "".join(
        f"<tr><td>{escape(li['price_data']['product_data']['name'])} × {li['quantity']}</td>"
        f"<td>{fmt_amount(li['price_data']['unit_amount'] * li['quantity'], cur)}</td></tr>"
        for li in lines)
    rows += f"<tr class=total><td>Total</td><td>{fmt_amount(session['amount_total'], cur)}</td></tr>"
    who = escape(session["customer_email"] or "")
    body = (f"<table>{rows}</table><p>{who}</p>"
            f"<form method=post action='/checkout/{id}/pay'>"
            "<button name=method value=card>Pay</button>"
            "<button name=method value=bank>Pay by bank debit (settles later)</button></form>"
            f"<form method=post action='/checkout/{id}/cancel'><button>Cancel</button></form>")
    return html("Pay Hashmark", banner, body)


def checkout_pay(fake: FakeStripe, request: Request, id: str) -> Response:
    try:
        session = fake.pay_checkout_session(id, async_=request.form.get("method") == "bank")
    except ApiError as exc:
        return html("Payment not possible", "Sandbox checkout — no real money",
                    f"<p>{escape(exc.message)}</p>", 409)
    return redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", id), 303)


def checkout_cancel(fake: FakeStripe, request: Request, id: str) -> Response:
    with fake.world.lock:
        try:
            session = fake._session(id)
        except ApiError:
            return html("Checkout session not found", "Sandbox checkout — no real money", "", 404)
    target = session["cancel_url"] or f"/checkout/{id}"
    return redirect(target.replace("{CHECKOUT_SESSION_ID}", id), 303)


def onboarding_page(fake: FakeStripe, request: Request, account: str) -> Response:
    banner = "Sandbox onboarding — no real identity checks, no real money"
    token = request.args.get("link", "")
    with fake.world.lock:
        rec, refresh = open_link(fake.world, account, token)
        acct = fake.world.accounts.get(account, {})
    if rec is None:
        if refresh:
            return redirect(refresh, 302)
        return html("Invalid onboarding link", banner, "<p>This link is not valid.</p>", 404)
    name = escape(acct.get("display_name") or account)
    body = (f"<p>Account <b>{name}</b> ({escape(acct.get('contact_email') or '')}) — "
            f"<code>{escape(account)}</code></p><p>In the sandbox nothing is collected: completing "
            "marks identity and bank details as verified.</p>"
            f"<form method=post action='/connect/onboarding/{escape(account)}/complete'>"
            f"<input type=hidden name=link value='{escape(token)}'>"
            "<button>Complete onboarding</button></form>"
            f"<form method=post action='/connect/onboarding/{escape(account)}/leave'>"
            f"<input type=hidden name=link value='{escape(token)}'>"
            "<button>Return without finishing</button></form>")
    return html("Set up payouts", banner, body)


def _finish(fake: FakeStripe, request: Request, account: str, complete: bool) -> Response:
    with fake.world.lock:
        target = finish_link(fake.world, account, request.form.get("link", ""), complete=complete)
    if target is None:
        return html("Invalid onboarding link", "Sandbox onboarding", "", 404)
    return redirect(target, 303)


def _args(request: Request) -> dict[str, Any]:
    args: dict[str, Any] = dict(request.args.items())
    if request.is_json:
        args.update(request.get_json(silent=True) or {})
    else:
        args.update(request.form.items())
    return args


def _truthy(value: Any) -> bool:
    return str(value).lower() in ("1", "true", "yes", "on")


_HOOKS: dict[str, Callable[..., Any]] = {
    "pay": lambda f, a, id: f.pay_checkout_session(id, async_=_truthy(a.get("async", ""))),
    "succeed_async": lambda f, a, id: f.succeed_async_payment(id),
    "fail_async": lambda f, a, id: f.fail_async_payment(id),
    "complete_onboarding": lambda f, a, id: f.complete_onboarding(id),
    "expire_links": lambda f, a: {"expired": f.expire_account_links(a.get("account"))},
    "make_available": lambda f, a: f.make_available(a.get("currency")) or f.balances(),
    "fail_payout": lambda f, a, id: f.fail_payout(id, a.get("code", "account_closed")),
    "pay_payout": lambda f, a, id: f.pay_payout(id),
    "advance_time": lambda f, a: {"now": f.advance_time(int(a.get("seconds", 0)))},
    "inject_error": lambda f, a: f.inject_error(
        a["path"], method=a.get("method", "POST"), status=int(a.get("status", 500)),
        type=a.get("type", "api_error"), code=a.get("code"), message=a.get("message"),
        param=a.get("param"), times=int(a.get("times", 1))) or {"ok": True},
    "deliver": lambda f, a: [d.__dict__ for d in f.deliver_pending()],
    "deliver_event": lambda f, a, id: [d.__dict__ for d in f.deliver(id)],
    "redeliver": lambda f, a, id: [d.__dict__ for d in f.redeliver(id)],
    "reset": lambda f, a: f.reset() or {"ok": True},
    "state": lambda f, a: f.snapshot(),
}

def index(fake: FakeStripe, request: Request) -> Response:
    state = fake.snapshot()
    rows = "".join(f"<li><code>{escape(e['type'])}</code> {escape(e['id'])}"
                   f"{' (' + escape(e['account']) + ')' if e['account'] else ''}</li>"
                   for e in reversed(state["events"][-50:]))
    return html("Fake Stripe", "Sandbox — no real money moves here",
                f"<p>Platform balance: {escape(json.dumps(state['platform']['balance']))}</p>"
                f"<p><a href='/_fake/state'>state as JSON</a></p><h2>Recent events</h2>"
                f"<ul>{rows or '<li>none yet</li>'}</ul>")


PAGE_MAP = Map([
    Rule("/", methods=["GET"], endpoint=index),
    Rule("/checkout/<id>", methods=["GET"], endpoint=checkout_page),
    Rule("/checkout/<id>/pay", methods=["POST"], endpoint=checkout_pay),
    Rule("/checkout/<id>/cancel", methods=["POST"], endpoint=checkout_cancel),
    Rule("/connect/onboarding/<account>", methods=["GET"], endpoint=onboarding_page),
    Rule("/connect/onboarding/<account>/complete", methods=["POST"],
         endpoint=lambda f, r, account: _finish(f, r, account, True)),
    Rule("/connect/onboarding/<account>/leave", methods=["POST"],
         endpoint=lambda f, r, account: _finish(f, r, account, False)),
    Rule("/_fake/checkout/sessions/<id>/pay", methods=["POST"], endpoint="pay"),
    Rule("/_fake/checkout/sessions/<id>/succeed_async", methods=["POST"], endpoint="succeed_async"),
    Rule("/_fake/checkout/sessions/<id>/fail_async", methods=["POST"], endpoint="fail_async"),
    Rule("/_fake/accounts/<id>/complete_onboarding", methods=["POST"],
         endpoint="complete_onboarding"),
    Rule("/_fake/account_links/expire", methods=["POST"], endpoint="expire_links"),
    Rule("/_fake/balance/make_available", methods=["POST"], endpoint="make_available"),
    Rule("/_fake/payouts/<id>/fail", methods=["POST"], endpoint="fail_payout"),
    Rule("/_fake/payouts/<id>/pay", methods=["POST"], endpoint="pay_payout"),
    Rule("/_fake/advance_time", methods=["POST"], endpoint="advance_time"),
    Rule("/_fake/inject_error", methods=["POST"], endpoint="inject_error"),
    Rule("/_fake/webhooks/deliver", methods=["POST"], endpoint="deliver"),
    Rule("/_fake/events/<id>/deliver", methods=["POST"], endpoint="deliver_event"),
    Rule("/_fake/events/<id>/redeliver", methods=["POST"], endpoint="redeliver"),
    Rule("/_fake/reset", methods=["POST"], endpoint="reset"),
    Rule("/_fake/state", methods=["GET"], endpoint="state"),
])


def dispatch(fake: FakeStripe, request: Request) -> Response:
    """Serve a page or a hook; hooks answer JSON (errors Stripe-shaped)."""
    try:
        endpoint, args = PAGE_MAP.bind_to_environ(request.environ).match(method=request.method)
    except HTTPException as exc:
        return html("Not found", "Fake Stripe sandbox", f"<p>{escape(request.path)}</p>",
                    exc.code or 404)
    if callable(endpoint):
        page: Response = endpoint(fake, request, **args)
        return page
    try:
        result = _HOOKS[endpoint](fake, _args(request), **args)
        status = 200
    except ApiError as exc:
        result, status = exc.body(), exc.status
    except (KeyError, ValueError) as exc:
        result, status = {"error": {"type": "invalid_request_error", "message": repr(exc)}}, 400
    return Response(json.dumps(result, indent=2, default=str), status=status,
                    content_type="application/json")
