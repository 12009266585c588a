"""The admins' overview in charts: payout volume per currency, verification pass rate, tables,
empty states, admins only, a fixed number of statements per page."""
from __future__ import annotations

import json
import re
from datetime import timedelta

from decimal import Decimal

import pytest

from marketplace.extensions import db
from marketplace.models import Payout, VerificationReport, utcnow

from ..factories import AdminFactory, BrandFactory, CreatorFactory, accepted_application
from ..helpers import login
from ..services.test_submission_review import make_submission
from .brand.html import text_of
from .creator.conftest import count_statements

URL = "/admin/overview"


def chart_data(html: str, name: str) -> dict:
    found = re.search(rf'<script type="application/json" id="chart-{name}-data">(.*?)</script>', html, re.S)
    assert found, f"no data block for {name}"
    return json.loads(found.group(1))


def paid(application, amount_minor, days_ago=0, status="paid"):
    submission = make_submission("live_check_passed", application=application)
    db.session.add(Payout(submission_id=submission.id, campaign_id=application.campaign_id,
                          creator_id=application.creator_id, status=status, amount_minor=amount_minor, fee_minor=100,
                          currency=application.campaign.currency, transferred_at=utcnow() - timedelta(days=days_ago)))
    db.session.flush()


def test_only_admins_see_the_overview(client):
    assert client.get(URL).status_code == 302
    login(client, BrandFactory().user)
    assert client.get(URL).status_code == 403
    client.post("/logout")
    login(client, CreatorFactory().user)
    assert client.get(URL).status_code == 403


def test_an_empty_platform_shows_empty_states_without_chart_scripts(client):
    login(client, AdminFactory())
    response = client.get(URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No payouts paid yet" in html and "No verifications yet" in html
    assert "<canvas" not in html and "chartjs" not in html


def test_the_dashboard_links_to_the_overview(client):
    login(client, AdminFactory())
    assert f'href="{URL}"' in client.get("/admin/").get_data(as_text=True)


def test_payout_volume_and_pass_rate_are_charted_with_tables(client):
    pln = accepted_application(slots=4).campaign
    paid(accepted_application(campaign=pln), 45_000)
    paid(accepted_application(campaign=pln), 5_000)
    paid(accepted_application(campaign=pln), 99_000, status="approved")  # not paid: not counted
    paid(accepted_application(currency="THB", payout_minor=350_000, fee_per_post_minor=52_500), 350_000,
         days_ago=14)
    # make_submission above stored four passing verification reports "now"; add a failing one
    db.session.add(VerificationReport(submission_id=make_submission("failed", verdict="fail").id,
                                      kind="verification", source="instagram_api", verdict="fail", results=[]))
    db.session.flush()
    login(client, AdminFactory())
    response = client.get(URL)
    html = response.get_data(as_text=True)
    assert response.status_code == 200

    pln_chart = chart_data(html, "volume-pln")
    assert pln_chart["format"] == "money" and pln_chart["currency"] == "PLN"
    assert len(pln_chart["labels"]) == 12 and pln_chart["datasets"][0]["data"][-1] == "500.00"
    assert sum(map(Decimal, pln_chart["datasets"][0]["data"])) == Decimal("500.00")
    assert "500.00" in text_of(response, "#chart-volume-pln")
    thb_chart = chart_data(html, "volume-thb")
    assert sum(map(Decimal, thb_chart["datasets"][0]["data"])) == Decimal("3500.00")
    assert "3,500.00" in text_of(response, "#chart-volume-thb")

    rate = chart_data(html, "rate")
    assert rate["type"] == "line" and rate["format"] == "percent"
    # this week: each make_submission stored a verification report: four passes (the paid posts) and one
    # fail (the failed post), plus the fail added above
    assert rate["datasets"][0]["data"][-1] == pytest.approx(4 / 6)
    assert rate["datasets"][0]["data"][0] is None  # a week without verifications: a gap, not 0%
    reports = text_of(response, "#chart-rate")
    assert "67%" in reports and "Total" in reports
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/charts.js" in html
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script


def test_the_page_costs_the_same_statements_whatever_the_rows(client):
    login(client, AdminFactory())
    campaign = accepted_application(slots=10).campaign
    paid(accepted_application(campaign=campaign), 1_000)
    client.get(URL)  # warm-up
    db.session.expunge_all()
    with count_statements() as few:
        assert client.get(URL).status_code == 200
    for n in range(8):
        paid(accepted_application(campaign=campaign), 1_000 + n, days_ago=n * 7)
    db.session.expunge_all()
    with count_statements() as many:
        assert client.get(URL).status_code == 200
    assert len(many) == len(few), "\n".join(many)
    # the user, the two report queries, the notifications badge (and the sandbox clock's setting)
    assert len(many) <= 5, "\n".join(many)
