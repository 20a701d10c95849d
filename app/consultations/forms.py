from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.consultations.models import Audience, QuestionKind
from app.forms import Form, content_language_choices, email_field, strip


class ConsultationForm(Form):
    lang = SelectField(_l("Language of the texts below"), choices=content_language_choices)
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Enter a title for the consultation.")),
            Length(max=200),
        ],
        description=_l("A question residents recognise, e.g. “What should the council work on?”"),
        render_kw={"dir": "auto"},
        filters=[strip],
    )
    intro = TextAreaField(
        _l("Introduction (optional)"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Why the council asks, and what it will do with the answers."),
        render_kw={"dir": "auto", "rows": 5},
    )
    opens_on = DateField(
        _l("First day to answer"),
        validators=[DataRequired(message=_l("Enter the first day people can answer."))],
    )
    closes_on = DateField(
        _l("Last day to answer"),
        validators=[DataRequired(message=_l("Enter the last day people can answer."))],
    )
    audience = RadioField(
        _l("Who may answer"),
        choices=Audience.choices,
        default=Audience.anyone.value,
    )


class QuestionForm(Form):
    lang = SelectField(_l("Language of the texts below"), choices=content_language_choices)
    kind = RadioField(_l("Kind of question"), choices=QuestionKind.choices)
    text = TextAreaField(
        _l("Question"),
        validators=[DataRequired(message=_l("Enter the question.")), Length(max=1000)],
        render_kw={"dir": "auto", "rows": 2},
    )
    hint = StringField(
        _l("Hint (optional)"),
        validators=[Optional(), Length(max=500)],
        description=_l("A line under the question: what is meant, or an example."),
        render_kw={"dir": "auto"},
        filters=[strip],
    )
    options = TextAreaField(
        _l("Options, one per line"),
        validators=[Optional(), Length(max=3000)],
        description=_l("For one choice, several choices and ranking: two to twelve options."),
        render_kw={"dir": "auto", "rows": 6},
    )
    max_choices = IntegerField(
        _l("Most options a person may choose or rank (optional)"),
        validators=[Optional(), NumberRange(min=1, max=12)],
        description=_l("Several choices: no limit when empty. Ranking: up to five."),
        render_kw={"inputmode": "numeric"},
    )
    required = BooleanField(_l("An answer is required"))

    def option_lines(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]


class CouncilAnswerForm(Form):
    lang = SelectField(_l("Language of the answer"), choices=content_language_choices)
    answer = TextAreaField(
        _l("What the council will do"),
        validators=[DataRequired(message=_l("Write the council’s answer.")), Length(max=10000)],
        description=_l("Shown with the results: what the council heard and what it will do."),
        render_kw={"dir": "auto", "rows": 8},
    )


class AnswerByEmailForm(Form):
    """For a consultation that takes one response per confirmed address."""

    email = email_field(
        description=_l(
            "We email you a link to answer. Your address is not kept, only a sign that it has "
            "answered: your answers stay anonymous."
        )
    )
