"""A burst of votes: 200 members sign in, then all vote within one second, 10% of them twice.

Runs the real app under gunicorn (4 workers) against SQLite, or against PostgreSQL when
DATABASE_URL (or TEST_DATABASE_URL, as set by scripts/with-postgres) points at one, and reports
ballots stored, duplicates, errors shown to voters, latency percentiles and the tally.

    .venv/bin/python bench/vote_burst.py                            # SQLite
    scripts/with-postgres .venv/bin/python bench/vote_burst.py      # PostgreSQL
    .venv/bin/python bench/vote_burst.py --spread 0                 # all in the same instant
    scripts/with-postgres .venv/bin/python bench/vote_burst.py --hosts 2   # two app servers

With ``--hosts 2`` two gunicorn servers, each with its own instance folder, share the database
and the secret key, as two app hosts behind a load balancer do: each member signs in on one
server and votes through the other.
"""

import argparse
import asyncio
import http.cookiejar
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import NoRedirect, free_port  # noqa: E402

PASSWORD = "burst-password-1"  # noqa: S105 - a throwaway benchmark account


def prepare(database_url: str, members: int, secret: bool) -> tuple[int, list[tuple[str, str]]]:
    """A council with ``members`` voting members present at a running meeting, one open poll."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.accounts import services as accounts
    from app.auth import Role
    from app.councils import services as councils
    from app.database import utcnow
    from app.extensions import db
    from app.meetings import services as meetings
    from app.meetings.models import Presence
    from app.voting import services as voting
    from app.voting.models import PollMethod
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(BenchConfig)
    with app.app_context():
        if database_url.startswith("postgresql"):
            db.drop_all()
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade()
        council = councils.create_council(
            name="Burst Council",
            lang="en",
            municipality="Bench",
            languages=["en"],
            default_language="en",
            timezone="Europe/Brussels",
            slug="burst",
        )
        # One password hash for everyone: hashing 200 times would only slow the set-up.
        hashed = accounts.hash_password(PASSWORD)
        voters = []
        for n in range(members):
            user = accounts.create_user(f"voter{n:03}@bench.test", f"Voter {n}", PASSWORD, "en")
            user.password_hash = hashed
            voters.append(councils.add_membership(council, user, Role.member, voting_right=True))
        db.session.flush()
        now = meetings.to_local(council, utcnow())
        meeting = meetings.create_meeting(
            council,
            meetings.MeetingDetails(
                title="Burst meeting",
                lang="en",
                day=now.date(),
                starts=clock(max(now.hour - 1, 0)),
                ends=clock(23, 59),
            ),
            allow_past=True,
        )
        item = meetings.add_item(meeting, title="Motion", lang="en", kind="decision")
        meetings.publish_meeting(meeting)
        meetings.start_meeting(meeting, day_confirmed=meetings.scheduled_day(meeting))
        for membership in voters:
            meetings.set_presence(meeting, membership, Presence.present)
        method = PollMethod.secret if secret else PollMethod.named
        poll = voting.create_poll(
            item, voting.PollDetails(question="Adopt?", lang="en", method=method)
        )
        voting.open_poll(poll)
        db.session.commit()
        rng = random.Random(7)
        intended = [
            (m.user.email, rng.choices(["yes", "no", "abstain"], [5, 3, 1])[0]) for m in voters
        ]
        return poll.id, intended


class Voter:
    def __init__(self, base: str, email: str):
        self.base = base
        self.email = email
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def post(self, path: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path)).group(1)

    def sign_in(self) -> None:
        status, _ = self.post(
            "/sign-in",
            {"csrf_token": self.token("/sign-in"), "email": self.email, "password": PASSWORD},
        )
        assert status == 302, f"sign-in of {self.email} failed: {status}"


async def exchange(port: int, request: str, body: bytes = b"") -> tuple[int, dict, str]:
    """One HTTP request on its own connection, as a phone joining the venue's Wi-Fi makes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request.encode() + body)
    await writer.drain()
    response = await reader.read()
    writer.close()
    head, _, content = response.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return int(status_line.split()[1]), headers, content.decode("utf-8", "replace")


def verdict(page: str, double_tap: bool) -> str:
    """What the member reads after voting: their receipt, or a refusal."""
    if "panel--refusal" in page or "notice--error" in page:
        # The second of a double tap is told "you have already voted": expected, not an error.
        if double_tap and "already voted" in page:
            return "already_voted"
        message = re.search(r"(?:panel--refusal|notice--error)[^>]*>(?:\s*<[^>]+>)*([^<]*)<", page)
        print("error shown:", message.group(1).strip() if message else "?", file=sys.stderr)
        return "error"
    return "voted" if "You have voted" in page else "error"


