"""All models, imported here so that metadata (and Alembic) sees every table."""
from .audit import AuditEvent
from .brands import Brand
from .campaigns import Campaign, CampaignStatus
from .creators import Creator, CreatorNiche
from .outbox import OutboxEmail
from .types import utcnow
from .users import Role, User, UserStatus

__all__ = [
    "AuditEvent",
    "Brand",
    "Campaign",
    "CampaignStatus",
    "Creator",
    "CreatorNiche",
    "OutboxEmail",
    "Role",
    "User",
    "UserStatus",
    "utcnow",
]
