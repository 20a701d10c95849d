"""Signing in and out on the web: the session cookie, and who the signed-in person is."""

from flask import Flask, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from app.accounts import services
from app.accounts.models import User
from app.extensions import login_manager


def init_app(app: Flask) -> None:
    # "basic", not "strong": a phone that changes network mid-meeting stays signed in; the
    # session rows are what make a cookie revocable.
    login_manager.session_protection = "basic"
    login_manager.login_view = "accounts.sign_in_page"
    login_manager.user_loader(services.load_session)

    @login_manager.unauthorized_handler
    def unauthorized():
        flash(_("Please sign in to see this page."), "info")
        return redirect(url_for("accounts.sign_in_page", next=request.full_path.rstrip("?")))

    app.register_error_handler(401, lambda _error: unauthorized())


def sign_in(user: User) -> None:
    """Start a fresh session: nothing from before sign-in survives it."""
    session.clear()
    services.start_session(user)
    login_user(user)
    session.permanent = True


def sign_out(user) -> None:
    """End this device's session: its row goes, so even a copied cookie stops working."""
    token = user.session_token
    services.end_session(token, actor=user)
    logout_user()
    session.clear()
