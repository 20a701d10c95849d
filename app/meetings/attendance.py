"""Attendance as a record: who came when (several periods each), apologies members send
themselves, corrections after the close, and what the public may read.

Quorum and votes read only the summary on ``Attendance`` (``services.quorum``,
``Attendance.is_in_the_room``); nothing here is on the vote path."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app import audit
from app.auth import ROLE_PERMISSIONS, Permission
from app.councils.models import Membership
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import format_local
from app.meetings.models import Attendance, Meeting, MeetingState, Presence
from app.meetings.services import attendance_for, scheduled_day, to_local, to_utc
from app.text import fold_for_search

#: How far from the planned times a correction may place an arrival or a departure.
MARGIN = timedelta(hours=4)


@dataclass(frozen=True)
class Period:
    arrived_at: datetime
    left_at: datetime | None


@dataclass(frozen=True)
class MemberAttendance:
    """One member's line in the record of a meeting (times in UTC)."""

    membership: Membership
    #: None: nothing was recorded (at a closed meeting, the member did not come).
    presence: Presence | None
    periods: tuple[Period, ...] = ()
    apologised_at: datetime | None = None
    apology_note: str = ""

    @property
    def name(self) -> str:
        return self.membership.user.display_name

    @property
    def in_the_room(self) -> bool:
        return (
            self.presence is Presence.present
            and bool(self.periods)
            and (self.periods[-1].left_at is None)
        )

    @property
    def listed(self) -> bool:
        """The member agreed to be named in public (the council's page, attendance lists)."""
        return self.membership.listed


def _seated_on(membership: Membership, meeting: Meeting, day: date) -> bool:
    attends = Permission.attend in ROLE_PERMISSIONS[membership.role]
    return (
        attends
        and membership.term_start <= day
        and (membership.term_end is None or membership.term_end >= day)
        and (membership.ended_at is None or membership.ended_at > meeting.starts_at)
    )


def attendance_record(meeting: Meeting) -> list[MemberAttendance]:
    """Every member seated on the meeting's day and everyone recorded, with their presence
    and each period in the room, sorted by name: three statements whatever the size."""
    attendances = {
        a.membership_id: a
        for a in db.session.scalars(
            select(Attendance)
            .where(Attendance.meeting_id == meeting.id)
            .options(selectinload(Attendance.periods))
        )
    }
    day = scheduled_day(meeting)
    memberships = db.session.scalars(
        select(Membership).where(Membership.council_id == meeting.council_id)
    ).unique()
    lines = []
    for membership in memberships:
        record = attendances.get(membership.id)
        if record is None:
            if _seated_on(membership, meeting, day):
                lines.append(MemberAttendance(membership, None))
            continue
        lines.append(
            MemberAttendance(
                membership,
                record.presence,
                tuple(Period(p.arrived_at, p.left_at) for p in record.periods),
                record.apologised_at,
                record.apology_note,
            )
        )
    return sorted(lines, key=lambda line: line.name.casefold())


def named(lines: list[MemberAttendance], name: str) -> list[MemberAttendance]:
    """The lines whose name holds ``name``, however it is cased or accented."""
    wanted = fold_for_search(name)
    if not wanted:
        return lines
    return [line for line in lines if wanted in fold_for_search(line.name)]


@dataclass
class PublicGroup:
    names: list[str] = field(default_factory=list)
    others: int = 0

    @property
    def total(self) -> int:
        return len(self.names) + self.others


@dataclass
class PublicAttendance:
    present: PublicGroup
    excused: PublicGroup
    absent: int


def public_attendance(meeting: Meeting) -> PublicAttendance:
    """What the public reads on a closed meeting: the names of the members who agreed to be
    listed, and only a number for the others; absent members are only counted."""
    present, excused, absent = PublicGroup(), PublicGroup(), 0
    for line in attendance_record(meeting):
        if line.presence in (Presence.present, Presence.excused):
            group = present if line.presence is Presence.present else excused
            if line.listed:
                group.names.append(line.name)
            else:
                group.others += 1
        else:
            absent += 1
    return PublicAttendance(present, excused, absent)


def _check_apologies_open(meeting: Meeting) -> None:
    if meeting.state is not MeetingState.published:
        raise DomainError(_("Apologies are sent before the meeting starts."))


