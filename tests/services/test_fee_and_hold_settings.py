"""The money knobs admins set at run time: the platform fee (the environment gives only its
starting value; a campaign keeps the fee it was created with) and the payout waiting time."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.errors import NotAllowed, PermissionDenied
from marketplace.extensions import db
from marketplace.models import AuditEvent, Payout
from marketplace.money import Money
from marketplace.services import campaigns
from marketplace.services.payout_hold import payout_hold_until
from marketplace.services.settings import platform_setting, set_platform_setting

from ..factories import AdminFactory, BrandFactory, CreatorFactory, open_campaign
from ..helpers import login
from ..payments.test_transfers import payout_for
from .test_campaigns import _input


def test_the_fee_starts_from_the_environment_until_an_admin_sets_it(app, monkeypatch):
    monkeypatch.setitem(app.config, "PLATFORM_FEE_BASIS_POINTS", 1250)
    assert platform_setting("platform_fee_basis_points") == 1250
    admin = AdminFactory()
    set_platform_setting("platform_fee_basis_points", 900, actor=admin)
    monkeypatch.setitem(app.config, "PLATFORM_FEE_BASIS_POINTS", 2000)
    assert platform_setting("platform_fee_basis_points") == 900
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "setting_changed"))
    assert (event.actor_id, event.data) == (admin.id, {"name": "platform_fee_basis_points", "from": 1250, "to": 900})


def test_new_campaigns_take_the_fee_in_force_and_keep_it_through_edits():
    brand, admin = BrandFactory(), AdminFactory()
    before = campaigns.create_campaign(brand, _input(), actor=brand.user)
    assert (before.fee_basis_points, before.fee_per_post) == (1500, Money(6_750, "PLN"))

    set_platform_setting("platform_fee_basis_points", 1000, actor=admin)
    after = campaigns.create_campaign(brand, _input(title="Zimowa herbata"), actor=brand.user)
    assert (after.fee_basis_points, after.fee_per_post) == (1000, Money(4_500, "PLN"))
    assert after.total_budget == Money(3 * 49_500, "PLN")

    # editing the older draft (a new payout) keeps its 15 % rather than taking today's 10 %
    campaigns.update_campaign(before, _input(payout=Money(60_000, "PLN")), actor=brand.user)
    assert (before.fee_basis_points, before.fee_per_post) == (1500, Money(9_000, "PLN"))


def test_a_zero_fee_is_allowed_and_the_bounds_hold():
    admin, brand = AdminFactory(), BrandFactory()
    set_platform_setting("platform_fee_basis_points", 0, actor=admin)
    campaign = campaigns.create_campaign(brand, _input(), actor=brand.user)
    assert campaign.fee_per_post == Money(0, "PLN") and campaign.cost_per_post == Money(45_000, "PLN")
    for value in (-1, 5001):
        with pytest.raises(NotAllowed, match="from 0 to 5000"):
            set_platform_setting("platform_fee_basis_points", value, actor=admin)
    set_platform_setting("platform_fee_basis_points", 5000, actor=admin)
    assert platform_setting("platform_fee_basis_points") == 5000
    with pytest.raises(PermissionDenied):
        set_platform_setting("platform_fee_basis_points", 100, actor=brand.user)


def test_a_payout_is_approvable_once_it_is_as_old_as_the_hold():
    payout = payout_for(open_campaign(), CreatorFactory())
    assert platform_setting("payout_hold_days") == 0
    assert payout_hold_until(payout) == payout.created_at

    set_platform_setting("payout_hold_days", 3, actor=AdminFactory())
    assert payout_hold_until(payout) == payout.created_at + timedelta(days=3)
    older = db.session.get(Payout, payout.id)
    older.created_at -= timedelta(days=10)
    assert payout_hold_until(older) == older.created_at + timedelta(days=3)
    for value in (-1, 31):
        with pytest.raises(NotAllowed, match="from 0 to 30"):
            set_platform_setting("payout_hold_days", value, actor=AdminFactory())


def test_the_brands_budget_preview_shows_the_fee_in_force(client):
    set_platform_setting("platform_fee_basis_points", 1000, actor=AdminFactory())
    brand = BrandFactory()
    login(client, brand.user)
    response = client.get("/brand/campaigns/budget-preview",
                          query_string={"payout": "450.00", "currency": "PLN", "slots": "2"})
    body = response.get_data(as_text=True)
    assert "Platform fee (10%)" in body and "PLN45.00" in body and "PLN990.00" in body


def test_the_edit_form_shows_the_campaigns_own_fee(client):
    brand = BrandFactory()
    campaign = campaigns.create_campaign(brand, _input(), actor=brand.user)
    set_platform_setting("platform_fee_basis_points", 1000, actor=AdminFactory())
    login(client, brand.user)
    body = client.get(f"/brand/campaigns/{campaign.id}/edit").get_data(as_text=True)
    assert "Platform fee (15%)" in body and "Platform fee (10%)" not in body
