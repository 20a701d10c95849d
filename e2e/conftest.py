"""A live Consulta on a temporary database, seeded with the demo, and a real Chromium.

Tests find what is on a page the way assistive technology does: by role and accessible name,
in the language the page speaks (`words`), and find demo records by what the demo calls them
(`demo`), never by ids or CSS classes.
"""

import io
import logging
import os
import re
import shutil
import socket
import threading
import time
from datetime import date, timedelta
from datetime import time as time_of_day
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import url_for
from flask_babel import force_locale, gettext
from flask_migrate import upgrade
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select, text
from werkzeug.datastructures import FileStorage
from werkzeug.serving import make_server

from app import create_app
from app.accounts import services as accounts
from app.councils import services as councils
from app.councils.models import Council
from app.demo import DEMO_PASSWORD, demo_council, seed_demo
from app.demo.data import AGENDA, MEETINGS, PROPOSALS
from app.extensions import db
from app.i18n import UI_LOCALES
from app.meetings import services as meetings
from app.meetings.models import ItemKind, Meeting
from app.minutes.models import Minutes
from app.proposals import services as proposals
from app.proposals.models import Proposal, ProposalState
from app.residents import services as residents
from app.voting.models import Poll, PollMethod
from config import TestConfig
from tests.conftest import Inbox
from tests.helpers import worker_database

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
#: Screenshots and other files a run leaves for people to look at (not kept in git).
ARTIFACTS = Path(__file__).parent / "artifacts"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Two test processes share two cores with their browsers: give pages time to answer.
expect.set_options(timeout=10_000)


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
    url = url and worker_database(url)

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
    url = f"http://127.0.0.1:{server.server_port}"
    live_app.config["BASE_URL"] = url  # links in pages and QR codes lead back here
    yield url
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


class Words:
    """The interface's words in one locale, as the live app says them: the names a screen
    reader announces for buttons, links, fields and headings."""

    PLACEHOLDER = re.compile(r"%\((\w+)\)s")

    def __init__(self, app, locale: str):
        self.app = app
        self.locale = locale

    def __call__(self, message, **values) -> str:
        """`message` (a msgid or a lazy label such as `ItemKind.decision.label`) translated."""
        with self.app.app_context(), force_locale(self.locale):
            return gettext(message, **values) if isinstance(message, str) else str(message)

    def pattern(self, message: str, **values) -> re.Pattern:
        """The translated `message` as a pattern; placeholders not given match any text."""
        marks = {
            name: f"\x00{name}\x00"
            for name in self.PLACEHOLDER.findall(message)
            if name not in values
        }
        translated = re.escape(self(message, **values, **marks))
        for mark in marks.values():
            translated = translated.replace(re.escape(mark), ".+?")
        # Playwright hands patterns to the browser as /source/: slashes must be escaped.
        return re.compile(translated.replace("/", r"\/"))


@pytest.fixture(scope="session")
def words(live_app):
    """`words("ar")("Sign in")` is what the Arabic interface calls "Sign in"."""
    return lambda locale: Words(live_app, locale)


def page_language(page) -> str:
    """The locale the page speaks, from its `lang` (BCP 47 `fa-AF` is Babel's `fa_AF`)."""
    return page.evaluate("document.documentElement.lang").replace("-", "_")


def receipt(page, message: str | re.Pattern):
    """The panel that says what became of what the person just did (a vote recorded, or
    refused): the first thing on the page, which has the focus."""
    return page.locator("[data-receipt]").filter(has_text=message)


def status(page, message: str | re.Pattern):
    """The polite announcement (a flashed notice, for example) that says `message`."""
    return page.get_by_role("status").filter(has_text=message)


