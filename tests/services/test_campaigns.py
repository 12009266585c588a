from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.errors import FieldErrors, InvalidTransition, NotAllowed, PermissionDenied
from marketplace.extensions import db
from marketplace.models import AuditEvent, MinimumPayout, utcnow
from marketplace.money import Money
from marketplace.services import campaigns, ledger
from marketplace.services.campaign_input import CampaignInput, tag_cap_warning

from ..factories import ApplicationFactory, BrandFactory, CreatorFactory, open_campaign


def _input(**overrides) -> CampaignInput:
    today = utcnow().date()
    values = dict(
        title="Jesienna kawa", brief="Pokaż **poranną kawę**.", product_category="food",
        platforms=["instagram"], hashtags=["#PalarniaKraków", "＃Jesień"], mentions=["@palarnia.krakow"],
        disclosure_required=True, disclosure_locale="pl", payout=Money(45_000, "PLN"), slots=3,
        application_deadline=today + timedelta(days=7), posting_starts=today + timedelta(days=1),
        posting_ends=today + timedelta(days=21), min_live_days=14, countries=["PL"], niches=["food"],
    )
    values.update(overrides)
    return CampaignInput(**values)


def test_create_normalises_requirements_and_stores_the_fee_once(app):
    brand = BrandFactory()
    campaign = campaigns.create_campaign(brand, _input(), actor=brand.user)
    assert campaign.status == "draft"
    assert campaign.required_hashtags == ["palarniakraków", "jesień"]
    assert campaign.required_mentions == ["palarnia.krakow"]
    assert campaign.fee_basis_points == app.config["PLATFORM_FEE_BASIS_POINTS"] == 1500
    assert campaign.fee_per_post == Money(6_750, "PLN")
    assert campaign.total_budget == Money(3 * 51_750, "PLN")
    assert campaign.search_text == "jesienna kawa\npokaż **poranną kawę**."
    assert campaign.posting_ends_at.tzinfo is not None
    assert campaign.countries == ["PL"] and campaign.niches == ["food"]


@pytest.mark.parametrize("change, field", [
    ({"hashtags": ["#123"]}, "hashtags"),
    ({"hashtags": ["#kawa☕"]}, "hashtags"),
    ({"mentions": ["@not a user"]}, "mentions"),
    ({"platforms": []}, "platforms"),
    ({"payout": Money(0, "PLN")}, "payout"),
    ({"slots": 0}, "slots"),
    ({"disclosure_locale": "xx"}, "disclosure_locale"),
    ({"posting_ends": date(2020, 1, 1)}, "posting_ends"),
    ({"application_deadline": None}, "application_deadline"),
    ({"countries": ["XX"]}, "countries"),
    ({"title": "  "}, "title"),
    ({"title": "x" * 141}, "title"),
    ({"min_followers": 10**10}, "min_followers"),
    ({"posting_ends": date(9999, 12, 31)}, "posting_ends"),
])
def test_create_refuses_bad_input_naming_the_field(change, field):
    brand = BrandFactory()
    with pytest.raises(FieldErrors) as caught:
        campaigns.create_campaign(brand, _input(**change), actor=brand.user)
    assert field in caught.value.errors


def test_deadline_after_posting_window_is_refused():
    brand = BrandFactory()
    today = utcnow().date()
    with pytest.raises(FieldErrors) as caught:
        campaigns.create_campaign(brand, _input(application_deadline=today + timedelta(days=30)), actor=brand.user)
    assert "application_deadline" in caught.value.errors


def test_payout_below_the_admin_minimum_is_refused():
    db.session.add(MinimumPayout(currency="PLN", minimum_minor=50_000))
    brand = BrandFactory()
    with pytest.raises(FieldErrors) as caught:
        campaigns.create_campaign(brand, _input(payout=Money(45_000, "PLN")), actor=brand.user)
    assert "payout" in caught.value.errors
    assert campaigns.create_campaign(brand, _input(payout=Money(50_000, "PLN")), actor=brand.user)


def test_tag_cap_warning_counts_the_disclosure_hashtag():
    assert not tag_cap_warning(["instagram"], list("abcd"), True)
    assert tag_cap_warning(["instagram"], list("abcde"), True)
    assert not tag_cap_warning(["instagram"], list("abcde"), False)
    assert not tag_cap_warning(["tiktok"], list("abcdef"), True)
    assert not tag_cap_warning(["instagram"], list("abcdd"), True)  # a repeated tag counts once


