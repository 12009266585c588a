from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.errors import InvalidTransition, NotAllowed, PermissionDenied
from marketplace.extensions import db
from marketplace.models import AuditEvent, MinimumPayout, Notification, OutboxEmail, utcnow
from marketplace.money import Money
from marketplace.services import applications, ledger

from ..factories import ApplicationFactory, CreatorFactory, open_campaign


def _apply(campaign, creator=None, pitch="Hello!"):
    creator = creator or CreatorFactory()
    return applications.apply(campaign, creator, pitch=pitch, actor=creator.user)


def test_apply_creates_a_pending_application_and_tells_the_brand():
    campaign = open_campaign()
    application = _apply(campaign)
    assert application.status == "pending"
    note = db.session.scalar(select(Notification).where(Notification.user_id == campaign.brand.user.id))
    assert note.kind == "application_received" and note.link == f"/brand/campaigns/{campaign.id}"
    mail = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == campaign.brand.user.email))
    assert "New application" in mail.subject and "http://hashmark.test/brand/campaigns/" in mail.body_text


def test_apply_twice_is_refused():
    campaign = open_campaign()
    creator = CreatorFactory()
    _apply(campaign, creator)
    with pytest.raises(NotAllowed, match="already applied"):
        _apply(campaign, creator)


@pytest.mark.parametrize("campaign_kw, creator_kw, message", [
    ({"status": "closed"}, {}, "not open"),
    ({"application_deadline": utcnow() - timedelta(days=1)}, {}, "closed on the deadline"),
    ({"min_followers": 10_000}, {"followers": 500}, "at least 10,000 followers"),
])
def test_ineligible_creators_cannot_apply(campaign_kw, creator_kw, message):
    campaign = open_campaign()
    for key, value in campaign_kw.items():
        setattr(campaign, key, value)
    with pytest.raises(NotAllowed, match=message):
        _apply(campaign, CreatorFactory(**creator_kw))


def test_country_and_niche_eligibility():
    from marketplace.models import CampaignCountry, CampaignNiche

    campaign = open_campaign()
    campaign.country_rows = [CampaignCountry(country="TH")]
    with pytest.raises(NotAllowed, match="other countries"):
        _apply(campaign, CreatorFactory(country="PL"))
    campaign.country_rows = []
    campaign.niche_rows = [CampaignNiche(niche="gaming")]
    with pytest.raises(NotAllowed, match="other niches"):
        _apply(campaign)


def test_payout_below_minimum_cannot_be_applied_to():
    campaign = open_campaign()
    db.session.add(MinimumPayout(currency="PLN", minimum_minor=campaign.payout_minor + 1))
    with pytest.raises(NotAllowed, match="below the platform minimum"):
        _apply(campaign)


def test_accept_reserves_one_post_and_notifies_the_creator():
    campaign = open_campaign(slots=2)
    application = _apply(campaign)
    applications.accept(application, actor=campaign.brand.user)
    assert application.status == "accepted"
    assert ledger.balance(ledger.reserved(campaign.id), "PLN") == campaign.cost_per_post
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == campaign.cost_per_post
    money = ledger.campaign_money(campaign)
    assert (money.funded, money.reserved, money.paid) == (campaign.total_budget, campaign.cost_per_post,
                                                          Money(0, "PLN"))
    kinds = db.session.scalars(select(Notification.kind).where(
        Notification.user_id == application.creator.user.id)).all()
    assert kinds == ["application_accepted"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "applications",
                                                       AuditEvent.to_status == "accepted"))
    assert event.actor_id == campaign.brand.user.id


def test_accept_never_commits_more_than_the_funded_budget():
    campaign = open_campaign(slots=2)
    for application in [_apply(campaign), _apply(campaign)]:
        applications.accept(application, actor=campaign.brand.user)
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == Money(0, "PLN")
    late = ApplicationFactory(campaign=campaign)
    with pytest.raises(NotAllowed, match="Every slot is already filled"):
        applications.accept(late, actor=campaign.brand.user)


def test_accept_refused_when_escrow_cannot_cover_a_post():
    campaign = open_campaign(slots=2)
    # take one post's worth out of escrow by other means (e.g. a partial refund)
    ledger.move("refund", campaign.cost_per_post, source=ledger.escrow(campaign.id),
                destination=ledger.STRIPE_CLEARING, campaign=campaign)
    applications.accept(_apply(campaign), actor=campaign.brand.user)
    with pytest.raises(NotAllowed, match="uncommitted budget"):
        applications.accept(_apply(campaign), actor=campaign.brand.user)


def test_only_the_owning_brand_decides():
    campaign = open_campaign()
    other = open_campaign()
    application = _apply(campaign)
    with pytest.raises(PermissionDenied):
        applications.accept(application, actor=other.brand.user)
    with pytest.raises(PermissionDenied):
        applications.reject(application, actor=application.creator.user)


def test_reject_with_reason_tells_the_creator():
    campaign = open_campaign()
    application = _apply(campaign)
    applications.reject(application, actor=campaign.brand.user, reason="Audience too small")
    assert application.status == "rejected" and application.decision_reason == "Audience too small"
    with pytest.raises(InvalidTransition):
        applications.accept(application, actor=campaign.brand.user)
    mail = db.session.scalar(select(OutboxEmail).where(OutboxEmail.to_address == application.creator.user.email))
    assert "Audience too small" in mail.body_text


def test_withdraw_accepted_releases_the_reservation():
    campaign = open_campaign()
    application = _apply(campaign)
    applications.accept(application, actor=campaign.brand.user)
    with pytest.raises(PermissionDenied):
        applications.withdraw(application, actor=CreatorFactory().user)
    applications.withdraw(application, actor=application.creator.user)
    assert application.status == "withdrawn"
    assert ledger.balance(ledger.reserved(campaign.id), "PLN") == Money(0, "PLN")
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == campaign.total_budget
    assert ledger.imbalances() == []


def test_pitch_too_long_is_refused_on_the_field():
    with pytest.raises(NotAllowed) as caught:
        _apply(open_campaign(), pitch="x" * 2001)
    assert caught.value.field == "pitch"


@pytest.mark.parametrize("status, refused", [("posted", True), ("approved", True), ("live_check_passed", True),
                                             ("approved_draft", False), ("failed", False), ("taken_down", False)])
def test_a_creator_who_has_published_cannot_withdraw(status, refused):
    from marketplace.models import Submission

    from ..factories import accepted_application

    application = accepted_application()
    campaign = application.campaign
    db.session.add(Submission(application_id=application.id, campaign_id=campaign.id,
                              creator_id=application.creator_id, platform="instagram", status=status))
    db.session.flush()
    if refused:
        with pytest.raises(NotAllowed, match="already published your post"):
            applications.withdraw(application, actor=application.creator.user)
        assert application.status == "accepted"
        assert ledger.balance(ledger.reserved(campaign.id), "PLN") == campaign.cost_per_post
    else:
        applications.withdraw(application, actor=application.creator.user)
        assert application.status == "withdrawn"
