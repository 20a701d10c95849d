"""Form pieces shared by every domain."""

import email_validator
from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict
from wtforms import EmailField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from app.i18n import LANGUAGES, UI_LOCALES


class Form(FlaskForm):
    """Every form of the app: filled from an HTML form post only. Flask-WTF would also read a
    JSON body, whose numbers, lists and nulls no field expects; such a body fills nothing."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is not _AUTO:
                return formdata
            if request.method not in {"POST", "PUT", "PATCH", "DELETE"}:
                return None
            if request.files:
                return CombinedMultiDict((request.files, request.form))
            return request.form or None


_AUTO = FlaskForm.__init__.__defaults__[0]  # Flask-WTF's marker for "read the request"


def ui_language_choices() -> list[tuple[str, str]]:
    return [(code, LANGUAGES[code].endonym) for code in UI_LOCALES]


def content_language_choices() -> list[tuple[str, str]]:
    return [(lang.code, lang.endonym) for lang in LANGUAGES.values()]


# The demo accounts live on the reserved .test domain (RFC 2606), which email_validator refuses
# by default; real addresses are unaffected.
if "test" in email_validator.SPECIAL_USE_DOMAIN_NAMES:
    email_validator.SPECIAL_USE_DOMAIN_NAMES.remove("test")


def strip(value):
    return value.strip() if isinstance(value, str) else value


def email_field(label=None, **kwargs) -> EmailField:
    return EmailField(
        label or _l("Email address"),
        validators=[
            DataRequired(message=_l("Enter an email address.")),
            Email(
                message=_l("Enter an email address like name@example.org."),
                check_deliverability=False,
            ),
            Length(max=254),
        ],
        filters=[strip],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
        **kwargs,
    )


def new_password_fields():
    """A new password and its confirmation, as a pair of fields."""
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=_l("Enter a password.")),
            Length(min=10, max=200, message=_l("Use at least 10 characters for your password.")),
        ],
        description=_l("At least 10 characters. A few words you will remember work well."),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(message=_l("Repeat the password.")),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


def display_name_field() -> StringField:
    return StringField(
        _l("Your name"),
        validators=[DataRequired(message=_l("Enter your name.")), Length(max=120)],
        description=_l("Shown to the council. It can be a first name only."),
        render_kw={"autocomplete": "name", "dir": "auto"},
    )


def ui_language_field() -> SelectField:
    return SelectField(_l("Language"), choices=ui_language_choices)


class ActionForm(Form):
    """Nothing but the CSRF token: for buttons that change something (sign out, end, revoke)."""


class AskTranslatorsForm(Form):
    """Share a record that is not public with the council's translators ("yes"), or stop."""

    asked = RadioField(choices=["yes", "no"], validators=[DataRequired()])
