"""Backups that any Consulta can restore: every row and every uploaded document, in one file.

A backup is a ZIP archive holding ``manifest.json`` (format, schema revision, when, and the
SHA-256 of every other member), one JSON-lines file per table (``data/<table>.jsonl``, rows in
primary-key order) and the uploaded documents (``documents/<stored name>``). Rows are written
as plain JSON values, not as a database's own dump, so a backup taken on SQLite restores onto
PostgreSQL and back: the path a growing council takes.

Consistency: all tables are read in one read transaction (SQLite's snapshot in WAL mode,
PostgreSQL's REPEATABLE READ), which takes no write lock, so people keep voting while it
runs. Secret ballots and vote records have random ids and are written in id order, which is
no order of casting: a backup links no voter to a choice, as the database does not. The
instance's secret key is not in the backup; it is kept apart (``docs/admin-guide.md``).

Restore verifies every checksum first, refuses an archive that is not a Consulta backup,
is damaged, or comes from a newer version, and writes only into an empty database: it builds
the schema at the archive's revision, inserts the rows, then migrates to the current one.
"""

import base64
import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import MetaData, Table, func, inspect, select, text
from sqlalchemy import types as sqltypes
from sqlalchemy.engine import Connection

from app.database import SEARCH_INDEX, is_search_index, utcnow, write_intent
from app.extensions import db
from app.meetings.documents import storage_folder

FORMAT = "consulta-backup"
VERSION = 1
MANIFEST = "manifest.json"
#: Tables that belong to the tools, not to the council's data.
SKIPPED = {"alembic_version"}


class BackupError(Exception):
    """Why a backup or a restore cannot be done, said for the person running the command."""


@dataclass(frozen=True)
class Summary:
    path: Path
    revision: str
    rows: int
    tables: int
    documents: int
    size: int


def documents_folder() -> Path:
    return storage_folder()


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def schema_revision(connection: Connection) -> str | None:
    """The schema revision the database is at (None: it has no migrations recorded)."""
    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest schema revision this code knows."""
    head = _script().get_current_head()
    assert head is not None
    return head


def is_behind() -> bool:
    """Whether the database has a schema older than the code's (an upgrade is due)."""
    with db.engine.connect() as connection:
        revision = schema_revision(connection)
    return revision is not None and revision != head_revision()


# Values as JSON, and back


def _to_json(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode()}
    return value


def _from_json(value, column_type):
    if value is None:
        return None
    if isinstance(column_type, sqltypes.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column_type, sqltypes.Date):
        return date.fromisoformat(value)
    if isinstance(column_type, sqltypes.Time):
        return time.fromisoformat(value)
    if isinstance(column_type, sqltypes.LargeBinary):
        return base64.b64decode(value["base64"])
    if isinstance(column_type, sqltypes.JSON):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value)  # a JSON column the database reports as text
    return value


def _tables(connection: Connection) -> list[Table]:
    """The tables as the database has them now (which may be an older schema than the code's),
    parents before children."""
    metadata = MetaData()
    metadata.reflect(connection, only=_kept)
    return [table for table in metadata.sorted_tables if table.name not in SKIPPED]


def _kept(name: str, _metadata) -> bool:
    """Tables a backup holds: not the search index, which the database derives from rows."""
    return not is_search_index(name)


def _rows(connection: Connection, table: Table) -> Iterator[str]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(stream_results=True).execute(
        select(table).order_by(*order)
    )
    for row in result.mappings():
        yield json.dumps({k: _to_json(v) for k, v in row.items()}, ensure_ascii=False) + "\n"


# Backup


def default_name() -> str:
    return f"consulta-backup-{utcnow():%Y-%m-%dT%H%M%SZ}.zip"


