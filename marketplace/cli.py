"""`flask marketplace ...`: operations for operators, sharing the services the web uses."""
from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import db as tx
from .errors import NotAllowed

group = AppGroup("marketplace", help="Hashmark operations.")


@group.command("create-admin")
@click.option("--email", prompt=True, help="The admin's e-mail address.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="At least 10 characters.")
def create_admin(email: str, password: str) -> None:
    """Create an administrator account."""
    from .services.accounts import create_admin as create

    try:
        user = create(email=email, password=password)
    except NotAllowed as error:
        tx.rollback()
        raise click.ClickException(str(error.message)) from None
    tx.commit()
    click.echo(f"Admin {user.email} created.")


@group.command("seed-demo")
def seed_demo() -> None:
    """Create demo accounts and draft campaigns (idempotent; refused in production)."""
    from .services.demo import seed_demo as seed

    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("seed-demo is for the sandbox; refusing to seed a production database.")
    accounts = seed()
    tx.commit()
    click.echo("Demo accounts (sandbox only):")
    for account in accounts:
        state = "created" if account.created else "already there"
        click.echo(f"  {account.role:<8} {account.email:<36} password: {account.password}  ({state})")


@group.command("run-due")
def run_due() -> None:
    """Retry what is due: unprocessed Stripe events, pending refunds, unsettled payments."""
    from .jobs.due import run_due as sweep

    counts = sweep()
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))


@group.command("verify-audit")
def verify_audit() -> None:
    """Check the audit trail's hash chain; exits 1 naming the first broken link."""
    from .services.audit import verify_chain

    checked, broken = verify_chain()
    if broken is not None:
        raise click.ClickException(
            f"The audit trail is broken at event {broken.event_id} (link {broken.chain_seq}): {broken.problem}. "
            f"The {checked} links before it are intact.")
    click.echo(f"The audit trail is intact: {checked} events, every link checked.")


@group.command("reconcile")
@click.pass_context
def reconcile(ctx: click.Context) -> None:
    """Compare the books with Stripe; exits 1 listing each difference, 2 when Stripe cannot be asked."""
    from .payments.errors import PaymentError
    from .payments.reconcile import fetch
    from .services import reconciliation

    ids = reconciliation.stripe_ids()
    tx.commit()  # no transaction stays open while Stripe answers
    try:
        snapshot = fetch(**ids.asdict())
    except PaymentError as error:
        click.echo(f"Could not reconcile: {error.message}", err=True)
        ctx.exit(2)
    report = reconciliation.compare(snapshot)
    tx.commit()
    click.echo("Checked " + ", ".join(f"{what}: {count}" for what, count in report.checked.items()) + ".")
    for s in report.currencies:
        click.echo(f"  {s.currency}: the ledger puts {s.ledger_at_stripe} at Stripe; less {s.stripe_fees} Stripe fees "
                   f"and {s.bank_payouts} paid out to the bank, expected balance {s.expected_balance}; "
                   f"Stripe balance {s.stripe_balance}; {s.differences} differences.")
    for funding in report.sandbox:
        click.echo(f"  Not at Stripe (sandbox): funding #{funding.funding_id}, campaign #{funding.campaign_id} "
                   f"“{funding.campaign_title}”, {funding.amount}.")
    if report.clean:
        click.echo("No differences: the books agree with Stripe.")
        return
    click.echo(f"{len(report.differences)} differences:")
    for difference in report.differences:
        click.echo(f"- [{difference.kind}] {difference.subject}: ours {_shown(difference.ours)}, "
                   f"Stripe {_shown(difference.stripe)}")
        click.echo(f"  {difference.explanation}")
    ctx.exit(1)


def _shown(value: object) -> str:
    return "—" if value is None else str(value)


def register_cli(app: Flask) -> None:
    from .verification.command import check_caption_command

    group.add_command(check_caption_command)
    app.cli.add_command(group)
