"""What creators and brands do with a submission: drafts, the post link, review, disputes."""
from __future__ import annotations
