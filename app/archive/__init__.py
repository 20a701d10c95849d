"""A static archive of the councils' public record: the site's own pages, as a visitor who is
not signed in reads them, in every interface language each council offers, with the
documents, the minutes' PDF and the stylesheet. It opens from disk or from any static host.

The pages are asked of the app itself (a test client without cookies, so nobody is signed
in), starting from each council's page and following the links ``crawl.Scope`` keeps. Each
page is written to ``<lang>/<slug>/…/index.html`` with its links made relative
(``rewrite``): the language menu leads to the same page in the other language's folder, a
form becomes a note that the archive sends nothing, and a link to a page not archived
becomes plain text. ``index.html`` at the root lists each council in each language.

Each page is read in a transaction of its own, as a visitor's would be: it is meant for a
council that has stopped, when nothing changes any more; made while people still work, a
page may be a little newer than the one before it, never more than the public sees.

The folder is written as ``<name>.partial`` and renamed when complete (or packed into a ZIP
file): a failed archive leaves nothing behind.
"""

import os
import posixpath
import shutil
import tempfile
import time
import zipfile
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from babel.dates import format_date
from flask import current_app, render_template, url_for
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.archive.crawl import HOME, Address, Scope
from app.archive.rewrite import rewrite_page
from app.councils.models import Council
from app.database import utcnow
from app.extensions import db
from app.i18n import DEFAULT_LOCALE, UI_LOCALES, bcp47, direction, endonym


class ArchiveError(Exception):
    """Why an archive cannot be made, said for the person running the command."""


@dataclass(frozen=True)
class Summary:
    path: Path
    councils: int
    languages: int
    pages: int
    files: int
    size: int
    seconds: float


@dataclass
class _Site:
    pages: dict[Address, str]
    files: dict[Address, int]
    #: Addresses that redirect, and where to.
    moved: dict[Address, Address]


def archive(target: Path, council_slug: str | None = None, *, as_zip: bool = False) -> Summary:
    """Write the public record of every council, or of one, to the new folder ``target``
    (or, ``as_zip``, the new ZIP file ``target``)."""
    started = time.monotonic()
    if target.exists():
        raise ArchiveError(f"{target} exists already: choose another name.")
    if not target.parent.is_dir():
        raise ArchiveError(f"The folder {target.parent} does not exist.")
    if not os.access(target.parent, os.W_OK):
        raise ArchiveError(f"Cannot write in {target.parent}: check its permissions.")
    partial = target.with_name(target.name + ".partial")
    try:
        with tempfile.TemporaryDirectory(dir=target.parent) as work:
            folder = Path(work) / "site"
            councils, languages, site = _build(folder, council_slug)
            if as_zip:
                _zip(folder, partial, target.stem)
            else:
                folder.rename(partial)
        partial.rename(target)
    except OSError as error:
        _remove(partial)
        raise ArchiveError(f"The archive could not be written ({error.strerror}).") from error
    except BaseException:
        _remove(partial)
        raise
    size = (
        target.stat().st_size
        if as_zip
        else sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    )
    return Summary(
        target,
        councils,
        languages,
        len(site.pages),
        len(site.files),
        size,
        time.monotonic() - started,
    )


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _zip(folder: Path, path: Path, top: str) -> None:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as packed:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                packed.write(file, f"{top}/{file.relative_to(folder).as_posix()}")


def _councils(council_slug: str | None) -> list[Council]:
    query = select(Council).order_by(Council.id)
    if council_slug is not None:
        query = query.where(Council.slug == council_slug)
    councils = list(db.session.scalars(query))
    if council_slug is not None and not councils:
        raise ArchiveError(f"No council has the slug {council_slug!r}.")
    return councils


def languages_of(council: Council) -> list[str]:
    """The interface languages the council offers, each archived in full."""
    return [code for code in UI_LOCALES if code in council.languages] or [DEFAULT_LOCALE]


def scope_of(councils: list[Council]) -> Scope:
    netloc = urlsplit(current_app.config["BASE_URL"]).netloc
    adapter = current_app.url_map.bind(netloc)
    return Scope(adapter, {c.slug: languages_of(c) for c in councils}, netloc)


