"""Every migration upgrades from empty and downgrades back, on a database of its own."""
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from marketplace import create_app
from marketplace.extensions import db


def test_upgrade_downgrade_upgrade(fresh_database):
    with fresh_database() as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            assert "ledger_entries" in inspect(db.engine).get_table_names()
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            assert "applications" in inspect(db.engine).get_table_names()
            db.engine.dispose()
