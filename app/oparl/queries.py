"""What OParl shows of a council, and how a page of it loads in a fixed number of statements.

Public means what an anonymous visitor reads on the site: meetings that are not drafts, their
agenda items and documents, proposals in a public state, published minutes, published vote
results, and the members who agreed to be listed (``Membership.listed``). Nothing else.

Each kind also says when a record was created and what makes it "modified": a list of
timestamps (columns, or a correlated subquery for related rows), so that the
``modified_since`` filter and the ``modified`` field read the same moments.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import QueryableAttribute, aliased, contains_eager, selectinload

from app.audit import AuditEvent
from app.councils.models import Council, Membership
from app.extensions import db
from app.meetings.models import AgendaItem, Attendance, Document, Meeting, MeetingState, Presence
from app.minutes.models import Minutes, MinutesState
from app.proposals.models import PUBLIC_STATES, Proposal, ProposalEvent, ProposalState
from app.voting.models import Ballot, Outcome, Poll, PollMethod, PollState

PUBLIC_STATE_VALUES = [state.value for state in PUBLIC_STATES]
#: A moment in SQL: a column, or a subquery over related rows.
Moment = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True)
class Kind:
    """A kind of OParl object: its records' statement and what dates them."""

    created: Moment
    #: Every moment that changes the object; ``modified`` is the latest of them.
    modified: tuple[Moment, ...]
    #: Records whose changes leave no time on their row are dated by the audit trail: the
    #: audited class's name and the record's id column.
    audited: tuple[str, Moment] | None = None

    def filtered(self, statement: Select, filters: dict[str, datetime]) -> Select:
        """``created_since``/``created_until``/``modified_since``/``modified_until``."""
        if (since := filters.get("created_since")) is not None:
            statement = statement.where(self.created >= since)
        if (until := filters.get("created_until")) is not None:
            statement = statement.where(self.created <= until)
        if (since := filters.get("modified_since")) is not None:
            changed = [moment >= since for moment in self.modified]
            if self.audited is not None:
                changed.append(self.audited[1].in_(self._audited_after(since, strictly=False)))
            statement = statement.where(or_(*changed))
        if (until := filters.get("modified_until")) is not None:
            unchanged = [or_(moment.is_(None), moment <= until) for moment in self.modified]
            if self.audited is not None:
                unchanged.append(self.audited[1].not_in(self._audited_after(until, strictly=True)))
            statement = statement.where(and_(*unchanged))
        return statement

    def _audited_after(self, moment: datetime, *, strictly: bool) -> Select:
        assert self.audited is not None
        return select(AuditEvent.object_id).where(
            AuditEvent.object_type == self.audited[0],
            AuditEvent.object_id.is_not(None),
            AuditEvent.at > moment if strictly else AuditEvent.at >= moment,
        )


def _latest_minutes_change() -> ColumnElement:
    return (
        select(func.max(Minutes.updated_at))
        .where(Minutes.meeting_id == Meeting.id, Minutes.state == MinutesState.published)
        .scalar_subquery()
    )


def _latest_outcome_change() -> ColumnElement:
    return (
        select(func.max(Outcome.updated_at))
        .where(Outcome.agenda_item_id == AgendaItem.id)
        .scalar_subquery()
    )


def _latest_result() -> ColumnElement:
    return (
        select(func.max(Poll.published_at))
        .where(Poll.agenda_item_id == AgendaItem.id)
        .scalar_subquery()
    )


#: A council's edits and translations change only its own row, which keeps no time.
BODY = Kind(Council.created_at, (Council.created_at,), audited=(Council.__name__, Council.id))
MEETING = Kind(Meeting.created_at, (Meeting.updated_at, _latest_minutes_change()))
#: An item's edits and translations change only its own row, which keeps no time.
AGENDA_ITEM = Kind(
    AgendaItem.created_at,
    (AgendaItem.created_at, Meeting.updated_at, _latest_outcome_change(), _latest_result()),
    audited=(AgendaItem.__name__, AgendaItem.id),
)
PAPER = Kind(Proposal.created_at, (Proposal.updated_at,))
FILE = Kind(Document.uploaded_at, (Document.uploaded_at, Document.removed_at))
#: A seat's changes (its role, its end, being listed) are dated by the audit trail.
MEMBERSHIP = Kind(
    Membership.created_at,
    (Membership.created_at,),
    audited=(Membership.__name__, Membership.id),
)


