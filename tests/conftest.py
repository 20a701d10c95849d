"""Fixtures: a real database per test (a SQLite file, or the PostgreSQL in TEST_DATABASE_URL,
one database per pytest-xdist worker, emptied after each test)."""

import os
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from app.accounts import services as accounts
from app.auth import Role
from app.councils import services as councils
from app.extensions import db
from config import TestConfig
from tests.helpers import PASSWORD, worker_database

_postgres_cleaned = False


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context and database session, as in a real server.

    The test's own session commits first, so the request sees what the test set up and no
    transaction of the test holds SQLite's write lock while the request runs. The work a
    request leaves for after its response is done before the test goes on, as it is by the
    time a person reads the email it sends; so is the delivery of the emails it queued.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        background = self.application.extensions["background"]
        background.wait()
        # The sender of a real server (a thread of its own) would be on it by now.
        background.submit(self.application.extensions["outbox"].flush)
        background.wait()
        return response


@pytest.fixture(scope="session")
def postgres_url():
    """This test process's PostgreSQL database, or None to use SQLite."""
    url = os.environ.get("TEST_DATABASE_URL")
    return url and worker_database(url)


@pytest.fixture
def app(tmp_path, monkeypatch, postgres_url):
    global _postgres_cleaned
    monkeypatch.setenv("CONSULTA_INSTANCE", str(tmp_path / "instance"))

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = postgres_url or f"sqlite:///{tmp_path / 'consulta.db'}"

    app = create_app(Config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        if postgres_url and not _postgres_cleaned:
            db.drop_all()
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
            _postgres_cleaned = True
        db.create_all()
        yield app
        db.session.rollback()
        db.session.remove()
        if postgres_url:
            tables = ", ".join(t.name for t in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            db.session.commit()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def make(email: str | None = None, *, password: str = PASSWORD, **kwargs):
        email = email or f"person{next(counter)}@example.org"
        name = kwargs.pop("display_name", email.split("@")[0].title())
        user = accounts.create_user(email, name, password, kwargs.pop("locale", "en"), **kwargs)
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_council(app):
    def make(name: str = "Riverside Migrant Council", **kwargs):
        fields = {
            "lang": "en",
            "municipality": "Riverside",
            "languages": ["en", "ar", "fr", "uk"],
            "default_language": "en",
            "timezone": "Europe/Brussels",
            "description": "We advise the city.",
        }
        fields.update(kwargs)
        council = councils.create_council(name=name, **fields)
        db.session.commit()
        return council

    return make


@pytest.fixture
def add_member(app):
    def add(council, user, role: Role = Role.member, *, voting_right: bool | None = None, **kw):
        """A membership; with a vote by default where the role may hold one."""
        if voting_right is None:
            voting_right = Role(role).may_vote
        membership = councils.add_membership(council, user, role, voting_right=voting_right, **kw)
        db.session.commit()
        db.session.refresh(user)
        return membership

    return add


@pytest.fixture
def today():
    return date.today()


@pytest.fixture
def make_meeting(app):
    """A meeting of ``council`` a week from now, 18:00–20:00 in the council's zone. One
    today (``days=0``) may have begun already: the tests run at any hour."""
    from datetime import time, timedelta

    from app.meetings import services as meetings

    def make(council, *, items=(), publish=False, start=False, days=7, **kwargs):
        fields = {
            "title": "Plenary meeting",
            "lang": "en",
            "day": date.today() + timedelta(days=days),
            "starts": time(18, 0),
            "ends": time(20, 0),
            "place": "City Hall",
        }
        fields.update(kwargs)
        meeting = meetings.create_meeting(
            council, meetings.MeetingDetails(**fields), allow_past=days <= 0
        )
        for title in items:
            meetings.add_item(meeting, title=title, lang="en", kind="decision")
        if publish or start:
            meetings.publish_meeting(meeting)
        if start:
            # A week early: the test says it knows the planned day.
            meetings.start_meeting(meeting, day_confirmed=meetings.scheduled_day(meeting))
        db.session.commit()
        return meeting

    return make


class Inbox:
    """Messages a real SMTP server received during the test."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str):
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback; the app is configured to send through it."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="council@example.org")
    yield inbox
    controller.stop()


@pytest.fixture
def translation_api(app):
    """A small real HTTP server that speaks the LibreTranslate API; the app is pointed at it.

    It "translates" by tagging the text with the target language, and records each request.
    """
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's hook name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append({"path": self.path, **body})
            if body.get("api_key") != "test-key":
                self._answer(403, {"error": "Invalid API key"})
            elif body["q"] == "fail":
                self._answer(500, {"error": "Something broke"})
            else:
                self._answer(200, {"translatedText": f"[{body['target']}] {body['q']}"})

        def _answer(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(
        TRANSLATION_API_URL=f"http://127.0.0.1:{server.server_port}", TRANSLATION_API_KEY="test-key"
    )
    yield received
    server.shutdown()
    server.server_close()
    thread.join()
