"""Every kind of page at scale: server time, wall time, statements, bytes, memory.

Builds an instance with ``flask --app wsgi seed-scale`` (the demo grown to 10,000 proposals and
500 meetings; ``--demo`` keeps the demo's size), serves it with gunicorn as ``make run`` does
(2 workers, gunicorn.conf.py) with ``CONSULTA_SERVER_TIMING=1``, signs in as a member, the
secretary and the translator, then asks for every page type, first one client at a time, then
with 8 clients at once. Server time is the app's own (the Server-Timing header); the ratio
compares each page's p95 with a static file's, served by the same app in the same run, so that
runs on busier machines stay comparable.

    .venv/bin/python bench/pages.py                              # SQLite, at scale
    scripts/with-postgres .venv/bin/python bench/pages.py        # PostgreSQL, at scale
    .venv/bin/python bench/pages.py --demo                       # the demo as it is
    .venv/bin/python bench/pages.py --instance /tmp/big --rounds 10   # reuse an instance
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import Client, free_port, percentile, start_server, stop_server  # noqa: E402

DEMO_PASSWORD = "consulta-demo"  # noqa: S105 - the demo's published password


def prepare(demo: bool, env: dict) -> None:
    """Migrate, then seed (at scale unless ``demo``) when the database has no council."""
    os.environ.update(env)
    from sqlalchemy import select

    from app import create_app
    from app.councils.models import Council
    from app.extensions import db

    flask = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)  # noqa: S603
    with create_app().app_context():
        if db.session.scalar(select(Council.id).limit(1)) is not None:
            return
    started = time.monotonic()
    subprocess.run([*flask, "seed-demo" if demo else "seed-scale"], cwd=ROOT, env=env, check=True)  # noqa: S603
    print(f"seeded in {time.monotonic() - started:.0f} s", file=sys.stderr)


def pages(env: dict) -> dict[str, list[tuple[str, str]]]:
    """Paths to measure per account (``public``: signed out), with this instance's ids: the
    largest lists, the busiest meeting, the vote under way."""
    from sqlalchemy import func, select

    from app import create_app
    from app.extensions import db
    from app.meetings import services as meeting_services
    from app.meetings.models import AgendaItem, Attendance, Meeting, MeetingState
    from app.minutes.models import Minutes
    from app.proposals import services as proposals
    from app.proposals.models import Proposal
    from app.voting.models import Poll, PollState

    app = create_app()
    with app.app_context():
        closed = db.session.scalar(
            select(Meeting)
            .where(Meeting.state == MeetingState.closed)
            .order_by(Meeting.starts_at.desc())
        )
        running = db.session.scalar(
            select(Meeting).where(Meeting.state == MeetingState.in_progress)
        )
        coming = db.session.scalar(
            select(Meeting)
            .where(Meeting.state == MeetingState.published)
            .order_by(Meeting.starts_at)
        )
        poll = db.session.scalar(
            select(Poll)
            .join(AgendaItem)
            .where(AgendaItem.meeting_id == running.id, Poll.state == PollState.open)
        )
        published_poll = db.session.scalar(
            select(Poll)
            .join(AgendaItem)
            .where(AgendaItem.meeting_id == closed.id, Poll.state == PollState.published)
        )
        proposal = db.session.scalar(
            select(Proposal).where(Proposal.state == "accepted").order_by(Proposal.id.desc())
        )
        minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == closed.id))
        public = proposals.public_proposals(closed.council, proposals.Filters())
        proposal_pages = -(
            -db.session.scalar(select(func.count()).select_from(public.subquery())) // 20
        )
        past = meeting_services.past_meetings(closed.council, include_drafts=False)
        meeting_pages = -(
            -db.session.scalar(select(func.count()).select_from(past.subquery())) // 10
        )
        attendance_rows = db.session.scalar(select(func.count(Attendance.id)))
        slug = closed.council.slug
    council = f"/councils/{slug}"
    print(
        f"{proposal_pages} pages of proposals, {attendance_rows} attendance rows", file=sys.stderr
    )
    return {
        "public": [
            ("static file", "/static/css/consulta.css"),
            ("home", "/"),
            ("council", council),
            ("proposals, page 1", f"{council}/proposals"),
            ("proposals, last page", f"{council}/proposals?page={proposal_pages}"),
            ("proposals, search two words", f"{council}/proposals?q=language+course"),
            ("proposal", f"{council}/proposals/{proposal.id}"),
            ("meetings", f"{council}/meetings"),
            ("meetings, last page", f"{council}/meetings?page={meeting_pages}"),
            ("meeting, closed", f"{council}/meetings/{closed.id}"),
            ("meeting, coming", f"{council}/meetings/{coming.id}"),
            ("vote result", f"{council}/polls/{published_poll.id}"),
            ("decisions", f"{council}/decisions"),
            ("decisions.atom", f"{council}/decisions.atom"),
            ("minutes", f"{council}/minutes/{minutes.id}"),
            ("calendar.ics", f"{council}/calendar.ics"),
            ("consultations", f"{council}/consultations"),
            ("help", "/help/meetings-and-votes"),
            ("OParl papers", f"/oparl/v1/bodies/{slug}/papers"),
            ("OParl meetings", f"/oparl/v1/bodies/{slug}/meetings"),
        ],
        "member01": [
            ("member: meeting under way", f"{council}/meetings/{running.id}"),
            ("member: open vote", f"{council}/polls/{poll.id}"),
            ("member: polls.json", f"{council}/meetings/{running.id}/polls.json"),
            ("member: status.json", f"{council}/polls/{poll.id}/status.json"),
            ("member: quorum.json", f"{council}/meetings/{running.id}/quorum.json"),
            ("member: profile", "/profile"),
        ],
        "secretary": [
            ("secretary: members", f"{council}/members"),
            ("secretary: attendance, closed meeting", f"{council}/meetings/{closed.id}/attendance"),
            ("secretary: review queue", f"{council}/proposals/review"),
            ("secretary: meeting, closed", f"{council}/meetings/{closed.id}"),
            ("secretary: notices", f"{council}/notices"),
        ],
        "translator": [
            ("translator: worklist", f"{council}/translate"),
            ("translator: worklist, page 2", f"{council}/translate?page=2"),
        ],
    }


def measure(clients: dict[str, Client], paths, rounds: int, concurrency: int) -> dict:
    """Each path ``rounds`` times per client thread; returns samples per page name."""
    samples: dict[str, list[tuple[float, float, int, int]]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    work = [(role, name, path) for role, entries in paths.items() for name, path in entries]

    def client_loop(offset: int) -> None:
        for round_number in range(rounds):
            # Threads start at different pages, so that they do not all ask for the same one.
            for n in range(len(work)):
                role, name, path = work[(n + offset + round_number) % len(work)]
                try:
                    sample = clients[role].timed_get(path)
                except urllib.error.HTTPError as error:
                    with lock:
                        errors.append(f"{name}: {error.code}")
                    continue
                with lock:
                    samples[name].append(sample)

    threads = [threading.Thread(target=client_loop, args=(n * 7,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"errors: {sorted(set(errors))}")
    return samples


def worker_memory_mb(master: int) -> list[tuple[float, float, float]]:
    """Each gunicorn worker's memory, in MB: peak resident (VmHWM), proportional (Pss: the
    pages it shares with the master and the other workers divided among them) and its own
    (Private_Clean + Private_Dirty). With ``preload_app`` the app is loaded once in the master:
    resident memory counts those shared pages again in every worker, Pss once in all."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    found = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()

        def kb(name: str, text: str = rollup) -> int:
            return int(re.search(rf"{name}:\s+(\d+)", text).group(1))

        private = kb("Private_Clean") + kb("Private_Dirty")
        found.append((kb("VmHWM", status) / 1024, kb("Pss") / 1024, private / 1024))
    return found


