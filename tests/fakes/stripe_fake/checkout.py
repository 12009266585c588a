"""Customers, Checkout Sessions, and the PaymentIntent + Charge a paid session creates."""
from __future__ import annotations

from .core import ApiError, Ctx, Obj, World, fmt_amount, missing, rand

# Stripe's minimum charge amounts (minor units) for the currencies we expect; others: 50.
MINIMUM_CHARGE = {"usd": 50, "eur": 50, "gbp": 30, "pln": 200, "thb": 1000, "chf": 50, "cad": 50,
                  "jpy": 50, "sek": 300, "dkk": 250, "nok": 300, "czk": 1500, "huf": 17500}


def create_customer(w: World, ctx: Ctx) -> Obj:
    p = ctx.params
    cus = {"id": w.new_id("cus_"), "object": "customer", "address": None, "balance": 0,
           "created": w.now(), "currency": None, "description": p.get("description"),
           "email": p.get("email"), "livemode": False, "metadata": p.get("metadata", {}),
           "name": p.get("name"), "phone": p.get("phone"),
           "preferred_locales": p.get("preferred_locales", [])}
    return w.put(cus, ctx.account)


def get_customer(w: World, ctx: Ctx, id: str) -> Obj:
    return w.get(id, "customer", ctx.account)


def create_session(w: World, ctx: Ctx) -> Obj:
    p, now = ctx.params, w.now()
    currencies = {li["price_data"]["currency"] for li in p["line_items"]}
    if len(currencies) > 1:
        raise ApiError("Checkout does not support multiple currencies.", param="line_items")
    currency = currencies.pop()
    total = sum(li["price_data"]["unit_amount"] * li["quantity"] for li in p["line_items"])
    minimum = MINIMUM_CHARGE.get(currency, 50)
    if total < minimum:
        raise ApiError(f"The Checkout Session's total amount due must add up to at least "
                       f"{fmt_amount(minimum, currency)}", code="amount_too_small", param="line_items")
    if "customer" in p and "customer_email" in p:
        raise ApiError("You may only specify one of these parameters: customer, customer_email.",
                       code="parameters_exclusive", param="customer_email")
    if "customer" in p:
        w.get(p["customer"], "customer", ctx.account, param="customer", status=400)
    expires_at = p.get("expires_at", now + 86400)
    if not now + 1800 <= expires_at <= now + 86400:
        raise ApiError("The `expires_at` timestamp must be between 30 minutes and 24 hours "
                       "from Checkout Session creation.", param="expires_at")
    sid = "cs_test_" + rand(58)
    session = {
        "id": sid, "object": "checkout.session", "amount_subtotal": total, "amount_total": total,
        "cancel_url": p.get("cancel_url"), "client_reference_id": p.get("client_reference_id"),
        "created": now, "currency": currency, "customer": p.get("customer"),
        "customer_details": None, "customer_email": p.get("customer_email"),
        "expires_at": expires_at, "livemode": False, "locale": p.get("locale"),
        "metadata": p.get("metadata", {}), "mode": "payment", "payment_intent": None,
        "payment_method_types": ["card"], "payment_status": "unpaid", "status": "open",
        "success_url": p["success_url"], "ui_mode": "hosted", "url": f"{ctx.base_url}/checkout/{sid}",
    }
    w.private[sid] = {"line_items": p["line_items"], "pi_data": p.get("payment_intent_data", {})}
    return w.put(session, ctx.account)


def refresh(w: World, session: Obj) -> Obj:
    """Expire an open session whose `expires_at` has passed (emits checkout.session.expired)."""
    if session["status"] == "open" and w.now() >= session["expires_at"]:
        _expire(w, session, (None, None))
    return session


def _expire(w: World, session: Obj, request: tuple[str | None, str | None]) -> None:
    session.update(status="expired", url=None)
    w.emit("checkout.session.expired", session, account=w.owners[session["id"]], request=request)


def get_session(w: World, ctx: Ctx, id: str) -> Obj:
    return refresh(w, w.get(id, "checkout.session", ctx.account))


def expire_session(w: World, ctx: Ctx, id: str) -> Obj:
    session = get_session(w, ctx, id)
    if session["status"] != "open":
        raise ApiError(f"Only Checkout Sessions with a status in [\"open\"] can be expired. "
                       f"This Checkout Session has a status of \"{session['status']}\".")
    _expire(w, session, ctx.request)
    return session


def get_payment_intent(w: World, ctx: Ctx, id: str) -> Obj:
    return w.get(id, "payment_intent", ctx.account)


def get_charge(w: World, ctx: Ctx, id: str) -> Obj:
    return w.get(id, "charge", ctx.account)


def find_session(w: World, sid: str) -> Obj:
    session = w.objects.get(sid)
    if session is None or session.get("object") != "checkout.session":
        raise missing("checkout.session", sid)
    return refresh(w, session)


