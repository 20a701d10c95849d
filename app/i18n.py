"""Languages: the UI locale of each request, and translated text for user content."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from babel import dates
from babel.core import Locale, get_locale_identifier, parse_locale
from flask import current_app, g, has_request_context, request
from flask_babel import get_locale, gettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.types import JSON, TypeDecorator


class Language(NamedTuple):
    code: str
    endonym: str
    direction: str = "ltr"


#: Languages that council content and proposals may be written in, each named in itself.
LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in [
        Language("en", "English"),
        Language("ar", "العربية", "rtl"),
        Language("fr", "Français"),
        Language("uk", "Українська"),
        Language("es", "Español"),
        Language("de", "Deutsch"),
        Language("it", "Italiano"),
        Language("pt", "Português"),
        Language("nl", "Nederlands"),
        Language("pl", "Polski"),
        Language("ro", "Română"),
        Language("bg", "Български"),
        Language("el", "Ελληνικά"),
        Language("hr", "Hrvatski"),
        Language("sq", "Shqip"),
        Language("ru", "Русский"),
        Language("tr", "Türkçe"),
        Language("fa", "فارسی", "rtl"),
        Language("fa_AF", "دری", "rtl"),
        Language("ps", "پښتو", "rtl"),
        Language("ur", "اردو", "rtl"),
        Language("ku", "Kurdî"),
        Language("so", "Soomaali"),
        Language("ti", "ትግርኛ"),
        Language("am", "አማርኛ"),
        Language("ha", "Hausa"),
        Language("bn", "বাংলা"),
        Language("hi", "हिन्दी"),
        Language("zh", "中文"),
        Language("vi", "Tiếng Việt"),
    ]
}

#: Languages the interface itself is translated into (each has a complete catalog).
UI_LOCALES: tuple[str, ...] = ("en", "ar", "fr", "uk")
DEFAULT_LOCALE = "en"
LANG_COOKIE = "lang"

#: GNU gettext's plural rules, which catalogs must carry (Babel's differ for some languages).
PLURAL_FORMS = {
    "en": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : "
        "n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);"
    ),
    "uk": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : "
        "n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"
    ),
}


def direction(code: str) -> str:
    lang = LANGUAGES.get(code)
    return lang.direction if lang else "ltr"


def endonym(code: str) -> str:
    lang = LANGUAGES.get(code)
    return lang.endonym if lang else code


def language_name(code: str) -> str:
    """The language's name in the reader's language ("Arabic", "arabe")."""
    try:
        return Locale.parse(code).get_display_name(str(get_locale())) or code
    except (ValueError, TypeError):
        return code


def bcp47(code: str) -> str:
    """Babel's fa_AF as the fa-AF that HTML's lang attribute expects."""
    return get_locale_identifier(parse_locale(code), sep="-")


def requested_locale() -> str | None:
    lang = request.args.get("lang")
    return lang if lang in UI_LOCALES else None


def select_locale() -> str:
    """?lang=, then the signed-in person's choice, the cookie, the browser, the council."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if chosen := requested_locale():
        return chosen
    if current_user.is_authenticated and current_user.locale in UI_LOCALES:
        return current_user.locale
    if (cookie := request.cookies.get(LANG_COOKIE)) in UI_LOCALES:
        return cookie
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


@dataclass(frozen=True)
class Shown:
    """One piece of user content as a reader sees it."""

    text: str
    lang: str
    original_lang: str
    machine: bool = False
    #: A person checked the machine translation.
    checked: bool = False

    @property
    def is_original(self) -> bool:
        return self.lang == self.original_lang

    @property
    def dir(self) -> str:
        return direction(self.lang)

    def __str__(self) -> str:
        return self.text

    def __html__(self) -> Markup:
        return Markup('<span lang="{}" dir="{}">{}</span>').format(
            bcp47(self.lang), self.dir, self.text
        )


