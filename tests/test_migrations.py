from alembic import command
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app.extensions import db


def alembic_config():
    return current_app.extensions["migrate"].migrate.get_config()


def test_migrations_build_the_schema_the_models_describe(app):
    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    upgrade()
    assert {"users", "councils", "memberships", "audit_events"} <= set(
        inspect(db.engine).get_table_names()
    )
    command.check(alembic_config())  # raises when models and migrations differ
    downgrade(revision="base")
    assert "users" not in inspect(db.engine).get_table_names()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    db.create_all()
