from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField
from wtforms.validators import DataRequired

from app.accounts.models import NoticeFrequency
from app.forms import Form, display_name_field, email_field, new_password_fields, ui_language_field


class SignInForm(Form):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password."))],
        render_kw={"autocomplete": "current-password"},
    )


class ProfileForm(Form):
    display_name = display_name_field()
    locale = ui_language_field()
    notices = RadioField(
        _l("Notices of your councils by email"),
        choices=NoticeFrequency.choices,
        description=_l("Agendas, moved or cancelled meetings, reminders and minutes."),
        validators=[DataRequired(message=_l("Choose how often you want notices."))],
    )


class PasswordChangeForm(Form):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )
    password, confirm = new_password_fields()


class PasswordResetForm(Form):
    password, confirm = new_password_fields()


class ForgotPasswordForm(Form):
    email = email_field()
