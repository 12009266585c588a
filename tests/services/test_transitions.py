import pytest
from sqlalchemy import select, update

from marketplace.errors import InvalidTransition
from marketplace.extensions import db
from marketplace.models import AuditEvent, Campaign
from marketplace.services.transitions import can_transition, table, transition

from ..factories import AdminFactory, CampaignFactory

FLOW = table(
    draft={"awaiting_funding", "cancelled"},
    awaiting_funding={"open", "cancelled"},
    open={"closed", "cancelled"},
)


def _events(campaign):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "campaigns",
                                                       AuditEvent.entity_id == campaign.id)).all()


def test_allowed_transition_updates_status_stamps_time_and_audits():
    admin = AdminFactory()
    campaign = CampaignFactory()
    assert transition(campaign, "awaiting_funding", transitions=FLOW, actor=admin, reason="ready") is True
    assert campaign.status == "awaiting_funding"
    assert campaign.status_changed_at is not None
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).status == "awaiting_funding"
    [event] = _events(campaign)
    assert (event.from_status, event.to_status, event.actor_id, event.reason) == (
        "draft", "awaiting_funding", admin.id, "ready")


@pytest.mark.parametrize("start, target", [("draft", "open"), ("open", "draft"), ("cancelled", "open"),
                                           ("closed", "open")])
def test_forbidden_transition_raises_and_changes_nothing(start, target):
    campaign = CampaignFactory(status=start)
    with pytest.raises(InvalidTransition) as caught:
        transition(campaign, target, transitions=FLOW, actor=None)
    assert (caught.value.from_status, caught.value.to_status) == (start, target)
    assert campaign.status == start
    assert _events(campaign) == []


def test_same_status_is_a_no_op_without_audit():
    campaign = CampaignFactory(status="open")
    assert transition(campaign, "open", transitions=FLOW, actor=None) is False
    assert _events(campaign) == []


def test_lost_race_raises_and_writes_no_audit():
    campaign = CampaignFactory()
    # another transaction moved it first, behind this session's back
    db.session.execute(update(Campaign).where(Campaign.id == campaign.id)
                       .values(status="cancelled").execution_options(synchronize_session=False))
    assert campaign.status == "draft"  # stale in memory
    with pytest.raises(InvalidTransition, match="changed by someone else"):
        transition(campaign, "awaiting_funding", transitions=FLOW, actor=None)
    assert campaign.status == "cancelled"  # refreshed so the caller can explain
    assert _events(campaign) == []


def test_can_transition_reads_the_table():
    assert can_transition(FLOW, "draft", "awaiting_funding")
    assert not can_transition(FLOW, "draft", "closed")
    assert not can_transition(FLOW, "unknown", "draft")