def table(sequential: dict, concurrent: dict, static: str) -> str:
    base = percentile([s[0] for s in sequential[static]], 0.95)
    lines = [
        "| page | statements | KB | server p50 | server p95 | wall p95 | ×static | "
        "8 clients: server p95 | wall p95 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, samples in sequential.items():
        server = [s[0] for s in samples]
        wall = [s[1] for s in samples]
        busy = concurrent.get(name, [])
        fewest, most = min(s[2] for s in samples), max(s[2] for s in samples)
        lines.append(
            f"| {name} | {fewest if fewest == most else f'{fewest}–{most}'} "
            f"| {samples[0][3] / 1024:.1f} | {percentile(server, 0.5):.1f} "
            f"| {percentile(server, 0.95):.1f} | {percentile(wall, 0.95):.1f} "
            f"| {percentile(server, 0.95) / base:.0f} "
            f"| {percentile([s[0] for s in busy], 0.95):.1f} "
            f"| {percentile([s[1] for s in busy], 0.95):.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instance", help="an instance folder to use (kept)")
    parser.add_argument("--demo", action="store_true", help="the demo's size, not grown")
    parser.add_argument("--rounds", type=int, default=30, help="requests per page, one client")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--only", help="measure only pages whose name contains this")
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="neither migrate nor seed the instance (to measure another checkout on the same data)",
    )
    args = parser.parse_args()

    instance = Path(args.instance or tempfile.mkdtemp(prefix="consulta-pages-"))
    instance.mkdir(parents=True, exist_ok=True)
    database_url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    env = {
        **os.environ,
        "CONSULTA_INSTANCE": str(instance),
        "CONSULTA_SERVER_TIMING": "1",
        "CONSULTA_OUTBOX_SENDER": "0",
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    os.environ.update(env)
    if not args.as_is:
        prepare(args.demo, env)
    paths = pages(env)
    if args.only:
        paths = {
            role: [(n, p) for n, p in entries if args.only in n or n == "static file"]
            for role, entries in paths.items()
        }

    port = free_port()
    server = start_server(port, env, workers=2)
    try:
        base = f"http://127.0.0.1:{port}"
        clients = {role: Client(base) for role in paths}
        for role, client in clients.items():
            if role != "public":
                client.sign_in(f"{role}@demo.test", DEMO_PASSWORD)
        measure(clients, paths, 3, 1)  # warm up: templates compiled, caches filled
        sequential = measure(clients, paths, args.rounds, 1)
        concurrent = measure(
            clients, paths, max(args.rounds // args.concurrency, 2), args.concurrency
        )
        memory = worker_memory_mb(server.pid)
    finally:
        stop_server(server)
    database = "PostgreSQL" if database_url and database_url.startswith("postgres") else "SQLite"
    print(
        f"\n{database}, {'demo' if args.demo else 'seed-scale'}, {args.rounds} rounds, "
        f"{args.concurrency} clients; times in ms\n"
    )
    print(table(sequential, concurrent, "static file"))
    print(
        "\nMemory per worker (peak resident / proportional / own): "
        + ", ".join(f"{rss:.0f} / {pss:.0f} / {own:.0f} MB" for rss, pss, own in memory)
    )


if __name__ == "__main__":
    main()