def send_apologies(meeting: Meeting, membership: Membership, note: str = "", *, actor) -> None:
    """A member says before the meeting that they cannot come: recorded as excused."""
    _check_apologies_open(meeting)
    if membership.council_id != meeting.council_id or not membership.is_current:
        raise DomainError(_("Only current members of the council are on the attendance list."))
    attendance = attendance_for(meeting, membership)
    if attendance is None:
        attendance = Attendance(meeting=meeting, membership=membership, presence=Presence.excused)
        db.session.add(attendance)
    attendance.presence = Presence.excused
    attendance.apologised_at = utcnow()
    attendance.apology_note = note.strip()
    db.session.flush()
    audit.record("attendance.apologised", meeting, actor=actor, member=membership.id)


def withdraw_apologies(meeting: Meeting, membership: Membership, *, actor) -> None:
    """The member can come after all: until the meeting starts, the apologies are withdrawn
    and nothing is recorded for them."""
    _check_apologies_open(meeting)
    attendance = attendance_for(meeting, membership)
    if attendance is None or attendance.apologised_at is None:
        raise DomainError(_("You have not sent apologies for this meeting."))
    meeting.attendances.remove(attendance)  # deleted as an orphan, with nothing else to keep
    db.session.flush()
    audit.record("attendance.apologies_withdrawn", meeting, actor=actor, member=membership.id)


def _as_text(presence: Presence | None, periods) -> dict:
    return {
        "presence": presence.value if presence else None,
        "periods": [
            [a.isoformat(timespec="minutes"), b.isoformat(timespec="minutes") if b else None]
            for a, b in periods
        ],
    }


def _moments(
    meeting: Meeting, times: list[tuple[time | None, time | None]]
) -> list[tuple[datetime, datetime | None]]:
    """Wall-clock times on the meeting's day, as UTC, in order, checked against each other and
    the day."""
    council, day = meeting.council, scheduled_day(meeting)
    earliest, latest = meeting.starts_at - MARGIN, meeting.ends_at + MARGIN
    arrivals = [(arrived, left) for arrived, left in times if arrived is not None]
    if len(arrivals) < len(times):
        raise DomainError(_("Enter when the member arrived and left."))
    periods: list[tuple[datetime, datetime | None]] = []
    for arrived, left in sorted(arrivals, key=lambda pair: pair[0]):
        start = to_utc(council, day, arrived)
        end = to_utc(council, day, left) if left is not None else None
        for moment in (start, end):
            if moment is not None and not earliest <= moment <= latest:
                raise DomainError(
                    _(
                        "Times must be on the day of the meeting, between %(earliest)s "
                        "and %(latest)s.",
                        earliest=format_local(earliest, council.timezone, "short", "time"),
                        latest=format_local(latest, council.timezone, "short", "time"),
                    )
                )
        if end is None:
            raise DomainError(_("Enter when the member left: the meeting is closed."))
        if end <= start:
            raise DomainError(_("A member leaves after arriving. Check the times."))
        if periods and start < (periods[-1][1] or start):
            raise DomainError(_("A member comes back after leaving. Check the times."))
        periods.append((start, end))
    return periods


def correct_attendance(
    meeting: Meeting,
    membership: Membership,
    presence: Presence,
    times: list[tuple[time | None, time | None]],
    *,
    actor,
) -> bool:
    """After the close, the secretary corrects a member's presence and times (entered in the
    council's zone, in order). Present needs at least one period, excused and absent none.
    Audited with what changed; False when nothing did."""
    if meeting.state is not MeetingState.closed:
        raise DomainError(_("Attendance is corrected once the meeting is closed."))
    presence = Presence(presence)
    if presence is Presence.present and not times:
        raise DomainError(_("Enter when the member arrived and left."))
    if presence is not Presence.present and times:
        raise DomainError(
            _(
                "Members who were excused or absent have no times. Clear the times, "
                "or choose Present."
            )
        )
    periods = _moments(meeting, times)
    attendance = attendance_for(meeting, membership)
    before = (
        _as_text(attendance.presence, [(p.arrived_at, p.left_at) for p in attendance.periods])
        if attendance
        else _as_text(None, [])
    )
    after = _as_text(presence, periods)
    if before == after:
        return False
    if attendance is None:
        attendance = Attendance(meeting=meeting, membership=membership, presence=presence)
        db.session.add(attendance)
    attendance.presence = presence
    attendance.set_periods(periods)
    db.session.flush()
    audit.record(
        "attendance.corrected",
        meeting,
        actor=actor,
        member=membership.id,
        before=before,
        after=after,
    )
    return True


def local_periods(
    meeting: Meeting, attendance: Attendance | None
) -> list[tuple[time, time | None]]:
    """The periods as wall-clock times in the council's zone (to fill a correction form)."""
    if attendance is None:
        return []
    council = meeting.council
    return [
        (
            to_local(council, p.arrived_at).time(),
            to_local(council, p.left_at).time() if p.left_at else None,
        )
        for p in attendance.periods
    ]