async def receipt(port, cookies, location, double_tap):
    """What the voter reads on the page their vote redirected to."""
    _, _, page = await exchange(
        port,
        f"GET {location} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Cookie: {'; '.join(f'{k}={v}' for k, v in cookies.items())}\r\n"
        "Connection: close\r\n\r\n",
    )
    return verdict(page, double_tap)


async def read_receipts(results):
    """After the burst: what each voter would have read."""
    shown = await asyncio.gather(*(receipt(*r[3]) for r in results))
    return [(*r[:3], seen, r[4]) for r, seen in zip(results, shown, strict=True)]


async def burst(poll_path, jobs, offsets, choices, twice, follow):
    """Every vote as its own connection, started at its offset. With ``follow``, each vote is
    followed at once by the page it redirects to (the receipt), as a browser does; otherwise
    the results carry what is needed to read those pages after the burst.

    asyncio keeps the load generator light, so that it does not steal the server's CPU.
    """

    async def one(index, voter, offset):
        port = voter.port
        await asyncio.sleep(offset)
        body = urllib.parse.urlencode(
            {"csrf_token": voter.csrf, "choice": choices[voter.email]}
        ).encode()
        cookies = dict(pair.split("=", 1) for pair in voter.cookie_header().split("; "))
        began = time.perf_counter()
        status, headers, _ = await exchange(
            port,
            f"POST {poll_path}/vote HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Cookie: {'; '.join(f'{k}={v}' for k, v in cookies.items())}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n",
            body,
        )
        vote_seconds = time.perf_counter() - began
        for set_cookie in headers.get("set-cookie", []):  # the receipt travels in the session
            name, _, value = set_cookie.split(";", 1)[0].partition("=")
            cookies[name] = value
        location = urllib.parse.urlsplit(headers.get("location", [poll_path])[0]).path
        later = (port, cookies, location, index in twice)
        shown = await receipt(*later) if follow else None
        finished = time.perf_counter()
        return vote_seconds, finished - began, status, shown or later, finished

    start = time.perf_counter()
    results = await asyncio.gather(
        *(one(i, v, off) for (i, v), off in zip(jobs, offsets, strict=True))
    )
    return start, results


