"""What every page shares: language memory, security headers, template helpers."""

from urllib.parse import urlencode, urlsplit

import segno
from babel.units import format_unit
from flask import Flask, current_app, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from flask_wtf.csrf import CSRFError
from markupsafe import Markup, escape

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


def qr_code(link: str, label: str) -> Markup:
    """A link as a QR code to photograph: inline SVG, drawn on the server."""
    svg = segno.make(link, error="m").svg_inline(scale=4, border=2)
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
        if current_user.is_authenticated:
            response.headers.setdefault("Cache-Control", "private, no-store")
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


def paginate(statement, *, per_page: int):
    """One page of ``statement``, the page number read from ?page= (clamped, never an error)."""
    return db.paginate(statement, page=_requested_page(), per_page=per_page)


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
