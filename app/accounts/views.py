from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts import login, services
from app.accounts.forms import (
    ForgotPasswordForm,
    PasswordChangeForm,
    PasswordResetForm,
    ProfileForm,
    SignInForm,
)
from app.accounts.models import NoticeFrequency, User
from app.auth import Access, requires
from app.background import after_response
from app.errors import DomainError
from app.extensions import db
from app.forms import ActionForm
from app.i18n import current_locale, endonym, remember_language
from app.mail import mail_enabled, queue_email
from app.tokens import new_token
from app.transactions import action
from app.urls import external_url, redirect_back
from app.web import never_stored, paginate

bp = Blueprint("accounts", __name__)


@bp.record_once
def wire_login(state) -> None:
    login.init_app(state.app)


@bp.route("/sign-in", methods=["GET", "POST"])
@requires(Access.anyone)
@never_stored
def sign_in_page():
    if current_user.is_authenticated:
        return redirect_back(request.args.get("next"), "site.start")
    form = SignInForm()
    if form.validate_on_submit():
        # A refusal is kept: the failed attempt counts towards the throttle.
        with action(form, keep_changes_on_error=True) as done:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr)
            login.sign_in(user)
        if done:
            # From now on the site speaks the person's own language, this message included.
            switched = user.locale != current_locale()
            with force_locale(user.locale):
                signed_in = _("You are signed in.")
                if switched:
                    signed_in += " " + _(
                        "The site now speaks %(language)s, the language of your profile. "
                        "You can change it in the language menu.",
                        language=endonym(user.locale),
                    )
                flash(signed_in, "success")
            response = redirect_back(request.args.get("next"), "site.start")
            remember_language(response, user.locale)
            return response
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/sign-out")
@requires(Access.anyone)
def sign_out():
    if current_user.is_authenticated:
        with action():
            login.sign_out(current_user)
        flash(_("You are signed out."), "success")
    response = redirect(url_for("site.home"))
    # Signed-in pages may be kept for the back button (app.web.page_cache_control): on a
    # shared computer, going back after signing out must not show them.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.route("/profile", methods=["GET", "POST"])
@requires(Access.signed_in)
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        with action(form) as done:
            services.update_profile(
                current_user,
                form.display_name.data,
                form.locale.data,
                NoticeFrequency(form.notices.data),
            )
        if done:
            with force_locale(current_user.locale):
                flash(_("Your profile is saved."), "success")
            response = redirect(url_for("accounts.profile"))
            remember_language(response, current_user.locale)
            return response
    return render_template("accounts/profile.html", form=form)


@bp.route("/profile/password", methods=["GET", "POST"])
@requires(Access.signed_in)
@never_stored
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        with action() as done:
            services.change_password(current_user, form.current_password.data, form.password.data)
        if not done:
            form.current_password.errors.append(done.error)
        else:
            flash(_("Your password is changed. Other devices have been signed out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form)


def email_reset_link(user: User, link: str) -> bool:
    """Queue the link (the caller commits); False when email is not set up."""
    with force_locale(user.locale):
        return (
            queue_email(
                user.email,
                _("Choose a new password for Consulta"),
                render_template("accounts/email/reset.txt", user=user, link=link),
                locale=user.locale,
            )
            is not None
        )


@bp.route("/forgot-password", methods=["GET", "POST"])
@requires(Access.anyone)
def forgot_password():
    form = ForgotPasswordForm()
    if mail_enabled() and form.validate_on_submit():
        # Whether the address has an account is found out after the response: the request
        # takes the same time and gives the same answer for every address.
        token = new_token()[0]
        link = external_url("accounts.reset_password", token=token)
        after_response(email_requested_reset, form.email.data, token, link)
        flash(_("If an account uses this address, we have sent it a link."), "success")
        return redirect(url_for("accounts.sign_in_page"))
    return render_template("accounts/forgot_password.html", form=form, mail=mail_enabled())


def email_requested_reset(email: str, token: str, link: str) -> None:
    """After the response: the link, for an active account that has not had enough of them."""
    user = services.request_password_reset(email, token)
    if user is not None:
        email_reset_link(user, link)
        db.session.commit()


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@requires(Access.anyone)
@never_stored
def reset_password(token: str):
    reset = services.find_password_reset(token)
    if reset is None:
        return render_template("accounts/link_invalid.html"), 404
    form = PasswordResetForm()
    if form.validate_on_submit():
        with action(form) as done:
            user = services.reset_password(reset, form.password.data)
            login.sign_in(user)
        if done:
            flash(_("Your new password is saved and you are signed in."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/reset_password.html", form=form, user=reset.user)


@bp.get("/admin/users")
@requires(Access.admin)
def users():
    page = paginate(select(User).order_by(User.display_name), per_page=50)
    return render_template("accounts/users.html", page=page, form=ActionForm())


@bp.post("/admin/users/<int:user_id>/reset-link")
@requires(Access.admin)
@never_stored
def create_reset_link(user_id: int):
    user = db.get_or_404(User, user_id)
    with action():
        token = services.create_password_reset(user, actor=current_user)
        link = external_url("accounts.reset_password", token=token)
        emailed = email_reset_link(user, link)
    return render_template("accounts/reset_link.html", user=user, link=link, emailed=emailed)


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@requires(Access.admin)
def deactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    if request.method == "POST":
        with action() as done:
            services.set_active(user, False, actor=current_user)
        if done:
            flash(_("%(name)s is deactivated and signed out.", name=user.display_name), "success")
        return redirect(url_for("accounts.users"))
    try:
        services.check_deactivation(user, actor=current_user)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("accounts.users"))
    return render_template("accounts/deactivate.html", form=ActionForm(), user=user)


@bp.post("/admin/users/<int:user_id>/reactivate")
@requires(Access.admin)
def reactivate(user_id: int):
    user = db.get_or_404(User, user_id)
    with action() as done:
        services.set_active(user, True, actor=current_user)
    if done:
        flash(_("%(name)s can sign in again.", name=user.display_name), "success")
    return redirect(url_for("accounts.users"))
