"""The files route: an upload is served only to who may see it, as an inert image."""
from __future__ import annotations

from marketplace.extensions import db
from marketplace.models import Submission
from marketplace.services.uploads import IncomingFile, store_image

from ..factories import AdminFactory, ApplicationFactory, BrandFactory, CampaignFactory, CreatorFactory
from ..helpers import login, path_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x02" * 40


def _screenshot(filename="zrzut ekranu ł.png"):
    brand = BrandFactory()
    creator = CreatorFactory()
    campaign = CampaignFactory(brand=brand, status="open")
    application = ApplicationFactory(campaign=campaign, creator=creator, status="accepted")
    upload = store_image(IncomingFile(filename, PNG), owner=creator.user, field="screenshot")
    db.session.add(Submission(application_id=application.id, campaign_id=campaign.id, creator_id=creator.id,
                              platform="instagram", status="verified", self_reported=True, screenshot_id=upload.id))
    db.session.flush()
    return upload, brand, creator


def test_the_campaigns_brand_gets_the_image_inline_and_unsniffable(client):
    upload, brand, _creator = _screenshot()
    login(client, brand.user)
    response = client.get(f"/files/{upload.id}")
    assert response.status_code == 200 and response.data == PNG
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("inline")
    assert "no-store" in response.headers["Cache-Control"]


def test_the_owner_and_admins_see_it_too(client):
    upload, _brand, creator = _screenshot()
    login(client, creator.user)
    assert client.get(f"/files/{upload.id}").status_code == 200
    client.post("/logout")
    login(client, AdminFactory())
    assert client.get(f"/files/{upload.id}").status_code == 200


def test_everybody_else_gets_a_404(client):
    upload, _brand, _creator = _screenshot()
    login(client, BrandFactory().user)
    assert client.get(f"/files/{upload.id}").status_code == 404
    client.post("/logout")
    login(client, CreatorFactory().user)
    assert client.get(f"/files/{upload.id}").status_code == 404
    assert client.get("/files/987654").status_code == 404
    assert client.get("/files/99999999999").status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(client):
    upload, _brand, _creator = _screenshot()
    response = client.get(f"/files/{upload.id}")
    assert response.status_code == 302 and path_of(response.headers["Location"]) == "/login"
