"""The creator's applications: the list, and withdrawing."""
from __future__ import annotations

from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import Notification
from marketplace.money import Money
from marketplace.services import applications, ledger

from ...factories import ApplicationFactory
from ...helpers import path_of
from .conftest import listed, make_creator

LIST = "/creator/applications"


def _withdraw(client, application):
    return client.post(f"/creator/applications/{application.id}/withdraw")


def _notifications(user, kind) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id, Notification.kind == kind))


def test_lists_every_application_with_status_reason_and_withdraw_buttons(client, creator):
    pending = ApplicationFactory(creator=creator, campaign=listed(title="Coffee"), status="pending")
    accepted = ApplicationFactory(creator=creator, campaign=listed(title="Tea"), status="accepted")
    rejected = ApplicationFactory(creator=creator, campaign=listed(title="Juice"), status="rejected",
                                  decision_reason="We need TikTok creators this time.")
    ApplicationFactory(campaign=listed(title="Someone else's"))
    html = client.get(LIST).get_data(as_text=True)
    for title in ("Coffee", "Tea", "Juice"):
        assert title in html
    assert "Someone else&#39;s" not in html and "Someone else's" not in html
    assert "badge--pending" in html and "badge--accepted" in html and "badge--rejected" in html
    assert "We need TikTok creators this time." in html
    assert f"/creator/applications/{pending.id}/withdraw" in html
    assert f"/creator/applications/{accepted.id}/withdraw" in html
    assert f"/creator/applications/{rejected.id}/withdraw" not in html
    assert html.count("data-confirm=") == 2


def test_empty_list_points_to_the_marketplace(client, creator):
    html = client.get(LIST).get_data(as_text=True)
    assert "No applications yet" in html and 'href="/creator/campaigns"' in html


def test_withdraw_a_pending_application(client, creator):
    application = ApplicationFactory(creator=creator, campaign=listed(funded=True))
    response = _withdraw(client, application)
    assert response.status_code == 302 and path_of(response.headers["Location"]) == LIST
    assert application.status == "withdrawn"
    assert _notifications(application.campaign.brand.user, "application_withdrawn") == 1
    assert "You withdrew from" in client.get(LIST).get_data(as_text=True)


def test_withdrawing_an_accepted_application_releases_its_reservation(client, creator):
    campaign = listed(funded=True)
    application = ApplicationFactory(creator=creator, campaign=campaign)
    applications.accept(application, actor=campaign.brand.user)
    db.session.commit()
    reserved = ledger.reserved(campaign.id)
    assert ledger.balance(reserved, campaign.currency) == campaign.cost_per_post
    escrow_before = ledger.balance(ledger.escrow(campaign.id), campaign.currency)

    assert _withdraw(client, application).status_code == 302
    assert application.status == "withdrawn"
    assert ledger.balance(reserved, campaign.currency) == Money.zero(campaign.currency)
    assert ledger.balance(ledger.escrow(campaign.id), campaign.currency) == escrow_before + campaign.cost_per_post
    assert ledger.imbalances() == []


def test_another_creators_application_is_404(client, creator):
    other = ApplicationFactory(creator=make_creator(), campaign=listed(funded=True))
    assert _withdraw(client, other).status_code == 404
    assert other.status == "pending"
    assert client.post("/creator/applications/987654/withdraw").status_code == 404


def test_withdraw_is_post_only(client, creator):
    application = ApplicationFactory(creator=creator, campaign=listed())
    assert client.get(f"/creator/applications/{application.id}/withdraw").status_code == 405
    assert application.status == "pending"


def test_withdrawing_a_decided_application_explains_instead_of_failing(client, creator):
    application = ApplicationFactory(creator=creator, campaign=listed(funded=True), status="rejected")
    db.session.commit()
    response = _withdraw(client, application)
    assert response.status_code == 302
    assert "can no longer be withdrawn (it is rejected)" in client.get(LIST).get_data(as_text=True)
    assert application.status == "rejected"


def test_a_second_withdraw_changes_nothing_and_does_not_notify_again(client, creator):
    application = ApplicationFactory(creator=creator, campaign=listed(funded=True))
    _withdraw(client, application)
    _withdraw(client, application)
    assert application.status == "withdrawn"
    assert _notifications(application.campaign.brand.user, "application_withdrawn") == 1
    assert "can no longer be withdrawn" in client.get(LIST).get_data(as_text=True)
