"""Minutes: drafted from a closed meeting, edited in revisions, approved, published, corrected.

The original text changes only through ``save_text`` (a draft, before approval) or
``correct`` (after publication, with a note readers see). Each change is a numbered revision;
a save names the revision it started from, and a stale one is refused with the current text,
so two people editing at once never overwrite each other.
"""

import difflib
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import audit
from app.auth import Permission, can
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import Translated
from app.meetings.models import AgendaItem, Meeting, MeetingState
from app.minutes.draft import draft_text
from app.minutes.models import Minutes, MinutesRevision, MinutesState
from app.workflow import transition

#: Long enough for the minutes of a long meeting; a limit all the same.
MAX_LENGTH = 100_000


class StaleSave(DomainError):
    """Someone saved the minutes since this person started editing."""

    def __init__(self, current: MinutesRevision):
        super().__init__(
            _l(
                "Someone else saved these minutes while you were editing. Your text is "
                "below, with the current version; nothing was saved."
            )
        )
        self.current = current


def minutes_of(meeting: Meeting) -> Minutes | None:
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))


def published_ids(meeting_ids: set[int]) -> list[tuple[int, int]]:
    """(minutes id, meeting id) of the published minutes of these meetings."""
    rows = db.session.execute(
        select(Minutes.id, Minutes.meeting_id).where(
            Minutes.meeting_id.in_(meeting_ids), Minutes.state == MinutesState.published
        )
    )
    return [(minutes_id, meeting_id) for minutes_id, meeting_id in rows]


@dataclass(frozen=True)
class PublishedMinutes:
    """What the council's feed says of published minutes."""

    id: int
    revision: int
    published_at: datetime
    #: When the current revision was saved.
    revised_at: datetime
    #: The note of the latest correction ("" when never corrected).
    correction: str
    meeting_title: Translated
    meeting_starts_at: datetime


