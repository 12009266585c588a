"""Balances (available vs pending), payouts to the bank, balance transactions and events."""
from __future__ import annotations

from .core import ApiError, Ctx, Obj, World, missing, page
from .transfers import created_matches

FAILURES = {
    "account_closed": "The bank account has been closed.",
    "account_frozen": "The bank account has been frozen.",
    "bank_account_restricted": "The bank account has restrictions on either the type, or the number, "
                               "of payouts allowed.",
    "could_not_process": "The bank could not process this payout.",
    "insufficient_funds": "Your Stripe account has insufficient funds to cover the payout.",
    "invalid_account_number": "The bank account details on file are probably incorrect.",
    "no_account": "The bank account details on file are probably incorrect.",
}


def get_balance(w: World, ctx: Ctx) -> Obj:
    owner = ctx.account
    default = w.accounts[owner]["currency"] if owner else w.default_currency
    buckets = dict(w.balances.get(owner, {})) or {default: [0, 0]}

    def side(n: int) -> list[Obj]:
        return [{"amount": b[n], "currency": c, "source_types": {"card": b[n]}}
                for c, b in sorted(buckets.items())]

    return {"object": "balance", "available": side(0), "livemode": False, "pending": side(1)}


def make_available(w: World, currency: str | None = None) -> None:
    """Test hook: pending funds of every account (in `currency`, or all) become available."""
    for buckets in w.balances.values():
        for cur, b in buckets.items():
            if currency in (None, cur):
                b[0], b[1] = b[0] + b[1], 0
    for cid in w.charge_pending:
        if currency in (None, w.objects[cid]["currency"]):
            w.charge_pending[cid] = 0
    for tx in w.objects.values():
        if tx["object"] == "balance_transaction" and currency in (None, tx["currency"]):
            tx["status"] = "available"


def create_payout(w: World, ctx: Ctx) -> Obj:
    p, owner = ctx.params, ctx.account
    amount, currency = p["amount"], p["currency"]
    if owner and not w.accounts[owner]["onboarded"]:
        raise ApiError("Payouts are not enabled for this account: it has not completed "
                       "onboarding.", code="payouts_not_allowed")
    bucket = w.bucket(owner, currency)
    if bucket[0] < amount:
        raise ApiError("You have insufficient funds in your Stripe account for this transfer. "
                       "Your card balance is too low. You can use the /v1/balance endpoint to "
                       "view your Stripe balance (for more details, see "
                       "stripe.com/docs/api#balance).", code="balance_insufficient",
                       param="amount")
    bucket[0] -= amount
    pid, now = w.new_id("po_"), w.now()
    payout = {"id": pid, "object": "payout", "amount": amount, "arrival_date": now + 2 * 86400,
              "automatic": False, "balance_transaction": w.txn(-amount, currency, "payout", pid, owner),
              "created": now, "currency": currency, "description": p.get("description"),
              "destination": "ba_" + pid[3:27], "failure_balance_transaction": None,
              "failure_code": None, "failure_message": None, "livemode": False,
              "metadata": p.get("metadata", {}), "method": p.get("method", "standard"),
              "source_type": "card", "statement_descriptor": p.get("statement_descriptor"),
              "status": "pending", "type": "bank_account"}
    w.put(payout, owner)
    w.emit("payout.created", payout, account=owner, request=ctx.request)
    return payout


def get_payout(w: World, ctx: Ctx, id: str) -> Obj:
    return w.get(id, "payout", ctx.account)


def list_payouts(w: World, ctx: Ctx) -> Obj:
    p = ctx.params
    items = w.query("payout", ctx.account, lambda o: p.get("status") in (None, o["status"])
                    and created_matches(o["created"], p.get("created")))
    return page(w, items, p, "/v1/payouts")


def _find_payout(w: World, pid: str) -> Obj:
    payout = w.objects.get(pid)
    if payout is None or payout["object"] != "payout":
        raise missing("payout", pid)
    if payout["status"] != "pending":
        raise ApiError(f"Payout {pid} is already {payout['status']}.")
    return payout


def fail_payout(w: World, pid: str, code: str = "account_closed") -> Obj:
    """Test hook: the bank rejects the payout; funds return to the account's available balance."""
    payout = _find_payout(w, pid)
    owner = w.owners[pid]
    w.bucket(owner, payout["currency"])[0] += payout["amount"]
    payout.update(status="failed", failure_code=code,
                  failure_message=FAILURES.get(code, "The payout failed."),
                  failure_balance_transaction=w.txn(payout["amount"], payout["currency"],
                                                    "payout_failure", pid, owner))
    w.emit("payout.updated", payout, account=owner, previous={"status": "pending"})
    w.emit("payout.failed", payout, account=owner)
    return payout


def pay_payout(w: World, pid: str) -> Obj:
    """Test hook: the payout arrives at the bank."""
    payout = _find_payout(w, pid)
    owner = w.owners[pid]
    payout["status"] = "paid"
    w.emit("payout.updated", payout, account=owner, previous={"status": "pending"})
    w.emit("payout.paid", payout, account=owner)
    return payout


def get_balance_transaction(w: World, ctx: Ctx, id: str) -> Obj:
    return w.get(id, "balance_transaction", ctx.account)


def list_events(w: World, ctx: Ctx) -> Obj:
    p = ctx.params
    types = set(p.get("types", [])) | ({p["type"]} if "type" in p else set())

    def wanted(e: Obj) -> bool:
        kind = e["type"]
        ok = not types or any(kind == t or (t.endswith("*") and kind.startswith(t[:-1]))
                              for t in types)
        if "delivery_success" in p:
            ok = ok and (e["pending_webhooks"] == 0) == p["delivery_success"]
        return ok and created_matches(e["created"], p.get("created"))

    return page(w, w.query("event", ctx.account, wanted), p, "/v1/events")


def get_event(w: World, ctx: Ctx, id: str) -> Obj:
    return w.get(id, "event", ctx.account)

