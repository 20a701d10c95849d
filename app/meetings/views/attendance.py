from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Permission, get_in_council_or_404, requires
from app.councils.models import Membership
from app.meetings import attendance, services
from app.meetings.forms import ApologyForm, AttendanceForm, CorrectionForm
from app.meetings.models import MeetingState, Presence
from app.meetings.views.common import load_meeting, meeting_url
from app.text import clean_plain
from app.transactions import action
from app.urls import redirect_back
from app.web import paginate_list

#: Members per page of the attendance sheet: a phone scrolls through it, a name finds one.
SHEET_PAGE = 50

bp = Blueprint("attendance", __name__, url_prefix="/councils/<slug>/meetings/<int:meeting_id>")


@bp.route("/attendance", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def sheet(slug: str, meeting_id: int):
    """One tap per member: each button records one member's presence. Members come by name,
    fifty a page, or found by a part of their name, and a tap comes back to the same place.
    Once the meeting is closed, each member's line links to its correction."""
    meeting = load_meeting(meeting_id)
    council = meeting.council
    name = clean_plain(request.args.get("name", ""))[:80]
    page_number = request.args.get("page", type=int)
    form = AttendanceForm()
    if form.validate_on_submit():
        membership = get_in_council_or_404(Membership, form.membership_id)
        with action() as done:
            services.record_attendance(meeting, membership, form.state, actor=current_user)
        if done:
            state = Presence(form.state).label if form.state != "left" else _("Left the meeting")
            flash(
                _("%(name)s: %(state)s.", name=membership.user.display_name, state=state),
                "success",
            )
        return redirect(
            url_for(
                "attendance.sheet",
                slug=slug,
                meeting_id=meeting_id,
                name=name or None,
                page=page_number,
                _anchor=f"member-{membership.id}",
            )
        )
    lines = attendance.attendance_record(meeting)
    found = attendance.named(lines, name)
    return render_template(
        "meetings/attendance.html",
        meeting=meeting,
        council=council,
        everyone=len(lines),
        name=name,
        page=paginate_list(found, per_page=SHEET_PAGE),
        Presence=Presence,
        # A closed meeting's sheet corrects the record; its quorum is not shown.
        quorum=None if meeting.state is MeetingState.closed else services.quorum(meeting),
        form=form,
    )


def sheet_url(meeting, membership: Membership) -> str:
    """The page of the attendance sheet that has ``membership``, at its line."""
    ids = [line.membership.id for line in attendance.attendance_record(meeting)]
    page = ids.index(membership.id) // SHEET_PAGE + 1 if membership.id in ids else 1
    return url_for(
        "attendance.sheet",
        slug=meeting.council.slug,
        meeting_id=meeting.id,
        page=page if page > 1 else None,
        _anchor=f"member-{membership.id}",
    )


@bp.route("/attendance/<int:membership_id>", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def correct(slug: str, meeting_id: int, membership_id: int):
    """After the close: a member's presence and times as they really were."""
    meeting = load_meeting(meeting_id)
    membership = get_in_council_or_404(Membership, membership_id)
    record = services.attendance_for(meeting, membership)
    form = CorrectionForm()
    if request.method == "GET":
        rows = [{"arrived": a, "left": b} for a, b in attendance.local_periods(meeting, record)]
        form.process(
            data={
                "presence": record.presence.value if record else Presence.absent.value,
                "periods": [*rows, {}],
            }
        )
    if form.validate_on_submit():
        with action(form) as done:
            changed = attendance.correct_attendance(
                meeting, membership, Presence(form.presence.data), form.times(), actor=current_user
            )
        if done:
            name = membership.user.display_name
            if changed:
                flash(_("The attendance of %(name)s is corrected.", name=name), "success")
            else:
                flash(_("Nothing changed for %(name)s.", name=name), "info")
            return redirect(sheet_url(meeting, membership))
    return render_template(
        "meetings/correct_attendance.html",
        meeting=meeting,
        council=meeting.council,
        membership=membership,
        closed=meeting.state is MeetingState.closed,
        back=sheet_url(meeting, membership),
        form=form,
    )


@bp.route("/apologies", methods=["GET", "POST"])
@requires(Permission.attend)
def apologies(slug: str, meeting_id: int):
    """A member who cannot come says so before the meeting, with a note if they like."""
    meeting = load_meeting(meeting_id)
    membership = meeting.council.current_membership_of(current_user)
    form = ApologyForm()
    if form.validate_on_submit():
        with action(form) as done:
            attendance.send_apologies(meeting, membership, form.note.data or "", actor=current_user)
        if done:
            flash(_("Your apologies are sent. The secretary will see them."), "success")
            return redirect(meeting_url(meeting, _anchor="your-attendance"))
    return render_template(
        "meetings/apologies.html",
        meeting=meeting,
        council=meeting.council,
        form=form,
    )


@bp.post("/apologies/withdraw")
@requires(Permission.attend)
def withdraw_apologies(slug: str, meeting_id: int):
    meeting = load_meeting(meeting_id)
    membership = meeting.council.current_membership_of(current_user)
    with action() as done:
        attendance.withdraw_apologies(meeting, membership, actor=current_user)
    if done:
        flash(_("Your apologies are withdrawn. See you at the meeting!"), "success")
    return redirect(meeting_url(meeting, _anchor="your-attendance"))


@bp.post("/presence")
@requires(Permission.attend)
def mark_present(slug: str, meeting_id: int):
    meeting = load_meeting(meeting_id)
    membership = meeting.council.current_membership_of(current_user)
    with action() as done:
        services.set_presence(meeting, membership, Presence.present, actor=current_user)
    if done:
        flash(_("You are marked present. Welcome!"), "success")
    # Back where the member said it (a vote they could not cast yet), or to the meeting.
    return redirect_back(
        request.form.get("next"), "meetings.meeting", slug=slug, meeting_id=meeting_id
    )
