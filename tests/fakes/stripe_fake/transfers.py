"""Transfers to connected accounts, their reversals, and refunds of charges."""
from __future__ import annotations

from .connect import find_account, transfers_status
from .core import ApiError, Ctx, Obj, World, fmt_amount, page

INSUFFICIENT = ("You have insufficient available funds in your Stripe account. Try adding funds "
                "directly to your available balance by creating Charges using the 4000000000000077 "
                "test card. See: https://stripe.com/docs/testing#available-balance")
NO_CAPABILITY = ("Your destination account needs to have at least one of the following capabilities "
                 "enabled: transfers, crypto_transfers, legacy_payments")


def _source_charge(w: World, cid: str, currency: str, amount: int) -> Obj:
    charge = w.get(cid, "charge", None, param="source_transaction", status=400)
    if charge["status"] != "succeeded":
        raise ApiError(f"The source_transaction {cid} has not succeeded (status: "
                       f"{charge['status']}).", param="source_transaction")
    if charge["currency"] != currency:
        raise ApiError(f"The currency of source_transaction's balance transaction "
                       f"({charge['currency']}) must be the same as the transfer currency "
                       f"({currency}).", param="currency")
    left = charge["amount"] - charge["amount_refunded"] - w.charge_transferred.get(cid, 0)
    if amount > left:
        raise ApiError(f"Insufficient funds in the source transaction: the transfer amount "
                       f"({fmt_amount(amount, currency)}) exceeds what remains of {cid} "
                       f"({fmt_amount(left, currency)}).", code="balance_insufficient",
                       param="amount")
    return charge


def create_transfer(w: World, ctx: Ctx) -> Obj:
    p = ctx.params
    if ctx.account is not None:
        raise ApiError("Transfers can only be created by the platform, not on behalf of a "
                       "connected account (drop the Stripe-Account header).", status=400)
    amount, currency, dest = p["amount"], p["currency"], p["destination"]
    rec = find_account(w, dest, param="destination", status=400)
    if transfers_status(rec) != "active":
        raise ApiError(NO_CAPABILITY, code="insufficient_capabilities_for_transfer",
                       param="destination")
    platform = w.bucket(None, currency)
    from_pending = 0
    src = p.get("source_transaction")
    if src:
        _source_charge(w, src, currency, amount)
        from_pending = min(amount, w.charge_pending.get(src, 0))
    if platform[0] < amount - from_pending:
        raise ApiError(INSUFFICIENT, code="balance_insufficient")
    tid, now = w.new_id("tr_"), w.now()
    platform[0] -= amount - from_pending
    platform[1] -= from_pending
    destination = w.bucket(dest, currency)
    destination[0] += amount - from_pending
    destination[1] += from_pending
    if src:
        w.charge_pending[src] -= from_pending
        w.charge_transferred[src] = w.charge_transferred.get(src, 0) + amount
    py = w.new_id("py_")
    w.txn(amount, currency, "payment", py, dest, pending=bool(from_pending))
    transfer = {
        "id": tid, "object": "transfer", "amount": amount, "amount_reversed": 0,
        "balance_transaction": w.txn(-amount, currency, "transfer", tid), "created": now,
        "currency": currency, "description": p.get("description"), "destination": dest,
        "destination_payment": py, "livemode": False, "metadata": p.get("metadata", {}),
        "reversals": {"object": "list", "data": [], "has_more": False, "total_count": 0,
                      "url": f"/v1/transfers/{tid}/reversals"},
        "reversed": False, "source_transaction": src, "source_type": "card",
        "transfer_group": p.get("transfer_group"),
    }
    w.private[tid] = {"from_pending": from_pending}
    w.put(transfer)
    w.emit("transfer.created", transfer, request=ctx.request)
    return transfer


def get_transfer(w: World, ctx: Ctx, id: str) -> Obj:
    return w.get(id, "transfer", ctx.account)


def list_transfers(w: World, ctx: Ctx) -> Obj:
    p = ctx.params
    items = w.query("transfer", ctx.account, lambda t: (
        p.get("transfer_group") in (None, t["transfer_group"])
        and p.get("destination") in (None, t["destination"])
        and created_matches(t["created"], p.get("created"))))
    return page(w, items, p, "/v1/transfers")


def created_matches(created: int, cond: Obj | None) -> bool:
    if not cond:
        return True
    ops = {"gt": created > cond.get("gt", created - 1), "gte": created >= cond.get("gte", created),
           "lt": created < cond.get("lt", created + 1), "lte": created <= cond.get("lte", created)}
    return all(ops.values())