def pay_session(w: World, sid: str, *, async_: bool = False) -> Obj:
    """What a buyer paying on the hosted page causes; `async_` models a delayed payment method."""
    session = find_session(w, sid)
    if session["status"] != "open":
        raise ApiError(f"This Checkout Session is {session['status']} and can no longer be paid.")
    owner, pi_data, now = w.owners[sid], w.private[sid]["pi_data"], w.now()
    customer = w.objects.get(session["customer"] or "", {})
    email = session["customer_email"] or customer.get("email") or "buyer@example.com"
    pid, cid, pm = w.new_id("pi_"), w.new_id("ch_"), w.new_id("pm_")
    amount, currency = session["amount_total"], session["currency"]
    method = ({"type": "sepa_debit", "sepa_debit": {"country": "DE", "last4": "3000"}} if async_ else
              {"type": "card", "card": {"brand": "visa", "country": "US", "exp_month": 12,
                                        "exp_year": 2034, "funding": "credit", "last4": "4242"}})
    common = {"amount": amount, "created": now, "currency": currency, "customer": session["customer"],
              "description": pi_data.get("description"), "livemode": False,
              "metadata": pi_data.get("metadata", {}), "payment_method": pm,
              "transfer_group": pi_data.get("transfer_group")}
    charge = {"id": cid, "object": "charge", **common, "amount_captured": amount,
              "amount_refunded": 0, "balance_transaction": None,
              "billing_details": {"email": email, "name": "Sandbox Buyer", "phone": None,
                                  "address": None},
              "captured": True, "failure_code": None, "failure_message": None,
              "outcome": {"network_status": "approved_by_network", "risk_level": "normal",
                          "seller_message": "Payment complete.", "type": "authorized"},
              "paid": False, "payment_intent": pid, "payment_method_details": method,
              "receipt_email": None, "refunded": False, "status": "pending"}
    pi = {"id": pid, "object": "payment_intent", **common, "amount_capturable": 0,
          "amount_received": 0, "capture_method": "automatic_async",
          "client_secret": f"{pid}_secret_{rand(24)}", "last_payment_error": None,
          "latest_charge": cid, "payment_method_types": [method["type"]], "status": "processing"}
    w.put(charge, owner)
    w.put(pi, owner)
    session.update(status="complete", payment_intent=pid, url=None,
                   customer_details={"email": email, "name": "Sandbox Buyer", "phone": None,
                                     "address": None, "tax_exempt": "none", "tax_ids": []})
    if async_:
        w.emit("payment_intent.processing", pi, account=owner)
        w.emit("charge.pending", charge, account=owner)
        w.emit("checkout.session.completed", session, account=owner)
    else:
        _succeed(w, session, pi, charge, "checkout.session.completed")
    return session


def settle_async(w: World, sid: str, *, succeed: bool) -> Obj:
    """Finish a delayed payment: async_payment_succeeded, or async_payment_failed."""
    session = find_session(w, sid)
    pi = w.objects.get(session["payment_intent"] or "")
    if session["status"] != "complete" or pi is None or pi["status"] != "processing":
        raise ApiError("This Checkout Session has no payment awaiting settlement.")
    charge, owner = w.objects[pi["latest_charge"]], w.owners[sid]
    if succeed:
        _succeed(w, session, pi, charge, "checkout.session.async_payment_succeeded")
        return session
    error = {"code": "insufficient_funds", "message": "The account has insufficient funds.",
             "type": "card_error"}
    charge.update(status="failed", paid=False, failure_code=error["code"],
                  failure_message=error["message"])
    pi.update(status="requires_payment_method", last_payment_error=error)
    w.emit("charge.failed", charge, account=owner)
    w.emit("payment_intent.payment_failed", pi, account=owner)
    w.emit("checkout.session.async_payment_failed", session, account=owner)
    return session


def _succeed(w: World, session: Obj, pi: Obj, charge: Obj, session_event: str) -> None:
    """Capture: funds land in the owner's *pending* balance until make_available()."""
    owner, amount, currency = w.owners[session["id"]], charge["amount"], charge["currency"]
    fee = (amount * w.fee_bps + 5000) // 10000 + w.fee_fixed if (w.fee_bps or w.fee_fixed) else 0
    txn = w.txn(amount, currency, "charge", charge["id"], owner, fee=fee, pending=True)
    w.bucket(owner, currency)[1] += amount - fee
    w.charge_pending[charge["id"]] = amount - fee
    charge.update(status="succeeded", paid=True, balance_transaction=txn)
    pi.update(status="succeeded", amount_received=amount)
    session.update(payment_status="paid")
    w.emit("charge.succeeded", charge, account=owner)
    w.emit("payment_intent.succeeded", pi, account=owner)
    w.emit(session_event, session, account=owner)
