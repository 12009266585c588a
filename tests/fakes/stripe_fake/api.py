"""The API surface: route table, authentication, parameter parsing, idempotency, error bodies."""
from __future__ import annotations

import json
import re
import sys
import traceback
from collections.abc import Callable, Mapping
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import checkout, connect, payouts, schemas, transfers
from .core import ApiError, Ctx, Obj, Saved, World, expand, rand
from .params import parse_form, validate

Handler = Callable[..., Obj]
ROUTES: list[tuple[str, str, Handler, schemas.Schema]] = [
    ("POST", "/v1/customers", checkout.create_customer, schemas.CUSTOMER_CREATE),
    ("GET", "/v1/customers/<id>", checkout.get_customer, schemas.RETRIEVE),
    ("POST", "/v1/checkout/sessions", checkout.create_session, schemas.CHECKOUT_SESSION_CREATE),
    ("GET", "/v1/checkout/sessions/<id>", checkout.get_session, schemas.RETRIEVE),
    ("POST", "/v1/checkout/sessions/<id>/expire", checkout.expire_session,
     schemas.CHECKOUT_SESSION_EXPIRE),
    ("GET", "/v1/payment_intents/<id>", checkout.get_payment_intent, schemas.RETRIEVE),
    ("GET", "/v1/charges/<id>", checkout.get_charge, schemas.RETRIEVE),
    ("POST", "/v1/refunds", transfers.create_refund, schemas.REFUND_CREATE),
    ("GET", "/v1/refunds/<id>", transfers.get_refund, schemas.RETRIEVE),
    ("GET", "/v1/accounts/<id>", connect.get_account_v1, schemas.RETRIEVE),
    ("POST", "/v1/account_links", connect.create_link_v1, schemas.ACCOUNT_LINK_CREATE),
    ("POST", "/v2/core/accounts", connect.create_account_v2, schemas.V2_ACCOUNT_CREATE),
    ("GET", "/v2/core/accounts/<id>", connect.get_account_v2, schemas.V2_ACCOUNT_RETRIEVE),
    ("POST", "/v2/core/account_links", connect.create_link_v2, schemas.V2_ACCOUNT_LINK_CREATE),
    ("POST", "/v1/transfers", transfers.create_transfer, schemas.TRANSFER_CREATE),
    ("GET", "/v1/transfers", transfers.list_transfers, schemas.TRANSFER_LIST),
    ("GET", "/v1/transfers/<id>", transfers.get_transfer, schemas.RETRIEVE),
    ("POST", "/v1/transfers/<id>/reversals", transfers.create_reversal, schemas.REVERSAL_CREATE),
    ("GET", "/v1/transfers/<id>/reversals", transfers.list_reversals, schemas.LIST),
    ("GET", "/v1/balance", payouts.get_balance, schemas.RETRIEVE),
    ("GET", "/v1/balance_transactions/<id>", payouts.get_balance_transaction, schemas.RETRIEVE),
    ("POST", "/v1/payouts", payouts.create_payout, schemas.PAYOUT_CREATE),
    ("GET", "/v1/payouts", payouts.list_payouts, schemas.PAYOUT_LIST),
    ("GET", "/v1/payouts/<id>", payouts.get_payout, schemas.RETRIEVE),
    ("GET", "/v1/events", payouts.list_events, schemas.EVENT_LIST),
    ("GET", "/v1/events/<id>", payouts.get_event, schemas.RETRIEVE),
]
API_MAP = Map([Rule(path, methods=[m], endpoint=n) for n, (m, path, _, _) in enumerate(ROUTES)],
              strict_slashes=False)
_VERSION = re.compile(r"\d{4}-\d{2}-\d{2}(\.[a-z_]+)?")


def dumps(body: Any) -> bytes:
    return json.dumps(body, indent=2).encode()


