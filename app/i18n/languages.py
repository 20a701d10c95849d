"""The languages Consulta knows: what each is called and which way it is written."""

from functools import cache
from typing import NamedTuple

from babel.core import Locale, UnknownLocaleError, get_locale_identifier, parse_locale
from babel.localedata import locale_identifiers
from flask_babel import get_locale


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


#: BCP 47's "undetermined": text in a language nobody named. Shown with `lang=""` (HTML's
#: "unknown") and `dir="auto"`, so the browser finds its direction from the text itself.
UNKNOWN = "und"


@cache
def _babel_locale(code: str) -> Locale | None:
    try:
        return Locale.parse(code)
    except (ValueError, TypeError, UnknownLocaleError):
        return None


@cache
def _listed_codes() -> frozenset[str]:
    """Every language CLDR describes well enough to name it in itself and to know its
    direction (some 300), plus the ones Consulta knows by name (Dari as fa_AF)."""
    plain = {code for code in locale_identifiers() if "_" not in code and code != "root"}
    return frozenset(plain | LANGUAGES.keys())


def is_language(code: str) -> bool:
    """A language a proposal may be written in: one of the full list, or "undetermined"."""
    return code == UNKNOWN or code in _listed_codes()


def direction(code: str) -> str:
    lang = LANGUAGES.get(code)
    if lang:
        return lang.direction
    locale = _babel_locale(code) if code in _listed_codes() else None
    if locale is None:
        return "auto"
    return "rtl" if locale.character_order == "right-to-left" else "ltr"


def endonym(code: str) -> str:
    lang = LANGUAGES.get(code)
    if lang:
        return lang.endonym
    locale = _babel_locale(code) if code in _listed_codes() else None
    return (locale and locale.get_display_name(locale)) or code


def language_name(code: str) -> str:
    """The language's name in the reader's language ("Arabic", "arabe")."""
    try:
        return Locale.parse(code).get_display_name(str(get_locale())) or code
    except (ValueError, TypeError):
        return code


def bcp47(code: str) -> str:
    """Babel's fa_AF as the fa-AF that HTML's lang attribute expects; "" (unknown) for a
    language nobody named."""
    if code == UNKNOWN:
        return ""
    try:
        return get_locale_identifier(parse_locale(code), sep="-")
    except ValueError:
        return ""


@cache
def _all_languages(reader: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(reader).languages
    labelled = []
    for code in _listed_codes():
        own = endonym(code)
        name = names.get(code) or own
        label = name if own in (code, name) else f"{name} · {own}"
        labelled.append((name.casefold(), code, label))
    return tuple((code, label) for _, code, label in sorted(labelled))


def all_languages() -> list[tuple[str, str]]:
    """Every listed language as (code, label), named in the reader's language and in itself
    ("Pashto · پښتو"), in the reader's alphabetical order."""
    return list(_all_languages(str(get_locale())))
