"""The cost of one warm vote inside the app, and of the page after it: CPU and SQL, no HTTP.

20 signed-in members vote through the WSGI app in a loop (their ballots are deleted between
rounds so that they can vote again), then load the poll page their vote redirects to; prints
the SQL statements of each and the CPU time per request, best and median of five runs.
Complements bench/vote_burst.py, which measures the whole server.

    .venv/bin/python bench/vote_cost.py                             # SQLite
    scripts/with-postgres .venv/bin/python bench/vote_cost.py       # PostgreSQL
"""

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from werkzeug.test import Client

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="consulta-bench-")
    os.environ["CONSULTA_INSTANCE"] = instance
    os.environ["SECRET_KEY"] = "bench-" + os.urandom(8).hex()
    database_url = (
        os.environ.get("DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or f"sqlite:///{instance}/consulta.db"
    )

    import vote_burst
    from sqlalchemy import event, text

    from app import create_app
    from app.extensions import db
    from config import Config

    poll_id, intended = vote_burst.prepare(database_url, args.members, secret=False)

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(BenchConfig)
    poll_path = f"/councils/burst/polls/{poll_id}"
    voters = []
    for email, choice in intended:
        browser = Client(app)
        token = csrf_token(browser, "/sign-in")
        signed_in = browser.post(
            "/sign-in",
            data={"csrf_token": token, "email": email, "password": vote_burst.PASSWORD},
        )
        assert signed_in.status_code == 302, email
        token = csrf_token(browser, poll_path)
        # Each vote starts from the same cookies, as a member's single vote does.
        names = (app.config["SESSION_COOKIE_NAME"], "lang")
        cookies = "; ".join(
            f"{c.key}={c.value}" for c in map(browser.get_cookie, names) if c is not None
        )
        voters.append((cookies, token, choice))
    client = Client(app, use_cookies=False)

    def vote(cookies, token, choice):
        response = client.post(
            f"{poll_path}/vote",
            data={"csrf_token": token, "choice": choice},
            headers={"Cookie": cookies},
        )
        assert response.status_code == 302 and response.location.endswith(poll_path)

    def forget_ballots(votes: int = len(voters)):
        with app.app_context():
            stored = db.session.scalar(text("SELECT count(*) FROM ballots"))
            assert stored == votes, f"{stored} ballots stored for {votes} votes"
            db.session.execute(text("DELETE FROM ballots"))
            db.session.commit()

    for voter in voters:  # warm up: compiled statements, translations, templates
        vote(*voter)
    forget_ballots()

    def page(cookies, _token, _choice):
        response = client.get(poll_path, headers={"Cookie": cookies})
        assert "You have voted" in response.get_data(as_text=True)

    with app.app_context():
        engine = db.engine

    def statements_of(action, voter) -> list[str]:
        statements = []

        def log(_conn, _cursor, statement, *_args):
            statements.append(" ".join(statement.split())[:90])

        event.listen(engine, "before_cursor_execute", log)
        action(*voter)
        event.remove(engine, "before_cursor_execute", log)
        return statements

    def cpu_per_request(action, requests: int, between=lambda: None) -> list[float]:
        """Best and median of five runs, in ms."""
        runs = []
        for _ in range(5):
            cpu = time.process_time()
            for _ in range(args.rounds):
                for voter in voters:
                    action(*voter)
                between()
            runs.append((time.process_time() - cpu) / (args.rounds * requests) * 1000)
        return sorted(runs)[::2][:2]

    for name, action in [("vote", vote), ("poll page after voting", page)]:
        statements = statements_of(action, voters[0])
        print(f"{name}: {len(statements)} SQL statements")
        for statement in statements:
            print("  ", statement)
    forget_ballots(1)

    best, median = cpu_per_request(vote, len(voters), forget_ballots)
    print(f"CPU per vote: best {best:.2f} ms, median {median:.2f} ms")
    for voter in voters:
        vote(*voter)
    best, median = cpu_per_request(page, len(voters))
    print(f"CPU per poll page after voting: best {best:.2f} ms, median {median:.2f} ms")


def csrf_token(browser: Client, path: str) -> str:
    page = browser.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


if __name__ == "__main__":
    main()
