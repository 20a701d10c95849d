from flask import flash, url_for
from flask_babel import gettext as _

from app.auth import get_in_council_or_404
from app.meetings.models import Meeting


def load_meeting(meeting_id: int) -> Meeting:
    """The meeting of the URL's council; drafts only for those who plan meetings."""
    return get_in_council_or_404(Meeting, meeting_id)


def meeting_url(meeting: Meeting, **kwargs) -> str:
    return url_for("meetings.meeting", slug=meeting.council.slug, meeting_id=meeting.id, **kwargs)


def flash_notification(result) -> None:
    if result is None:
        flash(_("No email was sent to members: email is not set up on this site."), "info")
        return
    sent, failed = result
    if sent:
        flash(_("%(count)s members were emailed.", count=sent), "success")
    if failed:
        flash(_("Email could not be sent to %(count)s members.", count=failed), "error")
