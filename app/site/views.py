from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import select

from app.auth import Access, Permission, can, current_council, requires
from app.councils.models import Council
from app.extensions import db
from app.forms import ActionForm
from app.meetings import services as meetings
from app.site.demo import DEMO_PASSWORD, demo_accounts, demo_data_present

bp = Blueprint("site", __name__)

bp.add_app_template_global(demo_data_present)
bp.add_app_template_global(demo_accounts)
bp.add_app_template_global(lambda: DEMO_PASSWORD, "demo_password")


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