def person_kind(council: Council) -> Kind:
    """A person dates from their first public seat, and changes with any of those seats."""
    seat = aliased(Membership)
    theirs = and_(
        seat.user_id == Membership.user_id,
        seat.council_id == council.id,
        or_(seat.listed.is_(True), _once_listed(seat)),
    )
    latest_seat = select(func.max(seat.created_at)).where(theirs).scalar_subquery()
    latest_change = (
        select(func.max(AuditEvent.at))
        .join(seat, AuditEvent.object_id == seat.id)
        .where(AuditEvent.object_type == Membership.__name__, theirs)
        .scalar_subquery()
    )
    return Kind(Membership.created_at, (latest_seat, latest_change))


ITEM_LOADING = (
    selectinload(AgendaItem.documents),
    selectinload(AgendaItem.proposals),
    selectinload(AgendaItem.polls),
    selectinload(AgendaItem.outcome).selectinload(Outcome.poll),
)


def meetings(council: Council) -> Select:
    return (
        select(Meeting)
        .where(Meeting.council_id == council.id, Meeting.state != MeetingState.draft)
        .order_by(Meeting.id)
        .options(
            selectinload(Meeting.items).options(*ITEM_LOADING),
            selectinload(Meeting.documents),
        )
    )


def agenda_items(council: Council) -> Select:
    return (
        select(AgendaItem)
        .join(AgendaItem.meeting)
        .where(Meeting.council_id == council.id, Meeting.state != MeetingState.draft)
        .order_by(AgendaItem.id)
        .options(contains_eager(AgendaItem.meeting), *ITEM_LOADING)
    )


def _was_public() -> ColumnElement:
    """A declined proposal that had been public (accepted first): it is gone, and says so."""
    return and_(
        Proposal.state == ProposalState.declined,
        Proposal.events.any(ProposalEvent.to_state.in_(PUBLIC_STATE_VALUES)),
    )


def papers(council: Council) -> Select:
    return (
        select(Proposal)
        .where(Proposal.council_id == council.id)
        .where(or_(Proposal.state.in_(PUBLIC_STATES), _was_public()))
        .order_by(Proposal.id)
        .options(
            selectinload(Proposal.agenda_item).selectinload(AgendaItem.meeting),
            selectinload(Proposal.events),
        )
    )


def consultations(council: Council) -> Select:
    """A proposal discussed at an agenda item of a public meeting: one consultation."""
    return (
        select(Proposal)
        .join(Proposal.agenda_item)
        .join(AgendaItem.meeting)
        .where(
            Proposal.council_id == council.id,
            Proposal.state.in_(PUBLIC_STATES),
            Meeting.state != MeetingState.draft,
        )
        .order_by(Proposal.id)
        .options(contains_eager(Proposal.agenda_item).contains_eager(AgendaItem.meeting))
    )


def files(council: Council) -> Select:
    """Documents of public meetings, and those removed after the meeting was published."""
    return (
        select(Document)
        .join(Document.meeting)
        .where(
            Meeting.council_id == council.id,
            Meeting.state != MeetingState.draft,
            or_(
                Document.removed_at.is_(None),
                and_(Meeting.published_at.is_not(None), Document.removed_at > Meeting.published_at),
            ),
        )
        .order_by(Document.id)
        .options(contains_eager(Document.meeting), selectinload(Document.item))
    )


def memberships(council: Council) -> Select:
    """Only the seats of members who agreed to be named in public."""
    return (
        select(Membership)
        .where(Membership.council_id == council.id, Membership.listed.is_(True))
        .order_by(Membership.id)
    )


def _once_listed(seat=Membership) -> ColumnElement:
    """Seats whose member agreed to be listed at some time (the audit trail says so)."""
    return seat.id.in_(
        select(AuditEvent.object_id).where(
            AuditEvent.object_type == Membership.__name__,
            AuditEvent.action == "membership.listing_changed",
            AuditEvent.details["listed"].as_boolean().is_(True),
        )
    )


