"""Notices about meetings, each in the recipient's language: the agenda when a meeting is
published, a notice when it is moved or cancelled (members and followers), a reminder the
day before (members), and the decisions once it has closed (followers)."""

from datetime import datetime, timedelta

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select, update

from app.councils import notices as council_notices
from app.database import utcnow
from app.extensions import db
from app.mail import Recipient, notice_for, send_notice
from app.mail.sender import PERIODIC
from app.meetings.calendar import meeting_calendar
from app.meetings.models import Meeting, MeetingState

#: Members are reminded this long before a meeting starts.
REMINDER_AHEAD = timedelta(hours=24)

SUBJECTS = {
    "meeting.published": lambda title: _("Meeting: %(title)s", title=title),
    "meeting.moved": lambda title: _("Changed: %(title)s", title=title),
    "meeting.cancelled": lambda title: _("Cancelled: %(title)s", title=title),
    "meeting.reminder": lambda title: _("Tomorrow: %(title)s", title=title),
    "meeting.closed": lambda title: _("Decisions: %(title)s", title=title),
}


def notify(meeting: Meeting, kind: str, recipients: list[Recipient]):
    def compose(recipient: Recipient):
        subject = SUBJECTS[kind](meeting.title.shown().text)
        body = render_template(
            "meetings/email/notice.txt", meeting=meeting, kind=kind, recipient=recipient
        )
        attachments = []
        if kind != "meeting.closed":
            attachments.append(("meeting.ics", "text/calendar", meeting_calendar(meeting)))
        return subject, body, attachments

    return send_notice(meeting.council, kind, recipients, compose)


@notice_for("meeting.published", "meeting.moved", "meeting.cancelled")
def _meeting_changed(action: str, meeting: Meeting, details: dict) -> None:
    council = meeting.council
    if action != "meeting.cancelled" and meeting.starts_at - utcnow() <= REMINDER_AHEAD:
        # The agenda or the change arrives on the eve: it is the reminder.
        meeting.reminded_at = utcnow()
    notify(
        meeting, action, [*council_notices.members(council), *council_notices.followers(council)]
    )


@notice_for("meeting.closed")
def _meeting_closed(action: str, meeting: Meeting, details: dict) -> None:
    notify(meeting, action, council_notices.followers(meeting.council))


def queue_reminders(now: datetime) -> None:
    """Members hear the day before; each meeting is claimed once, whichever sender gets it."""
    due = db.session.scalars(
        select(Meeting.id).where(
            Meeting.state == MeetingState.published,
            Meeting.reminded_at.is_(None),
            Meeting.starts_at > now,
            Meeting.starts_at <= now + REMINDER_AHEAD,
        )
    ).all()
    for meeting_id in due:
        claimed = db.session.execute(
            update(Meeting)
            .where(Meeting.id == meeting_id, Meeting.reminded_at.is_(None))
            .values(reminded_at=now)
        )
        meeting = db.session.get(Meeting, meeting_id)
        if getattr(claimed, "rowcount", 0) == 1 and meeting is not None:
            members = council_notices.members(meeting.council, immediate_only=True)
            notify(meeting, "meeting.reminder", members)
    db.session.commit()


PERIODIC.append(queue_reminders)