@pytest.fixture(scope="session")
def sign_in(words):
    def sign_in(page, email: str, password: str = DEMO_PASSWORD, *, language=None) -> None:
        """Sign in on the English sign-in page; then the site speaks the person's language,
        or `language`, chosen on their profile page as a person would."""
        en = words("en")
        page.goto("/sign-in?lang=en")
        page.get_by_label(en("Email address")).fill(email)
        page.get_by_label(en("Password"), exact=True).fill(password)
        page.get_by_role("button", name=en("Sign in"), exact=True).click()
        # Said in the sign-in page's language or the person's, depending on when it is said.
        welcome = {re.escape(words(code)("You are signed in.")) for code in UI_LOCALES}
        expect(status(page, re.compile("|".join(welcome)))).to_be_visible()
        said = words(page_language(page))
        if language and language != said.locale:
            choose_language(page, said, words(language))

    def choose_language(page, said: Words, chosen: Words) -> None:
        account = page.get_by_role("navigation", name=said("Your account"))
        account.get_by_role("link", name=said("Your profile")).click()
        page.get_by_label(said("Language"), exact=True).select_option(chosen.locale)
        page.get_by_role("button", name=said("Save"), exact=True).click()
        expect(status(page, chosen("Your profile is saved."))).to_be_visible()

    return sign_in


class Demo:
    """Finds the demo's records in the live app's database by what `app.demo` calls them."""

    def __init__(self, app):
        self.app = app

    def _query(self, find):
        with self.app.app_context():
            return find()

    def council(self) -> int:
        return self._query(lambda: demo_council().id)

    def council_name(self, locale: str) -> str:
        return self._query(lambda: demo_council().name.shown_in(locale).text)

    @staticmethod
    def meeting_title(when: str, locale: str = "en") -> str:
        """The title of the demo's "past", "today" or "upcoming" meeting."""
        for days, _, titles, _ in MEETINGS:
            if when == ("past" if days < 0 else "today" if days == 0 else "upcoming"):
                return titles[locale]
        raise LookupError(when)

    def meeting(self, when: str) -> int:
        title = self.meeting_title(when)

        def find():
            meetings = db.session.scalars(select(Meeting).filter_by(council_id=demo_council().id))
            return next(m.id for m in meetings if m.title.get("en") == title)

        return self._query(find)

    def meeting_url(self, when: str) -> str:
        meeting_id = self.meeting(when)
        with self.app.test_request_context():
            return url_for("meetings.meeting", slug=demo_council().slug, meeting_id=meeting_id)

    @staticmethod
    def decision_title(locale: str = "en") -> str:
        """The agenda item every demo meeting decides on (without a resident's proposal)."""
        return next(titles[locale] for kind, _, titles in AGENDA if kind is ItemKind.decision)

    def decision_item(self, when: str) -> int:
        meeting_id, title = self.meeting(when), self.decision_title()

        def find():
            items = db.session.get(Meeting, meeting_id).items
            return next(item.id for item in items if item.title.get("en") == title)

        return self._query(find)

    def proposal(self, state: str) -> int:
        """The first of the demo's own proposals (not one a test sent) now in `state`."""
        titles = {title for _, _, title, *_ in PROPOSALS}

        def find():
            query = select(Proposal).filter_by(state=ProposalState(state)).order_by(Proposal.id)
            found = db.session.scalars(query)
            return next(p.id for p in found if p.title.get(p.title.original) in titles)

        return self._query(find)

    def poll(self, when: str, method: str = "named") -> int:
        """The demo's first poll of that method at the "past" or "today" meeting."""
        meeting_id = self.meeting(when)

        def find():
            items = db.session.get(Meeting, meeting_id).items
            return min(p.id for i in items for p in i.polls if p.method is PollMethod(method))

        return self._query(find)

    def poll_question(self, poll_id: int, locale: str) -> str:
        return self._query(lambda: db.session.get(Poll, poll_id).question.shown_in(locale).text)


@pytest.fixture(scope="session")
def demo(live_app):
    return Demo(live_app)


_axe = Axe()


