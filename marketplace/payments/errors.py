"""Our own payment errors, so nothing outside `payments/` needs to know Stripe's classes."""
from __future__ import annotations

from ..errors import DomainError


class PaymentError(DomainError):
    """Stripe refused or could not be reached. `temporary` says whether retrying may help."""

    temporary = False

    def __init__(self, message: str, *, code: str | None = None, request_id: str | None = None):
        super().__init__(message)
        self.code = code
        self.request_id = request_id


class TemporaryPaymentError(PaymentError):
    """Network trouble, rate limits, Stripe outages: retry later.

    `key_burned`: Stripe answered with an error and keeps that answer under the idempotency key
    (it replays it for ~24 h), so the retry must be a new attempt with a new key. Without an
    answer (connection trouble, rate limit) the same key is retried.
    """

    temporary = True

    def __init__(self, message: str, *, key_burned: bool = False, **kwargs):
        super().__init__(message, **kwargs)
        self.key_burned = key_burned


class PermanentPaymentError(PaymentError):
    """The request itself is wrong or refused (bad parameters, account not ready): fix, then retry."""
