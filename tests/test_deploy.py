"""The deployment files in deploy/ work as written: the systemd unit's commands start the app
with the example settings, and nginx with deploy/nginx.conf serves it over HTTPS, compressed,
with the uploads the app accepts. Only names, ports and paths are replaced."""

import datetime
import gzip
import os
import re
import shlex
import shutil
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import brotli
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.browser import Browser, free_port, sign_in, token

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
NAME = "localhost"

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (make test installs it when run as root)"
)


def unit_commands(unit: str) -> tuple[list[list[str]], list[str]]:
    """The ExecStartPre commands and the ExecStart command of a systemd unit file."""
    pre, start = [], []
    for line in unit.splitlines():
        key, _, value = line.partition("=")
        if key == "ExecStartPre":
            pre.append(shlex.split(value))
        elif key == "ExecStart":
            start = shlex.split(value)
    return pre, start


def example_settings(text: str) -> dict[str, str]:
    return dict(
        line.split("=", 1)
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    )


def self_signed(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert, private = folder / "fullchain.pem", folder / "privkey.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    private.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert, private


def wait_for(url: str, tls: ssl.SSLContext | None = None) -> None:
    ready_by = time.monotonic() + 60  # a loaded machine starts a server slowly
    while True:
        try:
            urllib.request.urlopen(url, timeout=10, context=tls)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if time.monotonic() > ready_by:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The app started by the unit's commands, behind nginx started with deploy/nginx.conf."""
    folder = tmp_path_factory.mktemp("deploy")
    http_port, https_port, app_port = free_port(), free_port(), free_port()
    base = f"https://{NAME}:{https_port}"
    settings = example_settings((DEPLOY / "consulta.env.example").read_text())
    settings |= {"CONSULTA_BASE_URL": base, "CONSULTA_INSTANCE": str(folder / "instance")}
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONSULTA_")}
    env |= settings
    env.pop("DATABASE_URL", None)

    def local(command: list[str]) -> list[str]:
        command = [part.replace("/srv/consulta", str(ROOT)) for part in command]
        return [part.replace("127.0.0.1:8000", f"127.0.0.1:{app_port}") for part in command]

    pre, start = unit_commands((DEPLOY / "consulta.service").read_text())
    for command in [*pre, [str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "seed-demo"]]:
        subprocess.run(local(command), env=env, cwd=ROOT, check=True, capture_output=True)  # noqa: S603
    app = subprocess.Popen(  # noqa: S603 - the unit's own command
        local(start), env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )

    cert, key = self_signed(folder)
    site_conf = (DEPLOY / "nginx.conf").read_text()
    site_conf = "\n".join(line for line in site_conf.splitlines() if "[::]" not in line)
    for old, new in [
        ("council.example.org", NAME),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;"),
        ("127.0.0.1:8000", f"127.0.0.1:{app_port}"),
        (f"/etc/letsencrypt/live/{NAME}/fullchain.pem", str(cert)),
        (f"/etc/letsencrypt/live/{NAME}/privkey.pem", str(key)),
        ("/var/www/html", str(folder)),
    ]:
        assert old in site_conf, f"deploy/nginx.conf no longer has {old!r}"
        site_conf = site_conf.replace(old, new)
    (folder / "site.conf").write_text(site_conf)
    temp = {name: folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    (folder / "nginx.conf").write_text(
        # nginx's workers run as root here only because the test runs as root (a container).
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
        + "http {\n"
        + "  include /etc/nginx/mime.types;\n"
        + f"  access_log {folder}/access.log;\n"
        + "".join(f"  {name}_temp_path {path};\n" for name, path in temp.items()).replace(
            "body_temp_path", "client_body_temp_path"
        )
        + f"  include {folder}/site.conf;\n}}\n"
    )
    nginx = subprocess.Popen(  # noqa: S603 - the system's nginx
        [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    tls = ssl.create_default_context(cafile=str(cert))
    try:
        wait_for(f"http://127.0.0.1:{app_port}/")
        wait_for(base + "/", tls)
        yield {"base": base, "http": f"http://{NAME}:{http_port}", "tls": tls}
    finally:
        for server in (nginx, app):
            server.terminate()
        for server in (nginx, app):
            server.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_plain_http_moves_to_https(site):
    opener = urllib.request.build_opener(NoRedirect())
    with pytest.raises(urllib.error.HTTPError) as moved:
        opener.open(site["http"] + "/councils/demo-city/meetings?page=2", timeout=10)
    assert moved.value.code == 301
    assert moved.value.headers["Location"] == (f"https://{NAME}/councils/demo-city/meetings?page=2")


def test_pages_come_over_https_compressed_with_hsts(site):
    for path in ("/councils/demo-city", "/static/css/consulta.css"):
        request = urllib.request.Request(  # noqa: S310 - the test server
            site["base"] + path, headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(request, timeout=10, context=site["tls"]) as response:  # noqa: S310
            assert response.status == 200
            assert response.headers["Content-Encoding"] == "gzip", path
            assert "max-age" in response.headers["Strict-Transport-Security"]


def test_the_apps_compression_passes_through_nginx_once(site):
    """The app compresses; nginx must neither compress it again nor undo it, and the hashed
    stylesheet keeps its year-long caching."""

    def fetch(path: str, encodings: str):
        request = urllib.request.Request(  # noqa: S310 - the test server
            site["base"] + path, headers={"Accept-Encoding": encodings}
        )
        with urllib.request.urlopen(request, timeout=10, context=site["tls"]) as response:  # noqa: S310
            return response.headers, response.read()

    plain_headers, plain = fetch("/councils/demo-city", "identity")
    assert "Content-Encoding" not in plain_headers
    headers, body = fetch("/councils/demo-city", "br, gzip")
    assert headers["Content-Encoding"] == "br"
    assert brotli.decompress(body).startswith(b"<!doctype html>")
    stylesheet = re.search(r'href="(/static/css/consulta\.[0-9a-f]+\.css)"', plain.decode())
    assert stylesheet, "the page names no hashed stylesheet"
    headers, body = fetch(stylesheet.group(1), "gzip")
    assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body).strip()
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_host_name_that_is_not_the_site_is_refused(site):
    request = urllib.request.Request(  # noqa: S310 - the test server
        site["base"] + "/forgot-password", headers={"Host": "evil.example"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10, context=site["tls"])  # noqa: S310
    assert refused.value.code == 400


def test_a_secretary_uploads_a_large_document_through_nginx(site):
    """nginx refuses bodies over 1 MB unless told otherwise: a 9 MB agenda document (the app
    accepts 10 MB) must reach the app, and come back whole."""
    base = site["base"]
    secretary = Browser(site["tls"])
    sign_in(secretary, base, "secretary@demo.test")
    meetings = secretary.get(base + "/councils/demo-city/meetings")
    meeting = re.search(r'href="/councils/demo-city/meetings/(\d+)"', meetings).group(1)
    upload = f"{base}/councils/demo-city/meetings/{meeting}/documents"
    pdf = b"%PDF-1.4\n" + b"%" + b"0" * (9 * 1024 * 1024) + b"\n%%EOF\n"
    secretary.post(
        upload,
        {"csrf_token": token(secretary.get(upload)), "item": "0", "title": "Plan", "lang": "en"},
        files={"file": ("plan.pdf", pdf, "application/pdf")},
    )
    page = secretary.get(f"{base}/councils/demo-city/meetings/{meeting}")
    link = re.search(r'href="(/councils/demo-city/documents/\d+/[^"]+)"', page)
    assert link, "the uploaded document is not listed"
    assert secretary.download(base + link.group(1)) == pdf


def test_a_member_votes_over_https_from_a_page_that_sends_no_referrer(site):
    """Voting pages send ``Referrer-Policy: no-referrer``, so a browser's vote carries no
    Referer and ``Origin: null``: over HTTPS the vote must still be accepted, and a form
    posted from another site must still be refused."""
    base = site["base"]
    member = Browser(site["tls"])
    sign_in(member, base, "member05@demo.test")
    start = member.get(base + "/start")
    poll = re.search(r'href="(/councils/demo-city/polls/\d+)"', start)
    assert poll, "the start page shows no open vote"
    page = member.get(base + poll.group(1))
    as_chromium = {"Referer": None, "Origin": "null", "Sec-Fetch-Site": "same-origin"}
    confirm = member.post(
        base + poll.group(1) + "/confirm",
        {"csrf_token": token(page), "choice": "yes"},
        headers=as_chromium,
    )
    assert 'name="choice" value="yes"' in confirm
    receipt = member.post(
        base + poll.group(1) + "/vote",
        {"csrf_token": token(confirm), "choice": "yes"},
        headers=as_chromium,
    )
    assert "You have voted" in receipt

    with pytest.raises(urllib.error.HTTPError) as refused:
        member.post(
            base + "/profile",
            {"csrf_token": token(member.get(base + "/profile")), "display_name": "Mallory"},
            headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
        )
    assert refused.value.code == 400


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_systemd_accepts_the_unit(tmp_path):
    """Every line parses and every command it runs exists (with this checkout in place of
    /srv/consulta): systemd-analyze warns of anything it would ignore."""
    unit = (DEPLOY / "consulta.service").read_text().replace("/srv/consulta", str(ROOT))
    unit = unit.replace("/etc/consulta.env", str(DEPLOY / "consulta.env.example"))
    (tmp_path / "consulta.service").write_text(unit)
    checked = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", str(tmp_path / "consulta.service")],  # noqa: S607
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0 and not checked.stderr.strip(), checked.stderr
