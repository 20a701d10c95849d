"""Backup, restore, export and archive: sizes and times, for the demo and for a council grown
to thousands of proposals and hundreds of meetings.

Seeds the demo in a new instance, grows it (copies of the demo's proposals, meetings and
agenda items, with their translations), then times ``backup``, ``verify`` and ``restore``
into a new empty instance, the open-data ``export`` and the static ``archive``, each as the
commands do it (``--skip-archive`` leaves the archive out).

    .venv/bin/python bench/backup.py --proposals 0 --meetings 0     # the demo as it is
    .venv/bin/python bench/backup.py                                # 10,000 proposals, 500 meetings
    scripts/with-postgres .venv/bin/python bench/backup.py          # the same on PostgreSQL
"""

import argparse
import itertools
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def grow(db, proposals: int, meetings: int) -> None:
    """Copies of the demo's rows with new ids and new unique values, inserted in bulk."""
    from sqlalchemy import MetaData, func, select

    metadata = MetaData()
    metadata.reflect(db.engine)
    t = metadata.tables
    with db.engine.begin() as connection:

        def copies(table, count, change):
            rows = [dict(r) for r in connection.execute(select(table)).mappings()]
            next_id = connection.scalar(select(func.max(table.c.id))) + 1
            made = []
            for n, row in zip(range(count), itertools.cycle(rows), strict=False):
                copy = dict(row, id=next_id + n)
                change(copy, n)
                made.append(copy)
            for start in range(0, len(made), 1000):
                connection.execute(table.insert(), made[start : start + 1000])
            return made

        def new_meeting(row, n):
            row["uid"] = secrets.token_hex(16)

        made_meetings = copies(t["meetings"], meetings, new_meeting)
        meeting_ids = itertools.cycle([m["id"] for m in made_meetings] or [None])

        def new_item(row, n):
            meeting_id = next(meeting_ids)
            if meeting_id is not None:
                row["meeting_id"] = meeting_id

        copies(t["agenda_items"], meetings * 5, new_item)

        def new_proposal(row, n):
            row["tracking_hash"] = secrets.token_hex(32)
            row["submission_key"] = secrets.token_hex(32)
            row["reference"] = f"G{n:07d}"
            row["agenda_item_id"] = None

        copies(t["proposals"], proposals, new_proposal)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10_000, help="copies to add")
    parser.add_argument("--meetings", type=int, default=500, help="copies to add (5 items each)")
    parser.add_argument("--skip-archive", action="store_true", help="time no static archive")
    args = parser.parse_args()

    source = tempfile.mkdtemp(prefix="consulta-bench-")
    target = tempfile.mkdtemp(prefix="consulta-bench-restore-")
    postgres = os.environ.get("TEST_DATABASE_URL")

    from flask_migrate import upgrade
    from sqlalchemy import create_engine, make_url, text

    from app import archive, backup, create_app, export
    from app.demo import seed_demo
    from app.extensions import db
    from config import Config

    def instance(folder: str, url: str):
        os.environ["CONSULTA_INSTANCE"] = folder

        class Settings(Config):
            SQLALCHEMY_DATABASE_URI = url

        return create_app(Settings)

    def fresh_postgres(name: str) -> str:
        base = make_url(postgres)
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return base.set(database=name).render_as_string(hide_password=False)

    first = fresh_postgres("bench_backup") if postgres else f"sqlite:///{source}/consulta.db"
    second = fresh_postgres("bench_restore") if postgres else f"sqlite:///{target}/consulta.db"
    app = instance(source, first)
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
        grow(db, args.proposals, args.meetings)
        started = time.perf_counter()
        done = backup.backup(Path(source))
        backup_seconds = time.perf_counter() - started
        started = time.perf_counter()
        backup.verify(done.path)
        verify_seconds = time.perf_counter() - started
        started = time.perf_counter()
        exported = export.export(Path(source) / "open-data.zip")
        export_seconds = time.perf_counter() - started
        archived = None if args.skip_archive else archive.archive(Path(source) / "archive")
        db.engine.dispose()
    restored = instance(target, second)
    with restored.app_context():
        started = time.perf_counter()
        backup.restore(done.path)
        restore_seconds = time.perf_counter() - started
        db.engine.dispose()
    database = "PostgreSQL" if postgres else "SQLite"
    print(
        f"{database}: {done.rows:,} rows in {done.tables} tables, {done.documents} documents; "
        f"archive {done.size / 1e6:.2f} MB; backup {backup_seconds:.2f} s, "
        f"verify {verify_seconds:.2f} s, restore {restore_seconds:.2f} s; "
        f"export {exported.size / 1e6:.2f} MB in {export_seconds:.2f} s"
        + (
            f"; archive {archived.pages:,} pages, {archived.size / 1e6:.1f} MB "
            f"in {archived.seconds:.1f} s"
            if archived
            else ""
        )
    )


if __name__ == "__main__":
    main()
