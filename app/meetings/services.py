"""Meetings: their life from draft to closed, agendas, documents and attendance."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app import audit
from app.councils.models import Council, Membership
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import Translated, format_local
from app.meetings import documents
from app.meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    ItemKind,
    Meeting,
    MeetingState,
    Presence,
)
from app.workflow import share_with_translators, transition

S = MeetingState
#: States in which the agenda can still change.
AGENDA_OPEN = {S.draft, S.published, S.in_progress}


def _transition(meeting: Meeting, target: MeetingState, *, actor) -> None:
    """Calendar apps notice every step: the iCalendar SEQUENCE goes up."""
    transition(meeting, target, actor=actor)
    meeting.sequence += 1


def to_utc(council: Council, day: date, at: time) -> datetime:
    """A wall-clock time in the council's zone, as the naive UTC the database keeps."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(council.timezone))
    return local.astimezone(UTC).replace(tzinfo=None)


def to_local(council: Council, moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(council.timezone))


@dataclass
class MeetingDetails:
    title: str
    lang: str
    day: date
    starts: time
    ends: time
    description: str = ""
    place: str = ""
    step_free: bool = False
    interpretation: tuple[str, ...] = ()
    accessibility_notes: str = ""
    online_url: str = ""


def _check_times(council: Council, details: MeetingDetails, *, allow_past: bool):
    if not allow_past and details.day < utcnow().date() - timedelta(days=1):
        # Before converting: a day such as 0001-01-01 has no UTC equivalent in Europe.
        raise DomainError(_("The meeting cannot start in the past. Check the date and time."))
    try:
        starts_at = to_utc(council, details.day, details.starts)
        ends_at = to_utc(council, details.day, details.ends)
    except OverflowError:
        raise DomainError(
            _("The meeting cannot start in the past. Check the date and time.")
        ) from None
    if ends_at <= starts_at:
        raise DomainError(_("The meeting must end after it starts."))
    if not allow_past and starts_at < utcnow():
        raise DomainError(_("The meeting cannot start in the past. Check the date and time."))
    if details.online_url and not details.online_url.startswith(("https://", "http://")):
        raise DomainError(_("The online link must start with https://"))
    return starts_at, ends_at


def _apply(meeting: Meeting, details: MeetingDetails, starts_at, ends_at) -> None:
    lang = details.lang
    meeting.title = (meeting.title or Translated()).with_text(lang, details.title.strip())
    meeting.description = (meeting.description or Translated()).with_text(
        lang, details.description.strip()
    )
    meeting.accessibility_notes = (meeting.accessibility_notes or Translated()).with_text(
        lang, details.accessibility_notes.strip()
    )
    meeting.starts_at, meeting.ends_at = starts_at, ends_at
    meeting.place = details.place.strip()
    meeting.step_free = details.step_free
    meeting.interpretation = list(details.interpretation)
    meeting.online_url = details.online_url.strip()


def create_meeting(
    council: Council, details: MeetingDetails, *, allow_past=False, actor=None
) -> Meeting:
    """A new meeting starts as a draft that only the council's officers see."""
    starts_at, ends_at = _check_times(council, details, allow_past=allow_past)
    meeting = Meeting(council=council, title=Translated(), state=S.draft)
    _apply(meeting, details, starts_at, ends_at)
    db.session.add(meeting)
    db.session.flush()
    audit.record("meeting.created", meeting, actor=actor)
    return meeting


def update_meeting(meeting: Meeting, details: MeetingDetails, *, actor=None) -> None:
    if meeting.state not in (S.draft, S.published):
        raise DomainError(_("Only meetings that have not started can be changed."))
    starts_at, ends_at = _check_times(meeting.council, details, allow_past=False)
    before = (meeting.starts_at, meeting.ends_at, meeting.place, meeting.online_url)
    _apply(meeting, details, starts_at, ends_at)
    meeting.sequence += 1
    moved = before != (meeting.starts_at, meeting.ends_at, meeting.place, meeting.online_url)
    if moved and meeting.state is S.published:
        # Members and followers are told (app.meetings.notifications).
        meeting.reminded_at = None
        audit.record("meeting.moved", meeting, actor=actor)
    audit.record("meeting.updated", meeting, actor=actor, language=details.lang)


