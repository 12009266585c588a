"""Verification jobs: read a submitted post, re-check a live one. The services commit between
their steps (no transaction is open while a platform answers); these only wrap them."""
from __future__ import annotations

from .. import clock
from ..extensions import celery
from ..services import live_checks, verifier


@celery.task(bind=True)
def verify_post(self, submission_id: int) -> None:
    retry_at = verifier.verify(submission_id, clock.now())
    if retry_at is not None and not self.app.conf.task_always_eager:
        # a worker retries on its own; in-process setups leave it to `flask marketplace run-due`
        wait = max(0.0, (retry_at - clock.now()).total_seconds())
        verify_post.apply_async((submission_id,), countdown=wait)


@celery.task
def run_live_check(submission_id: int) -> None:
    live_checks.check(submission_id, clock.now())