class Translated:
    """User content in its original language plus any number of translations.

    Stored as JSON: ``{"original": "ar", "ar": "…", "en": "…", "machine": ["en"],
    "meta": {"en": {"by": "Name", "checked": false, "at": "2026-05-01"}}}``: ``machine`` lists
    the machine-made versions and ``meta`` records who made each translation and whether a
    person checked it. Values are immutable: changing one means assigning a new value, so
    SQLAlchemy sees it.
    """

    RESERVED = frozenset({"original", "machine", "meta"})

    def __init__(self, data: dict[str, Any] | None = None):
        self._data = dict(data or {})

    @classmethod
    def of(cls, text: str, lang: str) -> "Translated":
        return cls({"original": lang, lang: text})

    @property
    def original(self) -> str:
        return self._data.get("original", DEFAULT_LOCALE)

    @property
    def texts(self) -> dict[str, str]:
        return {k: v for k, v in self._data.items() if k not in self.RESERVED and v}

    @property
    def machine(self) -> frozenset[str]:
        return frozenset(self._data.get("machine", ()))

    def to_json(self) -> dict[str, Any]:
        return dict(self._data)

    def with_text(self, lang: str, text: str, *, machine: bool = False) -> "Translated":
        data = dict(self._data)
        data.setdefault("original", lang)
        data[lang] = text
        marked = set(data.get("machine", ())) - {lang}
        if machine:
            marked.add(lang)
        data["machine"] = sorted(marked)
        if not data["machine"]:
            del data["machine"]
        return Translated(data)

    def get(self, lang: str) -> str:
        return self.texts.get(lang, "")

    def provenance(self, lang: str) -> dict[str, Any]:
        """Who made the version in ``lang`` and whether a person checked it."""
        return dict(self._data.get("meta", {}).get(lang, {}))

    def with_translation(
        self, lang: str, text: str, *, by: str, machine: bool = False, checked: bool = False
    ) -> "Translated":
        """A translation (not the original), recording who made it; empty text removes it."""
        if lang == self.original:
            raise ValueError("the original is changed with with_text()")
        data = self.with_text(lang, text, machine=machine)._data
        meta = {k: dict(v) for k, v in data.get("meta", {}).items()}
        if text:
            meta[lang] = {"by": by, "checked": bool(checked or not machine), "at": _today()}
        else:
            data.pop(lang, None)
            meta.pop(lang, None)
            data["machine"] = [code for code in data.get("machine", ()) if code != lang]
            if not data["machine"]:
                del data["machine"]
        data["meta"] = meta
        if not meta:
            del data["meta"]
        return Translated(data)

    def shown_in(self, locale: str) -> Shown:
        texts = self.texts
        if locale in texts:
            checked = self.provenance(locale).get("checked", False)
            return Shown(texts[locale], locale, self.original, locale in self.machine, checked)
        if self.original in texts:
            return Shown(texts[self.original], self.original, self.original)
        for lang, text in texts.items():
            return Shown(text, lang, self.original, lang in self.machine)
        return Shown("", self.original, self.original)

    def shown(self) -> Shown:
        return self.shown_in(current_locale())

    def __str__(self) -> str:
        return self.shown().text

    def __html__(self) -> Markup:
        return self.shown().__html__()

    def __bool__(self) -> bool:
        return bool(self.texts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Translated) and other._data == self._data

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.texts.items())))

    def __repr__(self) -> str:
        return f"Translated({self._data!r})"


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


class TranslatedText(TypeDecorator):
    """A JSON column holding a :class:`Translated` value."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, Translated):
            return value.to_json()
        return dict(value)

    def process_result_value(self, value, dialect):
        return None if value is None else Translated(value)


def translated_note(shown: Shown) -> str:
    """The line under translated content: where it came from."""
    if shown.is_original:
        return ""
    source = language_name(shown.original_lang)
    if shown.machine and shown.checked:
        return gettext(
            "Machine translation from %(language)s, checked by a person", language=source
        )
    if shown.machine:
        return gettext("Machine translation from %(language)s", language=source)
    return gettext("Translated from %(language)s", language=source)


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
