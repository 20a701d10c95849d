"""What every OParl object shares: its type, id, dates and texts in every language."""

from collections.abc import Callable
from datetime import UTC, datetime

from app.i18n import Translated, bcp47
from app.urls import external_url

SCHEMA = "https://schema.oparl.org/1.1/"
PAPER_TYPE = "resident proposal"
ORGANIZATION_TYPE = "migrant consultative council"


def stamp(moment: datetime) -> str:
    """A stored UTC time as RFC 3339."""
    return moment.replace(tzinfo=UTC).isoformat(timespec="seconds")


def latest(*moments: datetime | None) -> datetime:
    return max(moment for moment in moments if moment is not None)


def url(endpoint: str, **values) -> str:
    return external_url(f"oparl.{endpoint}", **values)


def ids_url(endpoint: str, name: str, **values) -> Callable[[int], str]:
    """``url`` for many records of one kind: the address is built once, each record's id put
    in its place (a page of meetings names thousands of people)."""
    marker = 2**31 - 1
    before, after = url(endpoint, **values, **{name: marker}).rsplit(str(marker), 1)
    return lambda record_id: f"{before}{record_id}{after}"


def new(kind: str, id: str, *, created: datetime, modified: datetime, **fields) -> dict:
    obj = {"id": id, "type": SCHEMA + kind}
    obj.update({name: value for name, value in fields.items() if value not in (None, "", [])})
    obj["created"] = stamp(created)
    obj["modified"] = stamp(modified)
    return obj


def language(code: str) -> str:
    return bcp47(code) or "und"


def with_texts(obj: dict, fields: dict[str, Translated]) -> dict:
    """Each field's original text, and every version of it in ``consulta:translations``:
    ``{"name": {"original": "ar", "texts": {"ar": "…", "en": "…"}, "machine": ["en"]}}``."""
    translations = obj.setdefault("consulta:translations", {})
    for name, value in fields.items():
        if not value:
            continue
        texts = value.texts
        obj[name] = texts.get(value.original) or next(iter(texts.values()))
        translations[name] = {
            "original": language(value.original),
            "texts": {language(lang): text for lang, text in texts.items()},
        }
        if value.machine:
            translations[name]["machine"] = sorted(language(lang) for lang in value.machine)
    if not translations:
        del obj["consulta:translations"]
    return obj


def deleted(kind: str, id: str, *, created: datetime, modified: datetime, **fields) -> dict:
    """What stays of a record that was public and is gone."""
    return new(kind, id, created=created, modified=modified, deleted=True, **fields)
