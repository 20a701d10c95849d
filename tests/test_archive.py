"""The static archive: every public page in every language, links that work from disk, no form,
nothing private; the same pages a visitor reaches on the live site."""

import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from flask_migrate import upgrade
from sqlalchemy import text
from werkzeug.datastructures import FileStorage

from app.archive import crawl, languages_of
from app.demo import demo_council, seed_demo
from app.extensions import db
from app.meetings import services as meetings
from app.proposals import services as proposals
from app.proposals.models import Proposal, ProposalState, Topic

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DRAFT_TITLE = "Secret budget talks"
REVIEW_TITLE = "Proposal still under review"
PRIVATE = [DRAFT_TITLE, "Draft item", "draft-plan", REVIEW_TITLE, "Private Person",
           "private.person@example.org"]  # fmt: skip
ADDRESS = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def _propose(council, title: str, n: int, **kwargs) -> Proposal:
    proposal, _token = proposals.submit(
        council,
        proposals.Submission(
            title=title, body=f"{title}: the details.", topic=Topic.other, lang="en", **kwargs
        ),
        author=None,
        address=None,
        submission_key=f"archive-test-{n}",
    )
    assert proposal is not None
    return proposal


@pytest.fixture
def demo(app, make_meeting):
    """The demo council built by the migrations, a public document, and what must never be
    archived: a draft meeting with a document, a proposal under review with its author."""
    db.drop_all()
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    upgrade()
    seed_demo()
    council = demo_council()
    upcoming = db.session.scalars(meetings.upcoming_meetings(council, include_drafts=False)).first()
    meetings.store_document(
        upcoming, FileStorage(stream=io.BytesIO(PDF), filename="budget.pdf"), item=None
    )
    draft = make_meeting(council, title=DRAFT_TITLE, items=["Draft item"])
    meetings.store_document(
        draft, FileStorage(stream=io.BytesIO(PDF), filename="draft-plan.pdf"), item=None
    )
    _propose(
        council,
        REVIEW_TITLE,
        1,
        author_name="Private Person",
        contact_email="private.person@example.org",
    )
    for n in range(20):  # the list of proposals then has a second page
        public = _propose(council, f"Public proposal {n}", n + 2, author_name="Author")
        proposals.change_state(public, ProposalState.accepted, answer="Thanks.", lang="en")
    db.session.commit()
    return council


@pytest.fixture
def site(app, demo, tmp_path) -> Path:
    path = tmp_path / "archive"
    result = app.test_cli_runner().invoke(args=["archive", str(path)])
    assert result.exit_code == 0, result.output
    assert "Archive written" in result.output
    return path


