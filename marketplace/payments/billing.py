"""A brand's billing history: every payment and refund, with the fee part shown openly."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import Brand, Campaign
from ..models.payments import Funding, FundingStatus, Refund, RefundStatus
from ..money import Money


@dataclass(frozen=True)
class BillingLine:
    when: datetime
    campaign: Campaign
    kind: str              # "payment" or "refund"
    amount: Money          # positive for payments, negative for refunds
    fees: Money            # the platform-fee part of a payment (zero for refunds)
    status: str
    reference: str | None  # Stripe object id, as a receipt reference


def lines(brand: Brand) -> list[BillingLine]:
    fundings = db.session.execute(
        select(Funding, Campaign).join(Campaign).where(Campaign.brand_id == brand.id,
                                                       Funding.status.in_([FundingStatus.PAID, FundingStatus.PROCESSING,
                                                                           FundingStatus.FAILED]))).all()
    refunds = db.session.execute(
        select(Refund, Campaign).join(Campaign).where(Campaign.brand_id == brand.id)).all()
    result = [
        BillingLine(f.status_changed_at or f.created_at, c, "payment", f.amount,
                    f.fee if f.status == FundingStatus.PAID else Money.zero(f.currency), f.status,
                    f.payment_intent_id or f.checkout_session_id)
        for f, c in fundings
    ] + [
        BillingLine(r.status_changed_at or r.created_at, c, "refund", -r.amount, Money.zero(r.currency),
                    r.status, r.stripe_refund_id)
        for r, c in refunds
    ]
    return sorted(result, key=lambda line: line.when, reverse=True)


def totals(items: list[BillingLine]) -> dict[str, dict[str, Money]]:
    """Per currency: paid in, refunded, of which fees, and net spend (settled money only)."""
    out: dict[str, dict[str, Money]] = {}
    for line in items:
        if line.status not in (FundingStatus.PAID, RefundStatus.SUCCEEDED):
            continue
        zero = Money.zero(line.amount.currency)
        bucket = out.setdefault(line.amount.currency, {"paid": zero, "refunded": zero, "fees": zero, "net": zero})
        if line.kind == "payment":
            bucket["paid"] += line.amount
            bucket["fees"] += line.fees
        else:
            bucket["refunded"] += -line.amount
        bucket["net"] += line.amount
    return out


def as_csv(items: list[BillingLine]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["date_utc", "campaign_id", "campaign", "type", "status", "amount", "platform_fee",
                     "currency", "stripe_reference"])
    for line in items:
        writer.writerow([line.when.strftime("%Y-%m-%d %H:%M:%S"), line.campaign.id, line.campaign.title, line.kind,
                         line.status, line.amount.amount_text(), line.fees.amount_text(), line.amount.currency,
                         line.reference or ""])
    return buffer.getvalue()