def create_reversal(w: World, ctx: Ctx, id: str) -> Obj:
    transfer = w.get(id, "transfer", ctx.account)
    p, currency = ctx.params, transfer["currency"]
    left = transfer["amount"] - transfer["amount_reversed"]
    amount = p.get("amount", left)
    if left == 0:
        raise ApiError(f"Transfer {id} has already been fully reversed.", param="amount")
    if amount > left:
        raise ApiError(f"Reversal amount ({fmt_amount(amount, currency)}) is greater than the "
                       f"unreversed amount on the transfer ({fmt_amount(left, currency)}).",
                       code="amount_too_large", param="amount")
    dest = w.bucket(transfer["destination"], currency)
    if dest[0] + dest[1] < amount:
        raise ApiError("Insufficient funds in the destination account to reverse this "
                       "transfer: the connected account's balance is too low.",
                       code="balance_insufficient", param="amount")
    from_available = min(amount, max(dest[0], 0))
    from_pending = amount - from_available
    dest[0] -= from_available
    dest[1] -= from_pending
    platform = w.bucket(None, currency)
    platform[0] += from_available
    platform[1] += from_pending
    src = transfer["source_transaction"]
    if src:
        w.charge_transferred[src] -= amount
        w.charge_pending[src] = w.charge_pending.get(src, 0) + from_pending
    rid = w.new_id("trr_")
    reversal = {"id": rid, "object": "transfer_reversal", "amount": amount,
                "balance_transaction": w.txn(amount, currency, "transfer_refund", rid),
                "created": w.now(), "currency": currency, "destination_payment_refund": None,
                "metadata": p.get("metadata", {}), "source_refund": None, "transfer": id}
    w.put(reversal, ctx.account)
    previous = {"amount_reversed": transfer["amount_reversed"], "reversed": transfer["reversed"]}
    transfer["amount_reversed"] += amount
    transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
    revs = transfer["reversals"]
    revs["data"].insert(0, reversal)
    revs["total_count"] += 1
    w.emit("transfer.reversed", transfer, request=ctx.request, previous=previous)
    return reversal


def list_reversals(w: World, ctx: Ctx, id: str) -> Obj:
    w.get(id, "transfer", ctx.account)
    items = w.query("transfer_reversal", ctx.account, lambda r: r["transfer"] == id)
    return page(w, items, ctx.params, f"/v1/transfers/{id}/reversals")


def create_refund(w: World, ctx: Ctx) -> Obj:
    p = ctx.params
    if ("charge" in p) == ("payment_intent" in p):
        code, verb = ("parameters_exclusive", "only one") if p.get("charge") else (
            "parameter_missing", "one")
        raise ApiError(f"You must provide {verb} of the following parameters: charge, "
                       "payment_intent.", code=code, param="charge")
    if "payment_intent" in p:
        pi = w.get(p["payment_intent"], "payment_intent", ctx.account, param="payment_intent",
                   status=400)
        if pi["status"] != "succeeded" or not pi["latest_charge"]:
            raise ApiError(f"This PaymentIntent ({pi['id']}) does not have a successful charge "
                           "to refund.", code="charge_not_refundable", param="payment_intent")
        charge = w.objects[pi["latest_charge"]]
    else:
        charge = w.get(p["charge"], "charge", ctx.account, param="charge", status=400)
    cid, currency = charge["id"], charge["currency"]
    if charge["status"] != "succeeded":
        raise ApiError(f"Charge {cid} has not succeeded and cannot be refunded.",
                       code="charge_not_refundable")
    left = charge["amount"] - charge["amount_refunded"]
    if left == 0:
        raise ApiError(f"Charge {cid} has already been refunded.", code="charge_already_refunded")
    amount = p.get("amount", left)
    if amount > left:
        raise ApiError(f"Refund amount ({fmt_amount(amount, currency)}) is greater than unrefunded "
                       f"amount on charge ({fmt_amount(left, currency)})",
                       code="amount_too_large", param="amount")
    from_pending = min(amount, w.charge_pending.get(cid, 0))
    w.charge_pending[cid] = w.charge_pending.get(cid, 0) - from_pending
    bucket = w.bucket(ctx.account, currency)
    bucket[1] -= from_pending
    bucket[0] -= amount - from_pending  # may go negative, as the platform owes Stripe
    rid = w.new_id("re_")
    refund = {"id": rid, "object": "refund", "amount": amount,
              "balance_transaction": w.txn(-amount, currency, "refund", rid, ctx.account),
              "charge": cid, "created": w.now(), "currency": currency, "destination_details": None,
              "metadata": p.get("metadata", {}), "payment_intent": charge["payment_intent"],
              "reason": p.get("reason"), "status": "succeeded", "transfer_reversal": None}
    w.put(refund, ctx.account)
    previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] == charge["amount"]
    w.emit("refund.created", refund, account=ctx.account, request=ctx.request)
    w.emit("charge.refunded", charge, account=ctx.account, request=ctx.request, previous=previous)
    return refund


def get_refund(w: World, ctx: Ctx, id: str) -> Obj:
    return w.get(id, "refund", ctx.account)
