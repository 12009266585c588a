"""Logging: one readable line per record on stderr, configured once per process."""
from __future__ import annotations

import logging

from flask import Flask


def configure(app: Flask) -> None:
    root = logging.getLogger()
    if not any(getattr(h, "_hashmark", False) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._hashmark = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    level = logging.WARNING if app.testing else logging.INFO
    logging.getLogger("marketplace").setLevel(level)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO if not app.testing else logging.WARNING)
