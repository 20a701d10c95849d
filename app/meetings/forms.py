from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms import Form as SubForm
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from app.councils.forms import CheckboxesField
from app.forms import Form, content_language_choices, strip
from app.meetings.models import ItemKind, Presence


class MeetingForm(Form):
    lang = SelectField(_l("Language of the texts below"), choices=content_language_choices)
    title = StringField(
        _l("Title"),
        validators=[DataRequired(message=_l("Enter a title for the meeting.")), Length(max=200)],
        description=_l("For example: “Plenary meeting, spring”."),
        render_kw={"dir": "auto"},
    )
    day = DateField(
        _l("Date"), validators=[DataRequired(message=_l("Enter the date of the meeting."))]
    )
    starts = TimeField(
        _l("Starts at"), validators=[DataRequired(message=_l("Enter when the meeting starts."))]
    )
    ends = TimeField(
        _l("Ends at"), validators=[DataRequired(message=_l("Enter when the meeting ends."))]
    )
    place = StringField(
        _l("Place"),
        validators=[Optional(), Length(max=300)],
        description=_l("Room and address, as people would look for it."),
        render_kw={"dir": "auto", "autocomplete": "street-address"},
        filters=[strip],
    )
    step_free = BooleanField(_l("The place has step-free access"))
    interpretation = CheckboxesField(
        _l("Interpretation offered"), choices=content_language_choices, validators=[Optional()]
    )
    accessibility_notes = TextAreaField(
        _l("Notes on access (optional)"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Lift, hearing loop, childcare, how to ask for help."),
        render_kw={"dir": "auto", "rows": 3},
    )
    online_url = URLField(
        _l("Online link (optional)"),
        validators=[Optional(), Length(max=500)],
        description=_l("A video call address, starting with https://"),
        filters=[strip],
        render_kw={"spellcheck": "false"},
    )
    description = TextAreaField(
        _l("Description (optional)"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"dir": "auto", "rows": 4},
    )


class AgendaItemForm(Form):
    lang = SelectField(_l("Language of the texts below"), choices=content_language_choices)
    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("Enter a title for the agenda item.")),
            Length(max=300),
        ],
        render_kw={"dir": "auto"},
    )
    kind = RadioField(
        _l("Kind of item"), choices=ItemKind.choices, default=ItemKind.discussion.value
    )
    duration_minutes = IntegerField(
        _l("Expected duration in minutes (optional)"),
        validators=[
            Optional(),
            NumberRange(min=1, max=600, message=_l("Enter a number of minutes from 1 to 600.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    description = TextAreaField(
        _l("Description (optional)"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"dir": "auto", "rows": 4},
    )
    #: Only when changing an item: its number on the agenda (choices: 1 … number of items).
    position = SelectField(_l("Place on the agenda"), coerce=int, validators=[Optional()])


class CancelForm(Form):
    lang = SelectField(_l("Language of the reason"), choices=content_language_choices)
    reason = TextAreaField(
        _l("Why is the meeting cancelled?"),
        validators=[
            DataRequired(message=_l("Say why the meeting is cancelled.")),
            Length(max=1000),
        ],
        description=_l("Members and the public will see this."),
        render_kw={"dir": "auto", "rows": 3},
    )


class DocumentForm(Form):
    item = SelectField(_l("Agenda item"), coerce=int, validators=[Optional()])
    title = StringField(
        _l("Title of the document"),
        validators=[Optional(), Length(max=200)],
        description=_l("What the list of documents shows. Without one, the file's name."),
        render_kw={"dir": "auto"},
    )
    lang = SelectField(_l("Language of the document"), choices=content_language_choices)
    #: Its description names the size limit (set by the view, from the configuration).
    file = FileField(_l("File"), validators=[FileRequired(message=_l("Choose a file to upload."))])


class AttendanceForm(Form):
    """One button per member and state on the attendance sheet: "<membership id>:<state>"."""

    record = StringField(
        validators=[DataRequired(), Regexp(r"^\d{1,9}:(present|excused|absent|left)$")]
    )

    @property
    def membership_id(self) -> int:
        return int(self.record.data.partition(":")[0])

    @property
    def state(self) -> str:
        return self.record.data.partition(":")[2]


class StartForm(Form):
    """Starting a meeting; on another day than planned, the planned day is sent back as the
    confirmation that the person saw it."""

    scheduled_day = DateField(validators=[Optional()])


class ApologyForm(Form):
    note = TextAreaField(
        _l("Note for the secretary (optional)"),
        validators=[Optional(), Length(max=300)],
        description=_l("For example: “I am travelling that week.” Up to 300 characters."),
        render_kw={"dir": "auto", "rows": 2},
        filters=[strip],
    )


class PeriodForm(SubForm):
    """One stretch in the room, as wall-clock times in the council's zone."""

    arrived = TimeField(_l("Arrived at"), validators=[Optional()])
    left = TimeField(_l("Left at"), validators=[Optional()])


class CorrectionForm(Form):
    presence = RadioField(
        _l("Attendance"),
        choices=Presence.choices,
        validators=[DataRequired(message=_l("Choose present, excused or absent."))],
    )
    #: The member's periods in the room, then one empty row to add one.
    periods = FieldList(FormField(PeriodForm), min_entries=1, max_entries=12)

    def times(self) -> list:
        """The rows that were filled in, as (arrived, left) pairs."""
        rows = [(row.form.arrived.data, row.form.left.data) for row in self.periods]
        return [row for row in rows if row != (None, None)]
