"""``/healthz``: whether this instance can serve, for a monitoring service to ask.

It answers 200 with ``"status": "ok"`` when the database answers, its schema is the one
this code expects (its Alembic revision is the code's head) and no email has waited in the
outbox for over an hour, and 503 with what is wrong
otherwise: an instance upgraded without ``flask db upgrade`` fails on its first changed
table, long after the upgrade, unless something asks. Nothing is cached and no cookie is
set; the answer names no host, path or error text.
"""

from datetime import timedelta

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.auth import Access, requires
from app.backup import head_revision, schema_revision
from app.database import utcnow
from app.extensions import db
from app.mail import outbox

bp = Blueprint("health", __name__)

#: Mail waiting longer than this means no sender is running or the server is away for long.
OUTBOX_STALE = timedelta(hours=1)


@bp.get("/healthz")
@requires(Access.anyone)
def healthz():
    head = head_revision()
    problems = []
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            revision = schema_revision(connection)
    except SQLAlchemyError:
        revision = None
        database = "unreachable"
        problems.append("The database does not answer.")
    else:
        database = "ok"
        if revision is None:
            problems.append("The database has no schema revision: run flask db upgrade.")
        elif revision != head:
            problems.append(
                "The database schema is not the code's: run flask db upgrade (after a backup)."
            )
    mail = None
    if database == "ok" and revision == head:
        mail = _outbox(problems)
    body = {
        "status": "error" if problems else "ok",
        "database": database,
        "outbox": mail,
        "migrations": {
            "database": revision,
            "code": head,
            "current": revision == head,
        },
        "problems": problems,
    }
    response = jsonify(body)
    response.status_code = 503 if problems else 200
    response.headers["Cache-Control"] = "no-store"
    return response


def _outbox(problems: list[str]) -> dict:
    """What waits to be emailed; a problem when the oldest has waited over an hour."""
    backlog = outbox.backlog()
    waited = (utcnow() - backlog.oldest).total_seconds() if backlog.oldest else 0
    if waited > OUTBOX_STALE.total_seconds():
        problems.append("Emails have waited over an hour: is the mail server reachable?")
    return {
        "waiting": backlog.waiting,
        "oldest_waiting_seconds": int(waited),
        "undelivered_last_day": backlog.failed_today,
    }
