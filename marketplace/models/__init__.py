"""All models, imported here so that metadata (and Alembic) sees every table."""
from .applications import Application, ApplicationStatus
from .audit import AuditChainHead, AuditEvent
from .brands import Brand
from .campaigns import Campaign, CampaignCountry, CampaignNiche, CampaignStatus, Platform
from .creators import Creator, CreatorNiche
from .ledger import LedgerEntry, LedgerTransaction
from .notifications import Notification
from .outbox import OutboxEmail
from .payments import Funding, FundingStatus, PayoutAccount, PayoutAccountStatus, Refund, RefundStatus
from .payouts import Payout, PayoutStatus
from .settings import MinimumPayout, PlatformSetting
from .social import LinkedAccount, LinkedAccountStatus
from .stripe_events import StripeEvent
from .submissions import (CaptionSnapshot, DraftRound, Dispute, DisputeStatus, MetricSnapshot, Submission,
                          SubmissionStatus, Verdict, VerificationReport)
from .types import utcnow
from .uploads import Upload
from .users import Role, User, UserStatus

__all__ = [
    "Application",
    "ApplicationStatus",
    "AuditChainHead",
    "AuditEvent",
    "Brand",
    "Campaign",
    "CampaignCountry",
    "CampaignNiche",
    "CampaignStatus",
    "CaptionSnapshot",
    "Creator",
    "CreatorNiche",
    "Dispute",
    "DisputeStatus",
    "DraftRound",
    "Funding",
    "FundingStatus",
    "LedgerEntry",
    "LedgerTransaction",
    "LinkedAccount",
    "LinkedAccountStatus",
    "MetricSnapshot",
    "MinimumPayout",
    "Notification",
    "OutboxEmail",
    "Payout",
    "PayoutAccount",
    "PayoutAccountStatus",
    "PayoutStatus",
    "Platform",
    "PlatformSetting",
    "Refund",
    "RefundStatus",
    "Role",
    "StripeEvent",
    "Submission",
    "SubmissionStatus",
    "Upload",
    "User",
    "UserStatus",
    "Verdict",
    "VerificationReport",
    "utcnow",
]
