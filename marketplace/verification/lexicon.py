"""Disclosure lexicon (spec rule 6): per-locale markers, loaded and compiled once at import."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.resources import files

import regex

from .hashtags import Entity, Extraction
from .text import KeyedText, key, line_start

_NO_SPACE_SCRIPT = regex.compile(r"[\p{scx=Thai}\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}]")
_WORD_CHAR = r"[\p{L}\p{M}\p{N}_]"
_LETTER = regex.compile(r"\p{L}")
_CLOSER_OF = dict(zip("[(【「『〔（［", "])】」』〕）］", strict=True))
_LABEL_ENDINGS = frozenset(":：|｜")


@dataclass(frozen=True)
class Lexicon:
    """One locale's entry, keyed with key(); phrase lists compiled into one pattern each."""

    locale: str
    regulator: str
    reviewed: str
    example_hashtag: str
    example_label: str
    hashtags: frozenset[str]
    insufficient_hashtags: frozenset[str]
    label_phrases: regex.Pattern[str] | None
    anywhere_phrases: regex.Pattern[str] | None
    insufficient_phrases: regex.Pattern[str] | None


@dataclass(frozen=True)
class Marker:
    """A disclosure marker as written in the caption (a hashtag with its sign); `hashtag` marks
    the hashtag form, which rule 7 also wants near the front of its run."""

    text: str
    start: int
    end: int
    sufficient: bool
    hashtag: bool


def _phrase_regex(phrase: str) -> str:
    """A keyed phrase with word boundaries at each edge not in a script written without spaces."""
    body = r"\s+".join(regex.escape(word) for word in phrase.split())
    before = "" if _NO_SPACE_SCRIPT.match(phrase[0]) else rf"(?<!{_WORD_CHAR})"
    after = "" if _NO_SPACE_SCRIPT.match(phrase[-1]) else rf"(?!{_WORD_CHAR})"
    return before + body + after


def _phrase_pattern(phrases: Iterable[str]) -> regex.Pattern[str] | None:
    keyed = sorted({key(phrase) for phrase in phrases}, key=len, reverse=True)
    return regex.compile("|".join(map(_phrase_regex, keyed))) if keyed else None


def _load() -> dict[str, Lexicon]:
    data = json.loads(files(__package__).joinpath("lexicon.json").read_text(encoding="utf-8"))
    return {
        locale: Lexicon(
            locale=locale,
            regulator=entry["regulator"],
            reviewed=entry["reviewed"],
            example_hashtag="#" + entry["hashtags"][0],
            example_label=entry["label_phrases"][0].capitalize() + ":",
            hashtags=frozenset(map(key, entry["hashtags"])),
            insufficient_hashtags=frozenset(map(key, entry["insufficient_hashtags"])),
            label_phrases=_phrase_pattern(entry["label_phrases"]),
            anywhere_phrases=_phrase_pattern(entry["anywhere_phrases"]),
            insufficient_phrases=_phrase_pattern(entry["insufficient_phrases"]),
        )
        for locale, entry in data.items()
        if not locale.startswith("_")
    }


_LEXICONS = _load()
LOCALES: tuple[str, ...] = tuple(_LEXICONS)


def get_lexicon(locale: str) -> Lexicon:
    try:
        return _LEXICONS[locale]
    except KeyError:
        raise ValueError(f"unknown disclosure locale {locale!r}; known locales: {', '.join(LOCALES)}") from None


def find_markers(caption: str, found: Extraction, lexicon: Lexicon) -> list[Marker]:
    """Every sufficient or insufficient marker of `lexicon` in the caption, by offset."""
    markers = [marker for tag in found.hashtags if (marker := _hashtag_marker(caption, tag, lexicon))]
    keyed = KeyedText.of(caption)
    taken = (*found.hashtags, *found.mentions, *found.urls)
    for pattern, sufficient, needs_label_position in (
        (lexicon.label_phrases, True, True),
        (lexicon.anywhere_phrases, True, False),
        (lexicon.insufficient_phrases, False, False),
    ):
        for phrase in _phrases(pattern, caption, keyed, taken):
            if not needs_label_position or _in_label_position(caption, phrase.start, phrase.end):
                markers.append(Marker(phrase.text, phrase.start, phrase.end, sufficient, hashtag=False))
    return sorted(markers, key=lambda marker: marker.start)


def _hashtag_marker(caption: str, tag: Entity, lexicon: Lexicon) -> Marker | None:
    tag_key = key(tag.text)
    if tag_key in lexicon.hashtags or tag_key in lexicon.insufficient_hashtags:
        sufficient = tag_key in lexicon.hashtags
        return Marker(caption[tag.start : tag.end], tag.start, tag.end, sufficient, hashtag=True)
    return None


def _phrases(
    pattern: regex.Pattern[str] | None, caption: str, keyed: KeyedText, taken: tuple[Entity, ...]
) -> list[Entity]:
    """The pattern's matches in the keyed caption, as caption spans outside hashtags, mentions, URLs."""
    if pattern is None:
        return []
    spans = (keyed.original_span(*match.span()) for match in pattern.finditer(keyed.text))
    phrases = (Entity(caption[start:end], start, end) for start, end in spans)
    return [phrase for phrase in phrases if not any(phrase.overlaps(other) for other in taken)]


def _in_label_position(caption: str, start: int, end: int) -> bool:
    """First letters of the line, alone inside brackets, or directly followed by `:` or `|`."""
    if not _LETTER.search(caption, line_start(caption, start), start):
        return True
    if caption[end : end + 1] in _LABEL_ENDINGS:
        return True
    before, after = caption[:start].rstrip(), caption[end:].lstrip()
    return bool(before and after) and _CLOSER_OF.get(before[-1]) == after[0]


def disclosure_example(locale: str) -> tuple[str, str]:
    """A label and a hashtag that satisfy `locale`'s rule, e.g. ("Reklama:", "#reklama"), for help texts."""
    lexicon = get_lexicon(locale)
    return lexicon.example_label, lexicon.example_hashtag
