"""Campaign-form validators for required hashtags and usernames."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marketplace.verification import InvalidRequirement, key, validate_required_hashtag, validate_required_mention

LEXICON = json.loads(
    (Path(__file__).resolve().parents[3] / "marketplace" / "verification" / "lexicon.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        pytest.param("lato", "lato", id="plain"),
        pytest.param("  #Lato ", "lato", id="sign and spaces stripped"),
        pytest.param("＃ＲＥＫＬＡＭＡ", "reklama", id="fullwidth"),
        pytest.param("#Ło\u0301dz\u0301", "łódź", id="decomposed Polish"),
        pytest.param("ผู้เริ่ม", "ผู้เริ่ม", id="Thai with combining marks"),
        pytest.param("ｻｯｶｰ", "サッカー", id="half-width kana"),
        pytest.param("summer_2026", "summer_2026", id="digits and underscore"),
        pytest.param("2026summer", "2026summer", id="starting with digits"),
        pytest.param("مادة_إعلانية", "مادة_إعلانية", id="Arabic with underscore"),
        pytest.param("a" * 100, "a" * 100, id="100 characters"),
    ],
)
def test_valid_hashtags_are_normalised(raw: str, normalised: str) -> None:
    assert validate_required_hashtag(raw) == normalised


@pytest.mark.parametrize(
    ("raw", "explanation"),
    [
        pytest.param("", "Enter a hashtag.", id="empty"),
        pytest.param(" # ", "Enter a hashtag.", id="only the sign"),
        pytest.param(
            "summer sale", "A hashtag cannot contain spaces: “summer sale” would end at the first space.", id="space"
        ),
        pytest.param("summer\u3000sale", "cannot contain spaces", id="ideographic space"),
        pytest.param(
            "2026", "A hashtag needs at least one letter; “2026” would not become a hashtag.", id="all digits"
        ),
        pytest.param("１２３", "needs at least one letter", id="all fullwidth digits"),
        pytest.param("_", "needs at least one letter", id="only underscore"),
        pytest.param("summer☀️", "A hashtag cannot contain emoji: “summer☀️”.", id="emoji"),
        pytest.param("go🇵🇱", "cannot contain emoji", id="flag"),
        pytest.param(
            "a" * 101, "A hashtag can have at most 100 characters; “" + "a" * 101 + "” has 101.", id="101 characters"
        ),
        pytest.param(
            "summer-sale!", "only letters, digits and underscores; “summer-sale!” contains “-”, “!”.", id="punctuation"
        ),
        pytest.param("brand.com", "contains “.”", id="domain"),
        pytest.param("la\u200bto", "contains U+200B", id="zero-width space"),
        pytest.param("##lato", "contains “#”", id="second sign"),
        pytest.param("\u3164", "would not become a hashtag on Instagram or TikTok", id="invisible filler letter"),
    ],
)
def test_invalid_hashtags_are_explained(raw: str, explanation: str) -> None:
    with pytest.raises(InvalidRequirement) as refused:
        validate_required_hashtag(raw)
    assert explanation in str(refused.value)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        pytest.param("butypl", "butypl", id="plain"),
        pytest.param(" @ButyPL ", "butypl", id="sign, spaces and case"),
        pytest.param("＠Buty.PL", "buty.pl", id="fullwidth sign and period"),
        pytest.param("_brand_2026", "_brand_2026", id="underscore and digits"),
        pytest.param("a" * 30, "a" * 30, id="30 characters"),
    ],
)
def test_valid_mentions_are_normalised(raw: str, normalised: str) -> None:
    assert validate_required_mention(raw) == normalised


@pytest.mark.parametrize(
    ("raw", "explanation"),
    [
        pytest.param("", "Enter a username.", id="empty"),
        pytest.param("@", "Enter a username.", id="only the sign"),
        pytest.param("buty pl", "A username cannot contain spaces: “buty pl”.", id="space"),
        pytest.param("buty😀", "A username cannot contain emoji: “buty😀”.", id="emoji"),
        pytest.param(
            "a" * 31,
            "An Instagram username can have at most 30 characters; “" + "a" * 31 + "” has 31.",
            id="31 characters",
        ),
        pytest.param(
            "łódź",
            "only Latin letters, digits, periods and underscores; “łódź” contains “ł”, “ó”, “ź”.",
            id="non-Latin letters",
        ),
        pytest.param("buty-pl", "contains “-”", id="hyphen"),
        pytest.param("12345", "A username cannot be only digits: “12345”.", id="all digits"),
        pytest.param("buty.", "A username cannot end with a period: “buty.”.", id="trailing period"),
    ],
)
def test_invalid_mentions_are_explained(raw: str, explanation: str) -> None:
    with pytest.raises(InvalidRequirement) as refused:
        validate_required_mention(raw)
    assert explanation in str(refused.value)


def test_refusals_translate() -> None:
    with pytest.raises(InvalidRequirement) as refused:
        validate_required_hashtag("2026")
    polish = {refused.value.message: "Hasztag potrzebuje litery; „%(value)s” nie zostanie hasztagiem."}
    assert refused.value.text(polish.__getitem__) == "Hasztag potrzebuje litery; „2026” nie zostanie hasztagiem."


@pytest.mark.parametrize("locale", [name for name in LEXICON if not name.startswith("_")])
def test_every_lexicon_hashtag_is_a_valid_requirement(locale: str) -> None:
    entry = LEXICON[locale]
    for tag in entry["hashtags"] + entry["insufficient_hashtags"]:
        assert validate_required_hashtag(tag) == key(tag)
    assert entry["reviewed"] == "2026-11-23"
    assert entry["regulator"]
