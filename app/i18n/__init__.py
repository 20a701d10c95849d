"""Languages: the UI locale of each request, and translated text for user content.

``languages`` knows every language, ``locale`` picks the one a request is read in,
``translated`` holds user content in several languages, ``column`` stores it. Import from
here. Each module imports only modules named before it, so each reads on its own and no
import cycle can form between them.
"""

from app.i18n.column import TranslatedRow, TranslatedText, lacks, translated_into
from app.i18n.languages import (
    DEFAULT_LOCALE,
    LANGUAGES,
    PLURAL_FORMS,
    UI_LOCALES,
    UNKNOWN,
    Language,
    all_languages,
    bcp47,
    direction,
    endonym,
    is_language,
    language_name,
)
from app.i18n.locale import (
    LANG_COOKIE,
    current_locale,
    format_local,
    remember_language,
    requested_locale,
    select_locale,
)
from app.i18n.translated import Shown, Translated, pending_note, translated_note

__all__ = [
    "DEFAULT_LOCALE",
    "LANGUAGES",
    "LANG_COOKIE",
    "PLURAL_FORMS",
    "UI_LOCALES",
    "UNKNOWN",
    "Language",
    "Shown",
    "Translated",
    "all_languages",
    "TranslatedRow",
    "TranslatedText",
    "bcp47",
    "current_locale",
    "direction",
    "endonym",
    "format_local",
    "lacks",
    "pending_note",
    "is_language",
    "language_name",
    "remember_language",
    "requested_locale",
    "select_locale",
    "translated_into",
    "translated_note",
]
