from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.accounts import services
from app.accounts.forms import (
    ForgotPasswordForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SignInForm,
)
from app.accounts.models import User
from app.auth import admin_required
from app.errors import DomainError
from app.extensions import db
from app.forms import ActionForm
from app.i18n import remember_language
from app.mail import mail_enabled, send_email
from app.urls import redirect_back

bp = Blueprint("accounts", __name__)


def sign_in(user: User) -> None:
    """Start a fresh session: nothing from before sign-in survives it."""
    session.clear()
    services.start_session(user)
    login_user(user)
    session.permanent = True


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in_page():
    if current_user.is_authenticated:
        return redirect_back(request.args.get("next"))
    form = SignInForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
        except DomainError as error:
            db.session.commit()  # the failed attempt counts towards the throttle
            form.form_errors.append(error.message)
        else:
            sign_in(user)
            db.session.commit()
            flash(_("You are signed in."), "success")
            response = redirect_back(request.args.get("next"))
            remember_language(response, user.locale)
            return response
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    token = current_user.session_token if current_user.is_authenticated else None
    logout_user()
    services.end_session(token)
    session.clear()
    db.session.commit()
    flash(_("You are signed out."), "success")
    return redirect(url_for("councils.home"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        services.update_profile(current_user, form.display_name.data, form.locale.data)
        db.session.commit()
        with force_locale(current_user.locale):
            flash(_("Your profile is saved."), "success")
        response = redirect(url_for("accounts.profile"))
        remember_language(response, current_user.locale)
        return response
    return render_template("accounts/profile.html", form=form)


@bp.route("/profile/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except DomainError as error:
            form.current_password.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if mail_enabled() and form.validate_on_submit():
        user = services.find_user(form.email.data)
        if user is not None and user.active:
            token = services.create_password_reset(user)
            db.session.commit()
            link = url_for("accounts.reset_password", token=token, _external=True)
            with force_locale(user.locale):
                send_email(
                    user.email,
                    _("Choose a new password for Consulta"),
                    render_template("accounts/email/reset.txt", user=user, link=link),
                )
        # The same answer whether or not the address has an account.
        flash(_("If an account uses this address, we have sent it a link."), "success")
        return redirect(url_for("accounts.sign_in_page"))
    return render_template("accounts/forgot_password.html", form=form, mail=mail_enabled())


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    reset = services.find_password_reset(token)
    if reset is None:
        return render_template("accounts/link_invalid.html"), 404
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(reset, form.password.data)
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            sign_in(user)
            db.session.commit()
            flash(_("Your new password is saved and you are signed in."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/reset_password.html", form=form, user=reset.user)


@bp.get("/admin/users")
@admin_required
def users():
    page = db.paginate(select(User).order_by(User.display_name), per_page=50)
    return render_template("accounts/users.html", page=page, form=ActionForm())


@bp.post("/admin/users/<int:user_id>/reset-link")
@admin_required
def create_reset_link(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    token = services.create_password_reset(user, created_by=current_user)
    db.session.commit()
    link = url_for("accounts.reset_password", token=token, _external=True)
    emailed = False
    if mail_enabled():
        with force_locale(user.locale):
            emailed = send_email(
                user.email,
                _("Choose a new password for Consulta"),
                render_template("accounts/email/reset.txt", user=user, link=link),
            )
    return render_template("accounts/reset_link.html", user=user, link=link, emailed=emailed)


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@admin_required
def deactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("accounts.users"))
    form = ActionForm()
    if form.validate_on_submit():
        services.set_active(user, False)
        db.session.commit()
        flash(_("%(name)s is deactivated and signed out.", name=user.display_name), "success")
        return redirect(url_for("accounts.users"))
    return render_template("accounts/deactivate.html", form=form, user=user)


@bp.post("/admin/users/<int:user_id>/reactivate")
@admin_required
def reactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.set_active(user, True)
    db.session.commit()
    flash(_("%(name)s can sign in again.", name=user.display_name), "success")
    return redirect(url_for("accounts.users"))
