"""twitter-text 3.x hashtag conformance, read from the vendored YAML (tests/data/twitter-text-conformance)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from marketplace.verification import extract_hashtags

DATA = Path(__file__).resolve().parents[2] / "data" / "twitter-text-conformance"
# An anchor the autolinker makes for a hashtag: a search link for %23 (the `#`) around `#tag` or `＃tag`.
HASHTAG_ANCHOR = re.compile(r'<a href="https://twitter\.com/search\?q=%23[^"]*"[^>]*>[#＃]([^<]*)</a>')


def _tests(name: str) -> dict[str, list[dict[str, Any]]]:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))["tests"]


EXTRACT = _tests("extract.yml")
AUTOLINK = _tests("autolink.yml")
AUTOLINK_HASHTAG_CASES = [
    pytest.param(case, id=f"{section}: {case['description']}")
    for section, cases in AUTOLINK.items()
    for case in cases
    if re.search("[#＃]", case["text"]) or HASHTAG_ANCHOR.search(case["expected"])
]


def _cases(section: str) -> list[Any]:
    return [pytest.param(case, id=case["description"]) for case in EXTRACT[section]]


def test_the_vendored_suite_is_whole() -> None:
    sections = ("hashtags", "hashtags_from_astral", "hashtags_with_indices")
    sizes = {section: len(EXTRACT[section]) for section in sections}
    assert sizes == {"hashtags": 65, "hashtags_from_astral": 3, "hashtags_with_indices": 8}
    assert len(AUTOLINK_HASHTAG_CASES) == 77


@pytest.mark.parametrize("case", _cases("hashtags") + _cases("hashtags_from_astral"))
def test_extract_hashtags(case: dict[str, Any]) -> None:
    assert [tag.text for tag in extract_hashtags(case["text"])] == case["expected"]


@pytest.mark.parametrize("case", _cases("hashtags_with_indices"))
def test_extract_hashtags_with_indices(case: dict[str, Any]) -> None:
    found = [{"hashtag": tag.text, "indices": [tag.start, tag.end]} for tag in extract_hashtags(case["text"])]
    assert found == case["expected"]


@pytest.mark.parametrize("case", AUTOLINK_HASHTAG_CASES)
def test_autolink_hashtags(case: dict[str, Any]) -> None:
    assert [tag.text for tag in extract_hashtags(case["text"])] == HASHTAG_ANCHOR.findall(case["expected"])
