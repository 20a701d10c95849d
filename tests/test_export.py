"""The open-data export: what the public pages show, as CSV and JSON, with the public documents
and the minutes' PDF; nothing private in any file; a failed export leaves nothing behind."""

import csv
import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage

from app import export
from app.accounts.models import User
from app.councils.models import Membership
from app.database import write_intent
from app.demo import demo_council, seed_demo
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Meeting
from app.proposals import services as proposals
from app.proposals.models import Proposal, ProposalState, Topic

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DRAFT_TITLE = "Secret budget talks"
REVIEW_TITLE = "Proposal still under review"
FORMULA = '=HYPERLINK("http://evil.example","click")'
TABLES = [
    "consultations",
    "consultation_results",
    "councils",
    "members",
    "meetings",
    "agenda_items",
    "proposals",
    "decisions",
    "minutes",
    "documents",
]


def _propose(council, title: str, n: int, **kwargs) -> Proposal:
    proposal, _token = proposals.submit(
        council,
        proposals.Submission(
            title=title, body=f"{title}: the details.", topic=Topic.other, lang="en", **kwargs
        ),
        author=None,
        address=None,
        submission_key=f"export-test-{n}",
    )
    assert proposal is not None
    return proposal


@pytest.fixture
def demo(app, make_meeting):
    """The demo council built by the migrations, plus what must never leave: a draft meeting
    with a document, a proposal under review with its author's address; and a public
    document and a public proposal whose title is a spreadsheet formula."""
    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    upgrade()
    seed_demo()
    council = demo_council()
    upcoming = db.session.scalars(meetings.upcoming_meetings(council, include_drafts=False)).first()
    meetings.store_document(
        upcoming, FileStorage(stream=io.BytesIO(PDF), filename="budget.pdf"), item=None
    )
    draft = make_meeting(council, title=DRAFT_TITLE, items=["Draft item"])
    meetings.store_document(
        draft, FileStorage(stream=io.BytesIO(PDF), filename="draft-plan.pdf"), item=None
    )
    _propose(
        council,
        REVIEW_TITLE,
        1,
        author_name="Private Person",
        contact_email="private.person@example.org",
    )
    public = _propose(council, FORMULA, 2, author_name="Formula Author")
    proposals.change_state(public, ProposalState.accepted, answer="Thanks.", lang="en")
    db.session.commit()
    return council


def run_export(app, *args: str):
    return app.test_cli_runner().invoke(args=["export", *args])


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def csv_rows(files: dict[str, bytes], name: str) -> list[dict]:
    data = files[f"csv/{name}.csv"]
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def json_rows(files: dict[str, bytes], name: str) -> list[dict]:
    rows = json.loads(files[f"json/{name}.json"])
    assert isinstance(rows, list)
    return rows


@pytest.fixture
def exported(app, demo, tmp_path):
    path = tmp_path / "open-data.zip"
    result = run_export(app, str(path))
    assert result.exit_code == 0, result.output
    assert "Open data written" in result.output
    return read_zip(path)


def test_every_table_is_there_as_csv_and_json_with_the_same_records(exported):
    for name in TABLES:
        rows, objects = csv_rows(exported, name), json_rows(exported, name)
        assert len(rows) == len(objects), name
        if rows:
            assert list(rows[0]) == list(objects[0]), name
    assert "README.md" in exported
    readme = exported["README.md"].decode()
    assert "data published by the council" in readme.lower()
    assert "schema revision" in readme.lower() and "Exported:" in readme


