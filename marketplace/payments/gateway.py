"""The Stripe gateway: one configured `StripeClient` per app, and Stripe errors mapped to ours.

Logs carry Stripe object ids and idempotency keys, never keys, secrets or onboarding URLs.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Any, Iterator

import stripe
from flask import current_app

from .errors import PermanentPaymentError, TemporaryPaymentError

log = logging.getLogger(__name__)
TEMPORARY = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


def client() -> stripe.StripeClient:
    """The app's StripeClient, created on first use (base addresses point at the fake in sandbox)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    existing = app.extensions.get("stripe_client")
    if existing is not None:
        return existing
    base = app.config.get("STRIPE_API_BASE")
    options: dict[str, Any] = {"max_network_retries": app.config.get("STRIPE_MAX_NETWORK_RETRIES", 2)}
    if base:
        options["base_addresses"] = {"api": base, "connect": base, "files": base}
        options["http_client"] = _loopback_http_client()
    made = stripe.StripeClient(app.config["STRIPE_SECRET_KEY"], **options)
    app.extensions["stripe_client"] = made
    return made


def _loopback_http_client() -> stripe.HTTPClient:
    """The sandbox lives on this machine: ignore proxy settings from the environment."""
    import requests

    session = requests.Session()
    session.trust_env = False
    return stripe.RequestsClient(session=session, timeout=15)


@contextmanager
def call(operation: str, *, idempotency_key: str | None = None) -> Iterator[None]:
    """Run one Stripe call, logging it and turning Stripe's errors into PaymentErrors."""
    try:
        yield
    except TEMPORARY as error:
        log.warning("stripe %s failed temporarily (key=%s, request=%s): %s", operation, idempotency_key,
                    getattr(error, "request_id", None), type(error).__name__)
        raise TemporaryPaymentError("Stripe could not be reached or had a problem; try again in a minute.",
                                    key_burned=isinstance(error, stripe.APIError) and not isinstance(
                                        error, stripe.APIConnectionError),
                                    code=_code(error), request_id=getattr(error, "request_id", None)) from error
    except stripe.StripeError as error:
        log.warning("stripe %s refused (key=%s, request=%s, code=%s)", operation, idempotency_key,
                    getattr(error, "request_id", None), _code(error))
        raise PermanentPaymentError(_message(error, "Stripe refused the request."), code=_code(error),
                                    request_id=getattr(error, "request_id", None)) from error


def _code(error: stripe.StripeError) -> str | None:
    return getattr(error, "code", None) or getattr(getattr(error, "error", None), "code", None)


def _message(error: stripe.StripeError, fallback: str) -> str:
    return getattr(error, "user_message", None) or fallback


def construct_event(payload: bytes, signature: str | None, secret: str) -> dict[str, Any]:
    """Verify a webhook's signature on the raw body and return the event as a plain dict.

    Raises ValueError on a missing or bad signature, a stale timestamp or a malformed body.
    """
    if not signature:
        raise ValueError("missing Stripe-Signature header")
    try:
        event = stripe.Webhook.construct_event(payload.decode("utf-8"), signature, secret)
    except stripe.SignatureVerificationError as error:
        raise ValueError(f"bad signature: {error}") from None
    except (UnicodeDecodeError, ValueError) as error:
        raise ValueError(f"malformed payload: {error}") from None
    return event.to_dict()
