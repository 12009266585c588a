"""The admins' payout queue: filters and totals, bulk approve and hold, failed payouts with their
reason and a Retry, transfers in flight with their age; nobody else gets in."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import AuditEvent, VerificationReport, utcnow

from ..factories import AdminFactory, BrandFactory, CreatorFactory, open_campaign
from ..helpers import login, path_of
from ..payments.test_transfers import payout_for

ROUTES = [("GET", "/admin/payouts"), ("POST", "/admin/payouts/bulk"), ("POST", "/admin/payouts/1/retry"),
          ("POST", "/admin/payouts/1/release"), ("POST", "/admin/payouts/1/cancel")]


def _admin(client):
    admin = AdminFactory()
    login(client, admin)
    return admin


def _page(client, **args) -> str:
    response = client.get("/admin/payouts", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("method,url", ROUTES)
def test_only_admins_reach_the_queue(client, method, url):
    assert path_of(client.open(url, method=method).headers["Location"]) == "/login"
    for user in (BrandFactory().user, CreatorFactory().user):
        login(client, user)
        assert client.open(url, method=method).status_code == 403


def test_filters_narrow_the_list_and_the_totals(client):
    polish = open_campaign(title="Kawa w Krakowie", slots=3)
    thai = open_campaign(title="ตลาดนัด Bangkok", currency="THB", payout_minor=150_000, fee_per_post_minor=22_500)
    payout_for(polish, CreatorFactory(display_name="Kasia"))
    old = payout_for(polish, CreatorFactory(display_name="Marek"))
    old.created_at = utcnow() - timedelta(days=8)
    payout_for(thai, CreatorFactory(display_name="Nok"))
    db.session.flush()
    _admin(client)

    everything = _page(client)
    assert all(name in everything for name in ("Kasia", "Marek", "Nok"))
    assert "1,000.00" in everything and "1,500.00" in everything  # PLN and THB totals to creators

    by_campaign = _page(client, campaign=thai.id)
    assert "Nok" in by_campaign and "Kasia" not in by_campaign
    by_brand = _page(client, brand=polish.brand_id)
    assert "Kasia" in by_brand and "Nok" not in by_brand
    by_currency = _page(client, currency="pln")
    assert "Marek" in by_currency and "Nok" not in by_currency and "1,500.00" not in by_currency
    by_age = _page(client, age=7)
    assert "Marek" in by_age and "Kasia" not in by_age and "500.00" in by_age and "1,000.00" not in by_age
    assert _page(client, age="junk", campaign="9" * 30, brand="-1", currency="<script>", page="-3")  # never a 500


def test_approve_selected_approves_those_ticked_and_audits_the_admin(client):
    campaign = open_campaign(slots=3)
    first, second, untouched = (payout_for(campaign, CreatorFactory()) for _ in range(3))
    admin = _admin(client)
    response = client.post("/admin/payouts/bulk", data={"action": "approve", "payout_ids": [first.id, second.id],
                                                        "campaign": campaign.id}, follow_redirects=False)
    assert response.status_code == 302 and f"campaign={campaign.id}" in response.headers["Location"]
    assert (first.status, second.status, untouched.status) == ("approved", "approved", "pending_approval")
    audits = db.session.scalars(select(AuditEvent).where(AuditEvent.entity == "payouts",
                                                         AuditEvent.to_status == "approved")).all()
    assert {(a.entity_id, a.actor_id) for a in audits} == {(first.id, admin.id), (second.id, admin.id)}
    page = _page(client, status="approved")
    assert "finish setting up payouts with Stripe" in page  # these creators have no payout account yet


def test_hold_selected_needs_a_reason_then_blocks_approval_until_released(client):
    payout = payout_for(open_campaign(), CreatorFactory())
    admin = _admin(client)
    refused = client.post("/admin/payouts/bulk", data={"action": "hold", "payout_ids": [payout.id], "reason": ""},
                          follow_redirects=True)
    assert "Say why" in refused.get_data(as_text=True) and payout.hold_reason is None

    client.post("/admin/payouts/bulk", data={"action": "hold", "payout_ids": [payout.id],
                                             "reason": "Brand reports a deleted story"})
    assert payout.hold_reason == "Brand reports a deleted story"
    page = _page(client)
    assert "Brand reports a deleted story" in page and "Release hold" in page
    blocked = client.post("/admin/payouts/bulk", data={"action": "approve", "payout_ids": [payout.id]},
                          follow_redirects=True)
    assert "release the hold first" in blocked.get_data(as_text=True) and payout.status == "pending_approval"

    client.post(f"/admin/payouts/{payout.id}/release")
    assert payout.hold_reason is None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "payouts",
                                                                 AuditEvent.actor_id == admin.id)).all()
    assert actions == ["held", "hold_released"]


def test_bulk_input_that_makes_no_sense_is_refused_politely(client):
    _admin(client)
    nothing = client.post("/admin/payouts/bulk", data={"action": "approve"}, follow_redirects=True)
    assert nothing.status_code == 200 and "Select at least one payout" in nothing.get_data(as_text=True)
    junk = client.post("/admin/payouts/bulk", data={"action": "approve", "payout_ids": ["x", "-1", "9" * 30]},
                       follow_redirects=True)
    assert junk.status_code == 200
    payout = payout_for(open_campaign(), CreatorFactory())
    assert client.post("/admin/payouts/bulk", data={"action": "burn", "payout_ids": [payout.id]}).status_code == 400
    assert client.post("/admin/payouts/999999/retry").status_code == 404


def test_failed_payouts_show_their_reason_and_a_retry(client):
    payout = payout_for(open_campaign(), CreatorFactory(display_name="Ola"), status="failed")
    payout.failure_code, payout.failure_message = "insufficient_capabilities_for_transfer", "Stripe said no"
    db.session.flush()
    _admin(client)
    page = _page(client, status="failed")
    assert "Stripe needs more details from them" in page and "Retry" in page and "Cancel payout" in page
    response = client.post(f"/admin/payouts/{payout.id}/retry", data={"status": "failed"}, follow_redirects=True)
    assert "still not ready" in response.get_data(as_text=True) and payout.status == "failed"


def test_processing_payouts_show_how_long_they_have_been_sending(client):
    payout = payout_for(open_campaign(), CreatorFactory(), status="processing")
    payout.processing_started_at = utcnow() - timedelta(hours=3)
    db.session.flush()
    _admin(client)
    assert "Sending for 3 hours" in _page(client, status="processing")


def test_the_latest_verification_verdict_is_one_glance_away(client):
    payout = payout_for(open_campaign(), CreatorFactory())
    for verdict in ("fail", "pass"):
        db.session.add(VerificationReport(submission_id=payout.submission_id, kind="live_check",
                                          source="instagram_api", verdict=verdict, results=[]))
    db.session.flush()
    _admin(client)
    page = _page(client)
    assert "Latest check:" in page and "badge badge--pass\">Pass<" in page and "badge--fail\"" not in page
    assert payout.submission.permalink in page


def test_cancelling_from_the_queue_needs_a_reason_and_frees_the_budget(client):
    payout = payout_for(open_campaign(), CreatorFactory())
    _admin(client)
    client.post(f"/admin/payouts/{payout.id}/cancel", data={"reason": ""})
    assert payout.status == "pending_approval"
    client.post(f"/admin/payouts/{payout.id}/cancel", data={"reason": "Post removed by the platform"})
    assert payout.status == "cancelled"
    assert "No payouts have this status" in _page(client)
