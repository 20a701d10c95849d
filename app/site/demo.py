"""Demo data is always labelled as such: a banner on every page, its accounts on sign-in."""

import time

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.extensions import db

DEMO_DOMAIN = "@demo.test"
DEMO_PASSWORD = "consulta-demo"  # noqa: S105 - published on purpose, see README


def demo_data_present() -> bool:
    """Demo accounts exist: every page says so, so nobody mistakes them for real people.

    Asked on every page, so each process looks again only every DEMO_CHECK_SECONDS."""
    known, until = current_app.extensions.get("consulta.demo_data", (False, 0.0))
    if until < time.monotonic():
        query = select(User.id).where(User.email.endswith(DEMO_DOMAIN)).limit(1)
        known = db.session.scalar(query) is not None
        current_app.extensions["consulta.demo_data"] = (
            known,
            time.monotonic() + current_app.config["DEMO_CHECK_SECONDS"],
        )
    return known


def demo_accounts() -> list[User]:
    """The demo's active accounts with their seats, for the sign-in page."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.email.endswith(DEMO_DOMAIN), User.active.is_(True))
            .options(selectinload(User.memberships))
            .order_by(User.email)
        )
    )
