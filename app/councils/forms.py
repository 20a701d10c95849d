from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from app.accounts.models import NoticeFrequency
from app.auth import Role
from app.councils.models import QuorumRule
from app.councils.services import council_timezones
from app.forms import (
    Form,
    content_language_choices,
    display_name_field,
    email_field,
    new_password_fields,
    ui_language_field,
)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def role_choices():
    return [(role.value, role.label) for role in Role]


def timezone_choices():
    return [(zone, zone.replace("_", " ")) for zone in council_timezones()]


class CouncilForm(Form):
    lang = SelectField(
        _l("Language of the texts below"),
        choices=content_language_choices,
        description=_l("Translations into other languages can be added later."),
    )
    name = StringField(
        _l("Name of the council"),
        validators=[DataRequired(message=_l("Enter the name of the council.")), Length(max=200)],
        render_kw={"dir": "auto"},
    )
    municipality = StringField(
        _l("Municipality"),
        validators=[DataRequired(message=_l("Enter the municipality.")), Length(max=120)],
        render_kw={"dir": "auto", "autocomplete": "address-level2"},
    )
    description = TextAreaField(
        _l("What the council is"),
        validators=[Optional(), Length(max=5000)],
        description=_l("A few sentences for residents who have never heard of it."),
        render_kw={"dir": "auto", "rows": 5},
    )
    participation = TextAreaField(
        _l("How to take part"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Open sessions, how to make a proposal, whom to contact."),
        render_kw={"dir": "auto", "rows": 5},
    )
    languages = CheckboxesField(
        _l("Languages the council works in"),
        choices=content_language_choices,
        validators=[DataRequired(message=_l("Choose at least one language the council works in."))],
    )
    default_language = SelectField(
        _l("Main language"),
        choices=content_language_choices,
        description=_l("Used when a visitor's own language is not available."),
    )
    timezone = SelectField(_l("Time zone"), choices=timezone_choices, default="Europe/Brussels")
    quorum_rule = RadioField(
        _l("Quorum"),
        choices=QuorumRule.choices,
        default=QuorumRule.majority.value,
        description=_l("How many voting members must be present for the council to decide."),
    )
    endorsement_threshold = IntegerField(
        _l("Supporters needed to put a proposal on an agenda (optional)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=100000, message=_l("Enter a whole number above 0.")),
        ],
        description=_l(
            "When an accepted proposal has this many supporters, the council must discuss it."
        ),
        render_kw={"inputmode": "numeric"},
    )


class NewCouncilForm(CouncilForm):
    slug = StringField(
        _l("Web address (optional)"),
        validators=[
            Optional(),
            Length(max=60),
            Regexp(r"^[a-z0-9-]+$", message=_l("Use only small letters a–z, digits and hyphens.")),
        ],
        description=_l("The last part of the council's address, e.g. demo-city."),
        render_kw={"spellcheck": "false", "autocapitalize": "off"},
    )


class InvitationForm(Form):
    email = email_field(description=_l("The invitation link works once, for this address."))
    role = RadioField(_l("Role"), choices=role_choices, default=Role.member.value)
    voting_right = BooleanField(_l("Has the right to vote"), default=True)


class MembershipForm(Form):
    role = RadioField(_l("Role"), choices=role_choices)
    voting_right = BooleanField(_l("Has the right to vote"))
    term_start = DateField(
        _l("Start of term"), validators=[DataRequired(message=_l("Enter the start of the term."))]
    )
    term_end = DateField(
        _l("End of term (optional)"),
        validators=[Optional()],
        description=_l("Leave empty when the term has no fixed end."),
    )


class AcceptInvitationForm(Form):
    display_name = display_name_field()
    password, confirm = new_password_fields()
    locale = ui_language_field()


class ListingForm(Form):
    """A member shows or hides their own name on the council's public page."""

    listed = RadioField(choices=["1", "0"], validators=[DataRequired()])


def frequency_choices():
    return [
        ("immediate", NoticeFrequency.immediate.label),
        ("weekly", NoticeFrequency.weekly.label),
    ]


class FollowForm(Form):
    email = email_field(
        description=_l("We send a link to this address: you follow once you open it.")
    )
    frequency = RadioField(
        _l("How often"),
        choices=frequency_choices,
        default="immediate",
        validators=[DataRequired(message=_l("Choose how often you want to hear from us."))],
    )
