"""What every page shares: language memory, security headers, template helpers."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode, urlsplit

import segno
from babel.units import format_unit
from flask import Flask, abort, current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import force_locale, get_translations
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape
from sqlalchemy import func, select

from app.auth import Permission, can
from app.extensions import db
from app.forms import ActionForm
from app.i18n import (
    LANG_COOKIE,
    LANGUAGES,
    UI_LOCALES,
    bcp47,
    current_locale,
    direction,
    endonym,
    format_local,
    language_name,
    pending_note,
    remember_language,
    requested_locale,
    translated_note,
)
from app.text import render_markdown
from app.urls import external_url

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def qr_code(link: str, label: str, *, scale: int = 4) -> Markup:
    """A link as a QR code to photograph: inline SVG, drawn on the server, named ``label``."""
    # Its light modules are drawn white, not left transparent: a dark mode or a contrast theme
    # that darkens the page behind it would leave dark on dark, which no phone can read.
    svg = segno.make(link, error="m").svg_inline(scale=scale, border=2, light="#fff")
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))  # noqa: S704


def file_size(size: int) -> str:
    """A number of bytes as people read it, in the reader's language: "12 kB", "1.2 MB"."""
    locale = current_locale()
    if size < 1024 * 1024:
        kilobytes = max(size / 1024, 0.1)
        return format_unit(
            kilobytes, "digital-kilobyte", length="short", format="#,##0.#", locale=locale
        )
    return format_unit(
        size / (1024 * 1024), "digital-megabyte", length="short", format="#,##0.#", locale=locale
    )


def stateless(view):
    """Mark a view whose answer is the same for everyone and sets no cookie: neither the
    session nor a language chosen with ?lang= is saved (open data read by other programs)."""
    view.stateless = True
    return view


def is_stateless() -> bool:
    if not has_request_context() or request.endpoint is None:
        return False
    return getattr(current_app.view_functions.get(request.endpoint), "stateless", False)


class SessionInterface(SecureCookieSessionInterface):
    """Signed cookies, as Flask's, except on stateless views (``stateless``)."""

    def should_set_cookie(self, app, session) -> bool:
        return not is_stateless() and super().should_set_cookie(app, session)


def never_stored(view):
    """Mark a view whose page holds a one-time or secret form (a vote, a password, a link that
    works once): the browser keeps no copy of it, not even for its back button. Every other
    signed-in page may be kept, for the back/forward cache, and is asked for again before it
    is shown from the browser's cache otherwise (docs/architecture.md)."""
    view.never_stored = True
    return view


def is_never_stored() -> bool:
    if not has_request_context() or request.endpoint is None:
        return False
    return getattr(current_app.view_functions.get(request.endpoint), "never_stored", False)


def page_cache_control() -> str | None:
    """What a page says to caches, when its view has not said it already."""
    if is_never_stored():
        return "no-store"
    if current_user.is_authenticated:
        return "private, no-cache"
    return None


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def refuse_cross_site_writes() -> None:
    """A form sent from another site is refused, on top of its CSRF token.

    Flask-WTF's own check over HTTPS wants a Referer from this host, which a vote never has:
    voting pages send ``Referrer-Policy: no-referrer``, so browsers post them with no Referer
    and ``Origin: null`` (config: WTF_CSRF_SSL_STRICT). What browsers say instead, whatever the
    referrer policy: ``Sec-Fetch-Site``, and ``Origin`` when it names a site."""
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        raise CSRFError("The form was sent from another site.")
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        own = {origin_of(request.host_url), origin_of(current_app.config["BASE_URL"])}
        if origin not in own:
            raise CSRFError("The form was sent from another site.")


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.before_request(refuse_cross_site_writes)

    # A language chosen with ?lang= is remembered in a cookie only: a GET never writes (pages
    # are prefetched and embedded by other sites); the profile's language changes on its form.
    @app.after_request
    def headers(response):
        chosen = requested_locale()
        if chosen and request.cookies.get(LANG_COOKIE) != chosen and not is_stateless():
            remember_language(response, chosen)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("HSTS"):
            response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if "Cache-Control" not in response.headers and (cache_control := page_cache_control()):
            response.headers["Cache-Control"] = cache_control
        if request.endpoint != "static":  # the same file for everyone (app.assets)
            response.vary.add("Cookie")
            response.vary.add("Accept-Language")
        return response

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        LANGUAGES=LANGUAGES,
        UI_LOCALES=UI_LOCALES,
        Permission=Permission,
        external_url=external_url,
        file_size=file_size,
        can=can,
        endonym=endonym,
        language_name=language_name,
        direction=direction,
        bcp47=bcp47,
        markdown=render_markdown,
        format_local=format_local,
        translated_note=translated_note,
        pending_note=pending_note,
        switch_language_url=switch_language_url,
        ActionForm=ActionForm,
    )

    @app.context_processor
    def page_language():
        locale = current_locale()
        return {"locale": locale, "html_lang": bcp47(locale), "html_dir": direction(locale)}


