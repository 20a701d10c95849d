from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from app.forms import Form, strip
from app.meetings.models import Meeting
from app.proposals import services
from app.proposals.models import Proposal, ProposalState, Topic

TITLE_MAX = 200
BODY_MAX = 10_000


def title_field():
    return StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Enter a title for your proposal.")),
            Length(max=TITLE_MAX, message=_l("Keep the title under 200 characters.")),
        ],
        description=_l("In a few words: what should change?"),
        render_kw={"dir": "auto"},
        filters=[strip],
    )


def body_field():
    return TextAreaField(
        _l("Your proposal"),
        validators=[
            DataRequired(message=_l("Describe your proposal.")),
            Length(max=BODY_MAX, message=_l("Keep the text under 10,000 characters.")),
        ],
        description=_l("What is the problem, who does it affect, and what do you suggest?"),
        render_kw={"dir": "auto", "rows": 8},
    )


class ProposalForm(Form):
    #: One random key per form, so that a double click stores one proposal.
    submission_key = HiddenField()
    #: The council's languages first, then every language CLDR names (`language_choices`).
    lang = SelectField(_l("Language you write in"))
    title = title_field()
    body = body_field()
    topic = RadioField(
        _l("Topic"),
        choices=Topic.choices,
        validators=[DataRequired(message=_l("Choose a topic."))],
    )
    author_name = StringField(
        _l("Your name (optional)"),
        validators=[Optional(), Length(max=120)],
        description=_l("Shown with your proposal. Leave empty to stay anonymous."),
        render_kw={"dir": "auto", "autocomplete": "name"},
        filters=[strip],
    )
    contact_email = EmailField(
        _l("Your email address (optional)"),
        validators=[
            Optional(),
            Email(
                message=_l("Enter an email address like name@example.org."),
                check_deliverability=False,
            ),
            Length(max=254),
        ],
        description=_l("We send you the tracking link. It is never shown publicly."),
        render_kw={"autocomplete": "email", "spellcheck": "false"},
        filters=[strip],
    )
    contact_consent = BooleanField(_l("The council may contact me about this proposal"))
    #: Left empty by people; filled by robots that fill every field.
    website = StringField(_l("Leave this field empty"), render_kw={"autocomplete": "off"})


class ResubmitForm(Form):
    title = title_field()
    body = body_field()


class PrivacyEditForm(Form):
    title = title_field()
    body = body_field()
    reason = StringField(
        _l("Why is the text edited?"),
        validators=[DataRequired(message=_l("Say why the text is edited.")), Length(max=500)],
        description=_l("For example: “A phone number was removed.” The author will see this."),
        render_kw={"dir": "auto"},
        filters=[strip],
    )


