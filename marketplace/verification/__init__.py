"""Caption verification: the pure compliance rules of spec/verifier.md.

Everything outside this package imports from here only.
"""

from .command import check_caption_command
from .hashtags import Entity, extract_hashtags, extract_mentions, extract_urls
from .lexicon import LOCALES, disclosure_example
from .report_text import render_report
from .requirements import InvalidRequirement, validate_required_hashtag, validate_required_mention
from .rules import PLATFORMS, CaptionReport, Reason, check_caption
from .text import key

__all__ = [
    "LOCALES",
    "PLATFORMS",
    "CaptionReport",
    "Entity",
    "InvalidRequirement",
    "Reason",
    "check_caption",
    "check_caption_command",
    "disclosure_example",
    "extract_hashtags",
    "extract_mentions",
    "extract_urls",
    "key",
    "render_report",
    "validate_required_hashtag",
    "validate_required_mention",
]
