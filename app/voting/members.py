"""A member's side of the votes: which they may cast, which they cast, and why not.

Read for whole pages at once (a meeting's agenda, a member's start page): a fixed number of
statements however many polls there are. A pseudo-anonymous poll tells the member only that
they voted; the choice of a roll call is theirs to see again.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import contains_eager

from app.councils.models import Membership
from app.database import LabelledEnum
from app.extensions import db
from app.meetings.models import AgendaItem, Attendance, Meeting, MeetingState, Presence
from app.voting.models import Ballot, Entitlement, Poll, PollMethod, PollState, VoteRecord


class NotEntitled(LabelledEnum):
    """Why a member cannot vote in an open poll, in words that say what to do."""

    not_a_member = "not_a_member"
    role = "role"
    no_voting_right = "no_voting_right"
    not_present = "not_present"
    left = "left"
    not_open = "not_open"
    closed = "closed"

    @classmethod
    def labels(cls):
        return {
            cls.not_a_member: _l("Only members of this council vote. You are not a member."),
            cls.role: _l("Observers and translators take part without a vote."),
            cls.no_voting_right: _l(
                "Your seat on this council has no right to vote. The secretary can tell you why."
            ),
            cls.not_present: _l("You are not marked present at this meeting."),
            cls.left: _l("You are marked as having left the meeting."),
            cls.not_open: _l("This vote is not open yet."),
            cls.closed: _l("This vote is closed."),
        }

    @property
    def fixed_by_checking_in(self) -> bool:
        """Saying "I am here" makes the member entitled."""
        return self in (NotEntitled.not_present, NotEntitled.left)


#: ``not_entitled`` looks the member's attendance up itself.
LOOK_UP: Any = object()


def not_entitled(
    poll: Poll, membership: Membership | None, attendance: Attendance | None = LOOK_UP
) -> NotEntitled | None:
    """Why ``membership`` may not vote in ``poll`` now, or None: it may (the rule of
    ``services._entitled_query``, told as a reason). ``attendance``: the member's at the
    poll's meeting, when the caller has it (None: they have none)."""
    if poll.state is PollState.draft:
        return NotEntitled.not_open
    if poll.state is not PollState.open:
        return NotEntitled.closed
    if membership is None or not membership.is_current or not membership.user.active:
        return NotEntitled.not_a_member
    if not membership.role.may_vote:
        return NotEntitled.role
    if not membership.voting_right:
        return NotEntitled.no_voting_right
    if poll.entitlement is Entitlement.present:
        if attendance is LOOK_UP:
            attendance = _attendance_of(poll.meeting, membership)
        if attendance is None or attendance.presence is not Presence.present:
            return NotEntitled.not_present
        if attendance.left_at is not None:
            return NotEntitled.left
    return None


def _attendance_of(meeting: Meeting, membership: Membership) -> Attendance | None:
    """The member's row of the meeting's attendance: from the sheet when it is loaded, else
    that row alone (a vote's pages need the reader's, not two hundred members')."""
    if "attendances" not in inspect(meeting).unloaded:
        return next((a for a in meeting.attendances if a.membership_id == membership.id), None)
    return db.session.scalar(
        select(Attendance).where(
            Attendance.meeting_id == meeting.id, Attendance.membership_id == membership.id
        )
    )


def _attendances(polls: list[Poll], seats: dict[int, Membership]) -> dict[tuple[int, int], Any]:
    """The seats' rows of attendance at the polls' meetings whose sheet is not loaded, by
    (meeting id, membership id): one statement whatever the number of polls."""
    meetings = {
        p.meeting.id
        for p in polls
        if p.entitlement is Entitlement.present and "attendances" in inspect(p.meeting).unloaded
    }
    if not meetings or not seats:
        return {}
    rows = db.session.scalars(
        select(Attendance).where(
            Attendance.meeting_id.in_(meetings),
            Attendance.membership_id.in_([m.id for m in seats.values()]),
        )
    )
    found: dict[tuple[int, int], Any] = dict.fromkeys(
        ((meeting_id, m.id) for meeting_id in meetings for m in seats.values()), None
    )
    found.update(((a.meeting_id, a.membership_id), a) for a in rows)
    return found


@dataclass(frozen=True)
class Standing:
    """One member and one poll."""

    poll: Poll
    voted: bool
    #: The member's own choice, in a roll call only; never for a pseudo-anonymous poll.
    choice: str | None
    #: Open, entitled and not voted yet: the member can vote now.
    can_vote: bool

    @property
    def choice_text(self) -> str | None:
        option = self.poll.option(self.choice) if self.choice else None
        return option.text if option else None


def standings(polls: Iterable[Poll], memberships: Iterable[Membership]) -> dict[int, Standing]:
    """How each poll stands for the member holding the seat in its council, by poll id: three
    statements at most, whatever the number of polls (the seats' own attendance, unless the
    meetings' sheets are loaded)."""
    polls = [p for p in polls if p.state is not PollState.draft]
    seats = {m.council_id: m for m in memberships}
    ids = [m.id for m in seats.values()]
    named = [p.id for p in polls if p.method is PollMethod.named]
    secret = [p.id for p in polls if p.method is PollMethod.secret]
    choices: dict[int, str | None] = {}
    if ids and named:
        ballots = select(Ballot.poll_id, Ballot.choice).where(
            Ballot.poll_id.in_(named), Ballot.membership_id.in_(ids)
        )
        choices.update((poll_id, choice) for poll_id, choice in db.session.execute(ballots))
    if ids and secret:
        records = select(VoteRecord.poll_id).where(
            VoteRecord.poll_id.in_(secret), VoteRecord.membership_id.in_(ids)
        )
        choices.update((poll_id, None) for poll_id in db.session.scalars(records))
    attendances = _attendances(polls, seats)
    result = {}
    for poll in polls:
        voted = poll.id in choices
        seat = seats.get(poll.meeting.council_id)
        can_vote = False
        if not voted and seat is not None:
            attendance = attendances.get((poll.meeting.id, seat.id), LOOK_UP)
            can_vote = not_entitled(poll, seat, attendance) is None
        result[poll.id] = Standing(
            poll=poll, voted=voted, choice=choices.get(poll.id), can_vote=can_vote
        )
    return result


def open_polls(meetings: Iterable[Meeting]) -> list[Poll]:
    """The open polls of these meetings, in agenda order: one statement (and one for their
    options)."""
    ids = [m.id for m in meetings if m.state is MeetingState.in_progress]
    if not ids:
        return []
    query = (
        select(Poll)
        .join(Poll.item)
        .where(AgendaItem.meeting_id.in_(ids), Poll.state == PollState.open)
        .options(contains_eager(Poll.item))
        .order_by(AgendaItem.meeting_id, AgendaItem.position, Poll.id)
    )
    return list(db.session.scalars(query))
