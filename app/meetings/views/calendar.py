from flask import Blueprint, Response, request
from werkzeug.http import is_resource_modified

from app.auth import Access, current_council, requires
from app.database import utcnow
from app.extensions import db
from app.i18n import current_locale
from app.meetings.calendar import council_feed, feed_meetings, feed_version, meeting_calendar
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
    now = utcnow()
    version = feed_version(council, now, current_locale())
    if is_resource_modified(
        request.environ, etag=version.etag, last_modified=version.last_modified
    ):
        meetings = db.session.scalars(feed_meetings(council, now)).all()
        response = Response(council_feed(council, meetings), mimetype="text/calendar")
    else:
        response = Response(status=304)
    response.set_etag(version.etag)
    response.last_modified = version.last_modified
    # Calendar apps ask again every few hours; a cache in between asks us each time.
    response.headers["Cache-Control"] = "public, no-cache"
    return response
