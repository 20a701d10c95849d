from flask import Blueprint, Response

from app.auth import Access, current_council, requires
from app.extensions import db
from app.meetings import services
from app.meetings.calendar import council_feed, meeting_calendar
from app.meetings.views.common import load_meeting

bp = Blueprint("calendar", __name__, url_prefix="/councils/<slug>")


@bp.get("/meetings/<int:meeting_id>.ics")
@requires(Access.anyone)
def meeting_ics(slug: str, meeting_id: int):
    meeting = load_meeting(meeting_id)
    return Response(
        meeting_calendar(meeting),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'},
    )


@bp.get("/calendar.ics")
@requires(Access.anyone)
def council_feed_ics(slug: str):
    council = current_council()
    meetings = db.session.scalars(services.public_meetings(council)).all()
    return Response(council_feed(council, meetings), mimetype="text/calendar")
