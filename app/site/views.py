from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.auth import Access, Permission, can, current_council, requires, set_council
from app.consultations import services as consultations
from app.councils import notices as council_notices
from app.councils.models import Council
from app.extensions import csrf, db
from app.forms import ActionForm
from app.meetings import services as meetings
from app.meetings.models import Meeting, MeetingState
from app.proposals import notices as proposal_notices
from app.proposals.models import Proposal
from app.site.demo import DEMO_PASSWORD, demo_accounts, demo_data_present
from app.transactions import action
from app.voting import members as votes

bp = Blueprint("site", __name__)

bp.add_app_template_global(demo_data_present)
bp.add_app_template_global(demo_accounts)
bp.add_app_template_global(lambda: DEMO_PASSWORD, "demo_password")


@bp.get("/")
@requires(Access.anyone)
def home():
    councils = db.session.scalars(select(Council).order_by(Council.municipality)).all()
    return render_template("site/index.html", councils=councils)


@bp.get("/start")
@requires(Access.signed_in)
def start():
    """Where a member lands after signing in: the meetings under way in their councils with
    the votes they can cast first, then each council and its next meeting."""
    seats = sorted(
        (m for m in current_user.memberships if m.is_current), key=lambda m: m.council_id
    )
    councils = [seat.council for seat in seats]
    under_way = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.council_id.in_([c.id for c in councils]),
            Meeting.state == MeetingState.in_progress,
        )
        .order_by(Meeting.starts_at)
    ).all()
    standings = votes.standings(votes.open_polls(under_way), seats)
    # A meeting with a vote waiting for this member comes first: that is why they came.
    waiting = {s.poll.item.meeting_id for s in standings.values() if s.can_vote}
    under_way = sorted(under_way, key=lambda meeting: meeting.id not in waiting)
    return render_template(
        "site/start.html",
        seats=seats,
        under_way=under_way,
        standings=list(standings.values()),
        presence={
            meeting.id: meetings.attendance_for(meeting, seat)
            for meeting in under_way
            for seat in seats
            if seat.council_id == meeting.council_id
        },
        next_meetings={
            council.id: db.session.scalar(
                meetings.upcoming_meetings(council, include_drafts=False)
                .where(Meeting.state == MeetingState.published)
                .limit(1)
            )
            for council in councils
        },
        attends={c.id: can(current_user, Permission.attend, c) for c in councils},
        form=ActionForm(),
    )


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
        open_consultations=consultations.open_consultations(council),
        membership=council.current_membership_of(current_user),
        can_manage=can(current_user, Permission.manage_members, council),
        form=ActionForm(),
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@requires(Access.anyone)
@csrf.exempt
def unsubscribe(token: str):
    """The stop link at the foot of every notice. Opening it changes nothing (mail scanners
    open links); the button, or a mail program's one-click request (RFC 8058), stops them.
    The signed link is the proof: it works without a session or a form token."""
    named = council_notices.read_unsubscribe(token)
    if named is None:
        return render_template("site/unsubscribe.html", state="invalid"), 404
    kind, record_id = named
    if kind == "resident":
        proposal = db.session.get(Proposal, record_id)
        record = proposal if proposal is not None and proposal.contact_consent else None
        council = proposal.council if proposal is not None else None
    else:
        record = council_notices.unsubscribe_record(kind, record_id)
        council = getattr(record, "council", None)
    if council is not None:
        set_council(council)
    if record is None:
        return render_template("site/unsubscribe.html", state="done_before")
    if request.method == "POST":
        with action() as done:
            if kind == "resident":
                proposal_notices.stop_resident(record)
            else:
                council_notices.stop(record)
        if done:
            return render_template("site/unsubscribe.html", state="stopped", kind=kind)
    return render_template("site/unsubscribe.html", state="ask", kind=kind, record=record)


@bp.get("/p/<slug>")
@requires(Access.anyone)
def propose(slug: str):
    """The short address printed on flyers and posters: the council's proposal form."""
    return redirect(url_for("proposals.new", slug=current_council().slug))
