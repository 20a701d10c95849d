"""Rows of the export's tables: plain values, translated texts as one column per language,
and the names the export withholds."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from app.accounts.models import User
from app.councils.models import Council
from app.extensions import db
from app.i18n import Translated
from app.minutes.draft import escape as markdown_escape


@dataclass
class Table:
    #: The file's name without extension: ``csv/<name>.csv`` and ``json/<name>.json``.
    name: str
    #: One line for the README.
    about: str
    columns: list[str]
    rows: list[dict] = field(default_factory=list)


#: What stands in the export for the name of a person who did not agree to be listed.
WITHHELD = "[name not published]"


@dataclass(frozen=True)
class Names:
    """The names to withhold in one council's texts, as one pattern."""

    pattern: re.Pattern | None

    def redact(self, text: str) -> str:
        return self.pattern.sub(WITHHELD, text) if self.pattern and text else text

    def redact_texts(self, value: Translated) -> Translated:
        data = value.to_json()
        for lang, text in value.texts.items():
            data[lang] = self.redact(text)
        return Translated(data)


def withheld_names(council: Council) -> Names:
    """Every account's name except those the council lists publicly, longest first, also
    as the minutes' draft writes them (Markdown-escaped)."""
    listed = {m.user.display_name for m in council.current_memberships if m.listed}
    names = set(db.session.scalars(select(User.display_name))) - listed
    forms = {
        form for name in names if len(name.strip()) >= 3 for form in (name, markdown_escape(name))
    }
    if not forms:
        return Names(None)
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return Names(re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"))


def iso_time(moment: datetime | None) -> str | None:
    return moment.replace(microsecond=0).isoformat() + "Z" if moment else None


def text_columns(name: str, languages: list[str]) -> list[str]:
    return [*(f"{name}_{lang}" for lang in languages), f"{name}_original"]


def put_texts(row: dict, name: str, value: Translated | None, languages: list[str]) -> None:
    value = value or Translated()
    for lang in languages:
        row[f"{name}_{lang}"] = value.get(lang) or None
    row[f"{name}_original"] = value.get(value.original) or None


def columns(spec: Iterable[str], languages: list[str]) -> list[str]:
    """Column names; a name ending in ``*`` is a translated text, one column per language."""
    found: list[str] = []
    for name in spec:
        found += text_columns(name[:-1], languages) if name.endswith("*") else [name]
    return found
