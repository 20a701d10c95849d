"""The OParl 1.1 schemas (tests/data/oparl-1.1-schema, from the specification) as validators.

The specification's schemas are draft-04 style and name an embedded object's schema with a
hint of their own tooling (``"schema": "File.json"``), which a JSON Schema validator ignores.
Here each hint on an embedded object becomes a ``$ref`` into a registry holding every schema,
so an embedded File or AgendaItem is validated as strictly as one fetched on its own. Formats
(``url``, ``date-time``, ``date``) are checked too: a validator skips formats it does not know.
"""

import json
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

FOLDER = Path(__file__).parent.parent / "data" / "oparl-1.1-schema"
BASE = "https://schema.oparl.org/1.1/"
EXTENSION = "consulta:"

formats = FormatChecker()


@formats.checks("url")
def is_url(value) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@formats.checks("date-time", raises=ValueError)
def is_date_time(value) -> bool:
    return datetime.fromisoformat(value).tzinfo is not None


@formats.checks("date", raises=ValueError)
def is_date(value) -> bool:
    return bool(date.fromisoformat(value))


def _with_refs(node):
    """The schema with each embedded object's hint turned into a ``$ref``."""
    if isinstance(node, list):
        return [_with_refs(value) for value in node]
    if not isinstance(node, dict):
        return node
    node = {key: _with_refs(value) for key, value in node.items()}
    if node.get("type") == "object" and isinstance(node.get("schema"), str):
        name = node["schema"]
        node["$ref"] = name if name.endswith(".json") else f"{name}.json"
    return node


def _load() -> dict[str, dict]:
    schemas = {}
    for path in sorted(FOLDER.glob("*.json")):
        schema = _with_refs(json.loads(path.read_text()))
        schema["id"] = BASE + path.name
        schemas[path.stem] = schema
    return schemas


SCHEMAS = _load()
REGISTRY = Registry().with_resources(
    (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
    for schema in SCHEMAS.values()
)
VALIDATORS = {
    name: Draft4Validator(schema, registry=REGISTRY, format_checker=formats)
    for name, schema in SCHEMAS.items()
}


def kind_of(obj: dict) -> str:
    assert obj["type"].startswith(BASE), obj["type"]
    return obj["type"].removeprefix(BASE)


def validate(obj: dict) -> str:
    """Check ``obj`` (and every object it embeds) against its type's schema; its type."""
    kind = kind_of(obj)
    VALIDATORS[kind].validate(obj)
    _check_keys(obj, kind)
    return kind


def _check_keys(obj: dict, kind: str) -> None:
    """Every key is the specification's, or one of Consulta's extensions (``consulta:``)."""
    properties = SCHEMAS[kind]["properties"]
    for key, value in obj.items():
        assert key in properties or key.startswith(EXTENSION), f"{kind}.{key} is not OParl"
        embedded = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
        for item in embedded:
            if isinstance(item, dict) and "type" in item and key in properties:
                _check_keys(item, kind_of(item))


def embedded_objects(obj):
    """Every object inside ``obj`` that has an OParl type, ``obj`` excluded."""
    values = obj.values() if isinstance(obj, dict) else obj
    for value in values:
        if isinstance(value, dict):
            if str(value.get("type", "")).startswith(BASE):
                yield value
            yield from embedded_objects(value)
        elif isinstance(value, list):
            yield from embedded_objects(value)
