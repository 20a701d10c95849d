"""The database column that stores a Translated value, and how SQL reads into it."""

from sqlalchemy import Text, and_, func, literal, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
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


class _TextAt(FunctionElement):
    """The text at a key of a JSON object column, the key itself an SQL expression."""

    type = Text()
    inherit_cache = True
    name = "text_at"


@compiles(_TextAt)
def _text_at_sqlite(element, compiler, **kw):
    column, key = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"json_extract({column}, '$.\"' || {key} || '\"')"


@compiles(_TextAt, "postgresql")
def _text_at_postgresql(element, compiler, **kw):
    column, key = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"({column} ->> CAST({key} AS TEXT))"


def text_in(column, lang):
    """SQL for the version of a translated column in ``lang`` (a code, or an SQL expression);
    NULL when there is none."""
    key = literal(lang, Text) if isinstance(lang, str) else lang
    return _TextAt(column, key)


def lacks(column, languages):
    """SQL: the column has an original text but no version in one of ``languages``
    (``Translated`` read in the database, so that a list of what is missing can be paged
    there). The original is looked up once: each lookup parses the JSON again."""
    original = func.coalesce(text_in(column, text_in(column, "original")), "")
    missing = [func.coalesce(text_in(column, lang), "") == "" for lang in languages]
    return and_(original != "", or_(*missing))
