"""iCalendar (RFC 5545) for one meeting and a subscribable feed per council.

The feed holds the meetings of the past year and every one to come: a calendar app fetches
it every few hours for years, and a council's whole history would grow every fetch. Its
version (ETag and Last-Modified) is read in one small statement, so an app that already has
the feed is told "not modified" without it being rendered.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import func, select

from app.councils.models import Council
from app.extensions import db
from app.meetings.models import Meeting, MeetingState
from app.urls import external_url

#: How far back the feed reaches; everything to come is in it.
FEED_PAST = timedelta(days=365)


def _in_feed(council: Council, now: datetime):
    return (
        Meeting.council_id == council.id,
        Meeting.state != MeetingState.draft,
        Meeting.starts_at >= now - FEED_PAST,
    )


def feed_meetings(council: Council, now: datetime):
    """The public meetings of the feed's window, oldest first."""
    return select(Meeting).where(*_in_feed(council, now)).order_by(Meeting.starts_at)


@dataclass(frozen=True)
class FeedVersion:
    etag: str
    #: The newest change to a meeting in the feed; None for an empty feed.
    last_modified: datetime | None


def feed_version(council: Council, now: datetime, locale: str) -> FeedVersion:
    """What the feed depends on: its meetings' newest change and their number (a meeting
    leaving the window changes it), the council's name and zone, and the reader's language."""
    newest, count = db.session.execute(
        select(func.max(Meeting.updated_at), func.count(Meeting.id)).where(*_in_feed(council, now))
    ).one()
    council_part = json.dumps(council.name.to_json(), sort_keys=True)
    key = f"{newest}|{count}|{locale}|{council.timezone}|{council_part}"
    return FeedVersion(
        etag=hashlib.sha256(key.encode()).hexdigest()[:32],
        last_modified=newest.replace(tzinfo=UTC) if newest else None,
    )


def _calendar(council: Council) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Consulta//Migrant council meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", council.name.shown().text)
    calendar.add("x-wr-timezone", council.timezone)
    return calendar


def _feed_description(council: Council) -> str:
    return _(
        "Meetings of %(council)s: those of the past year and all those to come.",
        council=council.name.shown().text,
    )


def _event(meeting: Meeting) -> Event:
    zone = ZoneInfo(meeting.council.timezone)
    event = Event()
    event.add("uid", f"{meeting.uid}@consulta")
    event.add("dtstamp", meeting.updated_at.replace(tzinfo=UTC))
    event.add("dtstart", meeting.starts_at.replace(tzinfo=UTC).astimezone(zone))
    event.add("dtend", meeting.ends_at.replace(tzinfo=UTC).astimezone(zone))
    event.add("summary", meeting.title.shown().text)
    event.add("sequence", meeting.sequence)
    url = external_url("meetings.meeting", slug=meeting.council.slug, meeting_id=meeting.id)
    event.add("url", url)
    description = [meeting.description.shown().text, url]
    if meeting.state is MeetingState.cancelled:
        event.add("status", "CANCELLED")
        description.insert(0, meeting.cancel_reason.shown().text)
    else:
        event.add("status", "CONFIRMED")
    event.add("description", "\n\n".join(part for part in description if part))
    location = ", ".join(part for part in (meeting.place, meeting.online_url) if part)
    if location:
        event.add("location", location)
    return event


def meeting_calendar(meeting: Meeting) -> bytes:
    calendar = _calendar(meeting.council)
    calendar.add_component(_event(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def council_feed(council: Council, meetings) -> bytes:
    calendar = _calendar(council)
    calendar.add("x-wr-caldesc", _feed_description(council))
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()