def publish_meeting(meeting: Meeting, *, actor=None) -> None:
    """An agenda is published only with at least one item on it."""
    if not meeting.items:
        raise DomainError(_("Add at least one agenda item before publishing the meeting."))
    _transition(meeting, S.published, actor=actor)
    meeting.published_at = utcnow()


def scheduled_day(meeting: Meeting) -> date:
    """The day the meeting is planned for, in the council's zone."""
    return to_local(meeting.council, meeting.starts_at).date()


def council_today(council: Council) -> date:
    return to_local(council, utcnow()).date()


def start_meeting(meeting: Meeting, *, actor=None, day_confirmed: date | None = None) -> None:
    """A meeting starts on its day; on another day only when the person starting it was told
    the planned day and confirmed it (``day_confirmed``), so a stale or crafted request that
    does not name that day starts nothing."""
    day = scheduled_day(meeting)
    if day != council_today(meeting.council) and day_confirmed != day:
        when = format_local(meeting.starts_at, meeting.council.timezone, "full", "date")
        raise DomainError(
            _(
                "This meeting is scheduled for %(date)s. It was not started: confirm that "
                "you start it today.",
                date=when,
            )
        )
    _transition(meeting, S.in_progress, actor=actor)


def close_meeting(meeting: Meeting, *, actor=None) -> None:
    """A meeting closes with no vote left open (``voting.close_meeting`` closes them first):
    a vote's entitled members and quorum come from the room, which empties at the close."""
    if any(poll.state.value == "open" for item in meeting.items for poll in item.polls):
        raise DomainError(_("A vote of this meeting is still open: close it first."))
    _transition(meeting, S.closed, actor=actor)
    now = utcnow()
    for attendance in meeting.attendances:
        if attendance.is_in_the_room:
            attendance.leave(now)


def cancel_meeting(meeting: Meeting, reason: str, lang: str, *, actor=None) -> None:
    """Cancelling needs a reason, which the public and the members see."""
    if not reason.strip():
        raise DomainError(_("Say why the meeting is cancelled."))
    _transition(meeting, S.cancelled, actor=actor)
    meeting.cancel_reason = Translated.of(reason.strip(), lang)


def ask_translators(meeting: Meeting, asked: bool, *, actor) -> bool:
    """Share a draft (with its agenda) with the council's translators, or stop sharing it;
    returns whether anything changed. A published meeting is everyone's already."""
    if meeting.is_public:
        raise DomainError(_("This meeting is published: the translators already see it."))
    return share_with_translators(meeting, asked, actor=actor)


def _check_agenda_open(meeting: Meeting) -> None:
    if meeting.state not in AGENDA_OPEN:
        raise DomainError(_("The agenda of a closed or cancelled meeting cannot change."))


def add_item(
    meeting: Meeting,
    *,
    title: str,
    lang: str,
    kind: ItemKind,
    description: str = "",
    duration_minutes: int | None = None,
    actor=None,
) -> AgendaItem:
    """Items go to the end; items added after publication are marked as added late."""
    _check_agenda_open(meeting)
    item = AgendaItem(
        meeting=meeting,
        position=len(meeting.items) + 1,
        title=Translated.of(title.strip(), lang),
        description=Translated.of(description.strip(), lang)
        if description.strip()
        else Translated(),
        kind=ItemKind(kind),
        duration_minutes=duration_minutes,
        added_late_at=utcnow() if meeting.state is not S.draft else None,
    )
    db.session.add(item)
    db.session.flush()
    if meeting.state is not S.draft:
        meeting.sequence += 1
    audit.record(
        "agenda_item.added",
        item,
        actor=actor,
        council=meeting.council,
        late=item.added_late_at is not None,
    )
    return item


