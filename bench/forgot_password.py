"""How long "forgot password" takes to answer, for an address with an account and without.

The answer must not tell whether an address has an account, by its words or by its time.
Requests go through the WSGI app (no HTTP) with a real SMTP server on loopback; prints the
median and 95th percentile of each kind, interleaved so that both see the same machine.

    .venv/bin/python bench/forgot_password.py                          # SQLite
    scripts/with-postgres .venv/bin/python bench/forgot_password.py    # PostgreSQL
"""

import argparse
import os
import re
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

from werkzeug.test import Client

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Inbox:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.count += 1
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="of each kind")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    instance = tempfile.mkdtemp(prefix="consulta-bench-")
    os.environ["CONSULTA_INSTANCE"] = instance
    database_url = (
        os.environ.get("DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or f"sqlite:///{instance}/consulta.db"
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()

    from app import create_app
    from app.accounts import services as accounts
    from app.extensions import db
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        SECRET_KEY = "bench-" + os.urandom(8).hex()
        MAIL_SERVER = "127.0.0.1"
        MAIL_PORT = port
        MAIL_FROM = "council@example.org"
        # Every request of the run may make a link: the hourly limit is not what is measured.
        PASSWORD_RESETS_PER_HOUR = 10 * args.requests

    app = create_app(BenchConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
        accounts.create_user("amina@example.org", "Amina", "correct horse battery", "en")
        db.session.commit()

    browser = Client(app)
    page = browser.get("/forgot-password").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    background = app.extensions["background"]

    def ask(email: str) -> float:
        start = time.perf_counter()
        response = browser.post("/forgot-password", data={"csrf_token": token, "email": email})
        elapsed = time.perf_counter() - start
        assert response.status_code == 302
        background.wait()  # the next request starts on a quiet process
        return elapsed * 1000

    for _ in range(20):  # warm up
        ask("amina@example.org"), ask("ghost@example.org")
    times: dict[str, list[float]] = {"amina@example.org": [], "ghost@example.org": []}
    for _ in range(args.requests):
        for email, kept in times.items():
            kept.append(ask(email))
    smtp.stop()
    for email, kept in times.items():
        kept.sort()
        p95 = kept[int(len(kept) * 0.95) - 1]
        label = "with an account" if email.startswith("amina") else "without an account"
        print(f"{label}: median {statistics.median(kept):.2f} ms, p95 {p95:.2f} ms")
    print(f"emails delivered: {inbox.count}")


if __name__ == "__main__":
    main()
