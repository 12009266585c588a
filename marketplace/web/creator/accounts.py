"""Linked Instagram and TikTok accounts: link (OAuth), relink, unlink.

Linking is a round trip through the platform's consent page: the link button stores a random
`state` in the session and redirects there; the platform sends the creator back to the callback,
which checks the state, links the account and returns to the accounts page. Whatever goes wrong
on the way is shown on that page in plain words, once.
"""
from __future__ import annotations

import logging
import time

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import db as tx
from ...errors import DomainError
from ...services import linked_accounts as service
from ...verification.sources import PLATFORMS, NotProfessionalAccount, SourceError
from ...verification.sources.errors import LABELS
from ..security import PLATFORM_PICTURES, widen_policy
from . import bp

log = logging.getLogger(__name__)
PENDING = "linked_account_oauth"    # session: platform -> {"state", "started"} while on the consent page
PROBLEM = "linked_account_problem"  # session: why the last attempt failed, shown once
STATE_TTL = 15 * 60                 # seconds a creator may spend on the consent page


@bp.context_processor
def _linked_accounts_helpers():
    """For `creator/_linked_accounts.html`, which other creator pages include."""
    return {"linked_accounts_of": service.accounts_by_platform,
            "social_platforms": [(platform, LABELS[platform]) for platform in PLATFORMS]}


def _platform_or_404(platform: str) -> str:
    if platform not in PLATFORMS:
        abort(404)
    return platform


@bp.route("/accounts", endpoint="accounts")
def accounts_page():
    settings = service.source_settings()
    widen_policy(images=PLATFORM_PICTURES,
                 form_targets=(settings.instagram_auth_base, settings.tiktok_auth_base))
    return render_template("creator/accounts.html",
                           linked_accounts=service.accounts_by_platform(current_user.creator),
                           problem=session.pop(PROBLEM, None), sandbox=service.is_sandbox())


@bp.route("/accounts/<platform>/link", methods=["POST"], endpoint="account_link")
def account_link(platform: str):
    platform = _platform_or_404(platform)
    url, state = service.begin_link(current_user.creator, platform)
    pending = dict(session.get(PENDING) or {})
    pending[platform] = {"state": state, "started": int(time.time())}
    session[PENDING] = pending
    return redirect(url, code=303)


def _expected_state(platform: str) -> str:
    """The state stored when linking started ("" when there is none or it is stale); single use."""
    pending = dict(session.get(PENDING) or {})
    started = pending.pop(platform, None)
    session[PENDING] = pending
    if not isinstance(started, dict) or not isinstance(started.get("state"), str):
        return ""
    age = time.time() - (started.get("started") or 0)
    return started["state"] if 0 <= age <= STATE_TTL else ""


@bp.route("/accounts/<platform>/callback", endpoint="account_callback")
def account_callback(platform: str):
    platform = _platform_or_404(platform)
    creator = current_user.creator
    expected = _expected_state(platform)
    tx.commit()  # no transaction stays open while the platform is called
    try:
        account = service.complete_link(creator, platform, request.args, expected,
                                        service.callback_url(platform))
    except SourceError as error:
        tx.rollback()
        log.info("linking %s for creator %s failed: %s", platform, creator.id, error.code)
        return _problem(platform, error.render(_), personal=isinstance(error, NotProfessionalAccount))
    except DomainError as error:  # another creator's account, a post under check, a lost race
        tx.rollback()
        return _problem(platform, str(error.message))
    tx.commit()
    flash(_("Your %(platform)s account @%(username)s is linked.", platform=LABELS[platform],
            username=account.username), "success")
    return redirect(url_for("creator.accounts"))


def _problem(platform: str, message: str, *, personal: bool = False):
    session[PROBLEM] = {"platform": platform, "message": message, "personal": personal}
    return redirect(url_for("creator.accounts"))


@bp.route("/accounts/<platform>/unlink", methods=["POST"], endpoint="account_unlink")
def account_unlink(platform: str):
    platform = _platform_or_404(platform)
    account = service.account_for(current_user.creator, platform)
    if account is None:  # a second click, or a page older than the last unlink
        flash(_("Your %(platform)s account is not linked.", platform=LABELS[platform]), "info")
        return redirect(url_for("creator.accounts"))
    username = account.username
    try:
        service.unlink(account, actor=current_user)
    except DomainError as error:
        tx.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("creator.accounts"))
    tx.commit()
    flash(_("@%(username)s is unlinked: Hashmark no longer reads your %(platform)s account.",
            username=username, platform=LABELS[platform]), "success")
    return redirect(url_for("creator.accounts"))
