"""The admins' list of payouts waiting for approval, with totals per currency."""
from marketplace.extensions import db
from marketplace.models import Payout, Submission

from ..factories import AdminFactory, CreatorFactory, accepted_application
from ..helpers import login


def _payout(application, status="pending_approval"):
    submission = Submission(application_id=application.id, campaign_id=application.campaign_id,
                            creator_id=application.creator_id, platform="instagram", status="live_check_passed",
                            permalink="https://www.instagram.com/p/Cabc123/")
    db.session.add(submission)
    db.session.flush()
    payout = Payout(submission_id=submission.id, campaign_id=application.campaign_id,
                    creator_id=application.creator_id, status=status, amount_minor=application.campaign.payout_minor,
                    fee_minor=application.campaign.fee_per_post_minor, currency=application.campaign.currency)
    db.session.add(payout)
    db.session.flush()
    return payout


def test_pending_payouts_are_listed_with_gross_fee_net_and_totals(client):
    first = accepted_application(payout_minor=45_000, fee_per_post_minor=6_750)
    _payout(first)
    _payout(accepted_application(campaign=first.campaign, creator=CreatorFactory(display_name="Nok Eats")))
    _payout(accepted_application(currency="THB", payout_minor=350_000, fee_per_post_minor=52_500))
    _payout(accepted_application(), status="paid")
    login(client, AdminFactory())
    page = client.get("/admin/payouts").get_data(as_text=True)
    assert "Nok Eats" in page and page.count("Open post") == 3
    assert "517.50" in page   # gross of one PLN payout: 450.00 + 67.50
    assert "900.00" in page   # two PLN payouts to creators
    assert "3,500.00" in page and "525.00" in page   # THB total and its fees
    paid = client.get("/admin/payouts?status=paid").get_data(as_text=True)
    assert paid.count("Open post") == 1


def test_an_unknown_status_filter_falls_back_to_pending(client):
    login(client, AdminFactory())
    assert client.get("/admin/payouts?status=nonsense").status_code == 200
