"""User content in its original language and its translations, and how a reader sees it."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext
from markupsafe import Markup

from app.i18n.languages import DEFAULT_LOCALE, bcp47, direction, language_name
from app.i18n.locale import current_locale


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

    def cleaned(self, clean) -> "Translated":
        """The same value with ``clean`` applied to every text (and to who made each one)."""
        data = {
            key: value if key in self.RESERVED or not isinstance(value, str) else clean(value)
            for key, value in self._data.items()
        }
        if "meta" in data:
            data["meta"] = {
                lang: {**meta, "by": clean(str(meta.get("by", "")))}
                for lang, meta in data["meta"].items()
            }
        return self if data == self._data else Translated(data)

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


def pending_note(shown: Shown, offered) -> str:
    """The line under an original shown to a reader whose language the council offers: its
    translation is on the way (empty when the text is in the reader's language)."""
    locale = current_locale()
    if shown.lang == locale or locale not in offered or not shown.text:
        return ""
    return gettext(
        "Translation into %(language)s pending. This is the original, in %(original)s.",
        language=language_name(locale),
        original=language_name(shown.lang),
    )
