"""The languages Consulta knows: what each is called and which way it is written."""

from typing import NamedTuple

from babel.core import Locale, get_locale_identifier, parse_locale
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
