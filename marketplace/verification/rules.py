"""check_caption: the compliance rules of spec/verifier.md, rule by rule, as a pure function."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .hashtags import Entity, Extraction, extract
from .lexicon import Lexicon, Marker, find_markers, get_lexicon
from .requirements import normalise_required_hashtag, normalise_required_mention
from .text import N_, Gettext, key, line_index, normalise_caption, render_message, untranslated


@dataclass(frozen=True)
class Fold:
    """What a platform shows above its "more" button (rule 7, a policy choice)."""

    name: str
    max_offset: int
    max_lines: int


PLATFORMS: dict[str, Fold] = {
    "instagram": Fold("Instagram", max_offset=125, max_lines=3),
    "tiktok": Fold("TikTok", max_offset=100, max_lines=2),
}
PROMINENT_RUN_ITEMS = 2
INSTAGRAM_HASHTAG_LIMIT = 5

MISSING_HASHTAG = N_("The caption does not contain the required hashtag #%(tag)s.")
MISSING_MENTION = N_("The caption does not mention the required account @%(username)s.")
MISSING_DISCLOSURE = N_(
    "The caption has no advertising label. Start it with a label such as “%(example_label)s” or %(example_hashtag)s."
)
INSUFFICIENT_LABEL = N_(
    "“%(label)s” is not a clear advertising label. Start the caption with one such as “%(example_label)s” "
    "or %(example_hashtag)s."
)
BELOW_FOLD = N_(
    "The advertising label “%(label)s” comes after %(offset)s characters, on line %(line)s; %(platform)s "
    "shows only the first %(max_offset)s characters and %(max_lines)s lines before “more”."
)
BURIED = N_(
    "The advertising label “%(label)s” is item %(position)s of a row of hashtags and mentions; "
    "make it the first or second item, or start the caption with “%(example_label)s”."
)
EXCEEDS_HASHTAG_LIMIT = N_(
    "The caption has %(count)s hashtags; Instagram accepts at most %(limit)s, so check the post kept them all."
)
VERIFY_TOGGLE = N_(
    "TikTok does not share its commercial content setting through its API; check in the app that it is on."
)


@dataclass(frozen=True)
class Reason:
    """One finding: a machine code, an English template with its parameters, and the evidence.

    `span` is a [start, end) code-point range of the normalised caption, or None when the
    evidence is something missing.
    """

    code: str
    message: str
    params: Mapping[str, str | int] = field(default_factory=dict)
    span: tuple[int, int] | None = None
    evidence: str = ""

    def text(self, gettext: Gettext = untranslated) -> str:
        return render_message(self.message, self.params, gettext)


@dataclass(frozen=True)
class CaptionReport:
    """The verdict on one caption: reasons in rule 8's order, warnings, and what was extracted."""

    caption: str
    platform: str
    disclosure_locale: str | None
    reasons: tuple[Reason, ...]
    warning_details: tuple[Reason, ...]
    hashtags: tuple[Entity, ...]
    mentions: tuple[Entity, ...]

    @property
    def compliant(self) -> bool:
        return not self.reasons

    @property
    def reason_codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]

    @property
    def warnings(self) -> list[str]:
        return [warning.code for warning in self.warning_details]

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready snapshot (English templates kept, so it can be re-translated later)."""

        def finding(reason: Reason) -> dict[str, object]:
            return {
                "code": reason.code,
                "message": reason.message,
                "params": dict(reason.params),
                "span": list(reason.span) if reason.span else None,
                "evidence": reason.evidence,
            }

        def entity(found: Entity) -> dict[str, object]:
            return {"text": found.text, "start": found.start, "end": found.end}

        return {
            "caption": self.caption,
            "platform": self.platform,
            "disclosure_locale": self.disclosure_locale,
            "compliant": self.compliant,
            "reasons": [finding(reason) for reason in self.reasons],
            "warnings": [finding(warning) for warning in self.warning_details],
            "hashtags": [entity(tag) for tag in self.hashtags],
            "mentions": [entity(mention) for mention in self.mentions],
        }


def check_caption(
    caption: str,
    *,
    required_hashtags: Iterable[str] = (),
    required_mentions: Iterable[str] = (),
    disclosure_required: bool = False,
    disclosure_locale: str = "us",
    platform: str = "instagram",
) -> CaptionReport:
    """Check one caption against a campaign's requirements (spec/verifier.md).

    Raises ValueError for an unknown platform or locale, never because of the caption.
    """
    fold = _fold(platform)
    lexicon = get_lexicon(disclosure_locale)
    text = normalise_caption(caption)
    found = extract(text)
    reasons = [*_missing_hashtags(found, required_hashtags), *_missing_mentions(found, required_mentions)]
    if disclosure_required:
        disclosure = _disclosure_reason(text, found, lexicon, fold)
        reasons.extend([disclosure] if disclosure else [])
    return CaptionReport(
        caption=text,
        platform=platform,
        disclosure_locale=disclosure_locale if disclosure_required else None,
        reasons=tuple(reasons),
        warning_details=tuple(_warnings(found, platform, disclosure_required)),
        hashtags=found.hashtags,
        mentions=found.mentions,
    )


def _fold(platform: str) -> Fold:
    try:
        return PLATFORMS[platform]
    except KeyError:
        raise ValueError(f"unknown platform {platform!r}; known platforms: {', '.join(PLATFORMS)}") from None


def _missing_hashtags(found: Extraction, required: Iterable[str]) -> list[Reason]:
    present = {key(tag.text) for tag in found.hashtags}
    wanted = dict.fromkeys(map(normalise_required_hashtag, required))
    return [
        Reason(f"missing_hashtag:{tag}", MISSING_HASHTAG, {"tag": tag}, evidence=f"#{tag}")
        for tag in wanted
        if tag not in present
    ]


def _missing_mentions(found: Extraction, required: Iterable[str]) -> list[Reason]:
    present = {mention.text.casefold() for mention in found.mentions}
    wanted = dict.fromkeys(map(normalise_required_mention, required))
    return [
        Reason(f"missing_mention:{name}", MISSING_MENTION, {"username": name}, evidence=f"@{name}")
        for name in wanted
        if name not in present
    ]


def _disclosure_reason(text: str, found: Extraction, lexicon: Lexicon, fold: Fold) -> Reason | None:
    """At most one reason: none found, only insufficient ones, or the earliest is not prominent."""
    markers = find_markers(text, found, lexicon)
    sufficient = [marker for marker in markers if marker.sufficient]
    examples = {"example_label": lexicon.example_label, "example_hashtag": lexicon.example_hashtag}
    if not markers:
        return Reason("missing_disclosure", MISSING_DISCLOSURE, examples, evidence=lexicon.example_hashtag)
    if not sufficient:
        return _about(markers[0], "insufficient_disclosure_label", INSUFFICIENT_LABEL, **examples)
    positions = _run_positions(text, found)
    if any(_above_fold(text, marker, fold) and _in_front_of_run(marker, positions) for marker in sufficient):
        return None
    earliest = sufficient[0]
    if not _above_fold(text, earliest, fold):
        return _about(
            earliest,
            "disclosure_below_fold",
            BELOW_FOLD,
            offset=earliest.start,
            line=line_index(text, earliest.start) + 1,
            platform=fold.name,
            max_offset=fold.max_offset,
            max_lines=fold.max_lines,
        )
    return _about(
        earliest,
        "disclosure_buried_in_hashtags",
        BURIED,
        position=positions[earliest.start],
        example_label=lexicon.example_label,
    )


def _about(marker: Marker, code: str, message: str, **params: str | int) -> Reason:
    return Reason(code, message, {"label": marker.text, **params}, (marker.start, marker.end), marker.text)


def _above_fold(text: str, marker: Marker, fold: Fold) -> bool:
    return marker.start < fold.max_offset and line_index(text, marker.start) < fold.max_lines


def _in_front_of_run(marker: Marker, positions: dict[int, int]) -> bool:
    return not marker.hashtag or positions[marker.start] <= PROMINENT_RUN_ITEMS


def _run_positions(text: str, found: Extraction) -> dict[int, int]:
    """1-based place of each hashtag or mention in its run, keyed by start offset.

    A run is hashtags and mentions separated only by white space.
    """
    positions: dict[int, int] = {}
    previous: Entity | None = None
    for item in sorted((*found.hashtags, *found.mentions), key=lambda entity: entity.start):
        if previous is not None and not text[previous.end : item.start].strip():
            positions[item.start] = positions[previous.start] + 1
        else:
            positions[item.start] = 1
        previous = item
    return positions


def _warnings(found: Extraction, platform: str, disclosure_required: bool) -> list[Reason]:
    warnings = []
    if platform == "instagram" and len(found.hashtags) > INSTAGRAM_HASHTAG_LIMIT:
        params = {"count": len(found.hashtags), "limit": INSTAGRAM_HASHTAG_LIMIT}
        warnings.append(Reason("exceeds_platform_hashtag_limit", EXCEEDS_HASHTAG_LIMIT, params))
    if platform == "tiktok" and disclosure_required:
        warnings.append(Reason("verify_platform_disclosure_toggle", VERIFY_TOGGLE))
    return warnings
