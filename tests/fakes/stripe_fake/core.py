"""State of the fake: objects, owners, balances, events, idempotency records, Stripe-shaped errors."""
from __future__ import annotations

import copy
import itertools
import json
import secrets
import string
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

Obj = dict[str, Any]
Owner = str | None  # None = the platform, else a connected account id
_ALNUM = string.ascii_letters + string.digits
ZERO_DECIMAL = frozenset("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split())


class ApiError(Exception):
    """An API error rendered as Stripe's `{"error": {...}}` body.

    `saved=False` marks request-validation failures, which Stripe does not store under an
    idempotency key; errors raised while executing a request are stored and replayed.
    """

    def __init__(self, message: str, *, status: int = 400, type: str = "invalid_request_error",
                 code: str | None = None, param: str | None = None, saved: bool = True,
                 extra: Obj | None = None) -> None:
        super().__init__(message)
        self.message, self.status, self.type = message, status, type
        self.code, self.param, self.saved, self.extra = code, param, saved, extra or {}

    def body(self, request_id: str | None = None) -> Obj:
        err: Obj = {"message": self.message, "type": self.type}
        if self.code:
            err["code"] = self.code
            err["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param:
            err["param"] = self.param
        if request_id:
            err["request_log_url"] = f"https://dashboard.stripe.com/test/logs/{request_id}"
        err.update(self.extra)
        return {"error": err}


def missing(kind: str, oid: str, param: str = "id", status: int = 404) -> ApiError:
    """`No such <kind>: '<id>'` (404 for path ids, 400 when named by a body parameter)."""
    return ApiError(f"No such {kind}: '{oid}'", status=status, code="resource_missing", param=param)


def rand(n: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(n))


def iso(ts: int) -> str:
    """RFC 3339 timestamp, as the v2 API renders times."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def fmt_amount(amount: int, currency: str) -> str:
    if currency.lower() in ZERO_DECIMAL:
        return f"{amount} {currency.upper()}"
    return f"{amount / 100:.2f} {currency.upper()}"


@dataclass
class Saved:
    """A response stored under an idempotency key."""

    fingerprint: str
    status: int
    body: bytes
    request_id: str


@dataclass
class Injected:
    """An error to answer instead of executing a matching request (see FakeStripe.inject_error)."""

    method: str
    path_prefix: str
    error: ApiError
    times: int


@dataclass
class World:
    """Everything the fake knows. Guard all access with `lock` (re-entrant)."""

    api_version: str
    default_currency: str = "usd"
    fee_bps: int = 0
    fee_fixed: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)
    on_event: Callable[[Obj, bytes], None] = lambda event, payload: None
    webhook_count: Callable[[Owner], int] = lambda account: 0

    def __post_init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.platform_id = "acct_" + rand(16)
            self.offset = 0
            self.seq = itertools.count()
            self.objects: dict[str, Obj] = {}
            self.private: dict[str, Obj] = {}  # per-object data Stripe keeps but does not render
            self.owners: dict[str, Owner] = {}
            self.order: dict[str, int] = {}
            self.accounts: dict[str, Obj] = {}  # internal account records (see connect.py)
            self.links: dict[str, Obj] = {}  # account link token -> record
            self.balances: dict[Owner, dict[str, list[int]]] = {}
            self.charge_pending: dict[str, int] = {}
            self.charge_transferred: dict[str, int] = {}
            self.events: list[Obj] = []
            self.payloads: dict[str, bytes] = {}
            self.idempotency: dict[tuple[Owner, str], Saved] = {}
            self.injected: list[Injected] = []
            self.requests: list[Obj] = []  # API request log: method, path, status, key, replayed

    # -- time and ids -------------------------------------------------------------------------
    def now(self) -> int:
        return int(time.time()) + self.offset

    def new_id(self, prefix: str) -> str:
        return prefix + rand(24)

    # -- objects ------------------------------------------------------------------------------
    def put(self, obj: Obj, owner: Owner = None) -> Obj:
        oid = obj["id"]
        if oid not in self.objects:
            self.order[oid] = next(self.seq)
            self.owners[oid] = owner
        self.objects[oid] = obj
        return obj

    def get(self, oid: str, kind: str, owner: Owner = None, *, param: str = "id",
            status: int = 404) -> Obj:
        """The stored object of `kind` (its `object` name) visible to `owner`, else resource_missing."""
        obj = self.objects.get(oid)
        if obj is None or obj.get("object") != kind or self.owners.get(oid) != owner:
            raise missing(kind, oid, param, status)
        return obj

    def query(self, kind: str, owner: Owner, pred: Callable[[Obj], bool] = lambda o: True) -> list[Obj]:
        """Objects of `kind` owned by `owner` matching `pred`, newest first."""
        found = [o for i, o in self.objects.items()
                 if o.get("object") == kind and self.owners.get(i) == owner and pred(o)]
        return sorted(found, key=lambda o: self.order[o["id"]], reverse=True)

    # -- balances -----------------------------------------------------------------------------
    def bucket(self, owner: Owner, currency: str) -> list[int]:
        """[available, pending] minor units for owner/currency (created at zero)."""
        return self.balances.setdefault(owner, {}).setdefault(currency, [0, 0])

    def txn(self, amount: int, currency: str, type: str, source: str, owner: Owner = None,
            *, fee: int = 0, pending: bool = False) -> str:
        """Record a balance transaction and return its id."""
        now, tid = self.now(), self.new_id("txn_")
        tx: Obj = {"id": tid, "object": "balance_transaction", "amount": amount,
              "available_on": now + (2 * 86400 if pending else 0), "created": now,
              "currency": currency, "description": None, "fee": fee,
              "fee_details": [{"amount": fee, "currency": currency, "type": "stripe_fee",
                               "description": "Stripe processing fees"}] if fee else [],
              "net": amount - fee, "reporting_category": type, "source": source,
              "status": "pending" if pending else "available", "type": type}
        self.put(tx, owner)
        return tid

    # -- events -------------------------------------------------------------------------------
    def emit(self, type: str, obj: Obj, *, account: Owner = None, request: tuple[str | None, str | None]
             = (None, None), previous: Obj | None = None) -> Obj:
        """Record an Event holding a snapshot of `obj` and hand it to the webhook dispatcher."""
        data: Obj = {"object": copy.deepcopy(obj)}
        if previous is not None:
            data["previous_attributes"] = copy.deepcopy(previous)
        event: Obj = {"id": self.new_id("evt_"), "object": "event", "api_version": self.api_version,
                      "created": self.now(), "data": data, "livemode": False,
                      "pending_webhooks": self.webhook_count(account),
                      "request": {"id": request[0], "idempotency_key": request[1]}, "type": type}
        if account:
            event["account"] = account
        self.put(event, account)
        self.events.append(event)
        payload = json.dumps(event, indent=2).encode()
        self.payloads[event["id"]] = payload
        self.on_event(event, payload)
        return event


def expand(world: World, obj: Obj, paths: list[str], owner: Owner) -> Obj:
    """Copy of `obj` with the id-valued fields named by dotted `paths` replaced by their objects."""
    out = copy.deepcopy(obj)
    for path in paths:
        head, _, rest = path.partition(".")
        value = out.get(head)
        if isinstance(value, str) and value in world.objects:
            target = world.objects[value]
            if world.owners.get(value) in (owner, None):
                out[head] = expand(world, target, [rest] if rest else [], owner)
        elif isinstance(value, dict) and rest:
            out[head] = expand(world, value, [rest], owner)
        elif head not in out:
            raise ApiError(f"This property cannot be expanded ({path}).", param="expand", saved=False)
    return out


def page(world: World, items: list[Obj], params: Obj, url: str) -> Obj:
    """A Stripe list object over `items` (newest first), honouring limit/starting_after/ending_before."""
    limit = params.get("limit", 10)
    if not 1 <= limit <= 100:
        raise ApiError("Invalid limit: must be between 1 and 100", param="limit", saved=False)
    ids = [o["id"] for o in items]
    start, end = 0, len(items)
    for name in ("starting_after", "ending_before"):
        cursor = params.get(name)
        if cursor is not None and cursor not in ids:
            raise missing("object", cursor, name, 400)
    if params.get("starting_after"):
        start = ids.index(params["starting_after"]) + 1
    if params.get("ending_before"):
        end = ids.index(params["ending_before"])
        start = max(start, end - limit)
    chosen = items[start:end][:limit]
    return {"object": "list", "data": copy.deepcopy(chosen),
            "has_more": start + len(chosen) < end, "url": url}


@dataclass
class Ctx:
    """One API request as handlers see it: validated params and who is asking."""

    params: Obj
    account: Owner = None  # the Stripe-Account header
    request_id: str | None = None
    idempotency_key: str | None = None
    base_url: str = "http://127.0.0.1"

    @property
    def request(self) -> tuple[str | None, str | None]:
        return (self.request_id, self.idempotency_key)
