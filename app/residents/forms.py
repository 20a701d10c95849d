from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.forms import Form, strip
from app.proposals.forms import body_field, title_field
from app.proposals.models import ReceivedAs, Topic


class MediatedProposalForm(Form):
    """The proposal form as a community mediator fills it in for a resident."""

    #: One random key per form, so that a double click stores one proposal.
    submission_key = HiddenField()
    #: The council the form was opened for: a form sent to another council's address is
    #: refused rather than filed there.
    council = HiddenField()
    received_as = RadioField(
        _l("How this came"),
        choices=ReceivedAs.choices,
        validators=[DataRequired(message=_l("Say how the resident gave you the proposal."))],
    )
    #: Every language (`writing_languages`): the resident's slip is in it when the site is.
    resident_lang = SelectField(
        _l("Language the resident wrote or spoke in"),
        description=_l("The slip for the resident is printed in it when the site offers it."),
    )
    lang = SelectField(
        _l("Language of the text below"),
        description=_l("Type the resident’s words, or your translation of them."),
    )
    title = title_field()
    body = body_field()
    topic = RadioField(
        _l("Topic"),
        choices=Topic.choices,
        validators=[DataRequired(message=_l("Choose a topic."))],
    )
    author_name = StringField(
        _l("The resident’s name (optional)"),
        validators=[Optional(), Length(max=120)],
        description=_l(
            "Shown with the proposal. Leave empty if the resident wants to stay anonymous."
        ),
        render_kw={"dir": "auto", "autocomplete": "off"},
        filters=[strip],
    )
    contact_email = EmailField(
        _l("The resident’s email address (optional)"),
        validators=[
            Optional(),
            Email(
                message=_l("Enter an email address like name@example.org."),
                check_deliverability=False,
            ),
            Length(max=254),
        ],
        description=_l("The council sends the tracking link there. It is never shown publicly."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
        filters=[strip],
    )
    contact_consent = BooleanField(
        _l("The resident agrees that the council may contact them about this proposal")
    )


class DeletionForm(Form):
    """Asking for one's data to be deleted: the first press shows what will happen, the
    second (``confirmed``) asks."""

    confirmed = HiddenField(validators=[Optional(), Length(max=3)])
