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


def register_cli(app: Flask) -> None:
    from .verification.command import check_caption_command

    group.add_command(check_caption_command)
    app.cli.add_command(group)
