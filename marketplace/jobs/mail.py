"""Delivering queued e-mail."""
from __future__ import annotations

import logging
import smtplib

from .. import db as tx
from ..extensions import celery, db
from ..mail import deliver
from ..models import OutboxEmail

log = logging.getLogger(__name__)


@celery.task(bind=True, max_retries=5)
def deliver_email(self, message_id: int) -> None:
    message = db.session.get(OutboxEmail, message_id)
    if message is None:
        log.warning("outbox e-mail %s vanished before delivery", message_id)
        return
    try:
        deliver(message)
    except (OSError, ValueError, smtplib.SMTPException) as exc:
        tx.commit()  # keep the recorded error and attempt count
        if self.app.conf.task_always_eager:
            log.error("e-mail %s not delivered: %s (retry from the admin outbox)", message_id, exc)
            return
        raise self.retry(exc=exc, countdown=60 * 2 ** message.attempts)
    tx.commit()
