"""The brand's side of a submission: draft review, the verification report, approve or reject."""
from __future__ import annotations

from . import bp  # noqa: F401