def published(council, limit: int) -> list[PublishedMinutes]:
    """The council's published minutes, newest first: one statement that reads neither the
    texts of the minutes nor those of their revisions."""
    current = (
        select(MinutesRevision.created_at)
        .where(MinutesRevision.minutes_id == Minutes.id)
        .order_by(MinutesRevision.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    correction = (
        select(MinutesRevision.note)
        .where(MinutesRevision.minutes_id == Minutes.id, MinutesRevision.correction.is_(True))
        .order_by(MinutesRevision.number.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Minutes.id,
            Minutes.revision,
            func.coalesce(Minutes.published_at, Minutes.updated_at),
            current,
            func.coalesce(correction, ""),
            Meeting.title,
            Meeting.starts_at,
        )
        .join(Minutes.meeting)
        .where(Meeting.council_id == council.id, Minutes.state == MinutesState.published)
        .order_by(Minutes.published_at.desc())
        .limit(limit)
    )
    return [PublishedMinutes(*row) for row in rows]


def current_revision(minutes: Minutes) -> MinutesRevision:
    return minutes.revisions[-1]


def revision(minutes: Minutes, number: int) -> MinutesRevision | None:
    return next((r for r in minutes.revisions if r.number == number), None)


def _check_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write the minutes: the text cannot be empty."))
    if len(text) > MAX_LENGTH:
        raise DomainError(
            _("The minutes are too long: at most %(count)s characters.", count=MAX_LENGTH)
        )
    return text


def _add_revision(minutes: Minutes, text: str, lang: str, *, actor, note="", correction=False):
    number = minutes.revision + 1 if minutes.revisions else 1
    minutes.revisions.append(
        MinutesRevision(
            number=number,
            lang=lang,
            text=text,
            author=actor,
            note=note,
            correction=correction,
        )
    )
    minutes.revision = number
    # A new original: the translations of the old one no longer say the same.
    minutes.body = Translated.of(text, lang)


def start_draft(meeting: Meeting, lang: str, *, actor) -> Minutes:
    """Minutes for a closed meeting, pre-filled from what it recorded."""
    if meeting.state is not MeetingState.closed:
        raise DomainError(_("Minutes are drafted once the meeting is closed."))
    if minutes_of(meeting) is not None:
        raise DomainError(_("This meeting already has minutes."))
    minutes = Minutes(meeting=meeting, state=MinutesState.draft, revision=1)
    _add_revision(minutes, draft_text(meeting, lang), lang, actor=actor)
    db.session.add(minutes)
    db.session.flush()
    audit.record("minutes.drafted", minutes, actor=actor, revision=minutes.revision)
    return minutes


def save_text(minutes: Minutes, text: str, *, base: int, actor) -> bool:
    """Save the secretary's text as a new revision; returns whether it changed.

    ``base`` is the revision the person started from: if someone saved since, ``StaleSave``."""
    if minutes.state is not MinutesState.draft:
        raise DomainError(_("Only draft minutes can be edited. Published minutes are corrected."))
    text = _check_text(text)
    current = current_revision(minutes)
    if base != minutes.revision:
        raise StaleSave(current)
    if text == current.text:
        return False
    _add_revision(minutes, text, current.lang, actor=actor)
    audit.record("minutes.saved", minutes, actor=actor, revision=minutes.revision)
    return True


def approvable_items(minutes: Minutes) -> list[AgendaItem]:
    """Items of the council's later meetings, started or closed, at which it could approve."""
    meeting = minutes.meeting
    return list(
        db.session.scalars(
            select(AgendaItem)
            .join(AgendaItem.meeting)
            .where(
                Meeting.council_id == meeting.council_id,
                Meeting.starts_at > meeting.starts_at,
                Meeting.state.in_([MeetingState.in_progress, MeetingState.closed]),
            )
            .order_by(Meeting.starts_at.desc(), AgendaItem.position)
            .limit(100)
        )
    )


def approve(minutes: Minutes, *, actor, at_item: AgendaItem | None = None) -> None:
    """Approved by the chair, or by the council at an item of a later meeting."""
    if at_item is None and not can(actor, Permission.approve_minutes, minutes.council):
        raise DomainError(
            _("Only the chair approves minutes alone; otherwise name the meeting that did.")
        )
    if at_item is not None and at_item not in approvable_items(minutes):
        raise DomainError(_("Choose an item of a later meeting of this council."))
    transition(
        minutes,
        MinutesState.approved,
        actor=actor,
        revision=minutes.revision,
        at_item=at_item.id if at_item else None,
    )
    minutes.approved_at = utcnow()
    minutes.approved_by = actor
    minutes.approved_in = at_item


def reopen(minutes: Minutes, *, actor) -> None:
    """Approved minutes back to a draft, to change them before they are published."""
    transition(minutes, MinutesState.draft, actor=actor)
    minutes.approved_at = None
    minutes.approved_by = None
    minutes.approved_in = None


def publish(minutes: Minutes, *, actor) -> None:
    if minutes.state is MinutesState.draft:
        raise DomainError(_("Minutes are approved before they are published."))
    transition(minutes, MinutesState.published, actor=actor, revision=minutes.revision)
    minutes.published_at = utcnow()


def correct(minutes: Minutes, text: str, note: str, *, base: int, actor) -> None:
    """A change to published minutes: a new published revision, with a note of what and why."""
    if minutes.state is not MinutesState.published:
        raise DomainError(_("Only published minutes are corrected; edit the draft instead."))
    text = _check_text(text)
    note = " ".join((note or "").split())
    if not note:
        raise DomainError(_("Say what you changed and why: readers see this note."))
    current = current_revision(minutes)
    if base != minutes.revision:
        raise StaleSave(current)
    if text == current.text:
        raise DomainError(_("The text is the same as the published one: nothing to correct."))
    _add_revision(minutes, text, current.lang, actor=actor, note=note[:500], correction=True)
    audit.record("minutes.corrected", minutes, actor=actor, revision=minutes.revision)


@dataclass(frozen=True)
class DiffLine:
    #: "same", "added" or "removed".
    change: str
    text: str
    old_number: int | None
    new_number: int | None


def diff(old: str, new: str) -> list[DiffLine]:
    """Line by line, as people compare two versions of a document."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            lines += [
                DiffLine("same", old_lines[a1 + i], a1 + i + 1, b1 + i + 1) for i in range(a2 - a1)
            ]
            continue
        lines += [DiffLine("removed", old_lines[i], i + 1, None) for i in range(a1, a2)]
        lines += [DiffLine("added", new_lines[i], None, i + 1) for i in range(b1, b2)]
    return lines
