"""The rule-by-rule results of one look at a post, as stored in `VerificationReport.results`.

Pure functions: no database, no network. Each entry is
    {"rule", "status" (pass/fail/cannot_verify/warning), "message" (an English `N_` template),
     "params", "evidence" (str or None), "span" ([start, end) of the caption, or None)}
in this order: ownership, posting_window, still_live (live checks only), one entry per required
hashtag, per required mention, the disclosure rule, then check_caption's warnings.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from ..models import Campaign, Verdict
from ..verification import PLATFORMS, CaptionReport, Entity, Reason, check_caption, key
from ..verification.lexicon import Marker, find_markers, get_lexicon
from ..verification.hashtags import extract
from ..verification.requirements import normalise_required_hashtag, normalise_required_mention
from ..verification.sources import SourceError
from ..verification.sources.errors import LABELS
from ..verification.text import N_, line_index, render_message

Entry = dict[str, Any]
PASS, FAIL, CANNOT_VERIFY, WARNING = "pass", "fail", "cannot_verify", "warning"

OWNED = N_("The post was published by the linked %(platform)s account @%(username)s.")
NOT_OWNED = N_("The post was not published by the linked %(platform)s account @%(username)s, so it "
               "cannot count for this campaign.")
ALREADY_SUBMITTED = N_("This post was already submitted for “%(campaign)s”, and one post counts for one "
                       "campaign only. Publish a new post for this campaign and submit its link.")
IN_WINDOW = N_("The post was published %(published)s, inside the campaign's posting dates (read in the "
               "creator's favour: the dates count in every time zone).")
TOO_EARLY = N_("The post was published %(published)s, before the campaign's posting dates began, even in "
               "the earliest time zone (%(starts)s). Publish a new post within the dates and submit its link.")
TOO_LATE = N_("The post was published %(published)s, after the campaign's posting dates ended, even in "
              "the latest time zone (%(ends)s).")
STILL_LIVE = N_("The post is still online on %(platform)s.")
GONE = N_("%(platform)s no longer shows the post: it was deleted, archived or made private. "
          "Make it public again.")
HASHTAG_FOUND = N_("The caption contains the required hashtag #%(tag)s.")
MENTION_FOUND = N_("The caption mentions the required account @%(username)s.")
DISCLOSURE_FOUND = N_("The caption is labelled as advertising: “%(label)s”, line %(line)s.")
AT_CUT = N_("%(platform)s shares only the first %(shown)s characters of the caption and they end with "
            "%(item)s, which may go on beyond the cut as a different hashtag or name; a person must "
            "check the post.")
BEYOND_CUT = N_("%(platform)s shares only the first %(shown)s characters of the caption and "
                "%(item)s is not among them; it may come later, so a person must check the post.")
LABEL_BEYOND_CUT = N_("%(platform)s shares only the first %(shown)s characters of the caption and "
                      "they hold no clear advertising label; a person must check the post.")
# The posting dates are stored as UTC day bounds; a day begins 14 hours earlier (UTC+14) and ends
# 12 hours later (UTC-12) somewhere, so a post is never refused for its creator's time zone.
EARLIEST_ZONE = timedelta(hours=14)
LATEST_ZONE = timedelta(hours=12)
DISCLOSURE_CODES = frozenset({"missing_disclosure", "insufficient_disclosure_label",
                              "disclosure_below_fold", "disclosure_buried_in_hashtags"})


def verdict_of(results: Iterable[Entry]) -> str:
    """fail if any rule failed; else cannot_verify if any could not be checked; else pass."""
    statuses = {entry["status"] for entry in results}
    if FAIL in statuses:
        return Verdict.FAIL.value
    if CANNOT_VERIFY in statuses:
        return Verdict.CANNOT_VERIFY.value
    return Verdict.PASS.value


def text_of(entry: Entry) -> str:
    """An entry's sentence in English (for plain-text fields such as `live_issue`)."""
    return render_message(entry["message"], entry["params"])


