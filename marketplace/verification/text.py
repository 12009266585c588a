"""Text normalisation shared by the verifier: caption form, matching keys, lines, sentences."""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import regex

Gettext = Callable[[str], str]

_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}+")
_GRAPHEME = regex.compile(r"\X")


def N_(message: str) -> str:
    """Mark an English sentence template for `pybabel extract -k N_`; translated at display time."""
    return message


def untranslated(message: str) -> str:
    """The default `gettext`: English as written."""
    return message


def render_message(message: str, params: Mapping[str, object], gettext: Gettext = untranslated) -> str:
    """Translate a template, then interpolate its `%(name)s` parameters."""
    return gettext(message) % dict(params)


def normalise_caption(caption: str) -> str:
    """The caption every offset refers to: NFC, without leading/trailing white space."""
    return unicodedata.normalize("NFC", caption).strip()


@lru_cache(maxsize=65536)
def key(value: str) -> str:
    """Matching key: NFKC(casefold(NFKC(x))) without Default_Ignorable code points.

    Ignorables go first so a ZWJ cannot block composition; NFKC and casefold never
    produce one (true for every code point of the bundled Unicode tables).
    """
    stripped = _IGNORABLE.sub("", value)
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", stripped).casefold())


def line_index(text: str, offset: int) -> int:
    """Number of newlines before `offset` (0 for the first line)."""
    return text.count("\n", 0, offset)


def line_start(text: str, offset: int) -> int:
    """Offset of the first character of the line holding `offset`."""
    return text.rfind("\n", 0, offset) + 1


@dataclass(frozen=True)
class KeyedText:
    """key() of a text, cluster by cluster, remembering where each cluster came from.

    Compositions (a half-width kana and its voiced mark, a letter and its accents) never cross
    a grapheme cluster, so keying cluster by cluster gives key() of the whole text while every
    match in it maps back to code-point offsets of the original.
    """

    text: str
    cluster_ends: tuple[int, ...]
    keyed_ends: tuple[int, ...]

    @classmethod
    def of(cls, original: str) -> KeyedText:
        clusters = _GRAPHEME.findall(original)
        keyed = [key(cluster) for cluster in clusters]
        return cls("".join(keyed), tuple(accumulate(map(len, clusters))), tuple(accumulate(map(len, keyed))))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a non-empty [start, end) of the keyed text to the clusters of the original it covers."""
        first = bisect_right(self.keyed_ends, start)
        last = bisect_right(self.keyed_ends, end - 1)
        return (self.cluster_ends[first - 1] if first else 0), self.cluster_ends[last]
