"""Every caption seen for a submission, what changed between sightings, and what a brand should know.

The sightings are `CaptionSnapshot` rows: the approved draft, each verification, each live
check, a self-report. `flags` reads them against the campaign's rules:
- `disclosure_added_late`: the post carried no advertising label when it was first checked after
  publication and showed one later (UOKiK's case of `#reklama` added days after publishing);
- `removed_later`: a required hashtag, mention or the label present at verification and missing
  from a later sighting;
- `edited_after_review`: the caption changed after the brand approved (or rejected) the post.
"""
from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import regex
from sqlalchemy import select

from ..extensions import db
from ..models import CaptionSnapshot, Submission, VerificationReport
from ..verification import CaptionReport
from ..verification.text import N_
from .post_report import check_campaign_caption, disclosure_label, when

POST_SOURCES = ("verification", "live_check")   # reports and sightings of the post read from the platform
_TOKEN = regex.compile(r"\s+|\S+")
NO_LABEL_CODES = frozenset({"missing_disclosure", "insufficient_disclosure_label"})

DISCLOSURE_ADDED_LATE = N_("The advertising label was added later: the post had none when it was first "
                           "checked (%(first_seen)s) and showed “%(label)s” from %(seen)s.")
REMOVED_LATER = N_("%(item)s was in the caption at verification and is missing since %(seen)s.")
LABEL_REMOVED_LATER = N_("The advertising label was in the caption at verification and is missing "
                         "since %(seen)s.")
EDITED_AFTER_REVIEW = N_("The caption was edited on %(seen)s, after the brand reviewed the post.")


@dataclass(frozen=True)
class HistoryEntry:
    """One sighting. `diff` is word-level against the previous sighting: (op, text) with op
    "equal", "insert" or "delete"; the first sighting is one "equal" run."""

    seen_at: datetime
    source: str
    caption: str
    sha256: str
    changed: bool
    diff: list[tuple[str, str]]


@dataclass(frozen=True)
class Flag:
    """Something the brand should know; `message` is an English template with `%(name)s` params."""

    code: str
    message: str
    params: dict[str, Any]
    seen_at: datetime


def sha256_of(caption: str) -> str:
    return hashlib.sha256(caption.encode("utf-8")).hexdigest()


def snapshots(submission: Submission) -> list[CaptionSnapshot]:
    return list(db.session.scalars(select(CaptionSnapshot).where(CaptionSnapshot.submission_id == submission.id)
                                   .order_by(CaptionSnapshot.seen_at, CaptionSnapshot.id)))


def timeline(submission: Submission) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    previous: CaptionSnapshot | None = None
    for snapshot in snapshots(submission):
        changed = previous is not None and previous.sha256 != snapshot.sha256
        diff = word_diff(previous.caption, snapshot.caption) if previous is not None \
            else [("equal", snapshot.caption)]
        entries.append(HistoryEntry(snapshot.seen_at, snapshot.source, snapshot.caption, snapshot.sha256,
                                    changed, diff))
        previous = snapshot
    return entries


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Word-level differences (white space kept, so joining the equal and insert runs gives `after`)."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    ops: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("delete", "replace"):
            _append(ops, "delete", "".join(old[i1:i2]))
        if tag in ("insert", "replace"):
            _append(ops, "insert", "".join(new[j1:j2]))
        if tag == "equal":
            _append(ops, "equal", "".join(old[i1:i2]))
    return ops


def _append(ops: list[tuple[str, str]], op: str, text: str) -> None:
    if ops and ops[-1][0] == op:
        ops[-1] = (op, ops[-1][1] + text)
    else:
        ops.append((op, text))