def server_cpu_seconds(arbiter: int) -> float:
    """CPU time used so far by gunicorn's workers (Linux /proc), to tell work from waiting."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == arbiter:  # fields[1] is the parent pid
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run(
    database_url: str,
    members: int,
    workers: int,
    spread: float,
    follow: bool,
    secret: bool,
    hosts: int = 1,
) -> dict:
    instance = Path(tempfile.mkdtemp(prefix="consulta-bench-"))
    os.environ["CONSULTA_INSTANCE"] = str(instance)
    os.environ["SECRET_KEY"] = "bench-" + os.urandom(8).hex()
    if not database_url:
        database_url = f"sqlite:///{instance / 'consulta.db'}"
    poll_id, intended = prepare(database_url, members, secret)
    ports = [free_port() for _ in range(hosts)]
    servers = [
        subprocess.Popen(  # noqa: S603 - our own gunicorn from the virtualenv
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
                "wsgi:app",
            ],
            cwd=ROOT,
            # One server keeps the bench's instance folder (where a SQLite file lives); any
            # other gets its own, so that it shares only the database and the secret key.
            env={
                **os.environ,
                "DATABASE_URL": database_url,
                "CONSULTA_INSTANCE": str(instance / f"host{n}" if n else instance),
            },
        )
        for n, port in enumerate(ports)
    ]
    try:
        for port in ports:
            ready_by = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=5).read()  # noqa: S310
                    break
                except OSError:
                    if time.monotonic() > ready_by:
                        raise
                    time.sleep(0.1)
        # Member n signs in on server n and votes through the next one (the same with one).
        voters = [
            Voter(f"http://127.0.0.1:{ports[n % hosts]}", email)
            for n, (email, _choice) in enumerate(intended)
        ]
        for n, voter in enumerate(voters):
            voter.port = ports[(n + 1) % hosts]
        choices = dict(intended)
        poll_path = f"/councils/burst/polls/{poll_id}"

        failures = []

        def ready(voter):
            try:
                voter.sign_in()
                voter.csrf = voter.token(poll_path)
            except Exception as error:  # noqa: BLE001 - reported, not hidden
                failures.append(f"{voter.email}: {error!r}")
                voter.csrf = ""

        started = time.perf_counter()
        threads = [threading.Thread(target=ready, args=(v,)) for v in voters]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        sign_in_seconds = time.perf_counter() - started
        for failure in failures:
            print("sign-in failed:", failure, file=sys.stderr)

        twice = set(random.Random(11).sample(range(members), members // 10))
        jobs = [(i, v) for i, v in enumerate(voters)] + [(i, voters[i]) for i in twice]
        timing = random.Random(3)
        offsets = sorted(spread * timing.random() for _ in jobs)
        cpu_before = sum(server_cpu_seconds(server.pid) for server in servers)
        start, results = asyncio.run(burst(poll_path, jobs, offsets, choices, twice, follow))
        cpu_after = sum(server_cpu_seconds(server.pid) for server in servers)
        cpu_per_vote = (cpu_after - cpu_before) / len(jobs)
        if not follow:
            results = asyncio.run(read_receipts(results))
        latencies = [r[0] for r in results]
        receipts = [r[1] for r in results]
        shown = Counter(r[3] for r in results)
        last_answer = max(r[4] for r in results) - start
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    if secret:
        close(database_url, poll_id)  # sealed until the close: only then can they be counted
    stored, per_member, tally = count_ballots(database_url, poll_id, secret)
    shutil.rmtree(instance, ignore_errors=True)
    return {
        "database": ("PostgreSQL" if database_url.startswith("postgresql") else "SQLite")
        + (", pseudo-anonymous" if secret else "")
        + (f", {hosts} app servers" if hosts > 1 else ""),
        "hosts": hosts,
        "members": members,
        "requests": len(jobs),
        "double_submitters": len(twice),
        "sign_in_seconds": sign_in_seconds,
        "sign_in_failures": len(failures),
        "spread_seconds": spread,
        "last_answer_seconds": last_answer,
        "stored": stored,
        "duplicates": sum(1 for n in per_member.values() if n > 1),
        "errors_http": sum(1 for r in results if r[2] >= 400),
        "shown": dict(shown),
        "server_cpu_ms_per_vote": cpu_per_vote * 1000,
        "p50": percentile(latencies, 0.50) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "follow": follow,
        "receipt_p50": percentile(receipts, 0.50) * 1000 if follow else None,
        "receipt_p95": percentile(receipts, 0.95) * 1000 if follow else None,
        "tally": dict(tally),
        "intended": dict(Counter(choice for _e, choice in intended)),
    }


def close(database_url: str, poll_id: int) -> None:
    """Close the poll in this process, as the chair would: the sealed ballots are opened."""
    from app import create_app
    from app.extensions import db
    from app.voting import services as voting
    from app.voting.models import Poll
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url

    with create_app(BenchConfig).app_context():
        voting.close_poll(db.session.get(Poll, poll_id))
        db.session.commit()


def count_ballots(database_url: str, poll_id: int, secret: bool):
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        if secret:
            voters = connection.execute(
                text("SELECT membership_id FROM vote_records WHERE poll_id = :p"), {"p": poll_id}
            ).scalars()
            per_member = Counter(voters)
            choices = connection.execute(
                text("SELECT choice FROM secret_ballots WHERE poll_id = :p"), {"p": poll_id}
            ).scalars()
            tally = Counter(choices)
        else:
            rows = connection.execute(
                text("SELECT membership_id, choice FROM ballots WHERE poll_id = :p"),
                {"p": poll_id},
            ).all()
            per_member = Counter(row.membership_id for row in rows)
            tally = Counter(row.choice for row in rows)
    engine.dispose()
    return sum(per_member.values()), per_member, tally


def report(result: dict) -> str:
    ok = (
        result["stored"] == result["members"]
        and result["duplicates"] == 0
        and result["tally"] == result["intended"]
    )
    receipt = (
        f"{result['receipt_p50']:.0f} | {result['receipt_p95']:.0f}"
        if result["follow"]
        else "– | –"
    )
    return (
        f"| {result['database']} | {result['spread_seconds']:g} s | {result['requests']} "
        f"| {result['stored']} | {result['duplicates']} | {result['errors_http']} "
        f"| {result['shown'].get('error', 0)} | {result['p50']:.0f} | {result['p95']:.0f} "
        f"| {result['p99']:.0f} | {receipt} "
        f"| {result['last_answer_seconds']:.2f} s "
        f"| {result['server_cpu_ms_per_vote']:.1f} "
        f"| {'equal' if result['tally'] == result['intended'] else 'DIFFERENT'} "
        f"| {'pass' if ok and result['p95'] < 300 else 'FAIL'} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--spread",
        type=float,
        default=1.0,
        help="seconds over which the votes start (0: all at the same instant)",
    )
    parser.add_argument(
        "--follow",
        action="store_true",
        help="load the receipt page right after each vote, as a browser does",
    )
    parser.add_argument(
        "--secret", action="store_true", help="a pseudo-anonymous vote (sealed ballots)"
    )
    parser.add_argument(
        "--hosts", type=int, default=1, help="app servers sharing the database (default 1)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON only")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or os.environ.get("TEST_DATABASE_URL", "")
    result = run(url, args.members, args.workers, args.spread, args.follow, args.secret, args.hosts)
    if args.json:
        print(json.dumps(result))
        return
    print(result)
    print(report(result))


if __name__ == "__main__":
    main()
