from datetime import timedelta

from flask import flash, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.auth import get_in_council_or_404
from app.mail import mail_enabled, outbox
from app.meetings.models import Meeting


def load_meeting(meeting_id: int) -> Meeting:
    """The meeting of the URL's council; drafts only for those who plan meetings."""
    return get_in_council_or_404(Meeting, meeting_id)


def meeting_url(meeting: Meeting, **kwargs) -> str:
    return url_for("meetings.meeting", slug=meeting.council.slug, meeting_id=meeting.id, **kwargs)


def flash_notification(meeting: Meeting) -> None:
    """Say who is being told of what was just done to ``meeting``."""
    if not mail_enabled():
        flash(_("No email was sent to members: email is not set up on this site."), "info")
        return
    count = outbox.recipients_of_latest(meeting.council, since=timedelta(minutes=1))
    if count:
        flash(
            ngettext(
                "The notice is on its way to %(num)d person: the delivery report shows when "
                "it has arrived.",
                "The notice is on its way to %(num)d people: the delivery report shows when "
                "it has arrived.",
                count,
            ),
            "success",
        )
    else:
        flash(_("Nobody was emailed: no member or follower takes notices."), "info")