def test_counts_are_what_the_public_pages_show(app, demo, exported, client):
    council = demo_council()
    public_meetings = db.session.scalars(meetings.public_meetings(council)).all()
    assert {r["id"] for r in json_rows(exported, "meetings")} == {m.id for m in public_meetings}
    public_proposals = db.session.scalars(
        proposals.public_proposals(council, proposals.Filters())
    ).all()
    assert {p["id"] for p in json_rows(exported, "proposals")} == {p.id for p in public_proposals}
    register = client.get(f"/councils/{council.slug}/decisions.csv")
    assert register.status_code == 200
    public_lines = list(csv.reader(io.StringIO(register.get_data(as_text=True).lstrip("\ufeff"))))
    assert len(json_rows(exported, "decisions")) == len(public_lines) - 1
    listed = [m for m in council.current_memberships if m.listed]
    members = csv_rows(exported, "members")
    assert sorted(r["name"] for r in members) == sorted(m.user.display_name for m in listed)
    assert set(members[0]) == {"council_id", "name", "role", "since"}
    home = client.get(f"/councils/{council.slug}").get_data(as_text=True)
    assert all(r["name"] in home for r in members)


def test_multilingual_texts_have_a_column_per_council_language(demo, exported):
    council = demo_council()
    meeting = json_rows(exported, "meetings")[0]
    for lang in council.languages:
        assert f"title_{lang}" in meeting
    assert meeting["original_language"] and meeting["title_original"]
    assert any(row["title_ar"] for row in json_rows(exported, "meetings"))


def test_links_come_from_the_configured_base_url(app, exported):
    base = app.config["BASE_URL"]
    for name in ["councils", "meetings", "agenda_items", "proposals", "decisions", "minutes"]:
        for row in json_rows(exported, name):
            assert row["url"].startswith(base + "/councils/"), (name, row["url"])


def test_nothing_private_is_in_any_file(app, demo, exported):
    unlisted = db.session.scalars(
        select(User.display_name).where(
            User.id.not_in(select(Membership.user_id).where(Membership.listed))
        )
    ).all()
    assert "Kwame Mensah" in unlisted  # a demo member who did not agree to be listed
    private = [DRAFT_TITLE, "Draft item", "draft-plan", REVIEW_TITLE, "Private Person",
               "Formula Author", *unlisted]  # fmt: skip
    for name, data in exported.items():
        if name.endswith(".pdf") and name.startswith("minutes/"):
            continue  # compressed: the minutes' text is checked in its table
        content = data.decode("utf-8", errors="replace")
        for secret in private:
            assert secret not in content, f"{secret!r} in {name}"
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", content), f"an address in {name}"
    body = json_rows(exported, "minutes")[0]["body_original"]
    assert export.records.WITHHELD in body  # the draft named everyone present


def test_documents_and_minutes_pdf_are_in_the_zip(exported):
    documents = json_rows(exported, "documents")
    assert [d["filename"] for d in documents] == ["budget.pdf"]
    assert exported[documents[0]["file"]] == PDF
    minutes = json_rows(exported, "minutes")
    assert len(minutes) == 1
    assert exported[minutes[0]["pdf"]].startswith(b"%PDF")


def test_a_formula_is_neutralised_in_csv_and_kept_in_json(exported):
    titles = [row["title_original"] for row in csv_rows(exported, "proposals")]
    assert "'" + FORMULA in titles
    assert not any(title.startswith("=") for title in titles)
    assert FORMULA in [row["title_original"] for row in json_rows(exported, "proposals")]


def test_one_council_only(app, demo, make_council, tmp_path):
    make_council("Riverside Migrant Council")
    db.session.commit()
    path = tmp_path / "one.zip"
    result = run_export(app, str(path), "--council", demo.slug)
    assert result.exit_code == 0, result.output
    councils = json_rows(read_zip(path), "councils")
    assert [c["slug"] for c in councils] == [demo.slug]
    everything = tmp_path / "all.zip"
    assert run_export(app, str(everything)).exit_code == 0
    assert len(json_rows(read_zip(everything), "councils")) == 2


