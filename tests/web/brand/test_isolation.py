"""Another brand's campaigns and applications do not exist, whatever the route or the status."""
import pytest
from flask import url_for
from sqlalchemy import func, select

from marketplace.extensions import db
from marketplace.models import AuditEvent, Campaign, Submission
from marketplace.services import applications

from ...factories import BrandFactory, CampaignFactory, CreatorFactory, accepted_application, open_campaign
from .conftest import campaign_form

ID_ARGUMENTS = {"campaign_id", "application_id", "submission_id"}


def _object_routes(app):
    """Every brand route that takes a campaign or application id, now and in the future."""
    return [rule for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("brand.") and rule.arguments & ID_ARGUMENTS]


@pytest.fixture
def theirs():
    """Another brand's campaigns in every status a route might treat differently, and an applicant."""
    other = BrandFactory(country="DE", default_currency="EUR")
    running = open_campaign(brand=other)
    creator = CreatorFactory()
    application = applications.apply(running, creator, pitch="Hi", actor=creator.user)
    posted = accepted_application(campaign=running)
    submission = Submission(application_id=posted.id, campaign_id=running.id, creator_id=posted.creator_id,
                            platform="instagram", status="verified", verdict="pass")
    db.session.add(submission)
    campaigns = [CampaignFactory(brand=other, status=status) for status in ("draft", "awaiting_funding", "closed")]
    db.session.commit()
    return [running, *campaigns], application, submission


def test_other_brands_objects_are_404_on_every_route(app, brand_client, theirs):
    campaigns, application, submission = theirs
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    routes = _object_routes(app)
    assert {"brand.campaign_detail", "brand.campaign_edit", "brand.campaign_submit", "brand.campaign_back_to_draft",
            "brand.campaign_fund_sandbox", "brand.campaign_close", "brand.campaign_reopen", "brand.campaign_cancel",
            "brand.application_accept", "brand.application_reject", "brand.campaign_submissions",
            "brand.submission_detail", "brand.submission_approve", "brand.submission_reject",
            "brand.submission_draft_review"} <= {rule.endpoint for rule in routes}
    for rule in routes:
        for campaign in campaigns:
            with app.test_request_context():
                url = url_for(rule.endpoint, campaign_id=campaign.id, application_id=application.id,
                              submission_id=submission.id)
            methods = [m for m in ("GET", "POST") if m in rule.methods]
            for method in methods:
                response = brand_client.open(url, method=method, data=campaign_form(reason="x", title="Hijacked"))
                assert response.status_code == 404, (method, url, campaign.status)
    assert [c.status for c in db.session.scalars(select(Campaign).where(Campaign.id.in_([c.id for c in campaigns]))
                                                 .order_by(Campaign.id))] == [c.status for c in campaigns]
    db.session.refresh(application)
    db.session.refresh(submission)
    assert (application.status, submission.status) == ("pending", "verified")
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before
    assert "Hijacked" not in {c.title for c in campaigns}


def test_other_brands_campaigns_are_not_on_the_dashboard(brand_client, theirs):
    campaigns, _application, _submission = theirs
    html = brand_client.get("/brand/").get_data(as_text=True)
    for campaign in campaigns:
        assert f"/brand/campaigns/{campaign.id}" not in html
