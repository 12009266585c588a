"""Uploaded images: what is accepted, how it is kept, and who may see it."""
from __future__ import annotations

import hashlib

import pytest

from marketplace.errors import NotAllowed
from marketplace.extensions import db
from marketplace.models import DraftRound, Submission
from marketplace.services.uploads import IncomingFile, sniff_image, store_image, visible_upload

from ..factories import AdminFactory, ApplicationFactory, BrandFactory, CampaignFactory, CreatorFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32


@pytest.mark.parametrize("data, content_type", [
    (PNG, "image/png"),
    (b"\xff\xd8\xff\xdb" + b"\x00" * 8, "image/jpeg"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", None),
    (b"GIF89a\x01\x00", None),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
    (b"\x89PN", None),
    (b"", None),
])
def test_images_are_recognised_by_their_first_bytes(data, content_type):
    assert sniff_image(data) == content_type


def test_an_image_is_stored_with_its_checked_type_hash_and_a_safe_name():
    owner = CreatorFactory().user
    upload = store_image(IncomingFile("C:\\Users\\kasia\\Desktop\\po\x07st.png.exe", PNG), owner=owner, field="f")
    db.session.expire(upload)
    assert (upload.owner_id, upload.content_type, upload.size) == (owner.id, "image/png", len(PNG))
    assert upload.filename == "post.png.exe" and upload.data == PNG
    assert upload.sha256 == hashlib.sha256(PNG).hexdigest()


def test_missing_and_oversized_files_are_refused_on_their_field():
    owner = CreatorFactory().user
    assert store_image(None, owner=owner, field="media", required=False) is None
    assert store_image(IncomingFile("", b""), owner=owner, field="media", required=False) is None
    with pytest.raises(NotAllowed) as refused:
        store_image(None, owner=owner, field="screenshot")
    assert refused.value.field == "screenshot"
    at_limit = PNG + b"\x00" * (5 * 1024 * 1024 - len(PNG))
    assert store_image(IncomingFile("big.png", at_limit), owner=owner, field="f").size == 5 * 1024 * 1024
    with pytest.raises(NotAllowed, match="larger than 5 MB"):
        store_image(IncomingFile("bigger.png", at_limit + b"\x00"), owner=owner, field="f")


def _screenshot_of_a_submission(brand):
    creator = CreatorFactory()
    campaign = CampaignFactory(brand=brand, status="open")
    upload = store_image(IncomingFile("post.png", PNG), owner=creator.user, field="screenshot")
    application = ApplicationFactory(campaign=campaign, creator=creator, status="accepted")
    submission = Submission(application_id=application.id, campaign_id=campaign.id, creator_id=creator.id,
                            platform="instagram", status="verified", self_reported=True, screenshot_id=upload.id)
    db.session.add(submission)
    db.session.flush()
    return upload, submission, creator


def test_an_upload_is_visible_to_its_owner_the_campaigns_brand_and_admins_only():
    brand = BrandFactory()
    upload, _submission, creator = _screenshot_of_a_submission(brand)
    assert visible_upload(upload.id, creator.user) == upload
    assert visible_upload(upload.id, brand.user) == upload
    assert visible_upload(upload.id, AdminFactory()) == upload
    assert visible_upload(upload.id, BrandFactory().user) is None
    assert visible_upload(upload.id, CreatorFactory().user) is None
    assert visible_upload(987654, creator.user) is None


def test_draft_media_is_visible_to_the_campaigns_brand():
    brand = BrandFactory()
    _screenshot, submission, creator = _screenshot_of_a_submission(brand)
    media = store_image(IncomingFile("mug.png", PNG), owner=creator.user, field="media")
    assert visible_upload(media.id, brand.user) is None  # not attached to anything yet
    db.session.add(DraftRound(submission_id=submission.id, number=1, caption="Kawa", media_id=media.id))
    db.session.flush()
    assert visible_upload(media.id, brand.user) == media
    assert visible_upload(media.id, BrandFactory().user) is None
