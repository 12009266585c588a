"""The one transaction boundary: entry points call `commit()`; services only flush.

Side effects (e-mail, enqueued jobs) are registered with `on_commit` and run only after the
transaction they belong to has committed, so a rolled-back request never sends anything.
"""
from __future__ import annotations

import logging
from typing import Callable

from flask import g, has_app_context

from .extensions import db

log = logging.getLogger(__name__)
_PENDING = "_on_commit_callbacks"


def _callbacks() -> list[Callable[[], None]]:
    if not hasattr(g, _PENDING):
        setattr(g, _PENDING, [])
    return getattr(g, _PENDING)


def on_commit(callback: Callable[[], None]) -> None:
    """Run `callback` after the current transaction commits; dropped if it rolls back."""
    _callbacks().append(callback)


def commit() -> None:
    """Commit the session, then run the callbacks registered for this transaction."""
    db.session.commit()
    callbacks = _callbacks() if has_app_context() else []
    pending = list(callbacks)
    callbacks.clear()
    for callback in pending:
        try:
            callback()
        except Exception:  # a side effect must never undo or hide a committed change
            log.exception("after-commit callback %r failed", callback)


def rollback() -> None:
    """Roll back the session and forget the side effects registered for it."""
    db.session.rollback()
    if has_app_context():
        _callbacks().clear()


def run_each(ids: list[int], work: Callable[[int], object], *, what: str) -> int:
    """Commit, then run `work(id)` for each id; one that raises is rolled back and logged, and the
    sweep goes on (its item stays due and is retried next time). Returns how many there were."""
    commit()
    for item in ids:
        try:
            work(item)
        except Exception:
            rollback()
            log.exception("%s %s failed", what, item)
    return len(ids)
