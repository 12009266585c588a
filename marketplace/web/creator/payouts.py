"""“Get paid”: the creator's Stripe Connect onboarding and payout readiness."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_login import current_user

from ... import db as tx
from ...links import external
from ...errors import NotAllowed
from ...errors import DomainError
from ...extensions import db
from ...payments.sync import sync_payout_account
from ...payments import onboarding
from ...payments.errors import PaymentError
from . import bp


def _page():
    creator = current_user.creator
    return render_template("creator/payouts.html", account=onboarding.account_for(creator),
                           supported=onboarding.payouts_supported(creator.country),
                           unsupported_message=onboarding.unsupported_message(creator.country),
                           sandbox=current_app.config["SANDBOX_PAYMENTS"])


@bp.route("/payouts")
def payouts():
    return _page()


def _send_to_stripe(*, may_create: bool):
    """Create the connected account once (POST only), then a fresh single-use onboarding link."""
    creator = current_user.creator
    if not may_create and onboarding.account_for(creator) is None:
        return redirect(url_for("creator.payouts"))
    try:
        plan = onboarding.plan_account(creator, email=current_user.email, locale=str(get_locale()))
        tx.commit()  # no transaction stays open while Stripe is called
        account_id = onboarding.create_account(plan)
        onboarding.record_account(db.session.get(type(creator), plan.creator_id), account_id)
        tx.commit()
        url = onboarding.onboarding_link(account_id,
                                         return_url=external("creator.payouts_return"),
                                         refresh_url=external("creator.payouts_refresh"))
    except (NotAllowed, PaymentError) as error:
        tx.rollback()
        flash(str(error.message), "error")
        return redirect(url_for("creator.payouts"))
    return redirect(url, code=303)


@bp.route("/payouts/onboard", methods=["POST"])
def payouts_onboard():
    return _send_to_stripe(may_create=True)


@bp.route("/payouts/refresh")
def payouts_refresh():
    """Stripe sends the creator here when a link expired or was used: mint a new one (a GET never
    creates an account)."""
    return _send_to_stripe(may_create=False)


@bp.route("/payouts/return")
def payouts_return():
    """Coming back from Stripe does not mean finished: read the account's state to find out."""
    account = onboarding.account_for(current_user.creator)
    if account is not None:
        stripe_id = account.stripe_account_id
        tx.commit()
        try:
            sync_payout_account(stripe_id)
        except DomainError as error:
            tx.rollback()
            flash(str(error.message), "error")
    return redirect(url_for("creator.payouts"))
