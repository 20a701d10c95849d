import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db
from config import ProductionConfig, TestConfig, database_url
from tests.helpers import post, sign_in

pytestmark = []
sqlite_only = pytest.mark.skipif(
    "postgresql" in (__import__("os").environ.get("TEST_DATABASE_URL") or ""),
    reason="SQLite behaviour",
)


def test_security_headers(client):
    headers = client.get("/").headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for directive in (
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "script-src 'self'",
    ):
        assert directive in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_production_adds_hsts_and_secure_cookies(tmp_path, monkeypatch):
    monkeypatch.setenv("CONSULTA_INSTANCE", str(tmp_path))

    class Config(ProductionConfig):
        SECRET_KEY = "x" * 32  # noqa: S105
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.db'}"
        BASE_URL = "https://council.example.org"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    response = client.get("/sign-in", base_url="https://council.example.org")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    # Only the site's own name is answered: a forged Host header gets nowhere.
    assert client.get("/sign-in", base_url="https://evil.example").status_code == 400

    class WithoutAddress(Config):
        BASE_URL = ""

    with pytest.raises(RuntimeError, match="CONSULTA_BASE_URL"):
        create_app(WithoutAddress)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_emailed_link_takes_its_address_from_the_host_header(
    app, make_council, make_user, add_member, make_meeting, smtp
):
    """Whoever sends a request chooses its Host header. Invitations, meeting notices and
    proposal receipts are sent by such requests too: their links must all carry the site's
    configured address (CONSULTA_BASE_URL), as reset links do."""
    import re

    from app.auth import Role

    class ForgedHost(app.test_client_class):
        def open(self, *args, **kwargs):
            kwargs.setdefault("base_url", "http://evil.example")
            return super().open(*args, **kwargs)

    council = make_council("Council A")
    secretary = make_user("secretary@a.example")
    add_member(council, secretary, Role.secretary)
    add_member(council, make_user("member@a.example"), Role.member, voting_right=True)
    meeting = make_meeting(council, items=["Budget"])
    db.session.commit()
    client = ForgedHost(app, app.response_class, use_cookies=True)
    sign_in(client, secretary.email)
    invite = "/councils/council-a/invitations/new"
    post(client, invite, {"email": "new@example.org", "role": "member"}, page=invite)
    publish = f"/councils/council-a/meetings/{meeting.id}/publish"
    post(client, publish, page=publish)
    resident = ForgedHost(app, app.response_class, use_cookies=True)
    new = "/councils/council-a/proposals/new"
    page = resident.get(new).get_data(as_text=True)
    key = re.search(r'name="submission_key" type="hidden" value="([^"]*)"', page).group(1)
    post(
        resident,
        new,
        {
            "submission_key": key,
            "lang": "en",
            "title": "Benches",
            "body": "In the park",
            "topic": "culture",
            "contact_email": "resident@example.org",
        },
        page=new,
    )
    sent = {m["To"]: m.get_body(("plain",)).get_content() for m in smtp.messages}
    assert {"new@example.org", "member@a.example", "resident@example.org"} <= set(sent)
    for to, body in sent.items():
        links = re.findall(r"https?://\S+", body)
        assert links and all(link.startswith("https://consulta.test/") for link in links), to
        assert "evil.example" not in body


def test_session_cookie_is_httponly_and_lax(client, make_user):
    make_user("amina@example.org")
    cookie = sign_in(client, "amina@example.org").headers.getlist("Set-Cookie")
    session = next(c for c in cookie if c.startswith("consulta_session="))
    assert "HttpOnly" in session and "SameSite=Lax" in session


def test_missing_page_is_translated_and_plain(client):
    response = client.get("/nowhere?lang=fr")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert '<html lang="fr"' in html and "Page not found" not in html
    assert "<h1>" in html


