"""Make SQLite behave like a real transactional database.

pysqlite opens transactions lazily and never for SAVEPOINTs, which breaks nested transactions;
the documented fix is to switch its own handling off and emit BEGIN ourselves. We emit
BEGIN IMMEDIATE: each transaction takes the write lock up front, so concurrent requests of the
embedded server run one after another instead of reading stale balances or deadlocking on
upgrade. (PostgreSQL, used in production, gets row locks instead.) Foreign keys are off by
default in SQLite and are switched on for every connection.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
