from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form

#: As long as the longest text a council stores (a proposal's body).
TEXT_MAX = 10_000


class TranslationForm(Form):
    """One text box (and a "checked" box) per translated field of the record."""

    def texts(self, names) -> dict[str, tuple[str, bool]]:
        return {
            name: (self[f"text_{name}"].data or "", self[f"checked_{name}"].data) for name in names
        }

    def typed(self, names) -> dict[str, str]:
        return {f"text-{name}": self[f"text_{name}"].data or "" for name in names}


def translation_form(names) -> TranslationForm:
    """The form for these fields; the field names in HTML are text-<name> and checked-<name>."""

    class Form(TranslationForm):
        pass

    for name in names:
        setattr(
            Form,
            f"text_{name}",
            TextAreaField(
                name=f"text-{name}",
                validators=[
                    Optional(),
                    Length(max=TEXT_MAX, message=_l("Keep the text under 10,000 characters.")),
                ],
            ),
        )
        setattr(Form, f"checked_{name}", BooleanField(name=f"checked-{name}"))
    return Form()


class MachineDraftForm(Form):
    """Ask for a machine draft of one field into one language."""

    to = SelectField(validators=[DataRequired()])
    field = SelectField(validators=[DataRequired()])
