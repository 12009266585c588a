"""The one way e-mail leaves Hashmark.

`queue_email` renders the message in the recipient's language and stores it in the outbox table
inside the caller's transaction; delivery is enqueued only after that transaction commits. With
MAIL_SERVER set, delivery goes through SMTP; without it (development) the message stays in the
outbox, visible to admins, and is printed to the console.
"""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, render_template
from flask_babel import force_locale

from .db import on_commit
from .extensions import db
from .models import OutboxEmail, utcnow

log = logging.getLogger(__name__)
SUBJECT_MAX = 200


def queue_email(to: str, subject: str, template: str, *, locale: str | None = None,
                **context) -> OutboxEmail:
    """Render `templates/emails/<template>.txt` and queue it for delivery after commit."""
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        body = render_template(f"emails/{template}.txt", **context)
        subject = " ".join(str(subject).split())  # one line: no header injection, no stray newlines
        if len(subject) > SUBJECT_MAX:
            subject = subject[: SUBJECT_MAX - 1] + "…"
        message = OutboxEmail(to_address=to, subject=subject, body_text=body)
    db.session.add(message)
    db.session.flush()
    message_id = message.id

    def enqueue() -> None:
        from .jobs.mail import deliver_email

        deliver_email.delay(message_id)

    on_commit(enqueue)
    return message


def deliver(message: OutboxEmail) -> None:
    """Send one queued message; raises on an SMTP failure after recording it on the row."""
    if message.delivered_at is not None:
        return
    config = current_app.config
    message.attempts += 1
    if not config.get("MAIL_SERVER"):
        if config.get("ENV_NAME") == "development":  # the developer's inbox; bodies may hold reset links
            log.info("E-mail kept in the outbox (no MAIL_SERVER)\nTo: %s\nSubject: %s\n\n%s",
                     message.to_address, message.subject, message.body_text)
        else:
            log.info("e-mail %s to %s kept in the outbox (no MAIL_SERVER)", message.id, message.to_address)
        message.delivered_via = "outbox"
        message.delivered_at = utcnow()
        message.last_error = None
        return
    try:
        email = EmailMessage()
        email["From"] = config["MAIL_DEFAULT_SENDER"]
        email["To"] = message.to_address
        email["Subject"] = message.subject
        email.set_content(message.body_text)
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(email)
    except (OSError, ValueError, smtplib.SMTPException) as exc:
        message.last_error = f"{type(exc).__name__}: {exc}"
        raise
    message.delivered_via = "smtp"
    message.delivered_at = utcnow()
    message.last_error = None
