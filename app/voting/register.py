"""The council's register of decisions: every agenda item that ended with a recorded outcome
or an electronic vote, newest meeting first, filtered by year, kind and topic, and searched.

An entry is an agenda item: its outcome recorded by hand, its votes (whose result is the
item's outcome), and the proposals it discussed. A page loads in a fixed number of
statements, however many entries it lists.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import Select, extract, or_, select
from sqlalchemy.orm import contains_eager, defer, selectinload

from app.auth import Permission, can
from app.councils.models import Council
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import AgendaItem, Meeting, MeetingState
from app.proposals.models import Proposal, Topic
from app.text import fold_for_search
from app.voting import tally
from app.voting.models import Outcome, OutcomeKind, Poll, PollState
from app.voting.outcomes import hand_result
from app.voting.services import result_of

#: The kind filter's value for items decided by an electronic vote.
VOTE = "vote"
#: Meetings whose items can be in the register.
HELD = (MeetingState.in_progress, MeetingState.closed)


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    #: An ``OutcomeKind`` value, or ``VOTE``.
    kind: str = ""
    topic: str = ""
    query: str = ""

    @classmethod
    def from_args(cls, args) -> "Filters":
        """From a query string, ignoring what is not a filter's value."""
        year = args.get("year", "")
        kind = args.get("kind", "")
        topic = args.get("topic", "")
        return cls(
            year=int(year) if year.isdigit() and 1900 <= int(year) <= 9999 else None,
            kind=kind if kind == VOTE or kind in OutcomeKind.__members__ else "",
            topic=topic if topic in Topic.__members__ else "",
            query=args.get("q", "")[:200],
        )

    def args(self) -> dict[str, str]:
        """The filters as query values, for links to other pages and formats of the same list."""
        values = {"year": self.year or "", "kind": self.kind, "topic": self.topic, "q": self.query}
        return {key: str(value) for key, value in values.items() if value}


#: Key in ``app.extensions`` of what the minutes (a domain above this one) offer the register:
#: an object with ``links(meeting_ids) -> {meeting id: URL}`` for published minutes and
#: ``feed(council, limit) -> [FeedEntry]``.
MINUTES = "consulta.minutes"
#: Key in ``app.extensions`` of the list of what other domains above this one add to the
#: council's feed: functions ``(council, limit) -> [FeedEntry]`` (published minutes,
#: consultations).
FEED_SOURCES = "consulta.feed_sources"


@dataclass(frozen=True)
class FeedEntry:
    """A record the council's feed carries besides decisions (published minutes,
    consultations)."""

    id: str
    title: str
    updated: datetime
    link: str
    summary: str


@dataclass
class Entry:
    item: AgendaItem
    outcome: Outcome | None
    #: The item's votes whose result the reader may see.
    polls: list[Poll] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    #: Where the meeting's published minutes are read (see ``MINUTES``).
    minutes_url: str | None = None

    @property
    def meeting(self) -> Meeting:
        return self.item.meeting


def visible_poll_states(council: Council, user) -> list[PollState]:
    """Published results are public; closed ones are seen by the council's members first."""
    if can(user, Permission.see_results, council):
        return [PollState.closed, PollState.published]
    return [PollState.published]


def _has_poll(states: list[PollState]):
    return (
        select(Poll.id).where(Poll.agenda_item_id == AgendaItem.id, Poll.state.in_(states)).exists()
    )


def _has_outcome(*kinds: OutcomeKind):
    query = select(Outcome.id).where(Outcome.agenda_item_id == AgendaItem.id)
    if kinds:
        query = query.where(Outcome.kind.in_(kinds))
    # Only the item is the outer query's: the search joins the outcome too.
    return query.correlate(AgendaItem).exists()


def _filtered(council: Council, user, filters: Filters) -> Select:
    states = visible_poll_states(council, user)
    statement = (
        select(AgendaItem)
        .join(AgendaItem.meeting)
        .where(Meeting.council_id == council.id, Meeting.state.in_(HELD))
    )
    if filters.kind == VOTE:
        statement = statement.where(_has_poll(states))
    elif filters.kind:
        statement = statement.where(_has_outcome(OutcomeKind(filters.kind)))
    else:
        statement = statement.where(or_(_has_outcome(), _has_poll(states)))
    if filters.year:
        start = meetings.to_utc(council, date(filters.year, 1, 1), time(0))
        end = meetings.to_utc(council, date(filters.year + 1, 1, 1), time(0))
        statement = statement.where(Meeting.starts_at >= start, Meeting.starts_at < end)
    if filters.topic:
        statement = statement.where(
            select(Proposal.id)
            .where(
                Proposal.agenda_item_id == AgendaItem.id,
                Proposal.topic == Topic(filters.topic),
            )
            .correlate(AgendaItem)
            .exists()
        )
    return statement