def update_item(
    item: AgendaItem,
    *,
    title: str,
    lang: str,
    kind: ItemKind,
    description: str = "",
    duration_minutes: int | None = None,
    actor=None,
) -> None:
    _check_agenda_open(item.meeting)
    item.title = item.title.with_text(lang, title.strip())
    item.description = item.description.with_text(lang, description.strip())
    item.kind = ItemKind(kind)
    item.duration_minutes = duration_minutes
    audit.record(
        "agenda_item.updated", item, actor=actor, council=item.meeting.council, language=lang
    )


def place_item(item: AgendaItem, position: int, *, actor=None) -> bool:
    """Put the item at ``position`` (1 … number of items, clamped), the others closing up
    around it; False when it was already there."""
    meeting = item.meeting
    _check_agenda_open(meeting)
    items = [each for each in meeting.items if each is not item]
    position = min(max(position, 1), len(items) + 1)
    if position == item.position:
        return False
    items.insert(position - 1, item)
    for number, each in enumerate(items, start=1):
        each.position = number
    meeting.items = items
    audit.record(
        "agenda_item.moved", item, actor=actor, council=meeting.council, position=item.position
    )
    return True


def remove_item(item: AgendaItem, *, actor=None) -> None:
    """Only a draft agenda loses items; a published one is a public record."""
    meeting = item.meeting
    if meeting.state is not S.draft:
        raise DomainError(_("Items of a published agenda cannot be removed."))
    if any(doc.removed_at is None for doc in item.documents):
        raise DomainError(_("Remove the item's documents first."))
    if item.polls or item.proposals:
        # A vote or a proposal's history points to the item: it stays, and can be changed.
        raise DomainError(_("A vote or a proposal belongs to this item: it cannot be removed."))
    meeting.items.remove(item)
    for position, each in enumerate(meeting.items, start=1):
        each.position = position
    audit.record(
        "agenda_item.removed",
        meeting,
        actor=actor,
        title=str(item.title.shown_in(item.title.original)),
    )


def store_document(
    meeting: Meeting,
    upload,
    *,
    item: AgendaItem | None,
    title: str = "",
    lang: str | None = None,
    actor=None,
) -> Document:
    """Accept PDF, ODT/ODS, DOCX/XLSX, PNG or JPEG, recognised by content, within the size
    limit. A closed meeting still receives documents (annexes to the minutes, reports): its
    agenda stays closed, its record grows."""
    if meeting.state is S.cancelled:
        raise DomainError(_("A cancelled meeting receives no documents."))
    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    stored_name = documents.new_stored_name()
    path = documents.storage_folder() / stored_name
    upload.save(path)
    size = path.stat().st_size
    content_type = documents.sniff(path)
    if size > limit or content_type is None or size == 0:
        path.unlink()
        if size > limit:
            raise DomainError(
                _(
                    "The file is larger than %(size)s MB. Choose a smaller file.",
                    size=limit // (1024 * 1024),
                )
            )
        raise DomainError(
            _("This file cannot be used. Upload a PDF, ODT, ODS, DOCX, XLSX, PNG or JPEG file.")
        )
    document = Document(
        meeting=meeting,
        item=item,
        filename=documents.clean_filename(upload.filename or "", content_type),
        title=title.strip() or None,
        lang=lang or None,
        stored_name=stored_name,
        content_type=content_type,
        size=size,
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        "document.uploaded",
        document,
        actor=actor,
        council=meeting.council,
        filename=document.filename,
    )
    return document


def document_path(document: Document):
    return documents.storage_folder() / document.stored_name


def remove_document(document: Document, *, actor=None) -> None:
    """The record stays (who uploaded what, when); the file itself is deleted."""
    document.removed_at = utcnow()
    document_path(document).unlink(missing_ok=True)
    audit.record("document.removed", document, actor=actor, council=document.meeting.council)


def load_agenda(meeting: Meeting) -> list[AgendaItem]:
    """The agenda with each item's votes, documents and proposals: a fixed number of
    statements however long the agenda and however many votes it holds."""
    items = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position)
        .options(
            selectinload(AgendaItem.polls),
            selectinload(AgendaItem.documents),
            selectinload(AgendaItem.proposals),
            selectinload(AgendaItem.outcome),
        )
    ).all()
    set_committed_value(meeting, "items", list(items))
    return meeting.items


