"""Every page of the accessibility sweep stays light for a cheap phone on a slow connection:
opened as a first visit (the browser's cache off), its HTML is at most 30 KB on the wire, its
styles and scripts together at most 20 KB, it makes at most six requests while it loads, and
none of them goes to another host."""

from urllib.parse import urlsplit

import pytest

from e2e.test_accessibility import (
    ADMIN_PAGES,
    MEDIATOR_PAGES,
    MEMBER_PAGES,
    PUBLIC_PAGES,
    SECRETARY_PAGES,
    TRANSLATOR_PAGES,
)

HTML_BUDGET = 30 * 1024
ASSETS_BUDGET = 20 * 1024
REQUESTS_BUDGET = 6

#: What the browser received for the page and for its styles and scripts, headers included
#: (Resource Timing's transferSize), and whether the page came compressed.
WEIGHT = """() => {
  const page = performance.getEntriesByType("navigation")[0];
  const assets = performance.getEntriesByType("resource")
    .filter(entry => /\\.(css|js)$/.test(new URL(entry.name).pathname));
  return {
    html: page.transferSize,
    encoded: page.encodedBodySize,
    decoded: page.decodedBodySize,
    assets: assets.reduce((sum, entry) => sum + entry.transferSize, 0),
  };
}"""


class Weigher:
    """One page in one browser context whose cache is off, so each page loads as on a first
    visit; it notes every request made until the page's load event."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.host = urlsplit(base_url).netloc
        self.requests: list[str] = []
        self.heaviest = (0, "")
        page.on("request", lambda request: self.requests.append(request.url))
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def weigh(self, path: str) -> list[str]:
        """What is over budget on ``path``, in words."""
        self.requests.clear()
        response = self.page.goto(path, wait_until="load")
        assert response is not None and response.status in (200, 404), path
        loaded = list(self.requests)
        weight = self.page.evaluate(WEIGHT)
        self.heaviest = max(self.heaviest, (weight["html"], path))
        problems = []
        if weight["html"] > HTML_BUDGET:
            problems.append(f"{path}: HTML {weight['html']} bytes")
        # Error pages go as they are (Flask-Compress compresses successful answers only).
        compressible = response.status == 200 and weight["decoded"] > 1024
        if compressible and weight["encoded"] >= weight["decoded"]:
            problems.append(f"{path}: HTML not compressed")
        if weight["assets"] == 0:
            problems.append(f"{path}: no stylesheet or script was measured")
        if weight["assets"] > ASSETS_BUDGET:
            problems.append(f"{path}: CSS and JS {weight['assets']} bytes")
        if len(loaded) > REQUESTS_BUDGET:
            problems.append(f"{path}: {len(loaded)} requests: {loaded}")
        elsewhere = [url for url in loaded if urlsplit(url).netloc not in (self.host, "")]
        if elsewhere:
            problems.append(f"{path}: requests to other hosts: {elsewhere}")
        return problems


@pytest.fixture
def weigher(new_page, base_url):
    return Weigher(new_page(), base_url)


def test_every_page_stays_within_its_weight(weigher, sign_in, ids):
    problems = []
    for path in PUBLIC_PAGES + [f"/invitations/{ids['invitation']}", "/reset-password/{reset}"]:
        problems += weigher.weigh(path.format(**ids))
    for email, paths in [
        ("member01@demo.test", MEMBER_PAGES),
        ("secretary@demo.test", SECRETARY_PAGES),
        ("translator@demo.test", TRANSLATOR_PAGES),
        ("mediator@demo.test", MEDIATOR_PAGES),
        ("admin@demo.test", ADMIN_PAGES),
    ]:
        weigher.page.context.clear_cookies()
        sign_in(weigher.page, email)
        for path in paths:
            problems += weigher.weigh(path.format(**ids))
    assert problems == []
    print("heaviest page on the wire:", weigher.heaviest)  # shown with -s
