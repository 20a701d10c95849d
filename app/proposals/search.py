"""The index behind the proposals' search box, on both databases.

The search column (``Proposal.search_text``) holds every version of a proposal's title and body
folded by ``text.fold_for_search``; a typed word finds the proposals whose column contains it,
anywhere, even inside a longer word (a resident types part of a word, and Arabic attaches
ال, و, ب to the word that follows). Both databases index that column by its trigrams, which
keeps exactly these substring semantics:

- SQLite: an FTS5 table with the ``trigram`` tokenizer over the column, its content read from
  ``proposals`` itself (nothing stored twice) and kept in step by triggers on every insert,
  update of the column and delete, whatever writes the row (a service, a data deletion, a
  restore, a migration).
- PostgreSQL: a GIN index with ``pg_trgm``'s operator class, which ``LIKE '%word%'`` uses.
  pg_trgm reads letters as the database's LC_CTYPE classifies them: a database made in a
  UTF-8 locale indexes Arabic and Cyrillic words too; one in the C locale only ASCII ones
  (the others are then compared row by row, as before the index).

A trigram index cannot serve a word of one or two characters: such words are compared with
``LIKE`` on the rows the longer words (and the other filters) leave.

The migration that builds them spells the same SQL (migrations never import the app); the
statements here build them with ``db.create_all`` (tests, a new instance).
"""

from collections.abc import Callable

from sqlalchemy import (
    DDL,
    ColumnElement,
    SQLColumnExpression,
    Table,
    and_,
    event,
    literal_column,
    select,
    text,
    true,
)
from sqlalchemy.engine import Engine
from sqlalchemy.sql import column, table

from app.database import SEARCH_INDEX
from app.extensions import db

#: Words shorter than this have no trigram: they are compared without the index.
INDEXED_LENGTH = 3

#: The FTS5 table, as queries name it (not part of the models: the database derives it).
search_table = table(SEARCH_INDEX, column("rowid"))

SQLITE_CREATE = [
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

# Proposals are written rarely and searched often: new rows go straight into the GIN index
# (no pending list that every search would read, and that makes the planner avoid the index).
POSTGRESQL_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_proposals_search_text_trigram ON proposals"
    " USING gin (search_text gin_trgm_ops) WITH (fastupdate = off)",
]


def listen(proposals: Table) -> None:
    """Build the index with the table (``db.create_all``) and drop it before the table."""
    for statement in SQLITE_CREATE:
        event.listen(proposals, "after_create", DDL(statement).execute_if(dialect="sqlite"))
    for statement in POSTGRESQL_CREATE:
        event.listen(proposals, "after_create", DDL(statement).execute_if(dialect="postgresql"))
    event.listen(
        proposals,
        "before_drop",
        DDL(f"DROP TABLE IF EXISTS {SEARCH_INDEX}").execute_if(dialect="sqlite"),
    )


def _like(search_text: SQLColumnExpression[str], word: str) -> ColumnElement[bool]:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return search_text.like(f"%{escaped}%", escape="\\")


def like_every_word(search_text: SQLColumnExpression[str], words: list[str]) -> ColumnElement[bool]:
    """Every word compared on every row, without an index (how the search began)."""
    return and_(true(), *(_like(search_text, word) for word in words))


#: Per database: whether pg_trgm counts letters beyond ASCII as letters (its LC_CTYPE).
_letters_beyond_ascii: dict[str, bool] = {}


def _trigram_letters(engine: Engine) -> Callable[[str], bool]:
    """What pg_trgm takes as a word's character on this database. It reads only letters and
    digits, as the database's LC_CTYPE classifies them: in a UTF-8 locale (C.UTF-8,
    en_US.UTF-8, …) Arabic and Cyrillic are letters; in the C locale only ASCII is."""
    key = engine.url.render_as_string()
    if key not in _letters_beyond_ascii:
        _letters_beyond_ascii[key] = bool(
            db.session.scalar(text("SELECT show_trgm('яяя') <> '{}'"))
        )
    if _letters_beyond_ascii[key]:
        return str.isalnum
    return lambda c: c.isascii() and c.isalnum()


def _has_trigram(word: str, letter: Callable[[str], bool]) -> bool:
    """Whether the word holds three letters in a row: pg_trgm's index can look it up."""
    run = 0
    for character in word:
        run = run + 1 if letter(character) else 0
        if run == INDEXED_LENGTH:
            return True
    return False


def contains_words(
    proposal_id: SQLColumnExpression[int],
    search_text: SQLColumnExpression[str],
    words: list[str],
    engine: Engine,
) -> ColumnElement[bool]:
    """Rows whose folded search column contains every (folded) word."""
    if engine.dialect.name == "postgresql":
        return and_(true(), *_postgresql(search_text, words, _trigram_letters(engine)))
    if engine.dialect.name != "sqlite":
        return like_every_word(search_text, words)
    indexed = [word for word in words if len(word) >= INDEXED_LENGTH]
    short = [_like(search_text, word) for word in words if len(word) < INDEXED_LENGTH]
    if not indexed:
        return and_(true(), *short)
    # One FTS5 query: each word a quoted phrase (its trigrams in a row: a substring).
    phrases = " AND ".join('"' + word.replace('"', '""') + '"' for word in indexed)
    matching = select(search_table.c.rowid).where(literal_column(SEARCH_INDEX).op("MATCH")(phrases))
    return and_(proposal_id.in_(matching), *short)


def _postgresql(
    search_text: SQLColumnExpression[str], words: list[str], letter: Callable[[str], bool]
) -> list[ColumnElement[bool]]:
    """pg_trgm's index serves LIKE for a word with a trigram. A word without one would make it
    read its whole index (slower than reading the table): that word is compared on the rows
    the others leave, through an expression the index does not cover."""
    unindexed = search_text.concat("")
    return [_like(search_text if _has_trigram(word, letter) else unindexed, word) for word in words]
