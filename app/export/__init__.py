"""The open-data export: every public record of the councils in one ZIP file, for anyone.

The archive holds ``README.md`` (what each file is, the licence note, the date and the
versions), each table as CSV (``csv/<kind>.csv``: UTF-8 with a byte order mark, which Excel
needs, and no cell a spreadsheet would run as a formula) and as JSON (``json/<kind>.json``: a
list of objects with the same keys and typed values), the public documents (``documents/``)
and each published minutes' PDF (``minutes/``). What goes in is what the site shows a visitor
who is not signed in (``records``), so the export never holds more than the public pages.

Consistency: everything is read in one read transaction (SQLite's snapshot in WAL mode,
PostgreSQL's REPEATABLE READ) that takes no write lock, as ``app.backup`` does, so people
keep voting while it runs. The file is written as ``<name>.partial`` and renamed when
complete: a failed export leaves nothing behind.
"""

import csv
import io
import json
import os
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import select

from app.backup import schema_revision
from app.councils.models import Council
from app.database import utcnow, write_intent
from app.export import records
from app.extensions import db
from app.i18n import DEFAULT_LOCALE, UI_LOCALES
from app.meetings.services import document_path
from app.minutes.models import Minutes, MinutesState
from app.minutes.pdf import render_pdf, stylesheet
from app.text import spreadsheet_cell

#: The layout of the export's files; raised when a column changes meaning or goes away.
FORMAT_VERSION = 1
README = "README.md"


class ExportError(Exception):
    """Why an export cannot be done, said for the person running the command."""


@dataclass(frozen=True)
class Summary:
    path: Path
    councils: int
    #: Rows per table.
    rows: dict[str, int]
    documents: int
    minutes: int
    size: int


def default_name() -> str:
    return f"consulta-open-data-{utcnow():%Y-%m-%dT%H%M%SZ}.zip"