class AnswerForm(Form):
    """The council's answer to a proposal; the button pressed says which step it takes."""

    lang = SelectField(_l("Language of the answer"))
    answer = TextAreaField(
        _l("Answer from the council"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Explain the decision to the author."),
        render_kw={"dir": "auto", "rows": 5},
    )
    #: The button pressed: a state, or "scheduled:<meeting id>" (see ``answer_steps``).
    step = StringField(validators=[Optional(), Length(max=40)])
    #: Sent by the confirmation page of a final step: the step it confirms.
    confirmed = HiddenField(validators=[Optional(), Length(max=40)])
    #: The confirmation page's "Change the answer" button.
    change = StringField(validators=[Optional(), Length(max=10)])


@dataclass(frozen=True)
class AnswerStep:
    """One thing the council can do with a proposal now: a button on the answer page."""

    value: str
    target: ProposalState
    #: The button's words (those of "put on the agenda of …" are the page's: see answer.html).
    label: str
    hint: str
    meeting: Meeting | None = None

    @property
    def final(self) -> bool:
        """Nothing follows it: the page asks again before taking it."""
        return not Proposal.TRANSITIONS[self.target]


#: What each step does, said under its button (steps that need an answer say so).
STEP_HINTS = {
    ProposalState.accepted: _l("The proposal becomes public, and residents can support it."),
    ProposalState.scheduled: _l("A decision item with the proposal is added to this agenda."),
    ProposalState.changes_requested: _l(
        "The author can send a new version. Say what should change: an answer is needed."
    ),
    ProposalState.declined: _l(
        "Final. Only the author sees why: an answer is needed. You confirm on the next page."
    ),
    ProposalState.adopted: _l(
        "For a decision taken without a vote here, by consensus for example."
    ),
    ProposalState.rejected: _l(
        "Final. Say why: an answer is needed. You confirm on the next page."
    ),
    ProposalState.postponed: _l("Say until when or why: an answer is needed."),
    ProposalState.implemented: _l("What the council decided has been done."),
}
#: Buttons in this order: the ways forward first, the final "no" last.
STEP_ORDER = [
    ProposalState.accepted,
    ProposalState.scheduled,
    ProposalState.adopted,
    ProposalState.implemented,
    ProposalState.postponed,
    ProposalState.changes_requested,
    ProposalState.rejected,
    ProposalState.declined,
]
STEP_LABELS = {
    ProposalState.accepted: _l("Accept"),
    ProposalState.changes_requested: _l("Ask for changes"),
    ProposalState.declined: _l("Decline"),
    ProposalState.adopted: _l("Mark as adopted"),
    ProposalState.rejected: _l("Mark as rejected"),
    ProposalState.postponed: _l("Postpone"),
    ProposalState.implemented: _l("Mark as implemented"),
}


def answer_steps(proposal: Proposal) -> dict[str, AnswerStep]:
    """Every step the council can take now, one per meeting for "put on the agenda" (a new
    proposal is accepted on the way)."""
    targets = services.allowed_steps(proposal)
    if ProposalState.accepted in targets:
        targets.append(ProposalState.scheduled)  # accepting and scheduling in one go
    steps: dict[str, AnswerStep] = {}
    for target in sorted(set(targets), key=STEP_ORDER.index):
        hint = str(STEP_HINTS[target])
        if target is not ProposalState.scheduled:
            steps[target.value] = AnswerStep(target.value, target, str(STEP_LABELS[target]), hint)
            continue
        for meeting in services.schedulable_meetings(proposal.council):
            value = f"{target.value}:{meeting.id}"
            # Worded on the page, with the meeting's title in its own language and direction.
            steps[value] = AnswerStep(value, target, "", hint, meeting)
    return steps


class FilterForm(Form):
    """The list's filters, read from the query string (a GET form: nothing to protect)."""

    class Meta:
        csrf = False

    q = StringField(filters=[strip], validators=[Optional(), Length(max=200)])
    topic = StringField(validators=[Optional(), Length(max=40)])
    state = StringField(validators=[Optional(), Length(max=40)])
    lang = StringField(name="in", validators=[Optional(), Length(max=16)])

    def filters(self):
        """Unknown values filter nothing (the service ignores them); overlong ones are cut."""
        return {
            "topic": (self.topic.data or "")[:40],
            "state": (self.state.data or "")[:40],
            "lang": (self.lang.data or "")[:16],
            "query": (self.q.data or "")[:200],
        }


def email_field(label=None, description=None):
    return EmailField(
        label or _l("Your email address"),
        validators=[
            DataRequired(message=_l("Enter your email address.")),
            Email(
                message=_l("Enter an email address like name@example.org."),
                check_deliverability=False,
            ),
            Length(max=254),
        ],
        description=description,
        render_kw={"autocomplete": "email", "spellcheck": "false"},
        filters=[strip],
    )


class SupportByEmailForm(Form):
    """Support without an account: counted once the link sent to the address is opened."""

    email = email_field(
        description=_l(
            "We email you a link: your support counts once you open it. Your address is not "
            "kept, only a sign that it has supported this proposal."
        )
    )


class ContactForm(Form):
    """An address for a proposal sent without one: saved once the link sent to it is opened."""

    email = email_field(
        description=_l("We email a link to it: the address is saved once you open the link.")
    )


class LostLinkForm(Form):
    reference = StringField(
        _l("Reference code"),
        validators=[DataRequired(message=_l("Enter the reference code.")), Length(max=20)],
        description=_l("8 letters and digits, for example K7QM-4XPD."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
        filters=[strip],
    )
    email = email_field(description=_l("The address you gave with your proposal."))
