"""Database conventions: constraint names, SQLite pragmas and write locking, time helpers.

SQLite runs in WAL mode with foreign keys on. pysqlite's legacy transaction handling is turned
off so that SQLAlchemy's ``begin`` event decides how each transaction starts: a request that
may write (any method but GET/HEAD/OPTIONS) and every command-line transaction begin with
``BEGIN IMMEDIATE``, which takes the write lock up front. A deferred transaction that reads and
then writes fails at once with "database is locked" when many members vote together.

Hot write paths that read a lot first (a vote) use ``@reads_first`` and ``begin_writing()``
(``app.transactions``): the reads run in an ordinary transaction, and the write lock is taken
only for the writes.
"""

from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from flask import g, has_app_context, request
from flask_babel import get_locale
from sqlalchemy import Enum, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

#: Column ``info`` of a text that keeps its line breaks (a description, a proposal's body);
#: other texts are one line (see app.cleaning).
MULTILINE = {"multiline": True}

#: False while serving a request that must not write (GET, HEAD, OPTIONS).
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)

SQLITE_BUSY_TIMEOUT_MS = 15_000


#: The proposals' search index (``app/proposals/search.py``): SQLite's FTS5 table (with the
#: shadow tables FTS5 keeps as ``proposal_search_*``) and PostgreSQL's trigram index. The
#: database derives them from ``proposals``: backups, the migrations' comparison with the
#: models and anything that walks every table leave them out.
SEARCH_INDEX = "proposal_search"
SEARCH_TRIGRAM_INDEX = "ix_proposals_search_text_trigram"


def is_search_index(name: str | None) -> bool:
    """Whether a table or index is part of the search index (derived, never a model's)."""
    if not name:
        return False
    return name in (SEARCH_INDEX, SEARCH_TRIGRAM_INDEX) or name.startswith(f"{SEARCH_INDEX}_")


def utcnow() -> datetime:
    """Naive UTC, as stored in every DateTime column (SQLite keeps no zone)."""
    return datetime.now(UTC).replace(tzinfo=None)


#: How often SQLite's planner statistics are refreshed (``keep_statistics``).
OPTIMIZE_EVERY = timedelta(hours=1)


def keep_statistics(app, db) -> None:
    """Keep SQLite's planner statistics fresh (without them it may pick the one-column index
    of a long list over the index made for it): once an hour per process, an ANALYZE that
    samples at most 1,000 rows per index, in the background thread after a request.
    PostgreSQL's autovacuum does this by itself."""
    last = {"at": utcnow()}

    def analyze() -> None:
        with db.engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA analysis_limit=1000")
            connection.exec_driver_sql("ANALYZE")

    @app.before_request
    def when_due() -> None:
        if utcnow() - last["at"] >= OPTIMIZE_EVERY and db.engine.dialect.name == "sqlite":
            last["at"] = utcnow()
            app.extensions["background"].submit(analyze)


def configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten, not left in free space (sealed ballots after a close).
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN")


def init_app(app, db) -> None:
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                configure_sqlite(engine)

    # A URL value preprocessor, not before_request: those run first, and loading the council
    # of the URL (councils.views.load_council) must already know whether this request writes.
    @app.url_value_preprocessor
    def declare_write_intent(endpoint, _values):
        writes = request.method not in {"GET", "HEAD", "OPTIONS"}
        if writes and getattr(app.view_functions.get(endpoint), "reads_first", False):
            writes = False  # until the view calls begin_writing()
        g.write_intent_token = write_intent.set(writes)

    @app.teardown_request
    def forget_write_intent(_exc):
        token = g.pop("write_intent_token", None)
        if token is not None:
            write_intent.reset(token)


def render_migration_type(type_, obj, _autogen_context):
    """Migrations spell custom column types as their plain SQL type, so they never import app."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{type(obj.impl_instance).__name__}()"
    return False


def enum_type(enum, name: str) -> Enum:
    """A column of enum values stored as plain strings (no database-specific type)."""
    return Enum(
        enum,
        name=name,
        native_enum=False,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )


class LabelledEnum(StrEnum):
    """Stable values in the database, translated titles for people."""

    @property
    def label(self) -> str:
        """The title in the reader's language, translated once per request and language (a
        list of two hundred members asks for the same few titles two hundred times)."""
        if not has_app_context():
            return str(self.labels()[self])
        key = (type(self), self.value, str(get_locale()))
        cache = g.setdefault("labels", {})
        if key not in cache:
            cache[key] = str(self.labels()[self])
        return cache[key]

    @classmethod
    def labels(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]
