"""All models, imported here so that metadata (and Alembic) sees every table."""
from .applications import Application, ApplicationStatus
from .audit import AuditEvent
from .brands import Brand
from .campaigns import Campaign, CampaignCountry, CampaignNiche, CampaignStatus, Platform
from .creators import Creator, CreatorNiche
from .ledger import LedgerEntry, LedgerTransaction
from .notifications import Notification
from .outbox import OutboxEmail
from .payments import Funding, FundingStatus, PayoutAccount, PayoutAccountStatus, Refund, RefundStatus
from .settings import MinimumPayout
from .stripe_events import StripeEvent
from .types import utcnow
from .users import Role, User, UserStatus

__all__ = [
    "Application",
    "ApplicationStatus",
    "AuditEvent",
    "Brand",
    "Campaign",
    "CampaignCountry",
    "CampaignNiche",
    "CampaignStatus",
    "Creator",
    "Funding",
    "FundingStatus",
    "CreatorNiche",
    "LedgerEntry",
    "LedgerTransaction",
    "MinimumPayout",
    "Notification",
    "OutboxEmail",
    "PayoutAccount",
    "PayoutAccountStatus",
    "Platform",
    "Refund",
    "RefundStatus",
    "Role",
    "StripeEvent",
    "User",
    "UserStatus",
    "utcnow",
]
