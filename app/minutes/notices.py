"""Published minutes reach the council's members and followers, each in their language."""

from flask import render_template
from flask_babel import gettext as _

from app.councils import notices as council_notices
from app.mail import Recipient, notice_for, send_notice
from app.minutes.models import Minutes


@notice_for("minutes.published")
def _published(action: str, minutes: Minutes, details: dict) -> None:
    meeting = minutes.meeting
    council = meeting.council

    def compose(recipient: Recipient):
        subject = _("Minutes: %(title)s", title=meeting.title.shown().text)
        body = render_template("minutes/email/published.txt", minutes=minutes, recipient=recipient)
        return subject, body, []

    recipients = [*council_notices.members(council), *council_notices.followers(council)]
    send_notice(council, action, recipients, compose)
