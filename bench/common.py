"""What the benchmarks share: a free port, a gunicorn server, a signed-in client, percentiles."""

import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def start_server(port: int, env: dict, *, workers: int = 2) -> subprocess.Popen:
    """gunicorn as ``make run`` starts it (gunicorn.conf.py is read from the project folder)."""
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn from the virtualenv
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
        env=env,
    )
    ready_by = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).read()  # noqa: S310
            return server
        except urllib.error.HTTPError:
            return server  # it answers (and says what it thinks of itself)
        except OSError:
            if time.monotonic() > ready_by or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.1)


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser: its own cookies, no redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def timed_get(self, path: str) -> tuple[float, float, int, int]:
        """Server ms (Server-Timing), wall ms, SQL statements and bytes of one GET."""
        started = time.perf_counter()
        with self.opener.open(self.base + path, timeout=60) as response:
            body = response.read()
            timing = response.headers.get("Server-Timing", "")
        wall = (time.perf_counter() - started) * 1000
        server = float(re.search(r"app;dur=([\d.]+)", timing).group(1))
        statements = int(re.search(r'sql;desc="(\d+)"', timing).group(1))
        return server, wall, statements, len(body)

    def post(self, path: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", "")

    def token(self, path: str) -> str:
        page = self.get(path)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def sign_in(self, email: str, password: str) -> None:
        status, _ = self.post(
            "/sign-in", {"csrf_token": self.token("/sign-in"), "email": email, "password": password}
        )
        if status != 302:
            raise RuntimeError(f"sign-in of {email} failed: {status}")
