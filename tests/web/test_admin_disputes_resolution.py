"""A dispute's evidence packet (brief, drafts, caption history, every check, screenshot, money,
audit trail) and the admin's decision on it, refused in words rather than failing."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.extensions import db
from marketplace.models import CaptionSnapshot, Dispute, Notification, Upload, VerificationReport, utcnow
from marketplace.services import ledger

from .brand.html import error, text_of, value
from ..factories import AdminFactory
from ..helpers import login, path_of
from ..services.test_disputes import NOTE, disputed, money_of


def _admin(client):
    admin = AdminFactory()
    login(client, admin)
    return admin


def _resolve(client, dispute, decision, note=NOTE, **kwargs):
    db.session.commit()  # the test's rows outlive a request that rolls back (still undone after the test)
    return client.post(f"/admin/disputes/{dispute.id}/resolve", data={"decision": decision, "resolution": note},
                       **kwargs)


def _flash(response) -> str:
    return text_of(response, ".flashes")


def test_the_packet_assembles_everything_recorded_about_the_post(client):
    dispute = disputed(drafts=("Kawa bez etykiety", "#reklama Kawa z @palarnia.krakow"), self_reported=True)
    submission = dispute.submission
    first, second = submission.drafts
    first.decision, first.comments = "changes_requested", "Etykieta na początek."
    second.decision = "approved"
    shot = Upload(owner_id=submission.creator.user_id, filename="post.png", content_type="image/png", size=3,
                  sha256="0" * 64, data=b"png")
    db.session.add(shot)
    db.session.flush()
    submission.screenshot_id = shot.id
    live = VerificationReport(submission_id=submission.id, kind="live_check", source="instagram_api", verdict="fail",
                              caption="Kawa — edytowany podpis", checked_at=utcnow(), results=[])
    db.session.add_all([live, CaptionSnapshot(submission_id=submission.id, source="draft_approved",
                                              caption="#reklama Kawa z @palarnia.krakow", sha256="b" * 64,
                                              seen_at=utcnow() - timedelta(days=1))])
    db.session.commit()
    _admin(client)

    response = client.get(f"/admin/disputes/{dispute.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Brak oznaczenia #reklama." in text_of(response, "#brand-reason")
    assert "Mój post ma #reklama na początku." in text_of(response, "#creator-reason")
    brief = text_of(response, "#brief")
    assert submission.campaign.title in brief and "Show our product." in brief
    assert "this is exactly the brief they accepted" in brief
    drafts = text_of(response, "#drafts")
    assert "Round 1" in drafts and "Etykieta na początek." in drafts and "Round 2" in drafts
    assert "#reklama Kawa z @palarnia.krakow" in text_of(response, "#approved-draft")
    assert "Approved draft" in text_of(response, "#history")
    reports = db.session.scalars(select(VerificationReport.id).where(
        VerificationReport.submission_id == submission.id)).all()
    assert len(reports) == 2 and all(f'id="report-{report_id}"' in html for report_id in reports)
    assert "Kawa — edytowany podpis" in text_of(response, "#reports")
    assert f'src="/files/{shot.id}"' in html
    money = text_of(response, "#money")
    assert f"reserve:application:{submission.application_id}" in money
    assert f"release:application:{submission.application_id}" in money and "No payout" in money
    trail = text_of(response, "#trail")
    assert "verified → rejected" in trail and "Brak oznaczenia #reklama." in trail and "opened" in trail
    assert value(response, "resolution") == ""
    assert client.get("/admin/disputes").get_data(as_text=True).count(f"/admin/disputes/{dispute.id}") >= 1


def test_overturning_from_the_packet_approves_the_post_and_pays_after_the_live_period(client):
    dispute = disputed(self_reported=True, published_at=utcnow() - timedelta(days=30))
    submission = dispute.submission
    admin = _admin(client)

    response = _resolve(client, dispute, "overturn", follow_redirects=True)

    assert path_of(response.request.path) == f"/admin/disputes/{dispute.id}"
    assert "Rejection overturned" in _flash(response)
    db.session.refresh(dispute)
    assert (dispute.status, dispute.resolution, dispute.resolved_by_id) == ("overturned", NOTE, admin.id)
    assert dispute.submission.status == "live_check_passed"
    money = text_of(response, "#money")
    assert f"payout:submission:{submission.id}" in money
    assert f"reserve:application:{submission.application_id}:2" in money
    assert NOTE in text_of(response, "#resolution")
    assert "rejected → approved" in text_of(response, "#trail")
    assert 'name="decision"' not in response.get_data(as_text=True)  # decided: no form any more
    kinds = set(db.session.scalars(select(Notification.kind).where(Notification.kind.like("dispute_%"))))
    assert {"dispute_overturned", "dispute_overturned_brand"} <= kinds


def test_upholding_from_the_packet(client):
    dispute = disputed()
    _admin(client)
    response = _resolve(client, dispute, "uphold", follow_redirects=True)
    assert "Rejection upheld" in _flash(response)
    db.session.refresh(dispute)
    assert (dispute.status, dispute.submission.status) == ("upheld", "rejected")
    listing = client.get("/admin/disputes")
    assert f'id="dispute-{dispute.id}"' not in listing.get_data(as_text=True)  # no longer open
    assert "Rejection upheld" in text_of(listing, "#resolved")
    assert f"/admin/disputes/{dispute.id}" in listing.get_data(as_text=True).split('id="resolved"', 1)[1]


def test_a_missing_note_is_a_field_error_and_nothing_changes(client):
    dispute = disputed()
    _admin(client)
    response = _resolve(client, dispute, "overturn", note="   ")
    assert response.status_code == 200
    assert "Write the resolution" in error(response, "resolution")
    db.session.refresh(dispute)
    assert (dispute.status, dispute.submission.status) == ("open", "rejected")


def test_an_emptied_escrow_refuses_the_overturn_clearly_and_keeps_the_note(client):
    dispute = disputed()
    campaign = dispute.submission.campaign
    ledger.move("refund_scheduled", money_of(dispute)[1], source=ledger.escrow(campaign.id),
                destination=f"refunds_pending:{campaign.id}", campaign=campaign)
    _admin(client)
    response = _resolve(client, dispute, "overturn")
    assert response.status_code == 200
    assert "escrow no longer holds" in text_of(response, "#decision")
    assert value(response, "resolution") == NOTE
    db.session.refresh(dispute)
    assert (dispute.status, dispute.submission.status) == ("open", "rejected")


def test_a_second_decision_and_a_junk_decision_are_refused_in_words(client):
    dispute = disputed()
    _admin(client)
    _resolve(client, dispute, "uphold")
    second = _resolve(client, dispute, "overturn")
    assert second.status_code == 200 and "already resolved" in second.get_data(as_text=True)
    junk = _resolve(client, dispute, "maybe", follow_redirects=True)
    assert "Choose to uphold or to overturn" in _flash(junk)
    db.session.refresh(dispute)
    assert (dispute.status, dispute.submission.status) == ("upheld", "rejected")
    assert client.get("/admin/disputes/999999").status_code == 404
    assert client.post("/admin/disputes/999999/resolve", data={"decision": "uphold"}).status_code == 404


def test_only_admins_see_the_packet(client):
    dispute = disputed()
    for user in (dispute.submission.creator.user, dispute.submission.campaign.brand.user):
        login(client, user)
        assert client.get(f"/admin/disputes/{dispute.id}").status_code == 403
        assert _resolve(client, dispute, "overturn").status_code == 403
        client.post("/logout")
    assert db.session.get(Dispute, dispute.id).status == "open"
