"""Disputes creators raise against rejections: the admins' list of open ones, oldest first; each
one's evidence packet, assembled from what Hashmark recorded; and the decision."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from ... import clock
from ... import db as tx
from ...errors import InvalidTransition, NotAllowed, PermissionDenied
from ...extensions import db
from ...models import (Application, AuditEvent, Campaign, Dispute, DisputeStatus, DraftRound, LedgerTransaction,
                       Payout, Submission, VerificationReport)
from ...services import caption_history, disputes as dispute_service
from ...services.caption_history import Flag, HistoryEntry
from ...services.payouts import payout_for
from ...services.submission_review import latest_report, reports
from ...verification.sources.errors import LABELS as PLATFORM_NAMES
from ..brand.forms import DISCLOSURE_LABELS
from ..forms import show_error
from . import bp
from .forms import ResolveDisputeForm


@dataclass(frozen=True)
class OpenDispute:
    dispute: Dispute
    report: VerificationReport | None
    age: timedelta


def open_disputes() -> list[OpenDispute]:
    """Open disputes, the longest waiting first, each with its submission's latest report."""
    disputes = db.session.scalars(
        select(Dispute).where(Dispute.status == DisputeStatus.OPEN)
        .options(selectinload(Dispute.submission).selectinload(Submission.creator),
                 selectinload(Dispute.submission).selectinload(Submission.campaign).selectinload(Campaign.brand))
        .order_by(Dispute.opened_at, Dispute.id)).all()
    now = clock.now()
    return [OpenDispute(dispute, latest_report(dispute.submission), max(now - dispute.opened_at, timedelta(0)))
            for dispute in disputes]


RECENTLY_RESOLVED = 20


def recently_resolved() -> list[Dispute]:
    return list(db.session.scalars(
        select(Dispute).where(Dispute.status != DisputeStatus.OPEN)
        .options(selectinload(Dispute.submission).selectinload(Submission.creator),
                 selectinload(Dispute.submission).selectinload(Submission.campaign))
        .order_by(Dispute.resolved_at.desc(), Dispute.id.desc()).limit(RECENTLY_RESOLVED)))


@bp.route("/disputes")
def disputes():
    return render_template("admin/disputes.html", disputes=open_disputes(), resolved=recently_resolved(),
                           platform_names=PLATFORM_NAMES)


# --- the evidence packet -------------------------------------------------------------------------

@dataclass(frozen=True)
class Evidence:
    """Everything recorded about a disputed submission, for an admin to decide on."""

    dispute: Dispute
    submission: Submission
    campaign: Campaign
    application: Application
    campaign_events: list[AuditEvent]     # the campaign's audit trail: creation, edits, status changes
    edited_after_applying: bool           # never true while campaigns are editable only as drafts
    drafts: list[DraftRound]
    approved_draft: DraftRound | None
    history: list[HistoryEntry]
    flags: list[Flag]
    reports: list[VerificationReport]     # newest first
    payout: Payout | None
    ledger: list[LedgerTransaction]       # every posting for this creator's slot, oldest first
    events: list[AuditEvent]              # the submission's own trail (and its application, dispute, payout)


def evidence(dispute: Dispute) -> Evidence:
    submission = dispute.submission
    application = submission.application
    campaign_events = _events(("campaigns", [submission.campaign_id]))
    drafts = list(submission.drafts)
    payout = payout_for(submission)
    return Evidence(
        dispute=dispute, submission=submission, campaign=submission.campaign, application=application,
        campaign_events=campaign_events,
        edited_after_applying=any(e.action == "updated" and e.created_at > application.created_at
                                  for e in campaign_events),
        drafts=drafts,
        approved_draft=next((d for d in reversed(drafts) if d.decision == "approved"), None),
        history=caption_history.timeline(submission), flags=caption_history.flags(submission),
        reports=reports(submission), payout=payout, ledger=_postings(application, payout),
        events=_events(("submissions", [submission.id]), ("applications", [application.id]),
                       ("disputes", _dispute_ids(submission)), ("payouts", [payout.id] if payout else [])))


def _dispute_ids(submission: Submission) -> list[int]:
    return list(db.session.scalars(select(Dispute.id).where(Dispute.submission_id == submission.id)))


def _events(*about: tuple[str, list[int]]) -> list[AuditEvent]:
    """Audit events of these (entity, ids), in chain order (an event not yet sealed last)."""
    wanted = [(entity, ids) for entity, ids in about if ids]
    return list(db.session.scalars(
        select(AuditEvent).where(or_(*(and_(AuditEvent.entity == entity, AuditEvent.entity_id.in_(ids))
                                       for entity, ids in wanted)))
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.chain_seq.asc().nulls_last(), AuditEvent.id)))


def _postings(application: Application, payout: Payout | None) -> list[LedgerTransaction]:
    """Reservations, releases and the payout of this slot, plus what happened to the payout."""
    references = []
    if payout is not None:
        references = [f"transfer:payout:{payout.id}", f"release:payout:{payout.id}", f"payout_cancelled:{payout.id}"]
    return list(db.session.scalars(
        select(LedgerTransaction)
        .where(or_(LedgerTransaction.application_id == application.id, LedgerTransaction.reference.in_(references)))
        .options(selectinload(LedgerTransaction.entries))
        .order_by(LedgerTransaction.created_at, LedgerTransaction.id)))


def _dispute_or_404(dispute_id: int) -> Dispute:
    return db.session.get(Dispute, dispute_id) or abort(404)


def _packet(dispute: Dispute, form: ResolveDisputeForm | None = None):
    return render_template("admin/dispute.html", packet=evidence(dispute), platform_names=PLATFORM_NAMES,
                           disclosure_labels=DISCLOSURE_LABELS, form=form or ResolveDisputeForm(formdata=None))


@bp.route("/disputes/<int:dispute_id>")
def dispute_detail(dispute_id: int):
    return _packet(_dispute_or_404(dispute_id))


@bp.route("/disputes/<int:dispute_id>/resolve", methods=["POST"])
def dispute_resolve(dispute_id: int):
    dispute = _dispute_or_404(dispute_id)
    form = ResolveDisputeForm()
    decision = {"uphold": dispute_service.uphold, "overturn": dispute_service.overturn}.get(
        request.form.get("decision", ""))
    if decision is None:
        flash(_("Choose to uphold or to overturn the rejection."), "error")
        return redirect(url_for("admin.dispute_detail", dispute_id=dispute.id))
    try:
        decision(dispute, note=form.resolution.data or "", actor=current_user)
    except NotAllowed as error:
        tx.rollback()
        show_error(form, error)
        return _packet(dispute, form)
    except (InvalidTransition, PermissionDenied) as error:
        tx.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("admin.dispute_detail", dispute_id=dispute.id))
    tx.commit()
    if dispute.status == DisputeStatus.OVERTURNED:
        flash(_("Rejection overturned: the post is approved and its budget is reserved again. The creator and "
                "the brand are told."), "success")
    else:
        flash(_("Rejection upheld. The creator and the brand are told."), "success")
    return redirect(url_for("admin.dispute_detail", dispute_id=dispute.id))
