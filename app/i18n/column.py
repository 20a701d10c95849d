"""The database column that stores a Translated value, and what a row keeps of its languages."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, and_, inspect, or_
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import JSON, TypeDecorator

from app.i18n.translated import Translated


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


class TranslatedRow:
    """A record whose translated texts the translators' worklist lists.

    ``translated_into`` keeps, as the record is written, the languages every one of its texts
    exists in (`` ar en fr ``; ``*`` when it has no text to translate), so that what lacks a
    language is found by comparing short strings instead of reading each text's JSON. It is
    kept up to date before each flush (``app.cleaning``); rows written by Core statements must
    set it with :func:`translated_into`.
    """

    translated_into: Mapped[str] = mapped_column(String(200), default="", server_default="")

    def note_languages(self) -> None:
        values = [getattr(self, name) for name in translated_columns(type(self))]
        languages = translated_into(values)
        if self.translated_into != languages:
            self.translated_into = languages


_COLUMNS: dict[type, tuple[str, ...]] = {}


def translated_columns(model: type) -> tuple[str, ...]:
    """The attributes of ``model`` that hold a :class:`Translated` value."""
    if model not in _COLUMNS:
        attributes: Any = inspect(model).column_attrs
        _COLUMNS[model] = tuple(
            attribute.key
            for attribute in attributes
            if isinstance(attribute.columns[0].type, TranslatedText)
        )
    return _COLUMNS[model]


def translated_into(values: Iterable[Translated | None]) -> str:
    """The languages every text among ``values`` exists in, as ``TranslatedRow`` keeps them; a
    value without its original text has nothing to translate and is left out."""
    found = [set(value.texts) for value in values if value and value.get(value.original)]
    if not found:
        return NOTHING_TO_TRANSLATE
    return f" {' '.join(sorted(set.intersection(*found)))} "


NOTHING_TO_TRANSLATE = "*"


def lacks(model: type[TranslatedRow], languages: Iterable[str]):
    """SQL: a record of ``model`` has a text missing in one of ``languages``."""
    column = model.translated_into
    return and_(
        column != NOTHING_TO_TRANSLATE,
        or_(*(~column.contains(f" {lang} ", autoescape=True) for lang in languages)),
    )