def flags(submission: Submission) -> list[Flag]:
    """What the caption history shows about the submitted post, oldest first."""
    reports = _reports(submission)
    sightings = [s for s in snapshots(submission) if s.report_id in reports
                 and reports[s.report_id][1] == submission.post_id]  # a post submitted earlier is not this one
    checked = [(s, check_campaign_caption(submission.campaign, s.caption, submission.platform),
                reports[s.report_id][0]) for s in sightings]
    found = [*_disclosure_added_late(submission, checked), *_removed_later(checked),
             *_edited_after_review(submission, sightings)]
    return sorted(found, key=lambda flag: flag.seen_at)


def _reports(submission: Submission) -> dict[int, tuple[bool, str | None]]:
    """Report id -> (caption complete, post id) of the reports that read the post from the platform."""
    rows = db.session.execute(select(VerificationReport.id, VerificationReport.caption_complete,
                                     VerificationReport.post_id)
                              .where(VerificationReport.submission_id == submission.id,
                                     VerificationReport.kind.in_(POST_SOURCES)))
    return {report_id: (bool(complete), post_id) for report_id, complete, post_id in rows}


Checked = list[tuple[CaptionSnapshot, CaptionReport, bool]]


def _labelled(report: CaptionReport) -> bool:
    return not NO_LABEL_CODES.intersection(report.reason_codes)


def _disclosure_added_late(submission: Submission, checked: Checked) -> list[Flag]:
    if not submission.campaign.disclosure_required or not checked:
        return []
    first, first_report, _ = checked[0]
    if _labelled(first_report):
        return []
    for snapshot, report, _ in checked[1:]:
        if _labelled(report):
            marker = disclosure_label(report, submission.campaign.disclosure_locale)
            params = {"first_seen": when(first.seen_at), "seen": when(snapshot.seen_at),
                      "label": marker.text if marker else ""}
            return [Flag("disclosure_added_late", DISCLOSURE_ADDED_LATE, params, snapshot.seen_at)]
    return []


def _removed_later(checked: Checked) -> list[Flag]:
    """Against the latest verification before each live check: items present then, missing now."""
    flagged: dict[str, Flag] = {}
    baseline: CaptionReport | None = None
    for snapshot, report, complete in checked:
        if snapshot.source == "verification":
            baseline = report
            continue
        if baseline is None:
            continue
        for item in _missing_now(baseline, report, complete):
            if item not in flagged:
                flagged[item] = _removed_flag(item, snapshot.seen_at)
    return list(flagged.values())


def _missing_now(baseline: CaptionReport, report: CaptionReport, complete: bool) -> list[str]:
    """Required items (#tag, @name, "disclosure") missing now and present in `baseline`.
    A truncated caption proves nothing about what lies beyond the cut: only the label counts."""
    then, now = _missing_items(baseline), _missing_items(report)
    gone = [item for item in now if item not in then]
    return gone if complete else [item for item in gone if item == "disclosure"]


def _missing_items(report: CaptionReport) -> set[str]:
    items = set()
    for code in report.reason_codes:
        kind, _, value = code.partition(":")
        if kind == "missing_hashtag":
            items.add(f"#{value}")
        elif kind == "missing_mention":
            items.add(f"@{value}")
        elif code in NO_LABEL_CODES:
            items.add("disclosure")
    return items


def _removed_flag(item: str, seen_at: datetime) -> Flag:
    if item == "disclosure":
        return Flag("removed_later", LABEL_REMOVED_LATER, {"item": item, "seen": when(seen_at)}, seen_at)
    return Flag("removed_later", REMOVED_LATER, {"item": item, "seen": when(seen_at)}, seen_at)


def _edited_after_review(submission: Submission, sightings: list[CaptionSnapshot]) -> list[Flag]:
    reviewed = submission.reviewed_at
    if reviewed is None:
        return []
    for previous, snapshot in zip(sightings, sightings[1:]):
        if snapshot.sha256 != previous.sha256 and snapshot.seen_at > reviewed:
            return [Flag("edited_after_review", EDITED_AFTER_REVIEW, {"seen": when(snapshot.seen_at)},
                         snapshot.seen_at)]
    return []
