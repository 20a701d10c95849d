"""Which addresses of the live site go into the archive, and where each is kept.

The archive holds the public record of its councils and nothing else: the pages listed in
``PAGES`` (with ``?page=`` for lists, no search or filter), the files in ``FILES``, the
documents and the site's static files. Every other address (signing in, the forms, feeds
that change, other councils) is not archived and a link to it becomes plain text.
"""

import posixpath
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter
from werkzeug.utils import secure_filename

#: The pages of the public record, each written to ``<lang>/<slug>/…/index.html``.
PAGES = {
    "site.council",
    "meetings.meetings",
    "meetings.meeting",
    "minutes.for_meeting",
    "minutes.minutes",
    "proposals.proposals",
    "proposals.proposal",
    "voting.decisions",
    "voting.poll",
    "councils.members",
    "consultations.consultations",
    "consultations.consultation",
    "results.results",
}
#: Lists that are paged: the only query an archived page keeps.
PAGED = {
    "meetings.meetings",
    "proposals.proposals",
    "voting.decisions",
    "consultations.consultations",
}
#: Files in the reader's language, written as they are named (the minutes' PDF, the register
#: as CSV, a consultation's questionnaire to print).
FILES = {"minutes.pdf", "voting.decisions_csv", "consultations.paper", "results.export_csv"}
#: Public pages that are not part of the record, and why.
NOT_ARCHIVED = {
    "proposals.new": "a form: sending a proposal",
    "proposals.lost_link": "a form: asking for a tracking link",
    "calendar.council_feed_ics": "a calendar of meetings to come",
    "calendar.meeting_ics": "a calendar entry of a meeting to come",
    "voting.decisions_atom": "a feed of decisions to come",
    "accounts.sign_in_page": "signing in",
    "responses.start": "a form: answering a consultation",
    "councils.follow": "a form: following the council by email",
}
HOME = "site.home"


@dataclass(frozen=True)
class Address:
    """One address of the live site in one language: ``lang`` is None for the files that are
    the same in every language (documents, static files)."""

    endpoint: str
    slug: str | None
    path: str
    lang: str | None
    page: int | None = None

    @property
    def query(self) -> dict[str, str]:
        query = {"lang": self.lang} if self.lang else {}
        if self.page:
            query["page"] = str(self.page)
        return query

    @property
    def is_page(self) -> bool:
        return self.endpoint in PAGES

    def file(self) -> str:
        """Where the archive keeps it, relative to the archive's root (always a plain path
        inside it: user text may hold any link)."""
        if self.endpoint == HOME:
            return "index.html"
        if self.endpoint == "static":
            parts = ["static", *self.path.removeprefix("/static/").split("/")]
        elif self.endpoint == "documents.document":
            *folders, name = self.path.removeprefix("/councils/").split("/")
            parts = [*folders, secure_filename(unquote(name)) or "document"]
        else:
            parts = [self.lang or "", *self.path.removeprefix("/councils/").split("/")]
            if self.page and self.page > 1:
                parts.append(f"page-{self.page}")
            if self.is_page:
                parts.append("index.html")
        parts = [unquote(part) for part in parts]
        if any(part in ("", ".", "..") or "\\" in part for part in parts):
            raise ValueError(f"no archive path for {self.path!r}")
        return posixpath.join(*parts)


class Scope:
    """The councils being archived, the languages of each, and the site's own address."""

    def __init__(self, adapter: MapAdapter, languages: dict[str, list[str]], netloc: str):
        self.adapter = adapter
        self.languages = languages
        self.netloc = netloc

    def address(self, link: str, base: Address) -> Address | None:
        """The archived address ``link`` (found on the page ``base``) leads to, or None when
        it leads out of the archive. Another site's link or a fragment is not an address of
        ours: ``is_ours`` says which."""
        found = self._address(link, base)
        try:
            if found is not None:
                found.file()
        except ValueError:
            return None  # a link written by hand to a name no file may have
        return found

    def _address(self, link: str, base: Address) -> Address | None:
        parts = urlsplit(urljoin(base.path, self.relative(link)))
        path = parts.path
        try:
            endpoint, values = self.adapter.match(path, method="GET")
        except HTTPException:
            return None
        query = dict(parse_qsl(parts.query))
        lang = query.pop("lang", None) or base.lang
        page = query.pop("page", None)
        slug = values.get("slug")
        if endpoint == "static":
            return Address(endpoint, None, path, None)
        if endpoint == HOME:
            return Address(endpoint, None, "/", None)
        if slug not in self.languages or query:
            return None
        if endpoint == "documents.document":
            return Address(endpoint, slug, path, None)
        if lang not in self.languages[slug]:
            return None
        if endpoint in PAGED and page is not None:
            if not page.isdigit() or int(page) < 1:
                return None
            return Address(endpoint, slug, path, lang, int(page) if int(page) > 1 else None)
        if page is not None or endpoint not in PAGES | FILES:
            return None
        return Address(endpoint, slug, path, lang)

    def is_ours(self, link: str) -> bool:
        """Whether ``link`` is an address of this site (not a fragment, another site, a
        ``mailto:`` or ``data:`` link)."""
        parts = urlsplit(link)
        if parts.scheme or parts.netloc:
            return parts.scheme in ("http", "https") and parts.netloc == self.netloc
        return bool(parts.path or parts.query)

    def relative(self, link: str) -> str:
        """``link`` without the site's own scheme and host."""
        parts = urlsplit(link)
        return parts._replace(scheme="", netloc="").geturl()
