"""The interface language of each request, and times shown in it."""

from datetime import UTC
from zoneinfo import ZoneInfo

from babel import dates
from flask import current_app, g, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

from app.i18n.languages import DEFAULT_LOCALE, UI_LOCALES

LANG_COOKIE = "lang"


def requested_locale() -> str | None:
    lang = request.args.get("lang")
    return lang if lang in UI_LOCALES else None


def select_locale() -> str:
    """?lang=, then the choice remembered on this device (the cookie, which signing in and
    saving the profile set to the profile's language), the profile, the browser, the council."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if chosen := requested_locale():
        return chosen
    if (cookie := request.cookies.get(LANG_COOKIE)) in UI_LOCALES:
        return cookie
    if current_user.is_authenticated and current_user.locale in UI_LOCALES:
        return current_user.locale
    if best := request.accept_languages.best_match(UI_LOCALES):
        return best
    council = g.get("council")
    if council is not None and council.default_language in UI_LOCALES:
        return council.default_language
    return DEFAULT_LOCALE


def remember_language(response, code: str) -> None:
    """Keep the reader's choice of language for their next visits."""
    response.set_cookie(
        LANG_COOKIE,
        code,
        max_age=365 * 86400,
        samesite="Lax",
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


def current_locale() -> str:
    return str(get_locale() or DEFAULT_LOCALE)


def format_local(moment, zone: str, format: str = "medium", part: str = "datetime") -> str:
    """A stored UTC time as the reader reads it, in the council's time zone."""
    aware = moment.replace(tzinfo=UTC)
    tzinfo = ZoneInfo(zone)
    locale = current_locale()
    if part == "date":
        return dates.format_date(aware.astimezone(tzinfo).date(), format, locale=locale)
    if part == "time":
        return dates.format_time(aware, format, tzinfo=tzinfo, locale=locale)
    return dates.format_datetime(aware, format, tzinfo=tzinfo, locale=locale)