def test_only_the_owner_changes_a_campaign():
    brand, other = BrandFactory(), BrandFactory()
    campaign = campaigns.create_campaign(brand, _input(), actor=brand.user)
    with pytest.raises(PermissionDenied):
        campaigns.update_campaign(campaign, _input(title="Hijack"), actor=other.user)
    with pytest.raises(PermissionDenied):
        campaigns.submit_for_funding(campaign, actor=other.user)
    with pytest.raises(PermissionDenied):
        campaigns.create_campaign(brand, _input(), actor=other.user)


def test_lifecycle_draft_to_open_through_funding_only():
    brand = BrandFactory()
    campaign = campaigns.create_campaign(brand, _input(), actor=brand.user)
    with pytest.raises(InvalidTransition):
        campaigns.record_funding(campaign, campaign.total_budget, "pay_1")  # still a draft
    campaigns.submit_for_funding(campaign, actor=brand.user)
    with pytest.raises(NotAllowed):
        campaigns.update_campaign(campaign, _input(title="Changed"), actor=brand.user)
    with pytest.raises(NotAllowed, match="does not match the budget"):
        campaigns.record_funding(campaign, Money(100, "PLN"), "pay_1")
    assert campaigns.record_funding(campaign, campaign.total_budget, "pay_1") is True
    assert campaign.status == "open"
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == campaign.total_budget
    # a repeated webhook for the same payment changes nothing
    assert campaigns.record_funding(campaign, campaign.total_budget, "pay_1") is False
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == campaign.total_budget
    statuses = db.session.scalars(select(AuditEvent.to_status).where(
        AuditEvent.entity == "campaigns", AuditEvent.entity_id == campaign.id,
        AuditEvent.action == "status_changed").order_by(AuditEvent.id)).all()
    assert statuses == ["awaiting_funding", "open"]


def test_back_to_draft_allows_editing_again():
    brand = BrandFactory()
    campaign = campaigns.create_campaign(brand, _input(), actor=brand.user)
    campaigns.submit_for_funding(campaign, actor=brand.user)
    campaigns.back_to_draft(campaign, actor=brand.user)
    campaigns.update_campaign(campaign, _input(title="Nowy tytuł"), actor=brand.user)
    assert campaign.title == "Nowy tytuł"


def test_close_and_reopen():
    campaign = open_campaign()
    owner = campaign.brand.user
    campaigns.close_campaign(campaign, actor=owner)
    assert campaign.status == "closed"
    campaigns.reopen_campaign(campaign, actor=owner)
    assert campaign.status == "open"


def test_cancel_releases_reservations_closes_applications_and_signals_refund():
    from marketplace.services import applications

    campaign = open_campaign(slots=3)
    owner = campaign.brand.user
    accepted = ApplicationFactory(campaign=campaign)
    pending = ApplicationFactory(campaign=campaign)
    applications.accept(accepted, actor=owner)
    assert ledger.balance(ledger.reserved(campaign.id), "PLN") == campaign.cost_per_post

    heard = []

    def listener(sender, **kw):
        heard.append(sender)

    with campaigns.campaign_cancelled.connected_to(listener):
        campaigns.cancel_campaign(campaign, actor=owner, reason="Product recall")
    assert campaign.status == "cancelled"
    assert (accepted.status, pending.status) == ("withdrawn", "rejected")
    assert ledger.balance(ledger.reserved(campaign.id), "PLN") == Money(0, "PLN")
    assert ledger.balance(ledger.escrow(campaign.id), "PLN") == campaign.total_budget
    assert heard == [campaign]
    assert ledger.imbalances() == []
    with pytest.raises(InvalidTransition):
        campaigns.reopen_campaign(campaign, actor=owner)


@pytest.mark.parametrize("status, blocks", [("posted", True), ("verified", True), ("approved", True),
                                            ("approved_draft", False), ("failed", False), ("taken_down", False)])
def test_cancel_waits_for_published_posts_to_be_settled(status, blocks):
    from marketplace.models import Submission

    from ..factories import accepted_application

    application = accepted_application()
    campaign = application.campaign
    db.session.add(Submission(application_id=application.id, campaign_id=campaign.id,
                              creator_id=application.creator_id, platform="instagram", status=status))
    db.session.flush()
    if blocks:
        with pytest.raises(NotAllowed, match="1 creator has already published a post"):
            campaigns.cancel_campaign(campaign, actor=campaign.brand.user)
        assert campaign.status == "open"
        assert ledger.balance(ledger.reserved(campaign.id), "PLN") == campaign.cost_per_post
    else:
        campaigns.cancel_campaign(campaign, actor=campaign.brand.user)
        assert campaign.status == "cancelled"


def test_creators_cannot_manage_campaigns():
    campaign = open_campaign()
    creator = CreatorFactory()
    with pytest.raises(PermissionDenied):
        campaigns.close_campaign(campaign, actor=creator.user)
