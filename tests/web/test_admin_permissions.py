"""The admin console's permission matrix, built from the URL map: only admins reach any /admin/
route with any of its methods; and every admin action (each POST route) leaves an audit row
naming the admin. A new POST route fails `test_every_admin_post_route_has_a_scenario` until it
gets a scenario here."""
from __future__ import annotations

from typing import Callable

import pytest
from flask import url_for
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import AuditEvent, OutboxEmail, PayoutAccount, User
from marketplace.services import accounts, campaigns, payout_approval

from ..factories import AdminFactory, BrandFactory, CreatorFactory
from ..helpers import login, path_of
from ..payments.test_transfers import payout_for
from ..services.test_disputes import NOTE, disputed
from .test_admin_campaigns import funded

# POST routes that change nothing, so there is nothing to audit
READ_ONLY = {
    "admin.reconciliation": "compares the books with Stripe and shows the differences; writes nothing",
}


def _admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]


def _url(app, rule) -> str:
    with app.test_request_context():
        return url_for(rule.endpoint, **{arg: 1 for arg in rule.arguments})


def _requests(app):
    for rule in _admin_rules(app):
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield method, _url(app, rule)


def test_anonymous_visitors_are_sent_to_login_from_every_admin_route(app, client):
    for method, url in _requests(app):
        response = client.open(url, method=method)
        assert response.status_code == 302 and path_of(response.headers["Location"]) == "/login", (method, url)


@pytest.mark.parametrize("role", ["brand", "creator"])
def test_brands_and_creators_get_403_from_every_admin_route(app, client, role):
    user = BrandFactory().user if role == "brand" else CreatorFactory().user
    login(client, user)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    for method, url in _requests(app):
        assert client.open(url, method=method).status_code == 403, (method, url)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before


# --- every admin action is audited ---------------------------------------------------------------
# scenario(admin) -> (url, form data): a request the action accepts, with what it needs in place

def _payout(status: str = "pending_approval"):
    return payout_for(funded(), CreatorFactory(), status=status)


def _suspended(admin: User) -> User:
    user = CreatorFactory().user
    accounts.suspend_user(user, actor=admin, reason="Spam")
    return user


def _held(admin: User):
    payout = _payout()
    payout_approval.hold(payout, reason="Checking the post", actor=admin)
    return payout


def _failed_with_account(_admin: User):
    payout = _payout("failed")
    db.session.add(PayoutAccount(creator_id=payout.creator_id, stripe_account_id=f"acct_test{payout.id}",
                                 country="PL", status="ready"))
    return payout


def _closed(_admin: User):
    campaign = funded()
    campaigns.close_campaign(campaign, actor=campaign.brand.user)
    return campaign


def _undelivered(_admin: User) -> OutboxEmail:
    message = OutboxEmail(to_address="ania@example.com", subject="Hej", body_text="Hej")
    db.session.add(message)
    db.session.flush()
    return message


REASON = {"reason": "Naruszenie regulaminu"}
SCENARIOS: dict[str, Callable[[User], tuple[str, dict]]] = {
    "admin.user_suspend": lambda admin: (f"/admin/users/{CreatorFactory().user_id}/suspend", {"reason": "Spam"}),
    "admin.user_reinstate": lambda admin: (f"/admin/users/{_suspended(admin).id}/reinstate", {}),
    "admin.outbox_retry": lambda admin: (f"/admin/outbox/{_undelivered(admin).id}/retry", {}),
    "admin.platform_settings": lambda admin: ("/admin/settings", {
        "which": "fees", "fees-platform_fee_basis_points": "1200", "fees-payout_hold_days": "2"}),
    "admin.sandbox_page": lambda admin: ("/admin/sandbox", {"days": "1", "hours": "0"}),
    "admin.sandbox_reset": lambda admin: ("/admin/sandbox/reset", {}),
    "admin.sandbox_run_due": lambda admin: ("/admin/sandbox/run-due", {}),
    "admin.payouts_bulk": lambda admin: ("/admin/payouts/bulk", {"action": "approve", "payout_ids": [_payout().id]}),
    "admin.payout_release": lambda admin: (f"/admin/payouts/{_held(admin).id}/release", {}),
    "admin.payout_retry": lambda admin: (f"/admin/payouts/{_failed_with_account(admin).id}/retry", {}),
    "admin.payout_cancel": lambda admin: (f"/admin/payouts/{_payout().id}/cancel", REASON),
    "admin.campaign_pause": lambda admin: (f"/admin/campaigns/{funded().id}/pause", REASON),
    "admin.campaign_reopen": lambda admin: (f"/admin/campaigns/{_closed(admin).id}/reopen", REASON),
    "admin.campaign_cancel": lambda admin: (f"/admin/campaigns/{funded().id}/cancel", REASON),
    "admin.dispute_resolve": lambda admin: (f"/admin/disputes/{disputed().id}/resolve",
                                            {"decision": "overturn", "resolution": NOTE}),
    "admin.audit_verify": lambda admin: ("/admin/audit/verify", {}),
}


def test_every_admin_post_route_has_a_scenario(app):
    posts = {rule.endpoint for rule in _admin_rules(app) if "POST" in rule.methods}
    assert posts - set(READ_ONLY) == set(SCENARIOS)


@pytest.mark.parametrize("endpoint", sorted(SCENARIOS))
def test_every_admin_action_leaves_an_audit_row_naming_the_admin(client, endpoint):
    admin = AdminFactory()
    url, data = SCENARIOS[endpoint](admin)
    db.session.commit()  # the scenario's rows outlive the request (the test still rolls them back)
    login(client, admin)
    last = db.session.scalar(select(func.coalesce(func.max(AuditEvent.id), 0)))

    response = client.post(url, data=data)

    assert response.status_code in (200, 302), response.status_code
    mine = db.session.scalars(select(AuditEvent).where(AuditEvent.id > last, AuditEvent.actor_id == admin.id)).all()
    assert mine, f"{endpoint} left no audit row naming the admin"
