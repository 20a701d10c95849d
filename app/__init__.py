"""Consulta: migrant consultative councils, their meetings, proposals, votes and minutes."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import Config, config_from_environment


def create_app(config_class: type[Config] | None = None) -> Flask:
    config_class = config_class or config_from_environment()
    app = Flask(
        __name__,
        instance_path=os.path.abspath(os.environ.get("CONSULTA_INSTANCE", "instance")),
    )
    app.config.from_object(config_class)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SECRET_KEY"] = app.config["SECRET_KEY"] or instance_secret(app.instance_path)
    if not app.config["BASE_URL"]:
        raise RuntimeError(
            "Set CONSULTA_BASE_URL to the site's address, e.g. https://council.example.org"
        )
    if app.config.get("HSTS") and not app.config.get("TRUSTED_HOSTS"):
        # Production answers only to the site's own name (Flask refuses other Host headers).
        app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["BASE_URL"]).hostname]
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        database_file = Path(app.instance_path) / "consulta.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database_file}"

    from app import assets, cleaning, database, errors, timing, web  # noqa: F401 - cleaning listens
    from app.background import Background
    from app.extensions import babel, compress, csrf, db, login_manager, migrate
    from app.i18n import select_locale
    from app.mail.sender import Sender

    # Ids in URLs stop where the databases' integers do: a bigger one is a 404, not a crash.
    app.url_map.converters["int"] = RecordIdConverter
    if proxies := app.config["PROXIES"]:
        # Behind a reverse proxy every request comes from the proxy: trust what it forwards.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    db.init_app(app)
    database.init_app(app, db)
    timing.init_app(app, db)
    migrate.init_app(app, db)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    login_manager.init_app(app)
    web.init_app(app)
    assets.init_app(app)
    compress.init_app(app)
    errors.init_app(app, db)
    Background(app)
    database.keep_statistics(app, db)
    sender = Sender(app)
    app.before_request(sender.start)

    from app.accounts.views import bp as accounts_bp
    from app.consultations.views import blueprints as consultations_blueprints
    from app.councils.views import bp as councils_bp
    from app.flyers.views import bp as flyers_bp
    from app.health import bp as health_bp
    from app.help.views import bp as help_bp
    from app.meetings.views import blueprints as meetings_blueprints
    from app.minutes.views import bp as minutes_bp
    from app.oparl.views import bp as oparl_bp
    from app.proposals.views import bp as proposals_bp
    from app.residents.views import blueprints as residents_blueprints
    from app.site.views import bp as site_bp
    from app.translate.views import bp as translate_bp
    from app.voting.views import bp as voting_bp

    for blueprint in [
        accounts_bp,
        councils_bp,
        *meetings_blueprints,
        proposals_bp,
        voting_bp,
        minutes_bp,
        *consultations_blueprints,
        translate_bp,
        *residents_blueprints,
        site_bp,
        flyers_bp,
        help_bp,
        oparl_bp,
        health_bp,
    ]:
        app.register_blueprint(blueprint)
    check_access_declared(app)

    # Notices register for the audit actions they tell people about (app.mail).
    from app import cli
    from app.meetings import notifications  # noqa: F401
    from app.minutes import notices as minutes_notices  # noqa: F401
    from app.proposals import notices as proposal_notices  # noqa: F401

    cli.init_app(app)
    return app


def instance_secret(instance_path: str) -> str:
    """The secret key kept in the instance folder, created on first run (never committed)."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def check_access_declared(app: Flask) -> None:
    """Every route says who may use it (``app.auth.requires``); a route that does not is a
    mistake found at start-up, not a page open to everyone."""
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and not hasattr(view, "access")
    ]
    if undeclared:
        raise RuntimeError(f"routes without @requires: {', '.join(sorted(undeclared))}")


class RecordIdConverter(IntegerConverter):
    """``<int:…>`` in every route: at most the largest id a column can hold (PostgreSQL's
    ``integer`` is 32 bits), so a bigger number is a 404, not a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)