def warm_up(app: Flask) -> None:
    """What every worker would otherwise load on its first requests, loaded once before the
    server forks them (gunicorn.conf.py): compiled templates, and each interface language's
    catalog and CLDR data. A vote right after a restart costs what any vote does."""
    for name in app.jinja_env.list_templates(extensions=["html", "txt", "xml"]):
        app.jinja_env.get_template(name)
    with app.test_request_context():
        for code in UI_LOCALES:
            with force_locale(code):
                get_translations()
                format_local(datetime(2000, 1, 1), "UTC", "short", "time")
                format_local(datetime(2000, 1, 1), "UTC", "long", "date")


def switch_language_url(code: str) -> str:
    """This same page in another language."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return f"{request.path}?{urlencode(args, doseq=True)}"


#: Beyond any list a council has; a bigger ?page= is the last page, not an overflow.
MAX_PAGE = 100_000


def _requested_page() -> int:
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)


def paginate(statement, *, per_page: int, by_key: bool = False):
    """One page of ``statement``, the page number read from ?page= (clamped, never an error).

    ``by_key``: for long lists of one kind of record, ordered by columns an index holds; the
    page's ids are found first (in the index), then only those rows are read."""
    kind = KeyPagination if by_key else SelectPagination
    return kind(select=statement, session=db.session, page=_requested_page(), per_page=per_page)


class KeyPagination(SelectPagination):
    """A page whose rows are found by id: skipping to the 300th page walks index entries, not
    rows, and neither the count nor the sort reads a row."""

    def _query_items(self) -> list:
        statement, session = self._query_args["select"], self._query_args["session"]
        key = statement.column_descriptions[0]["entity"].id
        page = statement.with_only_columns(key).limit(self.per_page).offset(self._query_offset)
        ids = list(session.scalars(page))
        if not ids:
            return []
        rows = {row.id: row for row in session.scalars(statement.where(key.in_(ids)))}
        return [rows[id_] for id_ in ids]

    def _query_count(self) -> int:
        statement, session = self._query_args["select"], self._query_args["session"]
        key = statement.column_descriptions[0]["entity"].id
        keys = statement.with_only_columns(key).order_by(None).subquery()
        return session.scalar(select(func.count()).select_from(keys)) or 0


@dataclass(frozen=True)
class OpenPage:
    """A page of a list that is not counted (its length would cost a pass over all of it):
    the ``pagination`` macro offers the previous and the next page, without "of N"."""

    items: list
    page: int
    has_next: bool
    pages = None

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def paginate_open(find: Callable[[int, int], list], *, per_page: int) -> OpenPage:
    """One page of a list found by ``find(offset, limit)``, from ?page=; past its end, 404."""
    page = _requested_page()
    found = find((page - 1) * per_page, per_page + 1)
    if not found and page > 1:
        abort(404)
    return OpenPage(found[:per_page], page, len(found) > per_page)


class ListPage(Pagination):
    """A page of a list already in memory, for the same ``pagination`` macro."""

    def _query_items(self) -> list:
        start = (self.page - 1) * self.per_page
        return self._query_args["items"][start : start + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["items"])


def paginate_list(items: list, *, per_page: int) -> ListPage:
    """One page of ``items``, from ?page=; past the end is the last page."""
    last = max(1, -(-len(items) // per_page))
    return ListPage(
        page=min(_requested_page(), last), per_page=per_page, max_per_page=None, items=items
    )