def seats(council: Council) -> Select:
    """Listed seats, and those listed once whose member withdrew the consent: these are
    answered ``deleted``, so that those who copied a name learn to remove it."""
    return (
        select(Membership)
        .where(
            Membership.council_id == council.id,
            or_(Membership.listed.is_(True), _once_listed()),
        )
        .order_by(Membership.id)
    )


def people(council: Council) -> Select:
    """The people holding a seat of ``seats``, as their first such seat."""
    first = (
        select(func.min(Membership.id))
        .where(
            Membership.council_id == council.id,
            or_(Membership.listed.is_(True), _once_listed()),
        )
        .group_by(Membership.user_id)
    )
    return seats(council).where(Membership.id.in_(first))


def seats_of(council: Council, user_id: int) -> list[Membership]:
    return list(db.session.scalars(seats(council).where(Membership.user_id == user_id)))


def latest_changes(model: type, ids: Sequence[int]) -> dict[int, datetime]:
    """The latest change the audit trail records for each of these records."""
    if not ids:
        return {}
    changes = db.session.execute(
        select(AuditEvent.object_id, func.max(AuditEvent.at))
        .where(AuditEvent.object_type == model.__name__, AuditEvent.object_id.in_(ids))
        .group_by(AuditEvent.object_id)
    )
    return {record_id: at for record_id, at in changes if record_id is not None}


@dataclass
class Public:
    """What the objects of one page need besides their own rows, loaded once per page."""

    council: Council
    #: People named in public: the users holding a listed seat.
    listed_users: set[int] = field(default_factory=set)
    #: Published minutes by meeting id.
    minutes: dict[int, Minutes] = field(default_factory=dict)
    #: Who voted what in roll-call votes whose results are published, by poll id: (user id,
    #: choice) of the members named in public.
    ballots: dict[int, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    #: The members named in public who attended each closed meeting, by meeting id.
    participants: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    #: The latest change the audit trail records for each agenda item (``AGENDA_ITEM``).
    item_changes: dict[int, datetime] = field(default_factory=dict)


def public_context(
    council: Council, meetings: Sequence[Meeting] = (), items: Sequence[AgendaItem] = ()
) -> Public:
    """The listed people of ``council``, and the minutes, participants, roll calls and latest
    changes of these meetings and items: five statements, however many records the page
    holds. Participants and ballots are read as ids, not records: a page of meetings names
    thousands of them."""
    public = Public(council)
    public.listed_users = set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.council_id == council.id, Membership.listed.is_(True)
            )
        )
    )
    meeting_ids = {m.id for m in meetings} | {i.meeting_id for i in items}
    if meeting_ids:
        for minutes in db.session.scalars(
            select(Minutes).where(
                Minutes.meeting_id.in_(meeting_ids), Minutes.state == MinutesState.published
            )
        ):
            public.minutes[minutes.meeting_id] = minutes
    all_items = [*items, *(i for m in meetings for i in m.items)]
    public.item_changes = latest_changes(AgendaItem, [i.id for i in all_items])
    roll_calls = [
        p.id
        for i in all_items
        for p in i.polls
        if p.method is PollMethod.named and p.state is PollState.published
    ]
    if roll_calls:
        for poll_id, user_id, choice in db.session.execute(
            select(Ballot.poll_id, Membership.user_id, Ballot.choice)
            .join(Ballot.membership)
            .where(Ballot.poll_id.in_(roll_calls), Membership.listed.is_(True))
            .order_by(Ballot.id)
        ):
            public.ballots[poll_id].append((user_id, choice))
    closed = [m.id for m in meetings if m.state is MeetingState.closed]
    if closed:
        for meeting_id, user_id in db.session.execute(
            select(Attendance.meeting_id, Membership.user_id)
            .join(Attendance.membership)
            .where(
                Attendance.meeting_id.in_(closed),
                Attendance.presence == Presence.present,
                Membership.listed.is_(True),
            )
            .distinct()
            .order_by(Attendance.meeting_id, Membership.user_id)
        ):
            public.participants[meeting_id].append(user_id)
    return public


def published_minutes(council: Council, minutes_id: int) -> Minutes | None:
    return db.session.scalar(
        select(Minutes)
        .join(Minutes.meeting)
        .where(
            Minutes.id == minutes_id,
            Meeting.council_id == council.id,
            Minutes.state == MinutesState.published,
        )
        .options(contains_eager(Minutes.meeting))
    )