def attendance_for(meeting: Meeting, membership: Membership) -> Attendance | None:
    return next((a for a in meeting.attendances if a.membership_id == membership.id), None)


def set_presence(
    meeting: Meeting, membership: Membership, presence: Presence, *, actor=None
) -> Attendance:
    """Record a member as present, excused or absent. Each arrival after a departure opens a
    new period in the room; excused and absent members have none."""
    if meeting.state not in (S.published, S.in_progress):
        raise DomainError(
            _("Attendance is recorded for published meetings and meetings in progress.")
        )
    if membership.council_id != meeting.council_id or not membership.is_current:
        raise DomainError(_("Only current members of the council are on the attendance list."))
    presence = Presence(presence)
    if presence is Presence.present and meeting.state is not S.in_progress:
        raise DomainError(_("Members can be marked present once the meeting has started."))
    attendance = attendance_for(meeting, membership)
    if attendance is None:
        attendance = Attendance(meeting=meeting, membership=membership, presence=presence)
        db.session.add(attendance)
    if presence is Presence.present:
        attendance.arrive(utcnow())  # after a departure: a new period
    else:
        # Excused or absent: not at the meeting, so no time in the room.
        attendance.set_periods([])
    attendance.presence = presence
    db.session.flush()
    audit.record(
        "attendance.recorded",
        meeting,
        actor=actor,
        member=membership.id,
        presence=presence.value,
    )
    return attendance


def record_attendance(meeting: Meeting, membership: Membership, state: str, *, actor=None):
    """The secretary's sheet: present, excused, absent, or "left" (a departure)."""
    if state == "left":
        record_departure(meeting, membership, actor=actor)
    else:
        set_presence(meeting, membership, Presence(state), actor=actor)


def record_departure(meeting: Meeting, membership: Membership, *, actor=None) -> None:
    attendance = attendance_for(meeting, membership)
    if attendance is None or not attendance.is_in_the_room:
        raise DomainError(_("This member is not marked present."))
    attendance.leave(utcnow())
    audit.record("attendance.left", meeting, actor=actor, member=membership.id)


@dataclass(frozen=True)
class Quorum:
    present: int
    voting_members: int
    needed: int

    @property
    def reached(self) -> bool:
        return self.present >= self.needed


def quorum(meeting: Meeting) -> Quorum:
    """Voting members in the room against the council's quorum rule."""
    voting = meeting.council.voting_memberships
    voting_ids = {m.id for m in voting}
    present = sum(
        1 for a in meeting.attendances if a.is_in_the_room and a.membership_id in voting_ids
    )
    return Quorum(present, len(voting), meeting.council.quorum_rule.needed(len(voting)))


def upcoming_meetings(council: Council, *, include_drafts: bool):
    query = select(Meeting).where(Meeting.council_id == council.id, Meeting.ends_at >= utcnow())
    if not include_drafts:
        query = query.where(Meeting.state != S.draft)
    return query.order_by(Meeting.starts_at)


def open_agendas(council: Council):
    """Meetings whose agenda can still change: coming ones, and those under way (even past
    their planned end)."""
    return (
        select(Meeting)
        .where(
            Meeting.council_id == council.id,
            Meeting.state.in_(AGENDA_OPEN),
            or_(Meeting.ends_at >= utcnow(), Meeting.state == S.in_progress),
        )
        .order_by(Meeting.starts_at)
    )


def past_meetings(council: Council, *, include_drafts: bool):
    query = select(Meeting).where(Meeting.council_id == council.id, Meeting.ends_at < utcnow())
    if not include_drafts:
        query = query.where(Meeting.state != S.draft)
    return query.order_by(Meeting.starts_at.desc())


def public_meetings(council: Council):
    """Every meeting the public may see, oldest first (the calendar feed)."""
    return (
        select(Meeting)
        .where(Meeting.council_id == council.id, Meeting.state != S.draft)
        .order_by(Meeting.starts_at)
    )
