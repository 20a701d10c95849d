"""The proposals' search box with and without its index, on a council grown to thousands of
proposals.

Seeds the demo in a new instance, grows it (``bench/backup.py``'s ``grow``: copies of the
demo's proposals with their translations), then requests the public list with a search, as a
visitor does, many times per query: once with every word compared by ``LIKE '%word%'`` over
every proposal (how the search ran before the index: on SQLite the index is bypassed, on
PostgreSQL the trigram index is dropped for that round), once with the index. Prints the
median and 95th percentile of the server's time per request (no network), and of the list's
two statements alone (the count of matches and the first page, as ``db.paginate`` runs them);
the rest of the request is the list page itself, the same with or without a search.

    .venv/bin/python bench/search.py                         # 10,000 proposals on SQLite
    scripts/with-postgres .venv/bin/python bench/search.py   # the same on PostgreSQL
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: What visitors type: part of a word found in about one proposal in eight, two words of the
#: same proposal, an Arabic word typed without its hamza, a word found nowhere.
QUERIES = ["contrac", "rental contrac", "الايجار", "quokka"]


def timings(client, url: str, rounds: int) -> list[float]:
    client.get(url)  # warm: templates compiled, pages in the cache
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return seconds


def statement_timings(app, slug: str, query: str, rounds: int) -> list[float]:
    from app.councils.models import Council
    from app.extensions import db
    from app.proposals import services

    seconds = []
    with app.app_context():
        council = db.session.scalar(db.select(Council).filter_by(slug=slug))
        for _ in range(rounds + 1):
            started = time.perf_counter()
            statement = services.public_proposals(council, services.Filters(query=query))
            _ = db.paginate(statement, page=1, per_page=20).items
            seconds.append(time.perf_counter() - started)
        db.session.remove()
    return seconds[1:]


def summary(seconds: list[float]) -> str:
    cuts = statistics.quantiles(seconds, n=20)
    return f"p50 {statistics.median(seconds) * 1000:6.1f} ms, p95 {cuts[18] * 1000:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=10_000, help="copies to add")
    parser.add_argument("--rounds", type=int, default=100, help="requests per query and way")
    args = parser.parse_args()

    from flask_migrate import upgrade
    from sqlalchemy import create_engine, func, make_url, select, text

    from app import create_app
    from app.demo import demo_council, seed_demo
    from app.extensions import db
    from app.proposals import search
    from app.proposals.models import Proposal
    from bench.backup import grow
    from config import Config

    folder = tempfile.mkdtemp(prefix="consulta-bench-search-")
    postgres = os.environ.get("TEST_DATABASE_URL")
    if postgres:
        engine = create_engine(make_url(postgres), isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text('DROP DATABASE IF EXISTS "bench_search"'))
            connection.execute(text('CREATE DATABASE "bench_search"'))
        engine.dispose()
        url = make_url(postgres).set(database="bench_search").render_as_string(False)
    else:
        url = f"sqlite:///{folder}/consulta.db"
    os.environ["CONSULTA_INSTANCE"] = folder

    class Settings(Config):
        SQLALCHEMY_DATABASE_URI = url

    app = create_app(Settings)
    with app.app_context():
        upgrade()
        seed_demo()
        db.session.commit()
        grow(db, args.proposals, 0)
        # As a running database is: autovacuum's statistics on PostgreSQL, ANALYZE on SQLite.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE" if postgres else "ANALYZE")
        count = db.session.scalar(select(func.count(Proposal.id)))
        slug = demo_council().slug
        db.session.remove()
    client = app.test_client()
    database = "PostgreSQL" if postgres else "SQLite"
    print(f"{database}, {count:,} proposals, {args.rounds} requests per line")

    indexed = search.contains_words

    def every_row(_proposal_id, search_text, words, _engine):
        return search.like_every_word(search_text, words)

    for way in ("LIKE over every row", "index"):
        with app.app_context():
            with db.engine.begin() as connection:
                if postgres and way == "index":
                    connection.exec_driver_sql(search.POSTGRESQL_CREATE[1])
                    connection.exec_driver_sql("ANALYZE proposals")
                elif postgres:
                    connection.exec_driver_sql("DROP INDEX ix_proposals_search_text_trigram")
            db.engine.dispose()
        search.contains_words = indexed if way == "index" else every_row  # type: ignore[assignment]
        for query in QUERIES:
            seconds = timings(client, f"/councils/{slug}/proposals?q={quote(query)}", args.rounds)
            alone = statement_timings(app, slug, query, args.rounds)
            print(f"  {way:20} {query!r:18} page {summary(seconds)}; statements {summary(alone)}")
    search.contains_words = indexed  # type: ignore[assignment]


if __name__ == "__main__":
    main()
