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


def test_texts_stored_before_their_languages_were_kept_get_them_on_upgrade(app, make_council):
    """The migration that added ``translated_into`` fills it from the stored texts, with the
    same rule the app applies on every write."""
    from app.proposals import services as proposals
    from app.proposals.models import Proposal, ProposalEvent, Topic

    council = make_council("Council A", languages=["en", "ar"])
    proposal, _token = proposals.submit(
        council,
        proposals.Submission(title="Shade", body="Trees, please.", topic=Topic.other, lang="en"),
        author=None,
        address="192.0.2.1",
        submission_key="shade",
    )
    proposal.title = proposal.title.with_translation("ar", "ظل", by="x")
    db.session.commit()
    kept = {
        (model.__tablename__, row.id): row.translated_into
        for model in (Proposal, ProposalEvent)
        for row in db.session.scalars(db.select(model))
    }
    assert kept[("proposals", proposal.id)] == " en "
    db.session.close()
    command.stamp(alembic_config(), "head")  # the test database was made by create_all
    downgrade(revision="6d9e6b9d9609")
    assert "translated_into" not in {c["name"] for c in inspect(db.engine).get_columns("proposals")}
    upgrade()
    refilled = {
        (table, row_id): db.session.scalar(
            text(f"SELECT translated_into FROM {table} WHERE id = :id"),  # noqa: S608 - our tables
            {"id": row_id},
        )
        for table, row_id in kept
    }
    assert refilled == kept
    db.session.execute(text("DROP TABLE alembic_version"))
    db.session.commit()
