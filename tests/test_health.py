"""/healthz: 200 when the database answers at the code's schema, 503 saying what is wrong."""

from flask_migrate import upgrade
from sqlalchemy import text

from app import backup
from app.extensions import db
from tests.test_backup import empty_database, instance


def at_head() -> None:
    """The schema as the migrations build it, as every real instance has it."""
    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    upgrade()


def test_ok_at_the_code_schema(app, client):
    at_head()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["problems"] == []
    assert body["migrations"]["current"] is True
    assert body["migrations"]["database"] == backup.head_revision()
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_503_when_the_database_is_behind(app, tmp_path, monkeypatch):
    head = backup.head_revision()
    previous = backup._script().get_revision(head).down_revision
    url = empty_database("sqlite", tmp_path, "old")
    with instance(url, tmp_path / "old", monkeypatch) as old:
        upgrade(revision=previous)
        response = old.test_client().get("/healthz")
        assert response.status_code == 503
        body = response.get_json()
        assert body["status"] == "error" and body["database"] == "ok"
        assert body["migrations"] == {"database": previous, "code": head, "current": False}
        assert "flask db upgrade" in body["problems"][0]
        assert response.headers["Cache-Control"] == "no-store"
        assert "Set-Cookie" not in response.headers


def test_503_when_the_schema_was_never_migrated(app, client):
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["migrations"]["database"] is None


def test_503_when_the_database_does_not_answer(app, client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def unreachable(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    with monkeypatch.context() as patch:  # undone before the fixtures clean the database
        patch.setattr(db.engine, "connect", unreachable)
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["database"] == "unreachable" and body["status"] == "error"
    assert "refused" not in response.get_data(as_text=True)


def test_503_when_email_has_waited_over_an_hour(app, client):
    from datetime import timedelta

    from app.database import utcnow
    from app.mail import queue_email

    at_head()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
    queue_email("amina@example.org", "Your proposal", "News")
    db.session.commit()
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["outbox"]["waiting"] == 1
    message = queue_email("karim@example.org", "Your proposal", "News")
    message.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["outbox"]["waiting"] == 2 and body["outbox"]["oldest_waiting_seconds"] > 3600
    assert "mail server" in body["problems"][0]
    assert "karim" not in response.get_data(as_text=True)