def _build(folder: Path, council_slug: str | None) -> tuple[int, int, _Site]:
    councils = _councils(council_slug)
    scope = scope_of(councils)
    db.session.rollback()  # each page is read in a transaction of its own, as a visitor's
    site = crawl_site(scope, folder)
    for address, page in site.pages.items():
        _write(folder / address.file(), _archived_page(page, address, scope, site).encode())
    _write(folder / "index.html", _index(councils).encode())
    languages = {lang for langs in scope.languages.values() for lang in langs}
    return len(councils), len(languages), site


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def starts(scope: Scope) -> list[Address]:
    return [
        Address("site.council", slug, f"/councils/{slug}", lang)
        for slug, langs in scope.languages.items()
        for lang in langs
    ]


def crawl_site(scope: Scope, folder: Path | None = None) -> _Site:
    """Every archived address reachable from the councils' pages, as a visitor who is not
    signed in finds them: the pages kept in memory, the files written into ``folder``."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    client = app.test_client(use_cookies=False)
    base_url = current_app.config["BASE_URL"]
    site = _Site({}, {}, {})
    queue, seen = deque(starts(scope)), set()
    while queue:
        address = queue.popleft()
        if address in seen:
            continue
        seen.add(address)
        with app.app_context():
            response = client.get(address.path, query_string=address.query, base_url=base_url)
        if response.status_code in (301, 302, 303, 307, 308):
            location = response.headers.get("Location", "")
            moved = scope.is_ours(location) and scope.address(location, address)
            if moved:
                site.moved[address] = moved
                queue.append(moved)
            continue
        if response.status_code != 200:
            continue
        if not address.is_page:
            data = response.get_data()
            if folder is not None:
                _write(folder / address.file(), data)
            site.files[address] = len(data)
            continue
        if response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        site.pages[address] = page
        for link in links(page):
            if scope.is_ours(link) and (found := scope.address(link, address)):
                queue.append(found)
    return site


def links(page: str) -> list[str]:
    """The links of ``page`` a reader can follow (not those inside forms)."""
    found: list[str] = []

    def collect(link: str) -> str:
        found.append(link)
        return link

    rewrite_page(page, collect, form_note="", banner="")
    return found


def _archived_page(page: str, address: Address, scope: Scope, site: _Site) -> str:
    here = posixpath.dirname(address.file())

    def resolve(link: str) -> str | None:
        if not scope.is_ours(link):
            return link
        target = scope.address(link, address)
        while target in site.moved:
            target = site.moved[target]
        if target is None or not (
            target.endpoint == HOME or target in site.pages or target in site.files
        ):
            return None
        fragment = urlsplit(link).fragment
        relative = quote(posixpath.relpath(target.file(), here or "."))
        return relative + (f"#{fragment}" if fragment else "")

    assert address.lang is not None
    with force_locale(address.lang):
        banner = gettext(
            "This is an archive of the council’s public record, saved on %(date)s. "
            "Its pages no longer change.",
            date=format_date(utcnow().date(), "long", locale=address.lang),
        )
        note = gettext("This is an archive: searching, proposing and voting are not possible here.")
    return rewrite_page(page, resolve, form_note=note, banner=banner)


def _index(councils: list[Council]) -> str:
    """The archive's first page: each council in each of its languages, plain links."""
    entries = [
        {
            "name": council.name.shown_in(council.default_language),
            "lang": council.default_language,
            "links": [
                (f"{lang}/{council.slug}/index.html", lang, council.name.shown_in(lang))
                for lang in languages_of(council)
            ],
        }
        for council in councils
    ]
    first = councils[0].default_language if councils else DEFAULT_LOCALE
    lang = first if first in UI_LOCALES else DEFAULT_LOCALE
    with current_app.test_request_context("/"), force_locale(lang):
        return render_template(
            "archive/index.html",
            # The stylesheet the pages link to, under the name they give it (app.assets).
            stylesheet=url_for("static", filename="css/consulta.css").removeprefix("/"),
            councils=entries,
            lang=lang,
            bcp47=bcp47,
            direction=direction,
            endonym=endonym,
        )
