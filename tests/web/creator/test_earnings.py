"""The creator's earnings page: payouts per currency, each with its timeline, and a CSV export."""
from __future__ import annotations

import csv
import io

from marketplace import db as tx
from marketplace.extensions import db
from marketplace.models import PayoutAccount
from marketplace.payments.funding import fund_in_sandbox
from marketplace.services import payout_approval
from marketplace.services.audit import record_event

from ...factories import AdminFactory, CampaignFactory, CreatorFactory, open_campaign
from ...helpers import login
from ...payments.test_transfers import payout_for


def _ready(creator):
    db.session.add(PayoutAccount(creator_id=creator.id, stripe_account_id=f"acct_test_{creator.id}", country="PL",
                                 status="ready"))
    db.session.flush()


def _paid_in_sandbox(creator, title="Kawa w Krakowie"):
    """A verified post on a sandbox-funded campaign, approved and settled (ledger only)."""
    campaign = CampaignFactory(status="awaiting_funding", fee_per_post_minor=7_500, slots=1, title=title)
    fund_in_sandbox(campaign, actor=campaign.brand.user)
    payout = payout_for(campaign, creator)
    record_event("submissions", payout.submission_id, "status_changed", actor=None, from_status="verifying",
                 to_status="verified")
    record_event("payouts", payout.id, "created", actor=None, to_status="pending_approval")
    payout_approval.approve([payout], actor=AdminFactory())
    tx.commit()
    return payout


def test_earnings_show_each_payout_with_its_timeline_and_totals_per_currency(client):
    creator = CreatorFactory(display_name="Kasia")
    _ready(creator)
    paid = _paid_in_sandbox(creator)
    waiting = payout_for(open_campaign(title="ตลาดนัด", currency="THB", payout_minor=150_000,
                                       fee_per_post_minor=22_500), creator)
    failed = payout_for(open_campaign(title="Rower po Łodzi"), creator, status="failed")
    failed.failure_code = "insufficient_capabilities_for_transfer"
    payout_for(open_campaign(title="Someone else's"), CreatorFactory())
    db.session.flush()
    login(client, creator.user)

    page = client.get("/creator/earnings").get_data(as_text=True)
    assert "Kawa w Krakowie" in page and "ตลาดนัด" in page and "Someone else" not in page
    assert paid.status == "paid"
    steps = ["Post verified", "Earned; waiting for Hashmark", "Approved", "Transferred to your Stripe account",
             "Paid out to your bank"]
    block = page[page.index(f'id="payout-{paid.id}"'):]
    assert [block.index(step) for step in steps] == sorted(block.index(step) for step in steps)
    assert "THB1,500.00" in page                                 # awaiting approval, in baht
    assert "Stripe needs more details from you" in page and "Go to Get paid" in page  # in plain words
    assert "Awaiting approval" in page and "Failed" in page
    assert waiting.status == "pending_approval"
    assert 'href="/creator/earnings"' in page and 'aria-current="page"' in page


def test_the_csv_lists_every_payout_with_its_dates_and_keeps_formulas_inert(client):
    creator = CreatorFactory()
    _ready(creator)
    paid = _paid_in_sandbox(creator, title="=HYPERLINK(\"http://evil\")")
    login(client, creator.user)
    response = client.get("/creator/earnings.csv")
    assert response.mimetype == "text/csv" and "hashmark-earnings.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 1
    row = rows[0]
    assert (row["status"], row["amount"], row["currency"]) == ("paid", "500.00", "PLN")
    assert row["campaign"].startswith("'=") and row["campaign_id"] == str(paid.campaign_id)
    assert row["approved_utc"] and row["transferred_utc"] and row["paid_out_utc"]


def test_a_creator_without_payouts_sees_where_earnings_will_appear(client):
    login(client, CreatorFactory().user)
    page = client.get("/creator/earnings").get_data(as_text=True)
    assert "No earnings yet" in page and "Download CSV" not in page
    assert client.get("/creator/earnings.csv").get_data(as_text=True).startswith("earned_utc,")


def test_earnings_are_for_creators_only(client):
    login(client, AdminFactory())
    assert client.get("/creator/earnings").status_code == 403
    assert client.get("/creator/earnings.csv").status_code == 403
