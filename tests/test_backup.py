"""Backups: every row and every document comes back identical, on SQLite and PostgreSQL and
from one to the other; damaged, foreign and newer backups are refused; a backup links no
member to a secret choice; the instance keeps working after a restore."""

import io
import json
import os
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, create_engine, make_url, select, text
from werkzeug.datastructures import FileStorage

from app import backup, create_app
from app.accounts import services as accounts
from app.database import is_search_index
from app.demo import DEMO_PASSWORD, demo_council, seed_demo
from app.extensions import db
from app.meetings import services as meetings
from app.proposals import services as proposals
from app.voting import services as voting
from app.voting.models import Poll, PollMethod, PollState
from config import TestConfig

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def demo(app):
    """The demo council, with an uploaded document and an open pseudo-anonymous vote, in a
    database built by the migrations (as every real instance is)."""
    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    upgrade()
    seed_demo()
    council = demo_council()
    meeting = db.session.scalars(meetings.upcoming_meetings(council, include_drafts=False)).first()
    meetings.store_document(
        meeting, FileStorage(stream=io.BytesIO(PDF), filename="budget.pdf"), item=None
    )
    db.session.commit()
    return council


def snapshot(engine) -> dict[str, list]:
    """Every row of every table, as the backup writes them."""
    with engine.connect() as connection:
        tables = backup._tables(connection)
        return {t.name: [json.loads(line) for line in backup._rows(connection, t)] for t in tables}


def documents(instance: Path) -> dict[str, bytes]:
    folder = instance / "documents"
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


def empty_database(kind: str, tmp_path: Path, name: str) -> str:
    """A new, empty database: a SQLite file, or a database on the test PostgreSQL server."""
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / f'{name}.db'}"
    base = make_url(os.environ["TEST_DATABASE_URL"])
    database = f"{base.database}_{name}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{database}"'))
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    engine.dispose()
    return base.set(database=database).render_as_string(hide_password=False)


@contextmanager
def instance(url: str, folder: Path, monkeypatch):
    """Another Consulta instance (its own database and documents folder), as a new host."""
    monkeypatch.setenv("CONSULTA_INSTANCE", str(folder))

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url

    other = create_app(Config)
    with other.app_context():
        yield other
        db.session.remove()
        db.engine.dispose()


def kinds() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get("TEST_DATABASE_URL") else ["sqlite"]


def test_a_backup_restores_every_row_and_every_document(app, demo, tmp_path, monkeypatch):
    before, files = snapshot(db.engine), documents(Path(app.instance_path))
    assert files and before["secret_ballots"] is not None
    done = backup.backup(tmp_path)
    assert done.path.name.startswith("consulta-backup-") and done.documents == len(files)
    source = make_url(str(db.engine.url)).get_backend_name()
    for kind in kinds():
        url = empty_database(kind, tmp_path, f"restored_{kind}")
        with instance(url, tmp_path / f"instance-{kind}", monkeypatch) as restored:
            backup.restore(done.path)
            assert snapshot(db.engine) == before, f"{source} → {kind}"
            assert documents(Path(restored.instance_path)) == files


def test_sqlite_to_postgresql_and_back(app, demo, tmp_path, monkeypatch):
    """The path a growing city takes, and the way back if it must shrink again."""
    if "postgresql" not in kinds():
        pytest.skip("needs the test PostgreSQL server (make test-postgres)")
    before = snapshot(db.engine)
    first = backup.backup(tmp_path / "first.zip")
    hops = [("postgresql", "hop_pg"), ("sqlite", "hop_sqlite")]
    archive = first.path
    for kind, name in hops:
        url = empty_database(kind, tmp_path, name)
        with instance(url, tmp_path / name, monkeypatch):
            backup.restore(archive)
            assert snapshot(db.engine) == before, kind
            archive = backup.backup(tmp_path / f"{name}.zip").path


