"""Proposal search index: FTS5 trigram table on SQLite, pg_trgm GIN index on PostgreSQL

Revision ID: 6d9e6b9d9609
Revises: b1a5c74eafb7
Create Date: 2026-12-03 14:46:27.677418

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6d9e6b9d9609'
down_revision = 'b1a5c74eafb7'
branch_labels = None
depends_on = None


# The same statements as app/proposals/search.py (a migration never imports the app). SQLite:
# an FTS5 table over the folded search column, content read from `proposals` (stored once), the
# trigram tokenizer for substring matches, triggers for every write, filled once from the rows.
# A later migration that rebuilds `proposals` with batch_alter_table on SQLite drops these
# triggers with the old table: it must create them again.
SQLITE_UP = [
    "CREATE VIRTUAL TABLE proposal_search USING fts5(search_text, content='proposals',"
    " content_rowid='id', tokenize='trigram case_sensitive 1')",
    "CREATE TRIGGER proposal_search_insert AFTER INSERT ON proposals BEGIN"
    " INSERT INTO proposal_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER proposal_search_delete AFTER DELETE ON proposals BEGIN"
    " INSERT INTO proposal_search(proposal_search, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER proposal_search_update AFTER UPDATE OF search_text ON proposals BEGIN"
    " INSERT INTO proposal_search(proposal_search, rowid, search_text)"
    " VALUES ('delete', old.id, old.search_text);"
    " INSERT INTO proposal_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO proposal_search(proposal_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS proposal_search_update",
    "DROP TRIGGER IF EXISTS proposal_search_delete",
    "DROP TRIGGER IF EXISTS proposal_search_insert",
    "DROP TABLE IF EXISTS proposal_search",
]
# PostgreSQL: pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it.
# Without the pending list (fastupdate) a new row goes straight into the index: proposals are
# written rarely and searched often.
POSTGRESQL_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_proposals_search_text_trigram ON proposals"
    " USING gin (search_text gin_trgm_ops) WITH (fastupdate = off)",
]
POSTGRESQL_DOWN = ["DROP INDEX IF EXISTS ix_proposals_search_text_trigram"]


def _run(statements):
    for statement in statements:
        op.execute(statement)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        _run(SQLITE_UP)
    elif dialect == 'postgresql':
        _run(POSTGRESQL_UP)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        _run(SQLITE_DOWN)
    elif dialect == 'postgresql':
        _run(POSTGRESQL_DOWN)