def check_campaign_caption(campaign: Campaign, caption: str, platform: str) -> CaptionReport:
    """check_caption with the campaign's requirements."""
    return check_caption(caption, required_hashtags=campaign.required_hashtags or (),
                         required_mentions=campaign.required_mentions or (),
                         disclosure_required=campaign.disclosure_required,
                         disclosure_locale=campaign.disclosure_locale, platform=platform)


# -- the post ------------------------------------------------------------------------------------
def ownership(*, owned: bool, platform: str, username: str) -> Entry:
    params = {"platform": LABELS.get(platform, platform), "username": username}
    return _entry("ownership", PASS if owned else FAIL, OWNED if owned else NOT_OWNED, params)


def already_submitted(campaign_title: str) -> Entry:
    """The ownership rule failed because another live submission holds the same post."""
    return _entry("ownership", FAIL, ALREADY_SUBMITTED, {"campaign": campaign_title})


def not_readable(error: SourceError) -> Entry:
    """The ownership rule failed because the platform would not give us the post for the linked
    account (deleted, private, someone else's) or the link points nowhere."""
    return _entry("ownership", FAIL, error.template, error.params)


def posting_window(published_at: datetime, starts: datetime | None, ends: datetime | None) -> Entry:
    """Inside [starts - 14 h, ends + 12 h] (the dates in any time zone); a missing bound leaves
    that side open."""
    params = {"published": when(published_at)}
    if starts is not None and published_at < starts - EARLIEST_ZONE:
        return _entry("posting_window", FAIL, TOO_EARLY, {**params, "starts": when(starts - EARLIEST_ZONE)})
    if ends is not None and published_at > ends + LATEST_ZONE:
        return _entry("posting_window", FAIL, TOO_LATE, {**params, "ends": when(ends + LATEST_ZONE)})
    return _entry("posting_window", PASS, IN_WINDOW, params)


def still_live(*, live: bool, platform: str) -> Entry:
    params = {"platform": LABELS.get(platform, platform)}
    return _entry("still_live", PASS if live else FAIL, STILL_LIVE if live else GONE, params)


