"""A person's browser for tests that talk to real servers (gunicorn, nginx) over sockets: one
cookie jar for every server (cookies do not depend on the port), redirects followed, forms
posted with the CSRF token of the page they are on."""

import http.cookiejar
import re
import secrets
import socket
import ssl
import urllib.parse
import urllib.request

from app.demo import DEMO_PASSWORD


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    def __init__(self, tls: ssl.SSLContext | None = None):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), urllib.request.HTTPSHandler(context=tls)
        )

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=30) as response:
            self.url = response.geturl()
            return response.read().decode()

    def download(self, url: str) -> bytes:
        with self.opener.open(url, timeout=30) as response:
            return response.read()

    def post(
        self, url: str, fields: dict, files: dict | None = None, *, headers: dict | None = None
    ) -> str:
        """``files`` maps a field to (file name, bytes, content type). The page last loaded is
        sent as the referrer, as a browser does under ``Referrer-Policy: same-origin``; a
        page with ``no-referrer`` is imitated with ``headers={"Referer": None, ...}``."""
        if files:
            boundary = secrets.token_hex(8)
            parts = [
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
                for name, value in fields.items()
            ]
            for name, (filename, data, kind) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
                    + data
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        sent = {"Content-Type": content_type, "Referer": getattr(self, "url", None)}
        sent |= headers or {}
        request = urllib.request.Request(  # noqa: S310 - a test server's URL
            url, data=body, headers={k: v for k, v in sent.items() if v is not None}
        )
        with self.opener.open(request, timeout=60) as response:
            self.url = response.geturl()
            return response.read().decode()


def token(page: str) -> str:
    found = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
    assert found, "no form on the page"
    return found.group(1)


def sign_in(browser: Browser, host: str, email: str) -> None:
    page = browser.get(host + "/sign-in")
    browser.post(
        host + "/sign-in", {"csrf_token": token(page), "email": email, "password": DEMO_PASSWORD}
    )
