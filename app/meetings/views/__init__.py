"""Meeting pages, one module per concept: the meetings themselves, their agenda, documents,
attendance and calendar feeds."""

from app.meetings.views import agenda, attendance, calendar, documents, meetings

blueprints = [meetings.bp, agenda.bp, documents.bp, attendance.bp, calendar.bp]
