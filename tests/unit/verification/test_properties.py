"""Properties of the verifier that must hold for any input."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from marketplace.verification import (
    LOCALES,
    PLATFORMS,
    InvalidRequirement,
    check_caption,
    key,
    validate_required_hashtag,
)
from marketplace.verification.text import KeyedText, normalise_caption

EXAMPLES = settings(max_examples=200, deadline=None)
# Characters the rules care about, mixed into arbitrary Unicode so the interesting paths are hit.
SPECIAL = "#＃@＠&.:：|｜[]()【】「」\n \u3000\u200b\u200c\u200d\ufe0e\ufe0f\u20e3\u0301/_-reklamadpRhtps"
CAPTIONS = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(SPECIAL)), max_size=300)
HASHTAG_BODIES = st.text(
    alphabet=st.one_of(st.characters(categories=("L", "M", "Nd")), st.sampled_from("_\u200c\u200d\u00b7")),
    min_size=1,
    max_size=12,
)
# A prominent label per locale: at the start of the caption, directly followed by a colon or in brackets.
LABELS = {
    "us": "Ad:",
    "uk": "Advert:",
    "pl": "Reklama:",
    "th": "โฆษณา:",
    "ja": "【PR】",
    "es": "Publi:",
    "ar": "إعلان:",
}


def _valid(body: str) -> bool:
    try:
        validate_required_hashtag(body)
    except InvalidRequirement:
        return False
    return True


REQUIRED_TAGS = st.lists(HASHTAG_BODIES.filter(_valid), min_size=1, max_size=6, unique_by=key)


def _caption(locale: str, tags: list[str]) -> str:
    return f"{LABELS[locale]} nowa kolekcja {' '.join('#' + tag for tag in tags)}"


def test_labels_cover_every_locale() -> None:
    assert set(LABELS) == set(LOCALES)


@EXAMPLES
@given(
    caption=CAPTIONS,
    tags=st.lists(st.text(max_size=8), max_size=3),
    mentions=st.lists(st.text(max_size=8), max_size=3),
    required=st.booleans(),
    locale=st.sampled_from(LOCALES),
    platform=st.sampled_from(tuple(PLATFORMS)),
)
def test_any_caption_gets_a_consistent_report(
    caption: str, tags: list[str], mentions: list[str], required: bool, locale: str, platform: str
) -> None:
    report = check_caption(
        caption,
        required_hashtags=tags,
        required_mentions=mentions,
        disclosure_required=required,
        disclosure_locale=locale,
        platform=platform,
    )
    assert report.compliant == (report.reason_codes == [])
    assert report.caption == normalise_caption(caption)
    for reason in report.reasons:
        assert reason.text()
        if reason.span is not None:
            assert report.caption[reason.span[0] : reason.span[1]] == reason.evidence


@EXAMPLES
@given(CAPTIONS)
def test_extracted_offsets_slice_back_to_their_text(caption: str) -> None:
    report = check_caption(caption)
    for signs, entities in (("#＃", report.hashtags), ("@＠", report.mentions)):
        for entity in entities:
            assert report.caption[entity.start] in signs
            assert report.caption[entity.start + 1 : entity.end] == entity.text


@EXAMPLES
@given(CAPTIONS)
def test_keying_cluster_by_cluster_equals_keying_the_whole(caption: str) -> None:
    text = normalise_caption(caption)
    assert KeyedText.of(text).text == key(text)
    assert key(key(text)) == key(text)


@EXAMPLES
@given(
    tags=REQUIRED_TAGS,
    locale=st.sampled_from(LOCALES),
    platform=st.sampled_from(tuple(PLATFORMS)),
    sign=st.sampled_from(("", "#", "＃")),
)
def test_required_tags_with_a_prominent_label_are_compliant(
    tags: list[str], locale: str, platform: str, sign: str
) -> None:
    report = check_caption(
        _caption(locale, tags),
        required_hashtags=[sign + tag for tag in tags],
        disclosure_required=True,
        disclosure_locale=locale,
        platform=platform,
    )
    assert report.reason_codes == []


@EXAMPLES
@given(tags=REQUIRED_TAGS, locale=st.sampled_from(LOCALES), data=st.data())
def test_removing_one_required_tag_gives_exactly_its_reason(tags: list[str], locale: str, data: st.DataObject) -> None:
    removed = data.draw(st.sampled_from(tags))
    kept = [tag for tag in tags if tag != removed]
    assume(key(removed) not in map(key, kept))
    report = check_caption(
        _caption(locale, kept), required_hashtags=tags, disclosure_required=True, disclosure_locale=locale
    )
    assert report.reason_codes == [f"missing_hashtag:{key(removed)}"]
