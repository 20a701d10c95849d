from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.forms import Form, strip
from app.minutes.services import MAX_LENGTH


class DraftForm(Form):
    lang = SelectField(_l("Language of the minutes"))


class MinutesForm(Form):
    text = TextAreaField(
        _l("Minutes"),
        validators=[
            DataRequired(message=_l("Write the minutes: the text cannot be empty.")),
            Length(max=MAX_LENGTH),
        ],
        description=_l(
            "Markdown: a blank line between paragraphs, ### for a heading, - for a list, "
            "**bold**. Preview shows how readers will see it."
        ),
        render_kw={"dir": "auto", "rows": 24},
    )
    #: The revision the person started from.
    base = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class CorrectionForm(MinutesForm):
    note = StringField(
        _l("What changed, and why"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Say what you changed and why: readers see this note.")),
            Length(max=500),
        ],
        description=_l("For example: “Corrected the number of votes against in item 3.”"),
        render_kw={"dir": "auto"},
    )


def approval_choices():
    return [
        ("chair", _l("The chair, who approves them now")),
        ("meeting", _l("The council, at a later meeting")),
    ]


class ApprovalForm(Form):
    by = RadioField(
        _l("Who approved the minutes?"),
        choices=approval_choices,
        validators=[InputRequired(message=_l("Choose who approved the minutes."))],
    )
    item = SelectField(
        _l("The agenda item at which the council approved them"),
        coerce=int,
        validate_choice=False,
    )