def test_bad_input_is_refused_with_a_message_and_leaves_nothing(app, demo, tmp_path):
    existing = tmp_path / "there.zip"
    existing.write_bytes(b"keep me")
    result = run_export(app, str(existing))
    assert result.exit_code == 1 and "exists already" in result.output
    assert existing.read_bytes() == b"keep me"

    result = run_export(app, str(tmp_path / "nowhere" / "x.zip"))
    assert result.exit_code == 1 and "does not exist" in result.output

    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = run_export(app, str(locked / "x.zip"))
        if os.geteuid() == 0:  # root writes in any folder, not in a read-only file system
            (locked / "x.zip").unlink(missing_ok=True)
            result = run_export(app, "/sys/consulta-export-test.zip")
            assert result.exit_code == 1 and "could not be written" in result.output
        else:
            assert result.exit_code == 1 and "Cannot write" in result.output
    finally:
        locked.chmod(0o700)

    result = run_export(app, str(tmp_path / "unknown.zip"), "--council", "no-such-council")
    assert result.exit_code == 1 and "No council has the slug" in result.output
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".zip", ".partial")) == [
        "there.zip"
    ]
    assert not list(tmp_path.glob("*.partial"))


def test_a_failure_midway_leaves_no_file(app, demo, tmp_path, monkeypatch):
    def broken(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "_pdf", broken)
    result = run_export(app, str(tmp_path / "full.zip"))
    assert result.exit_code == 1 and "could not be written" in result.output
    assert list(tmp_path.glob("full.zip*")) == []


def test_the_export_takes_no_write_lock(app, demo, tmp_path, monkeypatch):
    """Voters keep the write lock: the export's transaction is a plain BEGIN, and another
    connection can write while it reads."""
    seen = []
    original = export.records.extract

    def extract_while_someone_writes(councils):
        token = write_intent.set(True)  # BEGIN IMMEDIATE: waits while anyone holds the lock
        try:
            with db.engine.begin() as other:
                other.execute(text("UPDATE meetings SET place = place"))
        finally:
            write_intent.reset(token)
        seen.append(db.session.scalar(select(func.count()).select_from(Meeting)))
        return original(councils)

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    monkeypatch.setattr(export.records, "extract", extract_while_someone_writes)
    assert run_export(app, str(tmp_path / "x.zip")).exit_code == 0
    assert seen


def test_a_document_removed_during_the_export_is_left_out(app, demo, tmp_path, monkeypatch):
    original = export.records.extract

    def extract_then_remove(councils):
        found = original(councils)
        for _name, document in found.documents:
            meetings.document_path(document).unlink()
        return found

    monkeypatch.setattr(export.records, "extract", extract_then_remove)
    path = tmp_path / "x.zip"
    assert run_export(app, str(path)).exit_code == 0
    files = read_zip(path)
    assert [d["file"] for d in json_rows(files, "documents")] == [None]
    assert not [name for name in files if name.startswith("documents/")]


def test_consultations_and_the_results_of_closed_ones_match_the_results_page(
    app, demo, exported, client
):
    """The demo's closed consultation: its counts as the public results page shows them; the
    open one is listed without results; no written answer is published."""
    rows = json_rows(exported, "consultations")
    closed = next(r for r in rows if r["closed"])
    still_open = next(r for r in rows if not r["closed"])
    assert still_open["responses"] is None
    assert closed["title_ar"] and closed["answer_uk"]
    assert closed["url"].startswith(app.config["BASE_URL"] + "/councils/")
    page = client.get(closed["url"].removeprefix(app.config["BASE_URL"]) + "/results?lang=en")
    shown = page.get_data(as_text=True)
    assert f"{closed['responses']} responses sent." in shown
    results = [r for r in json_rows(exported, "consultation_results")]
    assert {r["consultation"] for r in results} == {closed["id"]}
    first_question = [r for r in results if r["question"] == 1]
    assert sum(r["count"] for r in first_question) == closed["responses"]
    written = " ".join(json.dumps(r, ensure_ascii=False) for r in results)
    assert "مترجم في يوم محدد" not in written  # a written answer of the demo
