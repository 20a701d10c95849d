"""Upgrades never strand a council: a database holding rows at every past schema revision is
migrated step by step to the current one with every row kept, matches the models, and steps
back down to the first revision with its rows.

At each revision, one new row goes into every table (made from the columns the database has
then: each foreign key points to a row added before), so every migration runs over data
written by the schema before it, as it does on a real council's database."""

import itertools
from datetime import UTC, date, datetime, time

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, func, select, text
from sqlalchemy import types as sqltypes

from app.database import is_search_index
from app.extensions import db

COUNTER = itertools.count(1)


def alembic_config():
    return current_app.extensions["migrate"].migrate.get_config()


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def value_for(column, table_name: str, parents: dict[str, list]):
    """A value the column accepts, unique where it must be."""
    n = next(COUNTER)
    if column.foreign_keys:
        target = next(iter(column.foreign_keys)).column
        rows = parents.get(target.table.name)
        return rows[-1] if rows else None
    kind = column.type
    if isinstance(kind, sqltypes.Boolean):
        return False
    if isinstance(kind, sqltypes.Integer):
        return n
    if isinstance(kind, sqltypes.DateTime):
        return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    if isinstance(kind, sqltypes.Date):
        return date.today()
    if isinstance(kind, sqltypes.Time):
        return time(18, 0)
    if isinstance(kind, sqltypes.LargeBinary):
        return b"\x00" * 16
    if isinstance(kind, sqltypes.JSON):
        return {"original": "en", "en": f"Text {n}"}
    length = getattr(kind, "length", None) or 40
    enum_values = getattr(kind, "enums", None)
    if enum_values:
        return enum_values[0]
    return f"{table_name[:4]}{n}"[:length]


def derived_out(name: str, _metadata) -> bool:
    """Every table but the search index, which the database fills from `proposals` itself."""
    return not is_search_index(name)


def add_one_row_everywhere(parents: dict[str, list]) -> None:
    metadata = MetaData()
    metadata.reflect(db.engine, only=derived_out)
    with db.engine.begin() as connection:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            row = {}
            for column in table.columns:
                if column.primary_key and isinstance(column.type, sqltypes.Integer):
                    continue
                if column.nullable and not column.foreign_keys and column.server_default:
                    continue
                value = value_for(column, table.name, parents)
                if value is None and not column.nullable:
                    break  # a parent without rows: not at this step
                row[column.name] = value
            else:
                result = connection.execute(table.insert().values(**row))
                keys = result.inserted_primary_key
                parents.setdefault(table.name, []).append(
                    keys[0] if keys and keys[0] is not None else row.get("id")
                )


def counts() -> dict[str, int]:
    metadata = MetaData()
    metadata.reflect(db.engine, only=derived_out)
    with db.engine.connect() as connection:
        return {
            t.name: connection.scalar(select(func.count()).select_from(t))
            for t in metadata.sorted_tables
            if t.name != "alembic_version"
        }


def search_index_agrees_with_rows() -> bool:
    """SQLite's search index (built from the rows of earlier revisions, kept by triggers since)
    finds exactly the proposals whose search column holds each one's text."""
    with db.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT id, search_text FROM proposals").all()
        for _id, search_text in rows:
            indexed = connection.exec_driver_sql(
                "SELECT rowid FROM proposal_search WHERE proposal_search MATCH ?",
                ('"' + search_text.replace('"', '""') + '"',),
            )
            scanned = connection.exec_driver_sql(
                "SELECT id FROM proposals WHERE instr(search_text, ?) > 0", (search_text,)
            )
            if set(indexed.scalars()) != set(scanned.scalars()):
                return False
    return bool(rows)


@pytest.fixture
def empty(app):
    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    yield
    db.session.remove()
    downgrade(revision="base")
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    db.create_all()


def test_every_revision_upgrades_with_its_rows_and_steps_back_down(empty):
    ladder = revisions()
    parents: dict[str, list] = {}
    seen: dict[str, int] = {}
    for revision in ladder:
        upgrade(revision=revision)
        now = counts()
        # What earlier revisions held is still there (a table may only grow or stay).
        for table, number in seen.items():
            if table in now:
                assert now[table] >= number, f"{revision}: rows lost in {table}"
        add_one_row_everywhere(parents)
        seen = counts()
    assert all(seen.values()), {t: n for t, n in seen.items() if not n}
    command.check(alembic_config())  # the models and the migrated database agree
    if db.engine.dialect.name == "sqlite":
        assert search_index_agrees_with_rows()

    for revision in reversed(ladder[:-1]):
        downgrade(revision=revision)
        remaining = counts()
        for table, number in remaining.items():
            assert number == seen[table], f"down to {revision}: rows lost in {table}"
    assert counts()["users"] == seen["users"]
