"""Every text a person typed is cleaned on its way into the database, in one place.

Before each flush, every new or changed record's text columns pass ``app.text.clean_plain``:
bidi overrides, zero-width and control characters go; one-line texts (``String`` columns and
translated texts not marked ``MULTILINE``) lose their line breaks. No form, service, command or
import can skip it, so what a calendar feed, an email subject or a page shows is clean too.
"""

from functools import partial
from typing import Any

from sqlalchemy import String, Text, event, inspect
from sqlalchemy.orm import Session

from app.i18n import Translated, TranslatedRow, TranslatedText
from app.text import clean_plain

_COLUMNS: dict[type, tuple[tuple[str, str], ...]] = {}


def _text_columns(model: type) -> tuple[tuple[str, str], ...]:
    """(attribute, "line" | "lines" | "translated-line" | "translated-lines") per text column."""
    if model in _COLUMNS:
        return _COLUMNS[model]
    found = []
    attribute: Any
    for attribute in inspect(model).column_attrs:
        column = attribute.columns[0]
        multiline = column.info.get("multiline", False)
        if isinstance(column.type, TranslatedText):
            found.append((attribute.key, "translated-lines" if multiline else "translated-line"))
        elif isinstance(column.type, Text):
            found.append((attribute.key, "lines"))
        elif isinstance(column.type, String):
            found.append((attribute.key, "lines" if multiline else "line"))
    _COLUMNS[model] = tuple(found)
    return _COLUMNS[model]


def clean_record(record) -> None:
    for name, kind in _text_columns(type(record)):
        value = getattr(record, name)
        cleaned: Any
        if isinstance(value, Translated):
            clean = partial(clean_plain, multiline=kind == "translated-lines")
            cleaned = value.cleaned(clean)
        elif isinstance(value, str):
            cleaned = clean_plain(value, multiline=kind == "lines")
        else:
            continue
        if cleaned is not value and cleaned != value:
            setattr(record, name, cleaned)


@event.listens_for(Session, "before_flush")
def _clean_before_flush(session: Session, _context, _instances) -> None:
    for record in (*session.new, *session.dirty):
        clean_record(record)
        if isinstance(record, TranslatedRow):
            record.note_languages()
