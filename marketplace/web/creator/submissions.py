"""The creator's side of a submission: drafts, the post link, reports, disputes."""
from __future__ import annotations

from . import bp  # noqa: F401
