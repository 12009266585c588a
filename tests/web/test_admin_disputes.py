"""Admins' list of open disputes: reason, submission, latest report, how long it has waited."""
from __future__ import annotations

from datetime import timedelta

from marketplace.extensions import db
from marketplace.models import Dispute, VerificationReport, utcnow

from .brand.html import text_of
from ..factories import AdminFactory
from ..helpers import login
from ..services.test_submission_review import make_submission


def _dispute(reason: str, *, days: int, status: str = "open", **submission_fields) -> Dispute:
    submission = make_submission("rejected", verdict="cannot_verify", **submission_fields)
    dispute = Dispute(submission_id=submission.id, opened_by_id=submission.creator.user_id, reason=reason,
                      status=status, opened_at=utcnow() - timedelta(days=days))
    db.session.add(dispute)
    db.session.flush()
    return dispute


def test_admins_see_open_disputes_oldest_first_with_the_latest_report(client):
    recent = _dispute("Label was on the first line.", days=1, decision_reason="No label.")
    old = _dispute("Mój post miał #reklama.", days=3, decision_reason="Brak oznaczenia.")
    _dispute("Already decided.", days=9, status="upheld")
    newest_check = VerificationReport(submission_id=old.submission_id, kind="live_check", source="instagram_api",
                                      verdict="fail", caption="Edytowany podpis", checked_at=utcnow(), results=[])
    db.session.add(newest_check)
    db.session.flush()
    login(client, AdminFactory())

    response = client.get("/admin/disputes")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.index(f'id="dispute-{old.id}"') < html.index(f'id="dispute-{recent.id}"')
    assert "Already decided." not in html
    row = text_of(response, f"#dispute-{old.id}")
    assert "Mój post miał #reklama." in row and "Brak oznaczenia." in row and "3 days" in row
    assert old.submission.campaign.title in row and old.submission.creator.display_name in row
    assert f'href="#report-{newest_check.id}"' in html
    assert "Edytowany podpis" in text_of(response, f"#report-{newest_check.id}")
    assert "1 day" in text_of(response, f"#dispute-{recent.id}")
    assert "/admin/disputes" in client.get("/admin/").get_data(as_text=True)


def test_no_open_disputes(client):
    login(client, AdminFactory())
    assert "No open disputes" in client.get("/admin/disputes").get_data(as_text=True)


def test_only_admins_see_disputes(client):
    dispute = _dispute("Please look again.", days=0)
    for user in (dispute.submission.creator.user, dispute.submission.campaign.brand.user):
        login(client, user)
        assert client.get("/admin/disputes").status_code == 403
        client.post("/logout")
