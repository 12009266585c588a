"""Celery worker entry point: `celery -A marketplace.jobs.worker worker`.

The app is created here, in the worker process, never when task modules are imported.
"""
from marketplace import create_app

from . import mail, payments, payouts, verification  # noqa: F401  (registers the tasks)

flask_app = create_app()
celery = flask_app.extensions["celery"]
