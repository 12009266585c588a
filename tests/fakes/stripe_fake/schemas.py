"""Parameter allowlists per endpoint: anything not listed is `parameter_unknown`, as on Stripe."""
from __future__ import annotations

from .params import EXPAND, F, b, cur, enum, i, lst, md, obj, s, url

Schema = dict[str, F]

CHECKOUT_LOCALES = ("auto bg cs da de el en en-GB es es-419 et fi fil fr fr-CA hr hu id it ja ko "
                    "lt lv ms mt nb nl pl pt pt-BR ro ru sk sl sv th tr vi zh zh-HK zh-TW").split()
RETRIEVE: Schema = {"expand": EXPAND}
_CREATED = F("obj", fields={"gt": i(), "gte": i(), "lt": i(), "lte": i()})
LIST: Schema = {"limit": i(), "starting_after": s(), "ending_before": s(), "expand": EXPAND}

CUSTOMER_CREATE: Schema = {
    "email": s(512), "name": s(256), "description": s(), "phone": s(20), "metadata": md(),
    "preferred_locales": lst(s()), "expand": EXPAND,
}

CHECKOUT_SESSION_CREATE: Schema = {
    "mode": enum("payment").req,
    "line_items": lst(obj(
        price_data=obj(currency=cur().req, unit_amount=i().req,
                       product_data=obj(name=s().req, description=s(), metadata=md()).req).req,
        quantity=i(1).req,
    )).req,
    "success_url": url().req,
    "cancel_url": url(),
    "client_reference_id": s(200),
    "customer": s(),
    "customer_email": s(512),
    "metadata": md(),
    "payment_intent_data": obj(transfer_group=s(), metadata=md(), description=s(1000)),
    "locale": enum(*CHECKOUT_LOCALES),
    "expires_at": i(),
    "expand": EXPAND,
}
CHECKOUT_SESSION_EXPIRE: Schema = {"expand": EXPAND}

REFUND_CREATE: Schema = {
    "payment_intent": s(), "charge": s(), "amount": i(1), "metadata": md(),
    "reason": enum("duplicate", "fraudulent", "requested_by_customer"), "expand": EXPAND,
}

ACCOUNT_LINK_CREATE: Schema = {
    "account": s().req, "refresh_url": url().req, "return_url": url().req,
    "type": enum("account_onboarding", "account_update").req,
    "collect": enum("currently_due", "eventually_due"),
    "collection_options": obj(fields=enum("currently_due", "eventually_due"),
                              future_requirements=enum("include", "omit")),
    "expand": EXPAND,
}

TRANSFER_CREATE: Schema = {
    "amount": i(1).req, "currency": cur().req, "destination": s().req, "transfer_group": s(),
    "source_transaction": s(), "metadata": md(), "description": s(), "expand": EXPAND,
}
TRANSFER_LIST: Schema = {**LIST, "transfer_group": s(), "destination": s(), "created": _CREATED}
REVERSAL_CREATE: Schema = {
    "amount": i(1), "description": s(), "metadata": md(), "refund_application_fee": b(),
    "expand": EXPAND,
}

PAYOUT_CREATE: Schema = {
    "amount": i(1).req, "currency": cur().req, "description": s(), "metadata": md(),
    "method": enum("standard", "instant"), "statement_descriptor": s(22), "expand": EXPAND,
}
PAYOUT_LIST: Schema = {**LIST, "status": enum("pending", "paid", "failed", "canceled", "in_transit"),
                       "created": _CREATED}

EVENT_LIST: Schema = {**LIST, "type": s(), "types": lst(s()), "created": _CREATED,
                      "delivery_success": b()}

_INCLUDABLE = ("configuration.customer", "configuration.merchant", "configuration.recipient",
               "defaults", "future_requirements", "identity", "requirements")
_REQUESTED = obj(requested=b().req)
V2_ACCOUNT_CREATE: Schema = {
    "display_name": s(), "contact_email": s(), "contact_phone": s(),
    "dashboard": enum("express", "full", "none"),
    "identity": obj(country=s(), entity_type=enum("individual", "company", "non_profit",
                                                  "government_entity")),
    "configuration": obj(recipient=obj(capabilities=obj(
        stripe_balance=obj(stripe_transfers=_REQUESTED)))),
    "defaults": obj(
        currency=cur(), locales=lst(s()),
        responsibilities=obj(fees_collector=enum("application", "application_custom",
                                                 "application_express", "stripe").req,
                             losses_collector=enum("application", "stripe").req),
    ),
    "metadata": md(),
    "include": lst(enum(*_INCLUDABLE)),
}
V2_ACCOUNT_RETRIEVE: Schema = {"include": lst(enum(*_INCLUDABLE))}

_LINK_FLOW = obj(refresh_url=url().req, return_url=url(),
                 collection_options=obj(fields=enum("currently_due", "eventually_due"),
                                        future_requirements=enum("include", "omit")))
V2_ACCOUNT_LINK_CREATE: Schema = {
    "account": s().req,
    "use_case": obj(type=enum("account_onboarding", "account_update").req,
                    account_onboarding=_LINK_FLOW, account_update=_LINK_FLOW).req,
}