def register(council: Council, user, filters: Filters) -> Select:
    """The entries, newest meeting first and in agenda order within a meeting."""
    statement = _filtered(council, user, filters)
    words = fold_for_search(filters.query).split()[:8]
    if words:
        statement = statement.where(AgendaItem.id.in_(_matching(statement, words, user, council)))
    # What the register and its feed show, without the long texts they do not (a meeting's
    # notes, a proposal's body).
    return statement.order_by(Meeting.starts_at.desc(), AgendaItem.position, AgendaItem.id).options(
        contains_eager(AgendaItem.meeting).options(
            defer(Meeting.description),
            defer(Meeting.accessibility_notes),
            defer(Meeting.cancel_reason),
        ),
        selectinload(AgendaItem.outcome).selectinload(Outcome.poll),
        selectinload(AgendaItem.polls),
        selectinload(AgendaItem.proposals).load_only(
            Proposal.title, Proposal.state, Proposal.agenda_item_id
        ),
    )


def _matching(statement: Select, words: list[str], user, council: Council) -> list[int]:
    """The items whose texts hold every word, folded as the proposals' search is: the item's
    title, its outcome's summary, its votes' questions and its proposals, in every language.

    Three statements whatever the number of items; the texts are folded here rather than kept
    folded in a column, which is cheap at the size of a council's register."""
    texts: dict[int, list[str]] = {}
    ids = statement.with_only_columns(AgendaItem.id, AgendaItem.title, Outcome.summary)
    ids = ids.outerjoin(Outcome, Outcome.agenda_item_id == AgendaItem.id)
    for item_id, title, summary in db.session.execute(ids):
        texts[item_id] = [*title.texts.values(), *(summary.texts.values() if summary else ())]
    if not texts:
        return []
    states = visible_poll_states(council, user)
    questions = select(Poll.agenda_item_id, Poll.question).where(
        Poll.agenda_item_id.in_(texts), Poll.state.in_(states)
    )
    for item_id, question in db.session.execute(questions):
        texts[item_id].extend(question.texts.values())
    linked = select(Proposal.agenda_item_id, Proposal.search_text).where(
        Proposal.agenda_item_id.in_(texts)
    )
    for linked_item, search_text in db.session.execute(linked):
        if linked_item is not None:
            texts[linked_item].append(search_text)
    folded = {item_id: fold_for_search("\n".join(parts)) for item_id, parts in texts.items()}
    return [item_id for item_id, text in folded.items() if all(w in text for w in words)]


def entries(items: Iterable[AgendaItem], council: Council, user) -> list[Entry]:
    """The register's entries for loaded items (see ``register``): no statement more."""
    states = visible_poll_states(council, user)
    return [
        Entry(
            item=item,
            outcome=item.outcome,
            polls=[poll for poll in item.polls if poll.state in states],
            proposals=[p for p in item.proposals if p.is_public],
        )
        for item in items
    ]


def years(council: Council) -> list[int]:
    """The years with held meetings, newest first, for the year filter (in UTC: a meeting on
    New Year's Eve night may fall in the next year only by its local time)."""
    year = extract("year", Meeting.starts_at)
    query = (
        select(year)
        .where(Meeting.council_id == council.id, Meeting.state.in_(HELD))
        .group_by(year)
        .order_by(year.desc())
    )
    return [int(value) for value in db.session.scalars(query)]


@dataclass(frozen=True)
class Decision:
    """One line of the register as data (the CSV file, the feed): an outcome or a vote."""

    entry: Entry
    outcome: Outcome | None = None
    poll: Poll | None = None
    result: tally.Result | None = None

    @property
    def updated(self) -> datetime:
        if self.poll is not None:
            return self.poll.published_at or self.poll.closed_at or self.poll.created_at
        assert self.outcome is not None
        return self.outcome.updated_at

    @property
    def created(self) -> datetime:
        if self.poll is not None:
            return self.poll.created_at
        assert self.outcome is not None
        return self.outcome.recorded_at


def decisions_of(entries_: Iterable[Entry]) -> list[Decision]:
    """Each entry's votes, then its recorded outcome, as separate lines."""
    lines = []
    for entry in entries_:
        for poll in entry.polls:
            lines.append(Decision(entry, poll=poll, result=result_of(poll)))
        if entry.outcome is not None:
            lines.append(Decision(entry, outcome=entry.outcome, result=hand_result(entry.outcome)))
    return lines