def test_the_restored_instance_works_signs_in_and_counts_the_sealed_vote(
    app, demo, tmp_path, monkeypatch
):
    poll = open_secret_poll()
    cast_some(poll)
    poll_id, expected = poll.id, voting.close_poll(poll).counts
    assert sum(expected.values()) == 3
    db.session.rollback()  # the original stays open; the copy is closed below
    searches = searches_of(demo)
    done = backup.backup(tmp_path)
    url = empty_database("sqlite", tmp_path, "works")
    with instance(url, tmp_path / "works", monkeypatch) as restored:
        backup.restore(done.path)
        assert accounts.authenticate("secretary@demo.test", DEMO_PASSWORD, "192.0.2.1") is not None
        # Same secret key (kept apart from the backup): the sealed ballots open.
        assert voting.close_poll(db.session.get(Poll, poll_id)).counts == expected
        db.session.commit()
        client = restored.test_client()
        assert client.get("/councils/demo-city").status_code == 200
        # The search index is not in the backup: the restored rows rebuilt it.
        assert searches_of(demo_council()) == searches


def searches_of(council) -> dict[str, list[int]]:
    """What the search box finds for a part of a word of each public proposal's title."""
    found = {}
    for proposal in db.session.scalars(proposals.public_proposals(council, proposals.Filters())):
        word = max(proposal.title.get(proposal.title.original).split(), key=len)[1:5]
        statement = proposals.public_proposals(council, proposals.Filters(query=word))
        found[word] = [p.id for p in db.session.scalars(statement)]
    assert found and all(found.values())
    return found


def open_secret_poll() -> Poll:
    return db.session.scalars(
        select(Poll).where(Poll.method == PollMethod.secret, Poll.state == PollState.open)
    ).first()


def cast_some(poll: Poll) -> None:
    choices = ["no", "yes", "abstain"]
    for membership, choice in zip(voting.entitled_memberships(poll)[:3], choices, strict=True):
        voting.cast_vote(poll, membership, choice)
    db.session.commit()


def test_secret_ballots_are_written_in_no_order_of_casting(app, demo, tmp_path):
    def rows(path: Path, table: str) -> list[dict]:
        with zipfile.ZipFile(path) as archive:
            return [json.loads(line) for line in archive.open(f"data/{table}.jsonl")]

    poll = open_secret_poll()
    cast_some(poll)
    while_open = backup.backup(tmp_path / "open.zip").path
    voting.close_poll(poll)
    db.session.commit()
    after_close = backup.backup(tmp_path / "closed.zip").path
    sealed, ballots = rows(while_open, "sealed_ballots"), rows(after_close, "secret_ballots")
    records = rows(while_open, "vote_records") + rows(after_close, "vote_records")
    assert sealed and ballots and records
    # Nothing but the choice in a ballot; nothing but who voted in a record; no time in either.
    assert {tuple(sorted(row)) for row in ballots} == {("choice", "id", "poll_id")}
    assert {tuple(sorted(row)) for row in sealed} == {("id", "poll_id", "sealed")}
    assert {tuple(sorted(row)) for row in records} == {("id", "membership_id", "poll_id")}
    # Written in the order of their random ids: no order of casting to pair them by.
    for written in (sealed, ballots, rows(after_close, "vote_records")):
        assert [row["id"] for row in written] == sorted(row["id"] for row in written)


def test_a_backup_is_consistent_while_people_write(app, demo, tmp_path):
    """Rows added by others while the backup runs are not half in it: it reads one snapshot."""
    original = backup._rows
    written: list[str] = []

    def rows_while_someone_votes(connection, table):
        if table.name == "users" and not written:
            with create_engine(db.engine.url).begin() as other:
                other.execute(text("UPDATE councils SET slug = 'renamed-meanwhile'"))
            written.append(table.name)
        yield from original(connection, table)

    backup._rows = rows_while_someone_votes
    try:
        done = backup.backup(tmp_path)
    finally:
        backup._rows = original
    with zipfile.ZipFile(done.path) as archive:
        councils = [json.loads(line) for line in archive.open("data/councils.jsonl")]
    assert written and {c["slug"] for c in councils} == {"demo-city"}


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of a backup with one change, its manifest's checksums kept as they were."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        manifest = json.loads(old.read(backup.MANIFEST))
        members = {name: old.read(name) for name in old.namelist() if name != backup.MANIFEST}
        change(manifest, members)
        for name, data in members.items():
            new.writestr(name, data)
        new.writestr(backup.MANIFEST, json.dumps(manifest))
    return target


