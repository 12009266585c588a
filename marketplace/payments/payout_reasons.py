"""Why a payout is failed or waiting, in plain words: for admins, and told to the creator."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..models import Payout

WAITING_FOR_ACCOUNT = "payout_account_not_ready"
REASONS = {
    WAITING_FOR_ACCOUNT: _l("Waiting for the creator to finish setting up payouts with Stripe."),
    "insufficient_capabilities_for_transfer": _l("The creator's Stripe account cannot receive transfers yet: "
                                                 "Stripe needs more details from them."),
    "account_invalid": _l("The creator's Stripe account is closed or no longer connected to Hashmark."),
    "balance_insufficient": _l("The campaign's payment at Stripe has not enough left for this transfer "
                               "(it may have been refunded)."),
    "no_funding": _l("This campaign has no paid funding at Stripe to pay the creator from."),
    "sandbox_funding": _l("This campaign was funded in the sandbox, so there is no real payment to pay the "
                          "creator from."),
    "stripe_unavailable": _l("Stripe could not be reached; Hashmark tries again automatically."),
    "bank_payout_failed": _l("Stripe could not pay this money out to the creator's bank; it stays in their "
                             "Stripe balance until they update their bank details."),
    "transfer_reversed": _l("This transfer was reversed at Stripe: the money went back to Hashmark."),
}


# the same reasons, told to the creator themselves
ACCOUNT_REASONS = frozenset({WAITING_FOR_ACCOUNT, "insufficient_capabilities_for_transfer", "account_invalid"})
CREATOR_REASONS = {
    WAITING_FOR_ACCOUNT: _l("Approved: it is sent as soon as you finish setting up payouts with Stripe."),
    "insufficient_capabilities_for_transfer": _l("Your Stripe account cannot receive transfers yet: Stripe needs "
                                                 "more details from you. Hashmark sends it again once you are done."),
    "account_invalid": _l("Your Stripe account is closed or no longer connected to Hashmark: set up payouts "
                          "again."),
    "bank_payout_failed": _l("Stripe could not pay this money out to your bank; it stays in your Stripe balance "
                             "until you update your bank details with Stripe."),
}


def failure_reason(payout: Payout, *, for_creator: bool = False) -> str | None:
    """Why a payout is failed or waiting, in plain words in the reader's language."""
    if not payout.failure_code and not payout.failure_message:
        return None
    code = payout.failure_code or ""
    known = (CREATOR_REASONS.get(code) if for_creator else None) or REASONS.get(code)
    return str(known) if known is not None else payout.failure_message
