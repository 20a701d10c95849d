from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Permission, get_in_council_or_404, requires
from app.councils.models import Membership
from app.meetings import services
from app.meetings.forms import AttendanceForm
from app.meetings.models import Presence
from app.meetings.views.common import load_meeting
from app.transactions import action
from app.urls import redirect_back

bp = Blueprint("attendance", __name__, url_prefix="/councils/<slug>/meetings/<int:meeting_id>")


@bp.route("/attendance", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def sheet(slug: str, meeting_id: int):
    """One screen, one tap per member: each button records one member's presence."""
    meeting = load_meeting(meeting_id)
    council = meeting.council
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
                _anchor=f"member-{membership.id}",
            )
        )
    members = sorted(council.current_memberships, key=lambda m: m.user.display_name.lower())
    return render_template(
        "meetings/attendance.html",
        meeting=meeting,
        council=council,
        members=[(m, services.attendance_for(meeting, m)) for m in members],
        quorum=services.quorum(meeting),
        form=form,
    )


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