def backup(target: Path) -> Summary:
    """Write a backup to ``target`` (a file, or a folder to put a timestamped file in)."""
    if target.is_dir():
        target = target / default_name()
    if target.exists():
        raise BackupError(f"{target} exists already: choose another name.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    if not os.access(target.parent, os.W_OK):
        raise BackupError(f"Cannot write in {target.parent}: check its permissions.")
    partial = target.with_name(target.name + ".partial")
    try:
        summary = _write(partial)
        partial.rename(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"The backup could not be written ({error.strerror}).") from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Summary(
        target,
        summary.revision,
        summary.rows,
        summary.tables,
        summary.documents,
        target.stat().st_size,
    )


def _write(path: Path) -> Summary:
    files: dict[str, str] = {}
    counts: dict[str, int] = {}
    token = write_intent.set(False)  # a read transaction: voters keep the write lock
    try:
        with (
            db.engine.connect() as connection,
            zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            if connection.dialect.name == "postgresql":
                connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                revision = schema_revision(connection)
                if revision is None:
                    raise BackupError(
                        "The database has no schema yet: there is nothing to back up."
                    )
                tables = _tables(connection)
                for table in tables:
                    name = f"data/{table.name}.jsonl"
                    digest, count = hashlib.sha256(), 0
                    with archive.open(name, "w", force_zip64=True) as member:
                        for line in _rows(connection, table):
                            data = line.encode()
                            digest.update(data)
                            member.write(data)
                            count += 1
                    files[name], counts[table.name] = digest.hexdigest(), count
                stored = _stored_documents(connection, tables)
            for stored_name in sorted(stored):
                source = documents_folder() / stored_name
                if not source.is_file():
                    continue  # removed since (its row says so) or lost before this backup
                name = f"documents/{stored_name}"
                digest = hashlib.sha256()
                with source.open("rb") as fh, archive.open(name, "w", force_zip64=True) as member:
                    while chunk := fh.read(1 << 20):
                        digest.update(chunk)
                        member.write(chunk)
                files[name] = digest.hexdigest()
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created": utcnow().isoformat() + "Z",
                "revision": revision,
                "database": connection.dialect.name,
                "rows": counts,
                "files": files,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
    finally:
        write_intent.reset(token)
    documents = sum(1 for name in files if name.startswith("documents/"))
    return Summary(path, revision, sum(counts.values()), len(counts), documents, 0)


def _stored_documents(connection: Connection, tables: list[Table]) -> set[str]:
    """The files the documents table names, as the snapshot has it."""
    table = next((t for t in tables if t.name == "documents"), None)
    if table is None:
        return set()
    return set(connection.scalars(select(table.c.stored_name)))


# Restore


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except (KeyError, ValueError) as error:
        raise BackupError("This file is not a Consulta backup (it has no manifest).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This file is not a Consulta backup.")
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"This backup is in format version {manifest.get('version')}; this Consulta reads "
            f"version {VERSION}. Restore it with the Consulta version that made it, or newer."
        )
    return manifest


def verify(path: Path) -> dict:
    """The manifest, once every member's checksum is right and nothing is missing or added."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as error:
        raise BackupError(
            f"{path} is not a readable backup: it is damaged or not a ZIP."
        ) from error
    with archive:
        manifest = read_manifest(archive)
        listed = set(manifest["files"])
        present = set(archive.namelist()) - {MANIFEST}
        if listed != present:
            raise BackupError(
                "The backup is incomplete or was changed: its files differ from its manifest."
            )
        for name, expected in manifest["files"].items():
            digest = hashlib.sha256()
            try:
                with archive.open(name) as member:
                    while chunk := member.read(1 << 20):
                        digest.update(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as error:
                raise BackupError(f"The backup is damaged: {name} cannot be read.") from error
            if digest.hexdigest() != expected:
                raise BackupError(f"The backup is damaged: {name} does not match its checksum.")
    revisions = {script.revision for script in _script().walk_revisions()}
    if manifest["revision"] not in revisions:
        raise BackupError(
            "This backup comes from a newer version of Consulta (its database schema "
            f"{manifest['revision']} is unknown here). Upgrade Consulta, then restore it."
        )
    return manifest


def _is_empty(connection: Connection) -> bool:
    names = {n for n in inspect(connection).get_table_names() if _kept(n, None)} - SKIPPED
    if not names:
        return True
    metadata = MetaData()
    metadata.reflect(connection, only=sorted(names))
    return all(
        not connection.scalar(select(func.count()).select_from(table))
        for table in metadata.sorted_tables
    )


def restore(path: Path) -> Summary:
    """Restore a verified backup into this instance's empty database and documents folder."""
    manifest = verify(path)
    folder = documents_folder()
    with db.engine.connect() as connection:
        if not _is_empty(connection):
            raise BackupError(
                "This instance already has data. Restore into a new, empty instance "
                "(another CONSULTA_INSTANCE or DATABASE_URL)."
            )
    if folder.is_dir() and any(folder.iterdir()):
        raise BackupError(f"The documents folder {folder} is not empty.")
    _drop_everything()
    upgrade(revision=manifest["revision"])
    with zipfile.ZipFile(path) as archive:
        rows = _insert_rows(archive, manifest)
        documents = _extract_documents(archive, manifest, folder)
    upgrade()
    return Summary(
        path, head_revision(), rows, len(manifest["rows"]), documents, path.stat().st_size
    )


def _drop_everything() -> None:
    """An empty database may still hold empty tables (``db.create_all`` in a new instance)."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            connection.execute(text(f"DROP TABLE IF EXISTS {SEARCH_INDEX}"))
        metadata = MetaData()
        metadata.reflect(connection, only=_kept)
        metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _insert_rows(archive: zipfile.ZipFile, manifest: dict) -> int:
    total = 0
    with db.engine.begin() as connection:
        for table in _tables(connection):
            name = f"data/{table.name}.jsonl"
            if name not in manifest["files"]:
                continue
            types = {column.name: column.type for column in table.columns}
            batch: list[dict] = []
            with archive.open(name) as member:
                for line in member:
                    row = json.loads(line)
                    batch.append({k: _from_json(v, types[k]) for k, v in row.items()})
                    if len(batch) == 1000:
                        connection.execute(table.insert(), batch)
                        total, batch = total + len(batch), []
            if batch:
                connection.execute(table.insert(), batch)
                total += len(batch)
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return total


def _reset_sequences(connection: Connection) -> None:
    """Rows came with their ids: each serial column's sequence continues after the largest."""
    for table in _tables(connection):
        for column in table.primary_key.columns:
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:table, :column)"),
                {"table": table.name, "column": column.name},
            )
            if sequence:
                largest = connection.scalar(select(func.max(column))) or 0
                connection.execute(
                    text("SELECT setval(:sequence, :next, false)"),
                    {"sequence": sequence, "next": largest + 1},
                )


def _extract_documents(archive: zipfile.ZipFile, manifest: dict, folder: Path) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    for name in manifest["files"]:
        if not name.startswith("documents/"):
            continue
        stored = name.removeprefix("documents/")
        if "/" in stored or stored in {"", ".", ".."}:
            raise BackupError(f"The backup names a document oddly: {name}.")
        with (
            archive.open(name) as source,
            tempfile.NamedTemporaryFile(dir=folder, delete=False) as target,
        ):
            shutil.copyfileobj(source, target)
        Path(target.name).rename(folder / stored)
        count += 1
    return count