def when(moment: datetime) -> str:
    """A locale-neutral timestamp for message parameters (stored, so rendered once)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


# -- the caption ---------------------------------------------------------------------------------
def caption_results(report: CaptionReport, campaign: Campaign, *,
                    caption_complete: bool = True) -> list[Entry]:
    """One entry per required hashtag and mention, the disclosure rule, then the warnings.

    With `caption_complete=False` (TikTok sends at most 150 characters) a missing hashtag or
    mention may lie beyond the cut, and one found running up to the cut may be longer in the full
    caption (`#kawa` may be `#kawaPolska`): `cannot_verify`, never `fail` or `pass`. A
    disclosure problem stays a `fail` when the platform's fold lies inside what was read, because
    a label beyond the cut could not be prominent anyway; otherwise it is `cannot_verify` too.
    """
    reasons = {reason.code: reason for reason in report.reasons}
    shown = len(report.caption)
    entries = [
        *_hashtag_entries(report, campaign.required_hashtags or (), reasons, caption_complete, shown),
        *_mention_entries(report, campaign.required_mentions or (), reasons, caption_complete, shown),
    ]
    if campaign.disclosure_required:
        entries.append(_disclosure_entry(report, campaign.disclosure_locale, reasons, caption_complete))
    entries += [_from_reason(warning.code, WARNING, warning) for warning in report.warning_details]
    return entries


def _hashtag_entries(report: CaptionReport, required: Iterable[str], reasons: dict[str, Reason],
                     complete: bool, shown: int) -> list[Entry]:
    found = {key(tag.text): tag for tag in reversed(report.hashtags)}  # the first occurrence wins
    return _required_entries(report, map(normalise_required_hashtag, required), found, reasons, complete, shown,
                             kind="hashtag", sigil="#", message=HASHTAG_FOUND, param="tag")


def _mention_entries(report: CaptionReport, required: Iterable[str], reasons: dict[str, Reason],
                     complete: bool, shown: int) -> list[Entry]:
    found = {mention.text.casefold(): mention for mention in reversed(report.mentions)}
    return _required_entries(report, map(normalise_required_mention, required), found, reasons, complete, shown,
                             kind="mention", sigil="@", message=MENTION_FOUND, param="username")


def _required_entries(report: CaptionReport, names: Iterable[str], found: dict, reasons: dict[str, Reason],
                      complete: bool, shown: int, *, kind: str, sigil: str, message: str, param: str) -> list[Entry]:
    """One entry per required hashtag or mention: found (where), missing, or undecidable at a cut."""
    entries = []
    for name in dict.fromkeys(names):
        rule = f"{kind}:{name}"
        reason = reasons.get(f"missing_{kind}:{name}")
        if reason is None and not complete and _runs_to_the_cut(report.caption, found[name], kind):
            entries.append(_at_cut(rule, report, found[name], shown))
        elif reason is None:
            entries.append(_found(rule, message, {param: name}, report, found[name]))
        elif complete:
            entries.append(_from_reason(rule, FAIL, reason))
        else:
            entries.append(_beyond_cut(rule, report.platform, f"{sigil}{name}", shown))
    return entries


def _disclosure_entry(report: CaptionReport, locale: str, reasons: dict[str, Reason],
                      complete: bool) -> Entry:
    reason = next((r for code, r in reasons.items() if code in DISCLOSURE_CODES), None)
    if reason is not None:
        if complete or len(report.caption) >= PLATFORMS[report.platform].max_offset:
            return _from_reason("disclosure", FAIL, reason)
        return _entry("disclosure", CANNOT_VERIFY, LABEL_BEYOND_CUT,
                      {"platform": LABELS.get(report.platform, report.platform),
                       "shown": len(report.caption)})
    marker = disclosure_label(report, locale)
    assert marker is not None  # check_caption found no disclosure problem, so there is a label
    return _entry("disclosure", PASS, DISCLOSURE_FOUND,
                  {"label": marker.text, "line": line_index(report.caption, marker.start) + 1},
                  evidence=marker.text, span=(marker.start, marker.end))


def disclosure_label(report: CaptionReport, locale: str) -> Marker | None:
    """The caption's first sufficient advertising label (hashtag or phrase), if any."""
    markers = find_markers(report.caption, extract(report.caption), get_lexicon(locale))
    return next((marker for marker in markers if marker.sufficient), None)


def _found(rule: str, message: str, params: dict[str, Any], report: CaptionReport,
           entity: Entity) -> Entry:
    written = report.caption[entity.start:entity.end]
    return _entry(rule, PASS, message, params, evidence=written, span=(entity.start, entity.end))


def _runs_to_the_cut(caption: str, entity: Entity, kind: str) -> bool:
    """Nothing after the item but the cut (for a mention, dots too: `@kawa.` may be `@kawa.pl`)."""
    rest = caption[entity.end:]
    return not rest or (kind == "mention" and not rest.strip("."))


def _at_cut(rule: str, report: CaptionReport, entity: Entity, shown: int) -> Entry:
    written = report.caption[entity.start:entity.end]
    return _entry(rule, CANNOT_VERIFY, AT_CUT,
                  {"platform": LABELS.get(report.platform, report.platform), "shown": shown, "item": written},
                  evidence=written, span=(entity.start, entity.end))


def _beyond_cut(rule: str, platform: str, item: str, shown: int) -> Entry:
    """`item` is the hashtag or mention as written (#tag, @name): no words to translate."""
    return _entry(rule, CANNOT_VERIFY, BEYOND_CUT,
                  {"platform": LABELS.get(platform, platform), "shown": shown, "item": item})


def _from_reason(rule: str, status: str, reason: Reason) -> Entry:
    return _entry(rule, status, reason.message, dict(reason.params), evidence=reason.evidence or None,
                  span=reason.span)


def _entry(rule: str, status: str, message: str, params: dict[str, Any], *,
           evidence: str | None = None, span: tuple[int, int] | None = None) -> Entry:
    return {"rule": rule, "status": status, "message": message, "params": dict(params),
            "evidence": evidence, "span": list(span) if span else None}