def export(target: Path, council_slug: str | None = None) -> Summary:
    """Write the public data of every council, or of one, to ``target`` (a new file, or a
    folder to put a timestamped file in)."""
    if target.is_dir():
        target = target / default_name()
    if target.exists():
        raise ExportError(f"{target} exists already: choose another name.")
    if not target.parent.is_dir():
        raise ExportError(f"The folder {target.parent} does not exist.")
    if not os.access(target.parent, os.W_OK):
        raise ExportError(f"Cannot write in {target.parent}: check its permissions.")
    partial = target.with_name(target.name + ".partial")
    try:
        summary = _write(partial, council_slug)
        partial.rename(target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise ExportError(f"The export could not be written ({error.strerror}).") from error
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return Summary(
        target,
        summary.councils,
        summary.rows,
        summary.documents,
        summary.minutes,
        target.stat().st_size,
    )


@contextmanager
def _snapshot() -> Iterator[None]:
    """One read transaction for the whole export, without SQLite's write lock. It starts a
    transaction of its own: whatever the session had not committed is dropped."""
    token = write_intent.set(False)
    db.session.rollback()
    try:
        if db.engine.dialect.name == "postgresql":
            db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield
    finally:
        db.session.rollback()
        write_intent.reset(token)


def _page_context():
    """Links and templates need a request; this one is addressed to CONSULTA_BASE_URL, so
    ``external_url`` and the pages rendered for the PDFs never depend on who runs it."""
    parts = urlsplit(current_app.config["BASE_URL"])
    return current_app.test_request_context("/", base_url=f"{parts.scheme}://{parts.netloc}")


def _write(path: Path, council_slug: str | None) -> Summary:
    with _page_context(), _snapshot():
        query = select(Council).order_by(Council.id)
        if council_slug is not None:
            query = query.where(Council.slug == council_slug)
        councils = list(db.session.scalars(query))
        if council_slug is not None and not councils:
            raise ExportError(f"No council has the slug {council_slug!r}.")
        revision = schema_revision(db.session.connection())
        found = records.extract(councils)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            copied = _copy_documents(archive, found.documents)
            for table in found.tables:
                if table.name == "documents":
                    for row in table.rows:
                        row["file"] = row["file"] if row["file"] in copied else None
                archive.writestr(f"csv/{table.name}.csv", _csv(table))
                archive.writestr(f"json/{table.name}.json", _json(table))
            for name, minutes, withheld in found.minutes:
                archive.writestr(name, _pdf(minutes, withheld))
            archive.writestr(README, _readme(found, councils, revision))
    return Summary(
        path,
        len(councils),
        {table.name: len(table.rows) for table in found.tables},
        len(copied),
        len(found.minutes),
        0,
    )


def _copy_documents(archive: zipfile.ZipFile, documents) -> set[str]:
    """The documents' files, streamed; one removed since the snapshot is left out (its row
    then names no file)."""
    copied = set()
    for name, document in documents:
        try:
            source = document_path(document).open("rb")
        except FileNotFoundError:
            continue
        with source, archive.open(name, "w", force_zip64=True) as member:
            shutil.copyfileobj(source, member, 1 << 20)
        copied.add(name)
    return copied


def _ordered(table: records.Table) -> list[dict]:
    return [{column: row.get(column) for column in table.columns} for row in table.rows]


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(map(str, value))
    if isinstance(value, dict):
        return "; ".join(f"{key}: {number}" for key, number in value.items())
    return str(value)


def _csv(table: records.Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    for row in _ordered(table):
        writer.writerow([spreadsheet_cell(_csv_value(value)) for value in row.values()])
    return ("\ufeff" + out.getvalue()).encode()


def _json(table: records.Table) -> bytes:
    return json.dumps(_ordered(table), ensure_ascii=False, indent=1).encode()


class _Withholding:
    """Minutes as the PDF template reads them, without the names the export withholds."""

    def __init__(self, minutes: Minutes, withheld: records.Names):
        self._minutes = minutes
        self.body = withheld.redact_texts(minutes.body)
        approver = minutes.approved_by
        self.approved_by = approver and SimpleNamespace(
            display_name=withheld.redact(approver.display_name)
        )
        self.corrections = [
            SimpleNamespace(number=r.number, created_at=r.created_at, note=withheld.redact(r.note))
            for r in minutes.corrections
        ]

    def __getattr__(self, name: str):
        return getattr(self._minutes, name)


def _pdf(minutes: Minutes, withheld: records.Names) -> bytes:
    """The PDF a reader downloads from the minutes' page, in the minutes' own language."""
    meeting = minutes.meeting
    council = meeting.council
    lang = next(
        (code for code in (minutes.body.original, council.default_language) if code in UI_LOCALES),
        DEFAULT_LOCALE,
    )
    with force_locale(lang):
        page = render_template(
            "minutes/document.html",
            minutes=_Withholding(minutes, withheld),
            meeting=meeting,
            council=council,
            State=MinutesState,
            stylesheet=stylesheet(current_app.static_folder or ""),
        )
    return render_pdf(page)


def _readme(found: records.Extract, councils: list[Council], revision: str | None) -> str:
    names = ", ".join(council.name.get(council.name.original) for council in councils)
    lines = [
        "# Open data of " + (names or "no council"),
        "",
        "Data published by the council: every record here is public on the council's site, "
        "where each row's `url` leads. Reuse it; name the council as its source.",
        "",
        f"- Exported: {utcnow():%Y-%m-%d %H:%M} UTC, from {current_app.config['BASE_URL']}",
        f"- Export format version: {FORMAT_VERSION}",
        f"- Database schema revision: {revision or 'unknown'}",
        "",
        "## Files",
        "",
        "Each table is there twice: `csv/<table>.csv` (UTF-8 with a byte order mark, a header "
        "row; a cell that starts with `=`, `+`, `-` or `@` gets a leading `'` so that no "
        "spreadsheet runs it) and `json/<table>.json` (a list of objects with the same keys).",
        "",
    ]
    for table in found.tables:
        lines.append(f"- `{table.name}` ({len(table.rows)} rows): {table.about}")
    lines += [
        "- `documents/<id>-<file name>`: the files of the documents table (column `file`).",
        "- `minutes/<council>-<date>-<id>.pdf`: each published minutes as printed "
        "(column `pdf` of the minutes table).",
        "",
        "## Conventions",
        "",
        "- Times are UTC in ISO 8601 (`2026-05-01T18:00:00Z`); each council's `timezone` "
        "says how they are shown locally.",
        "- A translated text has one column per language the councils work in "
        "(`title_en`, `title_ar` …), empty where there is no translation yet, and "
        "`<name>_original`: the text as written, in the record's `original_language` "
        "(a code such as `ar` or `fa_AF`; `und` when nobody named it).",
        "- States, kinds, roles and rules are stable identifiers (`closed`, `adopted`, "
        "`hands`, `two_thirds` …), the same in every language.",
        "- Decisions: `yes`, `no`, `abstain` and `other_options` are the numbers counted; "
        "`counted` is `electronic` or `hand`; `adopted` is empty when nothing was decided "
        "(no quorum, or not a decision).",
        "- People are named only in `members` and only when they agreed to be listed on the "
        "council's page. Who sent a proposal, who voted what and who uploaded a file are "
        "not published.",
        "",
    ]
    return "\n".join(lines)
