"""Connected accounts (created with Accounts v2, readable as v1 or v2) and onboarding links."""
from __future__ import annotations

from .core import ApiError, Ctx, Obj, World, iso, missing, rand

LINK_TTL = 300  # seconds, like Stripe's account links
_DASHBOARD_TYPE = {"express": "express", "full": "standard", "none": "custom"}


def find_account(w: World, aid: str, *, param: str = "id", status: int = 404) -> Obj:
    rec = w.accounts.get(aid)
    if rec is None:
        raise missing("account", aid, param, status)
    return rec


def transfers_status(rec: Obj) -> str:
    """v2 `stripe_transfers` capability status: unrequested accounts have none."""
    if not rec["transfers_requested"]:
        return "unsupported"
    return "active" if rec["onboarded"] else "restricted"


def create_account_v2(w: World, ctx: Ctx) -> Obj:
    p = ctx.params
    requested = (p.get("configuration", {}).get("recipient", {}).get("capabilities", {})
                 .get("stripe_balance", {}).get("stripe_transfers", {}).get("requested", False))
    defaults = p.get("defaults", {})
    rec = {"id": w.new_id("acct_"), "created": w.now(), "display_name": p.get("display_name"),
           "contact_email": p.get("contact_email"), "contact_phone": p.get("contact_phone"),
           "dashboard": p.get("dashboard", "none"), "identity": p.get("identity", {}),
           "currency": defaults.get("currency", w.default_currency),
           "locales": defaults.get("locales", []),
           "responsibilities": defaults.get("responsibilities"),
           "recipient": "recipient" in p.get("configuration", {}),
           "metadata": p.get("metadata", {}), "transfers_requested": requested, "onboarded": False}
    w.accounts[rec["id"]] = rec
    return view_v2(rec, p.get("include", []))


def get_account_v2(w: World, ctx: Ctx, id: str) -> Obj:
    return view_v2(find_account(w, id), ctx.params.get("include", []))


def get_account_v1(w: World, ctx: Ctx, id: str) -> Obj:
    return view_v1(find_account(w, id))


def view_v2(rec: Obj, include: list[str]) -> Obj:
    """The v2 Account; like Stripe, sections not named in `include` are null."""
    status = transfers_status(rec)
    transfers = None if status == "unsupported" else {
        "requested": True, "status": status,
        "status_details": [] if status == "active" else
        [{"code": "requirements_past_due", "resolution": "provide_info"}]}
    entries = [] if rec["onboarded"] else [{
        "awaiting_action_from": "user", "description": "Provide identity and bank account details",
        "errors": [], "impact": {"restricts_capabilities": [{
            "capability": "stripe_balance.stripe_transfers", "configuration": "recipient",
            "deadline": {"status": "currently_due"}}]},
        "minimum_deadline": {"status": "currently_due"}, "reference": None,
        "requested_reasons": [{"code": "routine_onboarding"}]}]
    identity = rec["identity"]
    sections = {
        "configuration": {"customer": None, "merchant": None, "recipient": {
            "applied": True, "capabilities": {"stripe_balance": {"stripe_transfers": transfers}},
            "default_outbound_destination": None} if rec["recipient"] else None},
        "defaults": {"currency": rec["currency"], "locales": rec["locales"], "profile": None,
                     "responsibilities": rec["responsibilities"]},
        "identity": {"country": identity.get("country"), "entity_type": identity.get("entity_type"),
                     "attestations": None, "business_details": None, "individual": None},
        "requirements": {"entries": entries, "summary": None if rec["onboarded"] else
                         {"minimum_deadline": {"status": "currently_due", "time": None}}},
    }
    return {
        "id": rec["id"], "object": "v2.core.account",
        "applied_configurations": ["recipient"] if rec["recipient"] else [], "closed": False,
        "configuration": sections["configuration"] if any(
            x.startswith("configuration.") for x in include) else None,
        "contact_email": rec["contact_email"], "contact_phone": rec["contact_phone"],
        "created": iso(rec["created"]), "dashboard": rec["dashboard"],
        "defaults": sections["defaults"] if "defaults" in include else None,
        "display_name": rec["display_name"], "future_requirements": None,
        "identity": sections["identity"] if "identity" in include else None,
        "livemode": False, "metadata": rec["metadata"],
        "requirements": sections["requirements"] if "requirements" in include else None,
    }


