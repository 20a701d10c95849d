"""Flask extensions, created once and bound in create_app()."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase

from app.database import metadata, render_migration_type


class Base(DeclarativeBase):
    """The typed declarative base: every model's columns are ``Mapped[...]`` attributes."""

    metadata = metadata


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True, render_item=render_migration_type)
babel = Babel()
login_manager = LoginManager()
csrf = CSRFProtect()
compress = Compress()

# Models subclass ``Model``. At run time it is ``db.Model``, the class Flask-SQLAlchemy builds
# from ``Base`` (adding the session binding); type checkers cannot use an attribute computed at
# run time as a base class, so they see ``Base``, whose mapping behaviour it shares.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
