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
from app.proposals.models import Topic

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
    """The council's next step for a proposal, with its public answer."""

    state = RadioField(_l("New state"), validators=[DataRequired(message=_l("Choose a state."))])
    meeting = SelectField(_l("Meeting that will discuss it"), coerce=int, validators=[Optional()])
    lang = SelectField(_l("Language of the answer"))
    answer = TextAreaField(
        _l("Answer from the council"),
        validators=[Optional(), Length(max=5000)],
        description=_l(
            "Explain the decision. Required when declining, asking for changes, "
            "rejecting or postponing."
        ),
        render_kw={"dir": "auto", "rows": 5},
    )


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
