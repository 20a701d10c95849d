import time

from flask import Blueprint, current_app, render_template
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import User
from app.auth import Access, Permission, can, current_council, requires
from app.councils.models import Council
from app.extensions import db
from app.forms import ActionForm
from app.meetings import services as meetings

bp = Blueprint("site", __name__)

DEMO_DOMAIN = "@demo.test"


@bp.app_template_global()
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


@bp.get("/")
@requires(Access.anyone)
def home():
    councils = db.session.scalars(select(Council).order_by(Council.municipality)).all()
    return render_template("site/index.html", councils=councils)


@bp.get("/councils/<slug>")
@requires(Access.anyone)
def council(slug: str):
    council = current_council()
    return render_template(
        "site/council.html",
        council=council,
        listed=[m for m in council.current_memberships if m.listed],
        next_meeting=db.session.scalar(
            meetings.upcoming_meetings(council, include_drafts=False).limit(1)
        ),
        officer=can(current_user, Permission.manage_meetings, council),
        membership=council.current_membership_of(current_user),
        can_manage=can(current_user, Permission.manage_members, council),
        form=ActionForm(),
    )
