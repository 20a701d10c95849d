from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import Form, content_language_choices
from app.voting.models import Entitlement, MajorityRule, OutcomeKind, PollMethod
from app.voting.tally import ABSTAIN


class PollForm(Form):
    lang = SelectField(_l("Language of the texts below"), choices=content_language_choices)
    question = TextAreaField(
        _l("Question"),
        validators=[
            DataRequired(message=_l("Enter the question members vote on.")),
            Length(max=1000),
        ],
        description=_l("For example: “Does the council support the proposal as amended?”"),
        render_kw={"dir": "auto", "rows": 3},
    )
    method = RadioField(
        _l("How votes are seen"), choices=PollMethod.choices, default=PollMethod.named.value
    )
    majority_rule = RadioField(
        _l("Majority needed"), choices=MajorityRule.choices, default=MajorityRule.simple.value
    )
    abstentions_count = BooleanField(_l("Abstentions count as votes cast"))
    entitlement = RadioField(
        _l("Who may vote"), choices=Entitlement.choices, default=Entitlement.present.value
    )
    options = TextAreaField(
        _l("Options (optional)"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "Leave empty for yes / no / abstain. For a choice between alternatives, "
            "write one option per line; “Abstain” is added."
        ),
        render_kw={"dir": "auto", "rows": 4},
    )


class VoteForm(Form):
    """The confirmed choice; the poll checks it is one of its options."""

    #: A hidden field, never labelled on a page (an empty label also spares WTForms loading its
    #: own translations on every vote).
    choice = StringField("", validators=[DataRequired(), Length(max=40)])


class OpenPollForm(Form):
    #: "yes" from the button that opens the vote although quorum is not reached.
    without_quorum = HiddenField()


class CloseMeetingForm(Form):
    #: "close" from the button that closes the meeting's open votes with it.
    open_votes = HiddenField()


class HandsField(IntegerField):
    """A number of hands; anything but a whole number is refused in the reader's language."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter the number of hands as a whole number, like 7.")) from None


def _hands(label):
    return HandsField(
        label,
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("A number of hands cannot be negative.")),
            NumberRange(max=1_000_000, message=_l("This number of hands is too large.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class OutcomeForm(Form):
    """How an agenda item ended; the hands and the rule only for a show of hands."""

    kind = RadioField(
        _l("How did the item end?"),
        choices=OutcomeKind.choices,
        validators=[InputRequired(message=_l("Choose how the item ended."))],
        # An unknown value is refused by the service, in the reader's language.
        validate_choice=False,
    )
    lang = SelectField(_l("Language of the summary"), choices=content_language_choices)
    summary = TextAreaField(
        _l("Summary (optional, needed for a discussion)"),
        validators=[
            Optional(),
            Length(max=5000, message=_l("Keep the summary under 5,000 characters.")),
        ],
        description=_l("What was said or decided, in a few lines, for the public and the minutes."),
        render_kw={"dir": "auto", "rows": 4},
    )
    majority_rule = RadioField(
        _l("Majority needed"),
        choices=MajorityRule.choices,
        default=MajorityRule.simple.value,
        validate_choice=False,
    )
    yes = _hands(_l("Hands for"))
    no = _hands(_l("Hands against"))
    abstain = _hands(_l("Hands abstaining"))


def field_name(key: str) -> str:
    """The form field counting the hands for an option ("option-2" → "option_2")."""
    return key.replace("-", "_")


def outcome_form(options: list[tuple[str, object]] | None = None) -> OutcomeForm:
    """The outcome form; with ``options`` (key, words) a number field for each option of the
    vote prepared on the item, instead of for, against and abstaining."""
    if not options:
        return OutcomeForm()

    class ForAlternatives(OutcomeForm):
        yes = no = abstain = None

    for key, label in options:
        if key == ABSTAIN:
            words = _("Hands abstaining")
        else:
            words = _("Hands for “%(option)s”", option=str(label))
        setattr(ForAlternatives, field_name(key), _hands(words))
    return ForAlternatives()
