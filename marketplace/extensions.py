"""Extensions, created unbound here and bound to an app in `create_app`."""
from __future__ import annotations

from celery import Celery, Task
from flask import Flask, has_app_context
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
celery = Celery("marketplace")


def init_celery(app: Flask) -> Celery:
    """Configure the shared Celery app from Flask config; tasks run inside an app context.

    Without CELERY_BROKER_URL tasks run eagerly, in process, which is what the embedded
    default and the tests use.
    """

    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            if has_app_context():  # eager: run inside the caller's app context and session
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config.get("CELERY_BROKER_URL")
    celery.conf.update(
        broker_url=broker or "memory://",
        result_backend=None,
        task_always_eager=app.config.get("CELERY_TASK_ALWAYS_EAGER", broker is None),
        task_eager_propagates=True,
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        timezone="UTC",
    )
    celery.Task = FlaskTask
    app.extensions["celery"] = celery
    return celery
