"""Uploaded images (draft media, screenshots of self-reported posts), kept in the database.

The type is read from the file's first bytes, never from its name or the browser's claim, so a
page or script renamed `.png` is refused and what is served back is always a plain image.
"""
from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from ..errors import NotAllowed
from ..extensions import db
from ..models import Campaign, DraftRound, Role, Submission, Upload, User

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_FILENAME = 200
IMAGE_ACCEPT = "image/png,image/jpeg,image/webp"


@dataclass(frozen=True)
class IncomingFile:
    """A file as the browser sent it: its name and at most MAX_IMAGE_BYTES + 1 of its bytes."""

    filename: str
    data: bytes


def sniff_image(data: bytes) -> str | None:
    """The content type of a PNG, JPEG or WebP image, from its signature; None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _safe_filename(name: str) -> str:
    """The last path segment, without control characters, cut to the column's length."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return cleaned[:MAX_FILENAME] or "image"


def check_image(incoming: IncomingFile | None, *, field: str, required: bool = True) -> str | None:
    """The image's content type; None when no file was sent and none is required. NotAllowed on
    `field` for a missing, oversized or non-image file."""
    if incoming is None or not incoming.data:
        if required:
            raise NotAllowed(field, _l("Choose an image file (PNG, JPEG or WebP)."))
        return None
    if len(incoming.data) > MAX_IMAGE_BYTES:
        raise NotAllowed(field, _l("The image is larger than %(limit)s MB. Send a smaller screenshot or photo.",
                                   limit=MAX_IMAGE_BYTES // (1024 * 1024)))
    content_type = sniff_image(incoming.data)
    if content_type is None:
        raise NotAllowed(field, _l("“%(name)s” is not a PNG, JPEG or WebP image. Take a screenshot and upload that "
                                   "file.", name=_safe_filename(incoming.filename)))
    return content_type


def store_image(incoming: IncomingFile | None, *, owner: User, field: str, required: bool = True) -> Upload | None:
    """Keep a checked image (see `check_image`); None when an optional one was not sent."""
    content_type = check_image(incoming, field=field, required=required)
    if incoming is None or content_type is None:
        return None
    upload = Upload(owner_id=owner.id, filename=_safe_filename(incoming.filename), content_type=content_type,
                    size=len(incoming.data), sha256=hashlib.sha256(incoming.data).hexdigest(), data=incoming.data)
    db.session.add(upload)
    db.session.flush()
    return upload


def visible_upload(upload_id: int, viewer: User) -> Upload | None:
    """The upload if `viewer` may see it: its owner, an admin, or the brand of the campaign whose
    submission (screenshot or draft media) it belongs to. None otherwise, as if it did not exist."""
    upload = db.session.get(Upload, upload_id)
    if upload is None:
        return None
    if upload.owner_id == viewer.id or viewer.role == Role.ADMIN:
        return upload
    if viewer.role == Role.BRAND and viewer.brand is not None and _brand_sees(upload, viewer.brand.id):
        return upload
    return None


def _brand_sees(upload: Upload, brand_id: int) -> bool:
    as_screenshot = (select(Submission.id).join(Campaign, Campaign.id == Submission.campaign_id)
                     .where(Submission.screenshot_id == upload.id, Campaign.brand_id == brand_id))
    as_media = (select(DraftRound.id).join(Submission, Submission.id == DraftRound.submission_id)
                .join(Campaign, Campaign.id == Submission.campaign_id)
                .where(DraftRound.media_id == upload.id, Campaign.brand_id == brand_id))
    return bool(db.session.scalar(select(exists(as_screenshot) | exists(as_media))))
