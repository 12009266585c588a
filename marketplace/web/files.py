"""Uploaded images, served only to who may see them (everyone else gets a 404)."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, send_file
from flask_login import current_user

from ..extensions import login_manager
from ..services.uploads import visible_upload

bp = Blueprint("files", __name__)


@bp.route("/files/<int:upload_id>")
def show(upload_id: int):
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    upload = visible_upload(upload_id, current_user)
    if upload is None:
        abort(404)
    response = send_file(BytesIO(upload.data), mimetype=upload.content_type, as_attachment=False,
                         download_name=upload.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
