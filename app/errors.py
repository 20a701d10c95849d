"""Domain errors and the translated error pages."""

from flask import render_template
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError


class DomainError(Exception):
    """A rule of the domain refused an action, with a message for the person.

    The message may be lazy (``lazy_gettext``): it is translated when read, which lets the
    caller roll the transaction back first."""

    def __init__(self, message):
        super().__init__(message)
        self._message = message

    @property
    def message(self) -> str:
        return str(self._message)


ERROR_CODES = (400, 403, 404, 405, 413, 500)


def init_app(app, db) -> None:
    def render_error(error):
        code = getattr(error, "code", 500) or 500
        if code == 500:
            # A write the database refused leaves the session unusable until it is rolled
            # back, and the page reads the signed-in person through it.
            db.session.rollback()
        if request_ctx.url_adapter is None:
            # Refused before any URL could be built (a Host the site does not answer to): a
            # page with links cannot be made, and that visitor needs none.
            return f"{code}\n", code, {"Content-Type": "text/plain; charset=utf-8"}
        message = getattr(error, "refusal", None)
        return render_template("errors/error.html", code=code, message=message), code

    for code in ERROR_CODES:
        app.register_error_handler(code, render_error)

    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        message = _("This form has expired or was sent from another site. Please try again.")
        return render_template("errors/error.html", code=400, message=message), 400