def test_damaged_foreign_and_newer_backups_are_refused(app, demo, tmp_path):
    good = backup.backup(tmp_path / "good.zip").path

    def tamper(manifest, members):
        members["data/users.jsonl"] = members["data/users.jsonl"].replace(b"demo", b"evil")

    def newer(manifest, members):
        manifest["revision"] = "ffffffffffff"

    def missing(manifest, members):
        del members["data/councils.jsonl"]

    def foreign(manifest, members):
        manifest["format"] = "something-else"

    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("hello")
    cases = {
        rewrite(good, tmp_path / "tampered.zip", tamper): "does not match its checksum",
        rewrite(good, tmp_path / "newer.zip", newer): "newer version of Consulta",
        rewrite(good, tmp_path / "missing.zip", missing): "incomplete or was changed",
        rewrite(good, tmp_path / "foreign.zip", foreign): "not a Consulta backup",
        truncated: "damaged or not a ZIP",
        not_zip: "damaged or not a ZIP",
    }
    for path, message in cases.items():
        with pytest.raises(backup.BackupError, match=message):
            backup.verify(path)


def test_restore_refuses_an_instance_that_has_data_and_leaves_it_alone(app, demo, tmp_path):
    done = backup.backup(tmp_path)
    before = snapshot(db.engine)
    with pytest.raises(backup.BackupError, match="already has data"):
        backup.restore(done.path)
    assert snapshot(db.engine) == before


def test_a_backup_refuses_a_place_it_cannot_write(app, demo, tmp_path):
    existing = tmp_path / "taken.zip"
    existing.write_text("x")
    with pytest.raises(backup.BackupError, match="exists already"):
        backup.backup(existing)
    with pytest.raises(backup.BackupError, match="does not exist"):
        backup.backup(tmp_path / "nowhere" / "b.zip")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    if os.access(locked, os.W_OK):  # root writes anywhere: nothing to test as root
        return
    with pytest.raises(backup.BackupError, match="permissions"):
        backup.backup(locked)


def test_the_commands_back_up_and_restore(app, demo, tmp_path, monkeypatch):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output
    path = next(tmp_path.glob("consulta-backup-*.zip"))
    refused = runner.invoke(args=["restore", str(path)])
    assert refused.exit_code == 1 and "already has data" in refused.output
    assert runner.invoke(args=["backup", "--if-behind"]).output == ""


def test_schema_of_every_table_is_in_the_backup(app, demo, tmp_path):
    done = backup.backup(tmp_path)
    with zipfile.ZipFile(done.path) as archive:
        manifest = backup.read_manifest(archive)
    metadata = MetaData()
    metadata.reflect(db.engine)
    derived = {name for name in metadata.tables if is_search_index(name)}
    assert set(manifest["rows"]) == set(metadata.tables) - backup.SKIPPED - derived


def test_an_upgrade_is_preceded_by_a_backup(app, tmp_path, monkeypatch):
    """`make run` backs up an instance whose schema is older than the code, then upgrades."""
    head = backup._script().get_current_head()
    previous = backup._script().get_revision(head).down_revision
    url = empty_database("sqlite", tmp_path, "old")
    with instance(url, tmp_path / "old", monkeypatch) as old:
        upgrade(revision=previous)
        assert backup.is_behind()
        runner = old.test_cli_runner()
        result = runner.invoke(args=["backup", "--if-behind"])
        assert result.exit_code == 0 and "Backup written" in result.output
        made = list((tmp_path / "old" / "backups").glob("consulta-backup-*.zip"))
        assert len(made) == 1 and backup.verify(made[0])["revision"] == previous
        upgrade()
        assert not backup.is_behind()
        assert runner.invoke(args=["backup", "--if-behind"]).output == ""
