from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from app.forms import Form, content_language_choices
from app.voting.models import Entitlement, MajorityRule, PollMethod


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