class Links(HTMLParser):
    """The links, ids and forms of one page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.forms = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.forms += tag == "form"
        if "id" in values:
            self.ids.add(values["id"])
        for name in ("href", "src", "action"):
            if values.get(name) is not None:
                self.links.append(values[name])


def parse(path: Path) -> Links:
    found = Links()
    found.feed(path.read_text(encoding="utf-8"))
    return found


def offline_walk(root: Path) -> tuple[set[Path], list[str]]:
    """Every file reached from ``index.html`` by following relative links as a browser does
    from disk, and the links that lead nowhere."""
    reached, broken, todo = set(), [], [root / "index.html"]
    while todo:
        page = todo.pop()
        if page in reached:
            continue
        reached.add(page)
        if page.suffix != ".html":
            continue
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:
                assert parts.scheme in ("", "data", "https"), (page, link)
                continue
            assert not link.startswith("/"), f"{link} in {page}: not relative"
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file() or root.resolve() not in target.parents:
                broken.append(f"{link} in {page.relative_to(root)}")
            elif parts.fragment and parts.fragment not in parse(target).ids:
                broken.append(f"{link} in {page.relative_to(root)}: no such anchor")
            else:
                todo.append(target)
    return reached, broken


def live_crawl(client, slug: str, lang: str) -> dict[str, str]:
    """The public pages of the live site reached from the council's page by a visitor who is
    not signed in: path (with ?page=) → endpoint."""
    adapter = client.application.url_map.bind("consulta.test")
    found, todo = {}, [f"/councils/{slug}"]
    while todo:
        url = todo.pop()
        if url in found:
            continue
        parts = urlsplit(url)
        endpoint, _values = adapter.match(parts.path, method="GET")
        found[url] = endpoint
        response = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = Links()
        page.feed(response.get_data(as_text=True))
        for link in page.links:
            link = link.removeprefix(client.application.config["BASE_URL"])
            parts = urlsplit(link)
            if not parts.path.startswith(f"/councils/{slug}"):
                continue
            query = {k: v for k, v in parse_qsl(parts.query) if k != "lang"}
            todo.append(parts.path + ("?page=" + query["page"] if query.keys() == {"page"} else ""))
    return found


def test_the_archive_opens_from_disk_with_no_broken_link(site):
    reached, broken = offline_walk(site)
    assert not broken
    every = {p.resolve() for p in site.rglob("*") if p.is_file()}
    assert every - reached == set(), "files nobody can reach"


def test_every_public_page_of_the_live_site_is_archived_in_each_language(site, client, demo):
    langs = languages_of(demo)
    assert {"en", "ar"} <= set(langs)
    for lang in langs:
        live = live_crawl(client, demo.slug, lang)
        pages = {url for url, endpoint in live.items() if endpoint in crawl.PAGES}
        assert len(pages) > 15
        decided = crawl.PAGES | crawl.FILES | set(crawl.NOT_ARCHIVED) | {"documents.document"}
        assert set(live.values()) <= decided, "a public page the archive does not know"
        for url in pages:
            parts = urlsplit(url)
            folder = site / lang / parts.path.removeprefix("/councils/")
            if parts.query and parts.query != "page=1":  # the first page is the list
                folder = folder / parts.query.replace("page=", "page-")
            assert (folder / "index.html").is_file(), (lang, url)
            archived = (folder / "index.html").read_text(encoding="utf-8")
            assert f'<html lang="{lang}"' in archived
        assert f"/councils/{demo.slug}/proposals?page=2" in pages
        for url, endpoint in live.items():
            if endpoint in crawl.FILES:
                assert (site / lang / url.removeprefix("/councils/")).is_file(), url


def test_the_language_menu_leads_to_the_same_page_in_the_other_language(site, demo):
    meeting = next((site / "en" / demo.slug / "meetings").glob("*/index.html"))
    links = parse(meeting).links
    other = "../../../../ar/" + meeting.relative_to(site / "en").as_posix()
    assert other in links
    assert '<html lang="ar" dir="rtl">' in (meeting.parent / other).resolve().read_text("utf-8")


def test_no_form_and_nothing_private_in_any_file(site):
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        content = path.read_bytes().decode("utf-8", errors="replace")
        for secret in PRIVATE:
            assert secret not in content, f"{secret!r} in {path}"
        if path.suffix == ".html":
            assert parse(path).forms == 0, path
            assert "csrf" not in content, path
            assert not ADDRESS.search(content), f"an address in {path}"


def test_documents_and_minutes_are_copied(site, demo):
    documents = list((site / demo.slug / "documents").rglob("*.pdf"))
    assert [d.name for d in documents] == ["budget.pdf"]
    assert documents[0].read_bytes() == PDF
    minutes = list((site / "ar" / demo.slug / "minutes").glob("*.pdf"))
    assert minutes and minutes[0].read_bytes().startswith(b"%PDF")


def test_forms_become_a_note_in_the_readers_language(site, demo):
    from flask_babel import force_locale, gettext

    page = (site / "ar" / demo.slug / "proposals" / "index.html").read_text(encoding="utf-8")
    with force_locale("ar"):
        note = gettext("This is an archive: searching, proposing and voting are not possible here.")
    assert note in page and "<form" not in page


def test_a_zip_file_and_no_overwriting(app, demo, tmp_path):
    path = tmp_path / "council.zip"
    result = app.test_cli_runner().invoke(args=["archive", "--zip", str(path)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(path) as packed:
        names = packed.namelist()
    assert "council/index.html" in names
    assert f"council/ar/{demo.slug}/index.html" in names
    again = app.test_cli_runner().invoke(args=["archive", "--zip", str(path)])
    assert again.exit_code != 0 and "exists already" in again.output
    assert not list(tmp_path.glob("*.partial"))


def test_links_written_by_hand_stay_inside_the_archive(app, demo):
    from app.archive import scope_of
    from app.archive.rewrite import rewrite_page

    scope = scope_of([demo])
    here = crawl.Address(
        "proposals.proposal", demo.slug, f"/councils/{demo.slug}/proposals/1", "en"
    )
    base = app.config["BASE_URL"]
    document = scope.address(f"/councils/{demo.slug}/documents/1/%2e%2e", here)
    assert document is not None and document.file() == f"{demo.slug}/documents/1/document"
    assert scope.address("/static/%2e%2e/%2e%2e/config.py", here) is None
    assert scope.address(f"/councils/{demo.slug}/proposals?q=secret", here) is None
    assert scope.address(f"/councils/{demo.slug}/proposals/new", here) is None
    assert scope.address(f"/councils/{demo.slug}/meetings?lang=es", here) is None
    moved = scope.address(f"{base}/councils/{demo.slug}/meetings?page=1&lang=ar", here)
    assert moved == crawl.Address(
        "meetings.meetings", demo.slug, f"/councils/{demo.slug}/meetings", "ar"
    )
    assert not scope.is_ours("https://example.org/x") and not scope.is_ours("#main")
    assert not scope.is_ours("mailto:someone@example.org")

    page = (
        '<link rel="alternate" href="/feed"><main>'
        '<a href="/x" class="button" lang="ar" dir="rtl">Go</a>'
        '<p data-poll-status="/status.json" data-poll-state="open">3</p>'
        '<form method="post"><input name="a"><form></form><button>Send</button></form>'
        '<a href="https://example.org/">There</a></main>'
    )
    done = rewrite_page(
        page,
        lambda link: None if link.startswith("/") else link,
        form_note="Archived.",
        banner="Saved.",
    )
    assert done == (
        '<main><p class="notice">Saved.</p><span lang="ar" dir="rtl">Go</span>'
        '<p data-poll-state="open">3</p>'
        '<p class="notice">Archived.</p><a href="https://example.org/">There</a></main>'
    )
