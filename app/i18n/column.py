"""The database column that stores a Translated value."""

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
