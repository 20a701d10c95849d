"""Emails to members when a meeting is published or cancelled, each in the member's language."""

import logging
import smtplib

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.mail import mail_enabled, send_email
from app.meetings.calendar import meeting_calendar
from app.meetings.models import Meeting, MeetingState

log = logging.getLogger(__name__)


def notify_members(meeting: Meeting) -> tuple[int, int] | None:
    """Email every current member; returns (sent, failed), or None when email is not set up."""
    if not mail_enabled():
        return None
    template = (
        "meetings/email/cancelled.txt"
        if meeting.state is MeetingState.cancelled
        else "meetings/email/published.txt"
    )
    sent = failed = 0
    for membership in meeting.council.current_memberships:
        user = membership.user
        if not user.active:
            continue
        with force_locale(user.locale):
            if meeting.state is MeetingState.cancelled:
                subject = _("Cancelled: %(title)s", title=meeting.title.shown().text)
            else:
                subject = _("Meeting: %(title)s", title=meeting.title.shown().text)
            body = render_template(template, meeting=meeting, user=user)
            ics = meeting_calendar(meeting)
        try:
            send_email(user.email, subject, body, [("meeting.ics", "text/calendar", ics)])
            sent += 1
        except (smtplib.SMTPException, OSError):
            log.exception("Could not email %s about meeting %s", user.email, meeting.id)
            failed += 1
    return sent, failed