@pytest.fixture(scope="session")
def ids(live_app, demo):
    """The demo's records by what they are, and records only the swept pages need
    (e2e/test_accessibility.py): made once per test process, however pytest-xdist deals the
    tests out."""
    found = {
        "past": demo.meeting("past"),
        "today": demo.meeting("today"),
        "upcoming": demo.meeting("upcoming"),
        "decision_item": demo.decision_item("today"),
        "past_decision_item": demo.decision_item("past"),
        "accepted": demo.proposal("accepted"),
        "scheduled": demo.proposal("scheduled"),
        "implemented": demo.proposal("implemented"),
        "submitted": demo.proposal("submitted"),
        "published_poll": demo.poll("past"),
        "open_poll": demo.poll("today", "named"),
        "secret_poll": demo.poll("today", "secret"),
        "council": demo.council(),
    }
    with live_app.app_context():
        council = db.session.scalar(select(Council).filter_by(slug="demo-city"))
        member = next(
            m for m in council.current_memberships if m.user.email == "member05@demo.test"
        )
        secretary = next(m for m in council.current_memberships if m.role == "secretary")
        invitation = councils.create_invitation(
            council, "newcomer@demo.test", "member", voting_right=True, actor=secretary.user
        )
        reset = accounts.create_password_reset(member.user)
        draft = meetings.create_meeting(
            council,
            meetings.MeetingDetails(
                title="Draft meeting",
                lang="en",
                day=date.today() + timedelta(days=40),
                starts=time_of_day(18),
                ends=time_of_day(20),
            ),
        )
        item = meetings.add_item(draft, title="First item", lang="en", kind="decision")
        upload = FileStorage(stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="agenda.pdf")
        document = meetings.store_document(draft, upload, item=item, actor=None)
        proposal, tracking = proposals.submit(
            council,
            proposals.Submission(title="طلب", body="نص", topic="health", lang="ar"),
            author=None,
            address="e2e",
            submission_key="e2e-accessibility",
        )
        proposals.change_state(
            proposal, "changes_requested", answer="Please add details.", actor=secretary.user
        )
        to_delete, _token = proposals.submit(
            council,
            proposals.Submission(title="Delete me", body="Text", topic="health", lang="en"),
            author=None,
            address="e2e",
            submission_key="e2e-accessibility-deletion",
        )
        data_request = residents.request_deletion(to_delete)
        minutes = db.session.scalar(select(Minutes.id).order_by(Minutes.id))
        db.session.commit()
        return found | {
            "minutes": minutes,
            "tracking": tracking,
            "membership": member.id,
            "user": member.user_id,
            "invitation": invitation,
            "reset": reset,
            "draft": draft.id,
            "item": item.id,
            "document": document.id,
            "data_request": data_request.id,
        }


def axe_violations(page) -> list[str]:
    """axe-core runs inside the page, so a page with JavaScript off is checked by the caller
    opening the same URL in a JavaScript-enabled page (see `new_page(signed_in_as=...)`).

    A page whose heading is visible may still be fetching its stylesheet; measured before it
    arrives, every link is an unstyled inline target, so the check waits for the load event."""
    page.wait_for_load_state("load")
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [
        f"{v['id']}: {v['help']} → {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
    ]


class Mailbox(Inbox):
    """The tests' SMTP inbox, read while a live server sends to it."""

    def wait_for(self, address: str, count: int = 1, timeout: float = 15):
        """The `count`-th message to `address`, once the live server has sent it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.messages if m["To"].casefold() == address.casefold()]
            if len(found) >= count:
                return found[count - 1]
            time.sleep(0.1)
        raise AssertionError(f"no message {count} to {address}")

    def link_in(self, message) -> str:
        return re.search(r"https?://\S+", message.get_content()).group(0)


@pytest.fixture
def mailbox(live_app, base_url):
    """A real SMTP server the live app sends through while the test runs."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    live_app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_FROM="c@example.org",
        OUTBOX_SENDER=True,
        OUTBOX_POLL_SECONDS=1,
    )
    # The live server's sender, as in a real one (the test app does not start it on its own).
    sender = live_app.extensions["outbox"]
    sender.start()
    yield box
    sender.stop()
    live_app.config.update(MAIL_SERVER=None, OUTBOX_SENDER=False)
    controller.stop()