def view_v1(rec: Obj) -> Obj:
    """The same account as `GET /v1/accounts/{id}` shows it."""
    done, status = rec["onboarded"], transfers_status(rec)
    due = [] if done else ["external_account", "individual.first_name", "individual.last_name",
                           "tos_acceptance.date"]
    resp = rec["responsibilities"] or {}
    return {
        "id": rec["id"], "object": "account",
        "business_profile": {"name": rec["display_name"], "url": None, "mcc": None},
        "business_type": rec["identity"].get("entity_type"),
        "capabilities": {} if status == "unsupported" else
        {"transfers": "active" if status == "active" else "inactive"},
        "charges_enabled": False,
        "controller": {"type": "application", "is_controller": True,
                       "fees": {"payer": "application" if resp.get("fees_collector", "").startswith(
                           "application") else "account"},
                       "losses": {"payments": resp.get("losses_collector", "stripe")},
                       "requirement_collection": "stripe",
                       "stripe_dashboard": {"type": rec["dashboard"]}},
        "country": (rec["identity"].get("country") or "US").upper(), "created": rec["created"],
        "default_currency": rec["currency"], "details_submitted": done,
        "email": rec["contact_email"], "livemode": False, "metadata": rec["metadata"],
        "payouts_enabled": done,
        "requirements": {"currently_due": due, "eventually_due": due, "past_due": due,
                         "pending_verification": [], "errors": [], "current_deadline": None,
                         "disabled_reason": None if done else "requirements.past_due"},
        "type": _DASHBOARD_TYPE.get(rec["dashboard"], "custom"),
    }


def _new_link(w: World, ctx: Ctx, account: str, kind: str, refresh: str, ret: str | None) -> Obj:
    token, now = rand(24), w.now()
    w.links[token] = {"account": account, "type": kind, "refresh_url": refresh, "return_url": ret,
                      "created": now, "expires_at": now + LINK_TTL, "state": "new"}
    return {"token": token, "created": now, "expires_at": now + LINK_TTL,
            "url": f"{ctx.base_url}/connect/onboarding/{account}?link={token}"}


def create_link_v1(w: World, ctx: Ctx) -> Obj:
    p = ctx.params
    find_account(w, p["account"], param="account", status=400)
    link = _new_link(w, ctx, p["account"], p["type"], p["refresh_url"], p["return_url"])
    return {"object": "account_link", "created": link["created"], "expires_at": link["expires_at"],
            "url": link["url"]}


def create_link_v2(w: World, ctx: Ctx) -> Obj:
    p = ctx.params
    find_account(w, p["account"], param="account", status=400)
    use_case = p["use_case"]
    flow = use_case.get(use_case["type"])
    if flow is None:
        name = f"use_case.{use_case['type']}"
        raise ApiError(f"Missing required param: {name}.", code="parameter_missing", param=name)
    link = _new_link(w, ctx, p["account"], use_case["type"], flow["refresh_url"], flow.get("return_url"))
    rendered = {"type": use_case["type"], "account_onboarding": None, "account_update": None}
    rendered[use_case["type"]] = {"collection_options": flow.get("collection_options"),
                                  "refresh_url": flow["refresh_url"],
                                  "return_url": flow.get("return_url")}
    return {"object": "v2.core.account_link", "account": p["account"],
            "created": iso(link["created"]), "expires_at": iso(link["expires_at"]),
            "livemode": False, "url": link["url"], "use_case": rendered}


def open_link(w: World, account: str, token: str) -> tuple[Obj | None, str | None]:
    """Visit a link: (record, None) the first time; (None, refresh_url) once used or expired."""
    rec = w.links.get(token)
    if rec is None or rec["account"] != account:
        return None, None
    if rec["state"] != "new" or w.now() >= rec["expires_at"]:
        return None, rec["refresh_url"]
    rec["state"] = "opened"
    return rec, None


def finish_link(w: World, account: str, token: str, *, complete: bool) -> str | None:
    """Submit the onboarding page; returns where to send the browser (None: invalid link)."""
    rec = w.links.get(token)
    if rec is None or rec["account"] != account:
        return None
    if rec["state"] != "opened":
        refresh: str = rec["refresh_url"]
        return refresh
    rec["state"] = "used"
    if complete:
        complete_onboarding(w, account)
    target: str = rec["return_url"] or rec["refresh_url"]
    return target


def complete_onboarding(w: World, account: str) -> Obj:
    """Details submitted and verified: transfers capability (if requested) becomes active."""
    rec = find_account(w, account)
    if rec["onboarded"]:
        return view_v1(rec)
    before = view_v1(rec)
    rec["onboarded"] = True
    after = view_v1(rec)
    previous = {k: before[k] for k in ("capabilities", "details_submitted", "payouts_enabled",
                                       "requirements") if before[k] != after[k]}
    w.emit("account.updated", after, account=account, previous=previous)
    if rec["transfers_requested"]:
        capability = {"id": "transfers", "object": "capability", "account": account,
                      "requested": True, "requested_at": rec["created"], "status": "active",
                      "requirements": {"currently_due": [], "disabled_reason": None}}
        w.emit("capability.updated", capability, account=account,
               previous={"status": "inactive"})
    return after


def expire_links(w: World, account: str | None = None) -> int:
    """Test hook: make links (of one account, or all) expired; returns how many."""
    hit = [r for r in w.links.values() if account in (None, r["account"])]
    for r in hit:
        r["expires_at"] = min(r["expires_at"], w.now())
    return len(hit)
