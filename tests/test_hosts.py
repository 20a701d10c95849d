"""Two app servers, one PostgreSQL database and one documents folder: a person signs in on
one and goes on on the other, as behind a load balancer, and nothing is lost between them.

Each server is a real gunicorn process with its own instance folder; they share only what
the deployment guide says they share: DATABASE_URL, SECRET_KEY and CONSULTA_DOCUMENTS."""

import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.browser import Browser, free_port, sign_in, token
from tests.helpers import new_database

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="app servers share a PostgreSQL database (make test-postgres)",
)


@pytest.fixture
def hosts(tmp_path):
    url = new_database("hosts")
    ports = [free_port(), free_port()]
    shared = {
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "CONSULTA_BASE_URL": f"http://127.0.0.1:{ports[0]}",
        "CONSULTA_DOCUMENTS": str(tmp_path / "documents"),
    }
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")}

    def env(name: str) -> dict:
        return {**base_env, **shared, "CONSULTA_INSTANCE": str(tmp_path / name)}

    flask = [str(BIN / "flask"), "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(  # noqa: S603 - our own commands
            flask + command, env=env("a"), cwd=ROOT, check=True, capture_output=True
        )
    servers = [
        subprocess.Popen(  # noqa: S603 - our own server
            [str(BIN / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            env=env(name),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, port in zip("ab", ports, strict=True)
    ]
    addresses = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for address in addresses:
            ready_by = time.monotonic() + 60  # a loaded machine starts a server slowly
            while True:
                try:
                    urllib.request.urlopen(address + "/", timeout=10)  # noqa: S310 - loopback
                    break
                except OSError:  # refused, reset or timed out: not serving yet
                    if time.monotonic() > ready_by:
                        raise
                    time.sleep(0.2)
        yield addresses, url
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def test_a_member_signs_in_on_one_server_and_votes_through_the_other(hosts):
    (a, b), url = hosts
    engine = create_engine(url)
    with engine.connect() as connection:
        poll_id = connection.scalar(
            text("SELECT id FROM polls WHERE state = 'open' AND method = 'named' ORDER BY id")
        )
    member = Browser()
    sign_in(member, a, "member03@demo.test")
    # Signed in on B too: the session's row is in the shared database.
    member.get(b + "/profile")
    assert member.url == b + "/profile"

    poll = f"/councils/demo-city/polls/{poll_id}"
    page = member.get(b + poll)
    # Confirm on B (the pending choice travels in the session cookie), vote through A.
    confirm = member.post(b + poll + "/confirm", {"csrf_token": token(page), "choice": "no"})
    assert member.url == b + poll + "/confirm" and 'name="choice" value="no"' in confirm
    member.post(a + poll + "/vote", {"csrf_token": token(confirm), "choice": "no"})
    assert member.url == a + poll
    with engine.connect() as connection:
        choices = connection.scalars(
            text(
                "SELECT b.choice FROM ballots b JOIN memberships m ON m.id = b.membership_id "
                "JOIN users u ON u.id = m.user_id WHERE b.poll_id = :poll "
                "AND u.email = 'member03@demo.test'"
            ),
            {"poll": poll_id},
        ).all()
    assert choices == ["no"]
    engine.dispose()


def test_a_document_uploaded_on_one_server_downloads_from_the_other(hosts):
    (a, b), url = hosts
    engine = create_engine(url)
    with engine.connect() as connection:
        meeting_id = connection.scalar(
            text("SELECT id FROM meetings WHERE state = 'published' ORDER BY starts_at")
        )
    secretary = Browser()
    sign_in(secretary, a, "secretary@demo.test")
    upload = f"/councils/demo-city/meetings/{meeting_id}/documents"
    page = secretary.get(a + upload)
    secretary.post(
        a + upload,
        {"csrf_token": token(page), "item": "0", "title": "Budget", "lang": "en"},
        files={"file": ("budget.pdf", PDF, "application/pdf")},
    )
    with engine.connect() as connection:
        document_id, filename = connection.execute(
            text("SELECT id, filename FROM documents ORDER BY id DESC")
        ).first()
    engine.dispose()
    with urllib.request.urlopen(  # noqa: S310 - loopback
        f"{b}/councils/demo-city/documents/{document_id}/{filename}", timeout=30
    ) as response:
        assert response.read() == PDF


def test_a_vote_burst_split_across_two_servers_loses_nothing():
    """The burst benchmark, run small: 60 members each sign in on one server and vote through
    the other within one second, a tenth of them twice, on a pseudo-anonymous poll sealed with
    the key both servers derive from the shared secret. Every vote is stored once, the count
    at the close equals what was cast, and nobody is shown an error."""
    result = subprocess.run(  # noqa: S603 - our own benchmark
        [
            sys.executable,
            str(ROOT / "bench" / "vote_burst.py"),
            *("--members", "60", "--hosts", "2", "--workers", "1", "--secret", "--json"),
        ],
        env={**os.environ, "DATABASE_URL": new_database("burst")},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    burst = json.loads(result.stdout.strip().splitlines()[-1])
    assert burst["hosts"] == 2 and burst["sign_in_failures"] == 0
    assert burst["stored"] == 60 and burst["duplicates"] == 0
    assert burst["tally"] == burst["intended"]
    assert burst["errors_http"] == 0
    assert burst["shown"] == {"voted": 60, "already_voted": 6}
