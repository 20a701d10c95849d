"""How long a resident waits for "proposal received" when the mail server is away.

A real server (gunicorn, 2 workers, SQLite or PostgreSQL) whose mail server is either stopped
(nothing listens on its port) or silent (it accepts the connection and never answers, as an
overloaded one does). Each proposal leaves an email address, so each queues a receipt: the
request must not wait for SMTP. Prints p50/p95/max of the POST (to its redirect) and what
the outbox holds afterwards.

    .venv/bin/python bench/submit_without_mail.py --mail stopped
    .venv/bin/python bench/submit_without_mail.py --mail silent --json
    scripts/with-postgres .venv/bin/python bench/submit_without_mail.py
"""

import argparse
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import NoRedirect, free_port  # noqa: E402

BIN = ROOT / ".venv" / "bin"


def silent_mail_server(port: int) -> socket.socket:
    """Accepts connections and says nothing: a client waits for its greeting."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", port))
    listener.listen(100)
    held = []

    def accept():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            held.append(connection)

    threading.Thread(target=accept, daemon=True).start()
    return listener


def submit(base: str, number: int) -> float:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    form_url = f"{base}/councils/demo-city/proposals/new"
    page = opener.open(form_url).read().decode()
    fields = dict(re.findall(r'name="(csrf_token|submission_key)"[^>]*value="([^"]*)"', page))
    data = urllib.parse.urlencode(
        {
            **fields,
            "lang": "en",
            "title": f"More benches {number}",
            "body": "In the park by the river.",
            "topic": "other",
            "contact_email": f"resident{number}@example.org",
            "contact_consent": "y",
        }
    ).encode()
    started = time.perf_counter()
    try:
        # Each resident from their own address (as behind the proxy: CONSULTA_PROXIES=1).
        forwarded = {"X-Forwarded-For": f"198.51.100.{number % 250 + 1}"}
        request = urllib.request.Request(form_url, data=data, headers=forwarded)  # noqa: S310
        opener.open(request)
        raise RuntimeError("expected a redirect to the receipt")
    except urllib.error.HTTPError as answer:
        if answer.code != 302:
            raise
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mail", choices=["stopped", "silent"], default="stopped")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="consulta-bench-"))
    mail_port = free_port()
    listener = silent_mail_server(mail_port) if args.mail == "silent" else None
    port = free_port()
    env = {
        **os.environ,
        "CONSULTA_INSTANCE": str(folder / "instance"),
        "CONSULTA_BASE_URL": f"http://127.0.0.1:{port}",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(mail_port),
        "CONSULTA_PROXIES": "1",
    }
    flask = [str(BIN / "flask"), "--app", "wsgi"]
    # Our own flask and gunicorn from the virtualenv, with arguments written here.
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)  # noqa: S603
    quiet = {k: v for k, v in env.items() if k != "MAIL_SERVER"}  # the demo's own notices
    subprocess.run([*flask, "seed-demo"], env=quiet, cwd=ROOT, check=True, capture_output=True)  # noqa: S603
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz")  # noqa: S310 - http on loopback
                break
            except OSError:
                time.sleep(0.1)
        submit(base, 0)  # warm both the server and the path
        times = [submit(base, number) for number in range(1, args.count + 1)]
        time.sleep(1)
        status = subprocess.run(  # noqa: S603
            [*flask, "outbox", "status"], env=env, cwd=ROOT, capture_output=True, text=True
        ).stdout
    finally:
        server.terminate()
        server.wait()
        if listener:
            listener.close()
    result = {
        "database": "postgresql" if "postgres" in os.environ.get("DATABASE_URL", "") else "sqlite",
        "mail": args.mail,
        "submissions": len(times),
        "p50_ms": round(percentile(times, 0.5) * 1000, 1),
        "p95_ms": round(percentile(times, 0.95) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
        "outbox": status.strip(),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['database']}, mail server {args.mail}: {len(times)} submissions, "
            f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, max {result['max_ms']} ms\n"
            f"{result['outbox']}"
        )
    sys.exit(0)


if __name__ == "__main__":
    main()
