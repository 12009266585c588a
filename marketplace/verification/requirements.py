"""Campaign requirements: how a brand's hashtag or username is normalised, and when it is refused."""

from __future__ import annotations

import unicodedata

import regex

from .hashtags import HASHTAG_CHAR, MAX_USERNAME, extract_hashtags
from .text import N_, Gettext, key, render_message, untranslated

MAX_HASHTAG_BODY = 100

_SPACE = regex.compile(r"\s")
_EMOJI = regex.compile(r"[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3\uFE0F\U0001F3FB-\U0001F3FF]")
_NOT_HASHTAG_CHAR = regex.compile(rf"(?!{HASHTAG_CHAR}).", regex.DOTALL)
_HASHTAG_LETTER = regex.compile(r"[\p{L}\p{M}]")
_NOT_USERNAME_CHAR = regex.compile(r"[^A-Za-z0-9._]")


class InvalidRequirement(ValueError):
    """A refused hashtag or username; `text()` gives the translated explanation."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(render_message(message, params))

    def text(self, gettext: Gettext = untranslated) -> str:
        return render_message(self.message, self.params, gettext)


def _strip_sign(raw: str, signs: tuple[str, ...]) -> str:
    value = raw.strip()
    return value[1:] if value.startswith(signs) else value


def normalise_required_hashtag(raw: str) -> str:
    """Brand input to matching key: strip, drop one leading `#`/`＃`, key() (spec rule 4)."""
    return key(_strip_sign(raw, ("#", "＃")))


def normalise_required_mention(raw: str) -> str:
    """Brand input to comparable username: strip, drop one leading `@`/`＠`, casefold (rule 5)."""
    return _strip_sign(raw, ("@", "＠")).casefold()


def _refuse_if(condition: object, message: str, **params: object) -> None:
    if condition:
        raise InvalidRequirement(message, **params)


def _listed(chars: list[str]) -> str:
    """Refused characters, once each; invisible ones by code point (U+200B)."""
    return ", ".join(f"“{char}”" if char.isprintable() else f"U+{ord(char):04X}" for char in dict.fromkeys(chars))


def validate_required_hashtag(raw: str) -> str:
    """The hashtag's matching key, or InvalidRequirement saying why it could never be matched."""
    body = unicodedata.normalize("NFC", _strip_sign(raw, ("#", "＃")))
    _refuse_if(not body, N_("Enter a hashtag."))
    _refuse_if(
        _SPACE.search(body),
        N_("A hashtag cannot contain spaces: “%(value)s” would end at the first space. Join the words."),
        value=body,
    )
    _refuse_if(_EMOJI.search(body), N_("A hashtag cannot contain emoji: “%(value)s”."), value=body)
    _refuse_if(
        len(body) > MAX_HASHTAG_BODY,
        N_("A hashtag can have at most %(limit)s characters; “%(value)s” has %(count)s."),
        value=body,
        limit=MAX_HASHTAG_BODY,
        count=len(body),
    )
    invalid = _NOT_HASHTAG_CHAR.findall(body)
    _refuse_if(
        invalid,
        N_("A hashtag can contain only letters, digits and underscores; “%(value)s” contains %(chars)s."),
        value=body,
        chars=_listed(invalid),
    )
    _refuse_if(
        not _HASHTAG_LETTER.search(body),
        N_("A hashtag needs at least one letter; “%(value)s” would not become a hashtag."),
        value=body,
    )
    tags = extract_hashtags("#" + body)
    keyed = key(body)
    _refuse_if(
        len(tags) != 1 or tags[0].text != body or not keyed,
        N_("“%(value)s” would not become a hashtag on Instagram or TikTok."),
        value=body,
    )
    return keyed


def validate_required_mention(raw: str) -> str:
    """The casefolded username, or InvalidRequirement saying why it could never be matched."""
    name = _strip_sign(raw, ("@", "＠"))
    _refuse_if(not name, N_("Enter a username."))
    _refuse_if(_SPACE.search(name), N_("A username cannot contain spaces: “%(value)s”."), value=name)
    _refuse_if(_EMOJI.search(name), N_("A username cannot contain emoji: “%(value)s”."), value=name)
    _refuse_if(
        len(name) > MAX_USERNAME,
        N_("An Instagram username can have at most %(limit)s characters; “%(value)s” has %(count)s."),
        value=name,
        limit=MAX_USERNAME,
        count=len(name),
    )
    invalid = _NOT_USERNAME_CHAR.findall(name)
    _refuse_if(
        invalid,
        N_(
            "A username can contain only Latin letters, digits, periods and underscores; "
            "“%(value)s” contains %(chars)s."
        ),
        value=name,
        chars=_listed(invalid),
    )
    _refuse_if(name.isdigit(), N_("A username cannot be only digits: “%(value)s”."), value=name)
    _refuse_if(name.endswith("."), N_("A username cannot end with a period: “%(value)s”."), value=name)
    return name.casefold()
