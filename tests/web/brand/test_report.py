"""The brand's campaign report: charts drawn from JSON data blocks, the same figures as tables,
empty states, the brand's own campaigns only, and a fixed number of statements per page."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from marketplace.extensions import db
from marketplace.models import MetricSnapshot

from ...factories import BrandFactory, CreatorFactory, accepted_application, open_campaign
from ...helpers import login
from ...services.test_submission_review import make_submission
from ..creator.conftest import count_statements
from .html import text_of


def url(campaign) -> str:
    return f"/brand/campaigns/{campaign.id}/report"


def at(day, hour=12) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=timezone.utc)


def chart_data(html: str, name: str) -> dict:
    found = re.search(rf'<script type="application/json" id="chart-{name}-data">(.*?)</script>', html, re.S)
    assert found, f"no data block for {name}"
    return json.loads(found.group(1))


def posted(campaign, name, verified_at, reach=None, likes=None, views=None):
    application = accepted_application(campaign=campaign, creator=CreatorFactory(display_name=name))
    submission = make_submission("verified", application=application, verified_at=verified_at)
    db.session.add(MetricSnapshot(submission_id=submission.id, kind="verification", taken_at=verified_at,
                                  reach=reach, likes=likes, views=views))
    db.session.flush()
    return submission


def test_other_brands_creators_and_visitors_are_kept_out(client, brand):
    mine = open_campaign(brand=brand)
    assert client.get(url(mine)).status_code == 302  # to the login page
    login(client, BrandFactory().user)
    assert client.get(url(mine)).status_code == 404
    assert client.get("/brand/campaigns/999999/report").status_code == 404
    client.post("/logout")
    login(client, CreatorFactory().user)
    assert client.get(url(mine)).status_code == 403


def test_a_new_campaign_shows_empty_states_and_loads_no_chart_script(brand_client, brand):
    campaign = open_campaign(brand=brand, title="Cicha kampania")
    response = brand_client.get(url(campaign))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No verified posts yet" in html and "No figures yet" in html
    assert "chart-verified-data" not in html and "chart-metrics-data" not in html
    assert "chart-money-data" in html  # funded: the budget chart is there
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/charts.js" in html


def test_a_draft_has_no_charts_and_no_chart_scripts(brand_client, brand):
    from ...factories import CampaignFactory

    campaign = CampaignFactory(brand=brand, status="draft")
    html = brand_client.get(url(campaign)).get_data(as_text=True)
    assert "Not funded yet" in html and "<canvas" not in html and "chartjs" not in html


def test_the_report_charts_posts_metrics_and_money_with_tables(brand_client, brand):
    campaign = accepted_application(brand=brand, slots=4, payout_minor=45_000, fee_per_post_minor=6_750).campaign
    posted(campaign, "Ania", at(3), reach=1_500, likes=120, views=2_000)
    posted(campaign, "Ben", at(5), reach=None, likes=8, views=700)
    response = brand_client.get(url(campaign))
    html = response.get_data(as_text=True)
    assert response.status_code == 200

    verified = chart_data(html, "verified")
    assert verified["type"] == "bar" and verified["datasets"][0]["data"] == [1, 0, 1]
    assert len(verified["labels"]) == 3
    table = text_of(response, "#chart-verified")
    assert "Mar 3, 2025" in table and "Mar 4, 2025" in table and "Total" in table

    metrics = chart_data(html, "metrics")
    assert metrics["labels"] == ["Ania", "Ben"]
    assert metrics["datasets"][0]["data"] == [1500, None] and metrics["datasets"][1]["data"] == [120, 8]
    assert metrics["datasets"][1]["axis"] == "y2"
    table = text_of(response, "#chart-metrics")
    assert "1,500" in table and "2,000" in table and "—" in table  # Ben's reach was not reported

    money = chart_data(html, "money")
    assert money["format"] == "money" and money["currency"] == "PLN" and money["stacked"]
    assert [d["data"] for d in money["datasets"]] == [["0.00"], ["1552.50"], ["517.50"]]
    table = text_of(response, "#chart-money")
    assert "1,552.50" in table and "2,070.00" in table and "75%" in table

    # the figures are always in a table; the canvas has a text alternative; no inline code
    assert html.count('<details class="chart__table" open data-chart-table>') == 3
    assert 'role="img" aria-label="Posts verified per day (UTC): 2 posts verified between' in html
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script or 'type="application/json"' in script, script
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_the_tables_follow_the_brand_s_language(brand_client, brand):
    brand.user.locale = "pl"
    campaign = accepted_application(brand=brand).campaign
    posted(campaign, "Ania", at(3), reach=12_345, likes=67)
    response = brand_client.get(url(campaign))
    table = text_of(response, "#chart-metrics")
    assert re.search(r"12\s345", table)  # Polish groups thousands with a (narrow) space
    assert "3 mar 2025" in text_of(response, "#chart-verified")
    html = response.get_data(as_text=True)
    assert "Raport kampanii" in html and "1 post zweryfikowany między" in html


def test_the_campaign_page_links_to_the_report(brand_client, brand):
    campaign = open_campaign(brand=brand)
    assert url(campaign) in brand_client.get(f"/brand/campaigns/{campaign.id}").get_data(as_text=True)


def test_the_page_costs_the_same_statements_whatever_the_rows(brand_client, brand):
    campaign = accepted_application(brand=brand, slots=12).campaign
    posted(campaign, "First", at(3), reach=10, likes=1)
    brand_client.get(url(campaign))  # warm-up: first-request work is not per page
    db.session.expunge_all()
    with count_statements() as few:
        assert brand_client.get(url(campaign)).status_code == 200
    for n in range(10):
        posted(campaign, f"Creator {n}", at(4 + n), reach=100 * n, likes=n)
    db.session.expunge_all()
    with count_statements() as many:
        assert brand_client.get(url(campaign)).status_code == 200
    assert len(many) == len(few), "\n".join(many)
    # the user, the brand, the campaign, the three report queries, the notifications badge
    assert len(many) <= 8, "\n".join(many)
