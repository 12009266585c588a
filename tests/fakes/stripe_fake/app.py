"""FakeStripe: the stateful fake as a WSGI app, plus the hooks tests use to play buyer, bank, creator."""
from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from stripe._api_version import _ApiVersion
from werkzeug.wrappers import Request

from . import checkout, connect, pages, payouts
from .api import Api
from .core import ApiError, Injected, Obj, World
from .webhooks import Delivery, Dispatcher, Endpoint, Target


class FakeStripe:
    """In-memory Stripe for the real stripe-python SDK (see README-style notes in __init__).

    `webhook_url` (a URL, or a callable `(body, headers) -> status` for in-process receivers)
    gets every platform event signed with `webhook_secret`; Connect events (those with
    `account`) go to `connect_webhook_url`/`connect_webhook_secret`, defaulting to the same.
    With `auto_deliver=False` nothing is sent until `deliver_pending()` / `redeliver()`.
    """

    def __init__(self, *, api_key: str = "sk_test_fake", webhook_url: Target | None = None,
                 webhook_secret: str = "whsec_fake", connect_webhook_url: Target | None = None,
                 connect_webhook_secret: str | None = None, auto_deliver: bool = True,
                 retry_delays: tuple[float, ...] = (0.2, 0.5, 1.0, 2.0),
                 default_currency: str = "usd", fee_bps: int = 0, fee_fixed: int = 0,
                 api_version: str = _ApiVersion.CURRENT, public_url: str | None = None) -> None:
        self.api_key, self.webhook_secret = api_key, webhook_secret
        self._platform_endpoint = Endpoint(webhook_url, webhook_secret) if webhook_url else None
        connect_target = connect_webhook_url or webhook_url
        self._connect_endpoint = Endpoint(connect_target, connect_webhook_secret or webhook_secret) \
            if connect_target else None
        self.dispatcher = Dispatcher(auto=auto_deliver, retry_delays=retry_delays, timeout=10.0,
                                     on_result=self._delivered)
        self.world = World(api_version=api_version, default_currency=default_currency,
                           fee_bps=fee_bps, fee_fixed=fee_fixed, on_event=self._queue,
                           webhook_count=lambda account: int(self._endpoint(account) is not None))
        self.api = Api(self.world, api_key, public_url)

    # -- WSGI -----------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        if request.path.startswith(("/v1/", "/v2/")):
            response = self.api(request)
        else:
            response = pages.dispatch(self, request)
        return response(environ, start_response)

    # -- webhooks -------------------------------------------------------------------------------
    def _endpoint(self, account: str | None) -> Endpoint | None:
        return self._connect_endpoint if account else self._platform_endpoint

    def _queue(self, event: Obj, payload: bytes) -> None:
        endpoint = self._endpoint(event.get("account"))
        if endpoint is not None:
            self.dispatcher.enqueue(event["id"], event["type"], payload, endpoint)

    def _delivered(self, event_id: str, ok: bool) -> None:
        with self.world.lock:
            event = self.world.objects.get(event_id)
            if ok and event is not None:
                event["pending_webhooks"] = 0

    def deliver_pending(self) -> list[Delivery]:
        """Send every queued delivery now, in this thread, in emission order."""
        return self.dispatcher.deliver_pending()

    def wait_for_deliveries(self, timeout: float = 5.0) -> bool:
        """Block until the background thread has sent (or given up on) everything queued."""
        return self.dispatcher.wait(timeout)

    def pending_deliveries(self) -> list[str]:
        """Event ids queued for delivery (in order)."""
        return self.dispatcher.pending()

    def deliver(self, event_id: str) -> list[Delivery]:
        """Send this event now, taking it out of the queue (to deliver events out of order)."""
        self.dispatcher.take(event_id)
        return self.redeliver(event_id)

    def redeliver(self, event_id: str) -> list[Delivery]:
        """Send an event (again: same payload, fresh signature) now; the queue is untouched."""
        with self.world.lock:
            event = self.world.objects.get(event_id)
            if event is None or event.get("object") != "event":
                raise ApiError(f"No such event: '{event_id}'", status=404, code="resource_missing")
            payload, endpoint = self.world.payloads[event_id], self._endpoint(event.get("account"))
        if endpoint is None:
            return []
        return [self.dispatcher.send(event_id, event["type"], payload, endpoint)]

    @property
    def deliveries(self) -> list[Delivery]:
        """Every delivery attempt so far (event id, attempt, HTTP status or error)."""
        return list(self.dispatcher.deliveries)

    # -- test hooks -----------------------------------------------------------------------------
    def _session(self, session_id: str) -> Obj:
        return checkout.find_session(self.world, session_id)

    def pay_checkout_session(self, session_id: str, async_: bool = False) -> Obj:
        """The buyer pays. Sync: paid at once. `async_`: complete but unpaid until settled."""
        with self.world.lock:
            return copy.deepcopy(checkout.pay_session(self.world, session_id, async_=async_))

    def succeed_async_payment(self, session_id: str) -> Obj:
        with self.world.lock:
            return copy.deepcopy(checkout.settle_async(self.world, session_id, succeed=True))

    def fail_async_payment(self, session_id: str) -> Obj:
        with self.world.lock:
            return copy.deepcopy(checkout.settle_async(self.world, session_id, succeed=False))

    def complete_onboarding(self, account_id: str) -> Obj:
        """The creator finishes onboarding: transfers capability becomes active."""
        with self.world.lock:
            return connect.complete_onboarding(self.world, account_id)

    def expire_account_links(self, account_id: str | None = None) -> int:
        with self.world.lock:
            return connect.expire_links(self.world, account_id)

    def make_available(self, currency: str | None = None) -> None:
        """Pending funds (all accounts) become available, as when Stripe's payout delay passes."""
        with self.world.lock:
            payouts.make_available(self.world, currency.lower() if currency else None)

    def fail_payout(self, payout_id: str, code: str = "account_closed") -> Obj:
        with self.world.lock:
            return copy.deepcopy(payouts.fail_payout(self.world, payout_id, code))

    def pay_payout(self, payout_id: str) -> Obj:
        with self.world.lock:
            return copy.deepcopy(payouts.pay_payout(self.world, payout_id))

    def advance_time(self, seconds: int) -> int:
        """Move the fake's clock forward (expires sessions and links); returns the new time."""
        with self.world.lock:
            self.world.offset += seconds
            for session in self.world.query("checkout.session", None):
                checkout.refresh(self.world, session)
            return self.world.now()

    def inject_error(self, path_prefix: str, *, method: str = "POST", status: int = 500,
                     type: str = "api_error", code: str | None = None, message: str | None = None,
                     param: str | None = None, times: int = 1) -> None:
        """Answer the next `times` matching requests with this error instead of executing them
        (stored under their idempotency key, like any executed request)."""
        error = ApiError(message or f"Injected {status} ({type}) by the fake.", status=status,
                         type=type, code=code, param=param)
        with self.world.lock:
            self.world.injected.append(Injected(method.upper(), path_prefix, error, times))

    def reset(self) -> None:
        """Forget everything (objects, balances, events, keys, queued deliveries)."""
        with self.world.lock:
            self.world.reset()
        self.dispatcher.clear()

    def close(self) -> None:
        self.dispatcher.stop()

    # -- inspection -----------------------------------------------------------------------------
    def events(self, type: str | None = None) -> list[Obj]:
        """All events (platform and Connect), oldest first."""
        with self.world.lock:
            return [copy.deepcopy(e) for e in self.world.events if type in (None, e["type"])]

    def requests(self, path_prefix: str = "/") -> list[Obj]:
        """The API request log (method, path, status, account, idempotency_key, replayed)."""
        with self.world.lock:
            return [dict(r) for r in self.world.requests if r["path"].startswith(path_prefix)]

    def get(self, object_id: str) -> Obj:
        """Any stored object by id (accounts in their v1 view)."""
        with self.world.lock:
            if object_id in self.world.accounts:
                return connect.view_v1(self.world.accounts[object_id])
            if object_id not in self.world.objects:
                raise KeyError(object_id)
            return copy.deepcopy(self.world.objects[object_id])

    def balances(self, account: str | None = None) -> dict[str, dict[str, int]]:
        """{currency: {"available": n, "pending": n}} for the platform or a connected account."""
        with self.world.lock:
            return {c: {"available": b[0], "pending": b[1]}
                    for c, b in self.world.balances.get(account, {}).items()}

    def snapshot(self) -> Obj:
        """A JSON-able summary for `/_fake/state`."""
        with self.world.lock:
            w = self.world
            return {"platform": {"id": w.platform_id, "balance": self.balances()},
                    "accounts": {a: {"onboarded": r["onboarded"], "balance": self.balances(a)}
                                 for a, r in w.accounts.items()},
                    "events": [{"id": e["id"], "type": e["type"], "account": e.get("account"),
                                "pending_webhooks": e["pending_webhooks"]} for e in w.events],
                    "pending_deliveries": self.pending_deliveries()}