def test_server_error_page_shows_no_stack_trace(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "secret internals" not in html and "Traceback" not in html
    assert "Sorry, something went wrong on our side" in html


def test_a_failed_write_still_gets_the_translated_error_page(app, client, make_user):
    """A write the database refuses leaves the session needing a rollback; the error page
    then read the signed-in person through that session and crashed (PendingRollbackError)
    instead of answering."""
    from app.accounts.models import User

    app.config["PROPAGATE_EXCEPTIONS"] = False
    make_user("amina@example.org", locale="fr")
    make_user("other@example.org")

    @app.post("/duplicate")
    def duplicate():
        db.session.add(User(email="other@example.org", display_name="Twin", password_hash="x"))
        db.session.flush()  # the address is taken: IntegrityError
        return "stored"

    sign_in(client, "amina@example.org")
    response = post(client, "/duplicate")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert '<html lang="fr"' in html and "Traceback" not in html


def test_every_page_has_the_accessible_frame(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert html.count("<h1") == 1
    assert '<a class="skip-link" href="#main">' in html
    for landmark in ("<header", '<main id="main"', "<footer", '<nav class="account-nav"'):
        assert landmark in html
    assert 'role="status"' in html  # flash messages are announced


def test_no_third_party_requests_or_inline_scripts(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert "http://" not in html.replace("https://consulta.test", "") and "https://" not in html
    assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("CONSULTA_INSTANCE", str(tmp_path))

    class Config(TestConfig):
        SECRET_KEY = None
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    first = create_app(Config).config["SECRET_KEY"]
    second = create_app(Config).config["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (Path(tmp_path) / "secret_key").stat().st_mode & 0o077 == 0


def test_database_url_accepts_what_hosts_give():
    assert database_url("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert database_url("postgresql://h/db") == "postgresql+psycopg://h/db"
    assert database_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    assert database_url("") is None


@sqlite_only
def test_sqlite_runs_in_wal_mode_with_foreign_keys(app):
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
    assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


@sqlite_only
def test_write_transactions_take_the_lock_when_they_begin(app):
    """BEGIN IMMEDIATE: a second writer waits at BEGIN, it never fails halfway through."""
    path = db.engine.url.database
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))  # begins the transaction; nothing written yet
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()


@sqlite_only
def test_read_only_requests_do_not_take_the_write_lock(app, client, make_council):
    """Pages read while others write: the council of the URL, loaded before any view, and
    the first reads of a vote (before it writes) must not wait for SQLite's write lock."""
    make_council("Council A")
    path = db.engine.url.database
    db.session.commit()
    holder = sqlite3.connect(path, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert client.get("/").status_code == 200
        assert client.get("/councils/council-a").status_code == 200
        assert client.get("/councils/council-a/meetings").status_code == 200
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_demo_banner_only_while_demo_accounts_exist(app, client, make_user):
    app.config["DEMO_CHECK_SECONDS"] = 0  # look again on every page
    assert "Demo data" not in client.get("/").get_data(as_text=True)
    make_user("member01@demo.test")
    assert "Demo data" in client.get("/").get_data(as_text=True)


def test_the_number_of_proxies_is_configured_not_guessed(tmp_path, monkeypatch):
    """X-Forwarded-For is believed only from as many proxies as the site says it has."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    from app import create_app
    from config import TestConfig

    monkeypatch.setenv("CONSULTA_INSTANCE", str(tmp_path))

    class Direct(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'a.db'}"

    class BehindOneProxy(Direct):
        PROXIES = 1

    assert not isinstance(create_app(Direct).wsgi_app, ProxyFix)
    proxied = create_app(BehindOneProxy).wsgi_app
    assert isinstance(proxied, ProxyFix) and proxied.x_for == 1


def test_sqlite_planner_statistics_are_kept_in_the_background(app, client, monkeypatch):
    from app import database

    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's autovacuum keeps its own statistics")
    monkeypatch.setattr(database, "OPTIMIZE_EVERY", timedelta(0))
    tables = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
    assert db.session.scalar(text(tables)) == 0
    client.get("/")
    app.extensions["background"].wait()
    db.session.rollback()  # a new snapshot of the file
    assert db.session.scalar(text(tables)) == 1
