"""iCalendar (RFC 5545) for one meeting and a subscribable feed per council."""

from datetime import UTC
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from app.councils.models import Council
from app.meetings.models import Meeting, MeetingState
from app.urls import external_url


def _calendar(council: Council) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Consulta//Migrant council meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", council.name.shown().text)
    calendar.add("x-wr-timezone", council.timezone)
    return calendar


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
    for meeting in meetings:
        calendar.add_component(_event(meeting))
    calendar.add_missing_timezones()
    return calendar.to_ical()
