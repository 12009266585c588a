"""Plain-text rendering of a CaptionReport for a terminal."""

from __future__ import annotations

from .hashtags import Entity
from .rules import PLATFORMS, CaptionReport, Reason
from .text import N_, Gettext, line_index, untranslated


def render_report(report: CaptionReport, gettext: Gettext = untranslated) -> str:
    """Verdict, each reason and warning with its sentence and evidence, then what was extracted."""
    verdict = gettext(N_("compliant")) if report.compliant else gettext(N_("not compliant"))
    disclosure = report.disclosure_locale or gettext(N_("not required"))
    lines = [
        f"{gettext(N_('Verdict'))}: {verdict}",
        f"{gettext(N_('Platform'))}: {PLATFORMS[report.platform].name}; {gettext(N_('disclosure'))}: {disclosure}",
    ]
    lines += _section(gettext(N_("Reasons")), [_finding(report, r, gettext) for r in report.reasons])
    lines += _section(gettext(N_("Warnings")), [_finding(report, w, gettext) for w in report.warning_details])
    lines += _section(gettext(N_("Hashtags")), [_entity(report, tag) for tag in report.hashtags])
    lines += _section(gettext(N_("Mentions")), [_entity(report, mention) for mention in report.mentions])
    return "\n".join(lines) + "\n"


def _section(title: str, items: list[str]) -> list[str]:
    return [f"{title} ({len(items)}):", *items] if items else []


def _finding(report: CaptionReport, reason: Reason, gettext: Gettext) -> str:
    text = f"  - {reason.code}\n    {reason.text(gettext)}"
    if reason.span is not None:
        return text + f"\n    {gettext(N_('evidence'))}: “{reason.evidence}” {_where(report, *reason.span)}"
    if reason.evidence:
        return text + f"\n    {gettext(N_('missing'))}: {reason.evidence}"
    return text


def _entity(report: CaptionReport, entity: Entity) -> str:
    return f"  {report.caption[entity.start : entity.end]}  {_where(report, entity.start, entity.end)}"


def _where(report: CaptionReport, start: int, end: int) -> str:
    return f"[{start}, {end}) line {line_index(report.caption, start) + 1}"