class Api:
    """Answers `/v1/...` and `/v2/...` requests against a World."""

    def __init__(self, world: World, api_key: str, public_url: str | None) -> None:
        self.world, self.api_key, self.public_url = world, api_key, public_url

    def __call__(self, request: Request) -> Response:
        rid = "req_" + rand(14)
        key = request.headers.get("Idempotency-Key") if request.method == "POST" else None
        version = request.headers.get("Stripe-Version")
        try:
            self._authenticate(request)
            if version and not _VERSION.fullmatch(version):
                raise ApiError(f"Invalid Stripe API version: {version}")
            try:
                endpoint, args = API_MAP.bind_to_environ(request.environ).match(
                    method=request.method)
            except HTTPException:  # NotFound / MethodNotAllowed: Stripe answers both with 404
                raise ApiError(f"Unrecognized request URL ({request.method}: {request.path}). "
                               "Please see https://stripe.com/docs or we can help at "
                               "https://support.stripe.com/.", status=404) from None
            _, _, handler, schema = ROUTES[endpoint]
            resp = self._handle(request, rid, key, version, handler, schema, args)
        except ApiError as exc:
            resp = self._response(exc.status, dumps(exc.body(rid)), rid, key, version)
        with self.world.lock:
            self.world.requests.append({
                "method": request.method, "path": request.path, "status": resp.status_code,
                "account": request.headers.get("Stripe-Account"), "idempotency_key": key,
                "replayed": "Idempotent-Replayed" in resp.headers, "request_id": rid})
        return resp

    def _authenticate(self, request: Request) -> None:
        header = request.headers.get("Authorization", "")
        key = header[7:].strip() if header.startswith("Bearer ") else (
            request.authorization.username if request.authorization
            and request.authorization.type == "basic" else None)
        if not key:
            raise ApiError("You did not provide an API key. You need to provide your API key in "
                           "the Authorization header, using Bearer auth (e.g. 'Authorization: "
                           "Bearer YOUR_SECRET_KEY').", status=401)
        if "_live_" in key:
            raise ApiError("This is the fake Stripe sandbox: live-mode API keys are refused.",
                           status=401)
        if key != self.api_key:
            masked = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:]
            raise ApiError(f"Invalid API Key provided: {masked}", status=401)

    def _raw_params(self, request: Request, v2_body: bool) -> Obj:
        if request.method != "POST":
            return parse_form(request.query_string.decode())
        body = request.get_data(as_text=True)
        if not v2_body:
            return parse_form(body)
        try:
            parsed = json.loads(body or "{}")
        except ValueError:
            raise ApiError("Invalid JSON body.")
        if not isinstance(parsed, dict):
            raise ApiError("The request body must be a JSON object.")
        return parsed

    def _handle(self, request: Request, rid: str, key: str | None, version: str | None,
                handler: Handler, schema: schemas.Schema, args: Mapping[str, Any]) -> Response:
        w = self.world
        account = request.headers.get("Stripe-Account") or None
        v2_body = request.path.startswith("/v2/") and request.method == "POST"
        raw = self._raw_params(request, v2_body)
        with w.lock:
            if account and account not in w.accounts:
                raise ApiError(f"The provided key '{self.api_key[:8]}***' does not have access to "
                               f"account '{account}' (or that account does not exist). "
                               "Application access may have been revoked.", status=403,
                               code="account_invalid")
            fingerprint = json.dumps([request.method, request.path, raw], sort_keys=True)
            if key is not None:
                if len(key) > 255:
                    raise ApiError("Invalid Idempotency-Key: it may be at most 255 characters "
                                   "long.", param="Idempotency-Key")
                saved = w.idempotency.get((account, key))
                if saved is not None:
                    return self._replay(saved, fingerprint, rid, key, version)
            params = validate(raw, schema, v2=v2_body)
            ctx = Ctx(params, account, rid, key,
                      self.public_url or request.host_url.rstrip("/"))
            try:
                self._injected(request)
                result = handler(w, ctx, **args)
                result = self._expand(result, params.get("expand", []), account)
                status, body = 200, dumps(result)
            except ApiError as exc:
                if not exc.saved:
                    raise
                status, body = exc.status, dumps(exc.body(rid))
            except Exception as exc:  # a bug in the fake: answer like Stripe's 500, but loudly
                traceback.print_exc(file=sys.stderr)
                error = ApiError(f"Fake Stripe internal error: {exc!r}", status=500,
                                 type="api_error")
                status, body = 500, dumps(error.body(rid))
            if key is not None:
                w.idempotency[(account, key)] = Saved(fingerprint, status, body, rid)
            return self._response(status, body, rid, key, version, original=rid)

    def _replay(self, saved: Saved, fingerprint: str, rid: str, key: str,
                version: str | None) -> Response:
        if saved.fingerprint != fingerprint:
            same_endpoint = json.loads(saved.fingerprint)[:2] == json.loads(fingerprint)[:2]
            what = "with the same parameters" if same_endpoint else "for the same endpoint"
            raise ApiError(f"Keys for idempotent requests can only be used {what} they were "
                           f"first used {'with' if same_endpoint else 'for'}. Try using a key "
                           f"other than '{key}' if you meant to execute a different request.",
                           type="idempotency_error")
        resp = self._response(saved.status, saved.body, rid, key, version,
                              original=saved.request_id)
        resp.headers["Idempotent-Replayed"] = "true"
        return resp

    def _injected(self, request: Request) -> None:
        for inj in self.world.injected:
            if inj.times > 0 and inj.method == request.method and \
                    request.path.startswith(inj.path_prefix):
                inj.times -= 1
                raise inj.error

    def _expand(self, result: Obj, paths: list[str], account: str | None) -> Obj:
        if not paths:
            return result
        if result.get("object") == "list":
            inner = [p[5:] for p in paths if p.startswith("data.")]
            return {**result, "data": [expand(self.world, o, inner, account) for o in result["data"]]}
        return expand(self.world, result, paths, account)

    def _response(self, status: int, body: bytes, rid: str, key: str | None, version: str | None,
                  original: str | None = None) -> Response:
        resp = Response(body, status=status, content_type="application/json")
        resp.headers["Request-Id"] = rid
        resp.headers["Stripe-Version"] = version or self.world.api_version
        if key is not None:
            resp.headers["Idempotency-Key"] = key
        if original:
            resp.headers["Original-Request"] = original
        return resp
