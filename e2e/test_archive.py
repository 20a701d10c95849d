"""The static archive opened from disk: axe-core finds nothing on its pages in English and
Arabic, and the language menu and links work without a server."""

import pytest
from playwright.sync_api import expect

from app import archive
from app.demo import demo_council
from e2e.conftest import DESKTOP, PHONE, axe_violations

PAGES = [
    "index.html",
    "{lang}/{slug}/index.html",
    "{lang}/{slug}/meetings/index.html",
    "{lang}/{slug}/meetings/{past}/index.html",
    "{lang}/{slug}/proposals/index.html",
    "{lang}/{slug}/decisions/index.html",
]


@pytest.fixture(scope="module")
def site(live_app, base_url, tmp_path_factory):
    path = tmp_path_factory.mktemp("archive") / "site"
    with live_app.app_context():
        archive.archive(path)
        slug = demo_council().slug
    return path, slug


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_archive_pages_pass_axe_from_disk(site, demo, new_page, lang, viewport):
    path, slug = site
    page = new_page(viewport)
    for pattern in PAGES:
        url = (path / pattern.format(lang=lang, slug=slug, past=demo.meeting("past"))).as_uri()
        page.goto(url)
        assert page.evaluate("document.documentElement.lang") in (lang, "en")
        assert axe_violations(page) == [], url


def test_the_archive_is_read_by_following_links_from_disk(site, demo, new_page, words):
    path, _slug = site
    page = new_page(DESKTOP)
    page.goto((path / "index.html").as_uri())
    page.get_by_role("link", name=f"{demo.council_name('ar')} – العربية").click()
    ar = words("ar")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("navigation", name=ar("Council sections")).get_by_role(
        "link", name=ar("Meetings")
    ).click()
    page.get_by_role("link", name=demo.meeting_title("past", "ar")).click()
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.get_by_text(ar("Language") + ":").locator("xpath=..").click()
    page.get_by_role("navigation", name=ar("Choose a language")).get_by_role(
        "link", name="English"
    ).click()
    expect(page.get_by_role("heading", level=1, name=demo.meeting_title("past"))).to_be_visible()
    assert page.url.startswith("file://") and "/en/" in page.url
