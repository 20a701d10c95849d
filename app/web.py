"""What every page shares: sign-in wiring, language memory, security headers, template helpers."""

import time
from urllib.parse import urlencode

from flask import Flask, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.auth import Permission, can, set_council
from app.councils.models import Council
from app.extensions import db, login_manager
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
    remember_language,
    requested_locale,
    translated_note,
)
from app.text import render_markdown

DEMO_DOMAIN = "@demo.test"

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


def init_app(app: Flask) -> None:
    login_manager.session_protection = "basic"
    login_manager.login_view = "accounts.sign_in_page"
    login_manager.user_loader(accounts.load_session)

    @login_manager.unauthorized_handler
    def unauthorized():
        flash(_("Please sign in to see this page."), "info")
        return redirect(url_for("accounts.sign_in_page", next=request.full_path.rstrip("?")))

    app.register_error_handler(401, lambda _error: unauthorized())

    @app.before_request
    def remember_chosen_language():
        chosen = requested_locale()
        if chosen and current_user.is_authenticated and current_user.locale != chosen:
            current_user.locale = chosen
            db.session.commit()

    @app.after_request
    def headers(response):
        chosen = requested_locale()
        if chosen and request.cookies.get(LANG_COOKIE) != chosen:
            remember_language(response, chosen)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
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
        can=can,
        endonym=endonym,
        language_name=language_name,
        direction=direction,
        bcp47=bcp47,
        markdown=render_markdown,
        format_local=format_local,
        translated_note=translated_note,
        switch_language_url=switch_language_url,
        demo_data_present=demo_data_present,
        ActionForm=ActionForm,
    )

    @app.context_processor
    def page_language():
        locale = current_locale()
        return {"locale": locale, "html_lang": bcp47(locale), "html_dir": direction(locale)}


def load_council(slug: str) -> Council:
    """The council a page is about, or 404; remembered for the header and the language."""
    council = db.first_or_404(select(Council).filter_by(slug=slug))
    set_council(council)
    return council


def switch_language_url(code: str) -> str:
    """This same page in another language."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [code]
    return f"{request.path}?{urlencode(args, doseq=True)}"


def demo_data_present() -> bool:
    """Demo accounts exist: every page says so, so nobody mistakes them for real people.

    Asked on every page, so each process looks again only every DEMO_CHECK_SECONDS."""
    known, until = current_app.extensions.get("consulta.demo_data", (False, 0.0))
    if until < time.monotonic():
        query = select(User.id).where(User.email.endswith(DEMO_DOMAIN)).limit(1)
        known = db.session.scalar(query) is not None
        current_app.extensions["consulta.demo_data"] = (
            known,
            time.monotonic() + current_app.config["DEMO_CHECK_SECONDS"],
        )
    return known
