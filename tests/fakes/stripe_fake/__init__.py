"""A stateful fake Stripe that the real stripe-python SDK talks to over HTTP.

It implements only what Hashmark calls (Checkout, PaymentIntents/Charges, Refunds, Accounts v2
and Account Links, Transfers and reversals, Balance, Payouts, Events) with Stripe's parameter
allowlist errors, idempotency semantics, pending vs available funds, and signed webhooks.
Test hooks (Python methods, and HTTP routes under `/_fake/`) play the buyer, the bank and the
creator. It doubles as the offline sandbox of `make run`; its pages say so.
"""
from .app import FakeStripe
from .core import ApiError
from .server import FakeStripeServer
from .webhooks import Delivery, sign

__all__ = ["Delivery", "FakeStripe", "FakeStripeServer", "ApiError", "sign"]
