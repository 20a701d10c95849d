"""A live Consulta on a temporary database, seeded with the demo, and a real Chromium."""

import logging
import os
import shutil
import threading

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from sqlalchemy import text
from werkzeug.serving import make_server

from app import create_app
from app.demo import DEMO_PASSWORD, seed_demo
from app.extensions import db
from config import TestConfig

logging.getLogger("werkzeug").setLevel(logging.WARNING)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and shutil.which(candidate):
            return candidate
    return None


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("e2e")
    os.environ["CONSULTA_INSTANCE"] = str(folder / "instance")
    url = os.environ.get("E2E_DATABASE_URL")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = url or f"sqlite:///{folder / 'consulta.db'}"

    app = create_app(Config)
    with app.app_context():
        if url:
            db.drop_all()
            db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
            db.session.commit()
        upgrade()
        seed_demo()
        db.session.commit()
    return app


@pytest.fixture(scope="session")
def base_url(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, base_url):
    contexts = []

    def make(viewport=PHONE, *, javascript=True, locale="en-GB", signed_in_as=None):
        """A fresh page; `signed_in_as` another page reuses that page's cookies."""
        state = signed_in_as.context.storage_state() if signed_in_as else None
        context = browser.new_context(
            viewport=viewport,
            java_script_enabled=javascript,
            locale=locale,
            base_url=base_url,
            storage_state=state,
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/sign-in")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("text=consulta-demo").count() == 0


_axe = Axe()


def axe_violations(page) -> list[str]:
    """axe-core runs inside the page, so a page with JavaScript off is checked by the caller
    opening the same URL in a JavaScript-enabled page (see `new_page(signed_in_as=...)`)."""
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [
        f"{v['id']}: {v['help']} → {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
    ]
