"""Hashtag, mention and URL extraction with code-point offsets (twitter-text 3.x semantics).

Offsets are Python `str` indices, i.e. code points, as in twitter-text's conformance suite.
Extraction works on the text it is given; `check_caption` hands it the normalised caption.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex


@dataclass(frozen=True)
class Entity:
    """An extracted item and its span [start, end), sign included.

    `text` is a hashtag's body without `#`/`＃`, a username without `@`/`＠`, or a whole URL.
    """

    text: str
    start: int
    end: int

    def overlaps(self, other: Entity) -> bool:
        return self.start < other.end and other.start < self.end


# --- hashtags ---------------------------------------------------------------------------------

_HASHTAG_SET = (
    r"\p{L}\p{M}\p{Nd}_\u200c\u200d\ua67e\u05be\u05f3\u05f4"
    r"\uff5e\u301c\u309b\u309c\u30a0\u30fb\u3003\u0f0b\u0f0c\u00b7"
)
HASHTAG_CHAR = f"[{_HASHTAG_SET}]"

# A sign may follow the start, U+FE0E/U+FE0F (marks, hence the set difference), or any
# character that is neither `&` nor a hashtag character; it may not be an emoji-style sign.
_HASHTAG = regex.compile(
    rf"(?<![[&{_HASHTAG_SET}]--[\uFE0E\uFE0F]])[#＃](?![\uFE0F\u20E3])({HASHTAG_CHAR}+)", regex.VERSION1
)
_HASHTAG_ALPHA = regex.compile(r"[\p{L}\p{M}]")
_HASHTAG_REJECTED_AFTER = ("#", "＃", "://")


def _hashtag_candidates(text: str) -> list[Entity]:
    return [
        Entity(match.group(1), match.start(), match.end())
        for match in _HASHTAG.finditer(text)
        if _HASHTAG_ALPHA.search(match.group(1)) and not text.startswith(_HASHTAG_REJECTED_AFTER, match.end())
    ]


# --- mentions ---------------------------------------------------------------------------------

MAX_USERNAME = 30
# The run is taken whole: a run longer than any username is no mention rather than a
# truncated one (a 31-character run would otherwise "mention" its first 30 characters).
_MENTION = regex.compile(r"(?<![\p{L}\p{M}\p{Nd}_.@＠])[@＠]([A-Za-z0-9._]+)")


def _mention_candidates(text: str) -> list[Entity]:
    """Trailing dots are dropped; the preceding-character rule keeps e-mail addresses out."""
    candidates = []
    for match in _MENTION.finditer(text):
        username = match.group(1).rstrip(".")
        if 1 <= len(username) <= MAX_USERNAME:
            candidates.append(Entity(username, match.start(), match.start(1) + len(username)))
    return candidates


# --- URLs -------------------------------------------------------------------------------------

# Without a protocol, twitter-text accepts only known top-level domains: here every country code
# (from the Public Suffix List) and a curated set of the generic ones captions carry.
_COUNTRY_TLDS = """ac ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br
bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg
er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht
hu id ie il im in io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt
lu lv ly ma mc md me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np
nr nu nz om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sj sk
sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz
va vc ve vg vi vn vu wf ws ye yt za zm zw"""
_GENERIC_TLDS = """com org net edu gov mil int info biz name pro aero asia cat coop jobs mobi museum tel
travel app art beauty blog boutique cafe club design dev eco email fashion fit fun game games global
health link live love market media news online page photo photography pizza shop shopping site space
store studio style tech today top video vip website world xyz"""
_TLD = "|".join(sorted((_COUNTRY_TLDS + " " + _GENERIC_TLDS).split(), key=len, reverse=True))

_LATIN = r"A-Za-z0-9\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u0300-\u036F\u1E00-\u1EFF"
# Labels are matched possessively and may not end in `-` or `_` (no backtracking inside words).
_BARE_LABEL = rf"[{_LATIN}][{_LATIN}_-]*+(?<![-_])"
_UNICODE_LABEL = r"[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}_-]*+(?<![-_])"
# Path and query characters as in twitter-text: Latin and Cyrillic letters, digits, URL punctuation.
_TAIL_CHARS = rf"[{_LATIN}\u0400-\u04FF\u0500-\u0527!*';:=+,.$/%#\[\]\-\u2013_~|&@()?]"
_URL = regex.compile(
    rf"""
    (?<![A-Za-z0-9@＠$#＃\u202A-\u202E])
    (?:
        (?i:https?://)(?:{_UNICODE_LABEL}\.)+(?:(?i:xn--[a-z0-9-]+)|\p{{L}}{{2,63}})
      | (?<![{_LATIN}\-_./])(?:{_BARE_LABEL}\.)+(?i:{_TLD}|xn--[a-z0-9-]+)
    )
    (?![A-Za-z0-9@+-])
    (?::[0-9]+)?
    (?P<tail>[/?]{_TAIL_CHARS}*+)?
    """,
    regex.VERSION1 | regex.VERBOSE,
)
_URL_TAIL_END = regex.compile(rf"[{_LATIN}\u0400-\u04FF\u0500-\u0527+\-=_#/&]")


def extract_urls(text: str) -> list[Entity]:
    """URLs in order of appearance, with or without `http(s)://`, trailing punctuation excluded."""
    urls = []
    for match in _URL.finditer(text):
        raw_tail = match.group("tail") or ""
        end = match.end() - len(raw_tail) + len(_trim_tail(raw_tail))
        urls.append(Entity(text[match.start() : end], match.start(), end))
    return urls


def _trim_tail(tail: str) -> str:
    """Drop trailing punctuation and unbalanced closing parentheses from a path or query."""
    while tail and not (_URL_TAIL_END.match(tail[-1]) or (tail[-1] == ")" and tail.count("(") >= tail.count(")"))):
        tail = tail[:-1]
    return tail


# --- all together -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Extraction:
    hashtags: tuple[Entity, ...]
    mentions: tuple[Entity, ...]
    urls: tuple[Entity, ...]


def extract(text: str) -> Extraction:
    """Hashtags, mentions and URLs of `text`; a hashtag or mention overlapping a URL is dropped."""
    urls = extract_urls(text)
    return Extraction(_outside(_hashtag_candidates(text), urls), _outside(_mention_candidates(text), urls), tuple(urls))


def extract_hashtags(text: str) -> list[Entity]:
    """Hashtags in order of appearance; `text` is the body without `#`/`＃`."""
    return list(extract(text).hashtags)


def extract_mentions(text: str) -> list[Entity]:
    """Mentions in order of appearance; `text` is the username without `@`/`＠`."""
    return list(extract(text).mentions)


def _outside(entities: list[Entity], urls: list[Entity]) -> tuple[Entity, ...]:
    return tuple(entity for entity in entities if not any(entity.overlaps(url) for url in urls))
