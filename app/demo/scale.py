"""The demo council grown to the size of a council after years of work, to measure pages at
scale (``flask --app wsgi seed-scale``, ``bench/pages.py``).

The demo's past meeting is the pattern: it is copied, with its agenda, votes, outcomes and
minutes, into hundreds of earlier meetings; each copy has its own attendance and ballots from
two hundred more members, and each closed vote its own snapshot and result, counted by
``app.voting.tally`` as a real close would. Proposals and their history are copies of the
demo's, spread over the years. Rows go in by bulk inserts (the services would take an hour);
ids are given here and PostgreSQL's sequences moved past them at the end.
"""

import itertools
import random
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Table, func, insert, select, text

from app.accounts.models import User
from app.auth import Role
from app.consultations.models import Consultation, Question, QuestionOption
from app.councils.models import Council, Membership
from app.demo.seed import demo_council
from app.extensions import db
from app.meetings.models import (
    AgendaItem,
    Attendance,
    AttendancePeriod,
    Meeting,
    MeetingState,
    Presence,
)
from app.minutes.models import Minutes, MinutesRevision
from app.proposals.models import Proposal, ProposalEvent
from app.voting import tally
from app.voting.models import Ballot, Outcome, Poll, PollMethod, PollOption, PollState

FIRST_NAMES = [
    "Amina", "Yusuf", "Oksana", "Lucía", "Kwame", "Fatima", "Dmytro", "Samir", "Olena", "Aïcha",
    "Mehmet", "Nadia", "Ibrahim", "Sofia", "Karim", "Hanna", "Moussa", "Leila", "Taras", "Zainab",
]  # fmt: skip
LAST_NAMES = [
    "Haddad", "Demir", "Melnyk", "Fernández", "Mensah", "Benali", "Kovalenko", "Nasser",
    "Shevchenko", "Diallo", "Yilmaz", "Rahimi", "Traoré", "Bondarenko", "Okafor", "Rossi",
]  # fmt: skip

#: Members present at each grown meeting, and members voting in each of its votes: with 200
#: members this gives the sizes measured in docs/benchmarks.md (88,000 attendance rows,
#: 83,000 ballots for 500 meetings).
PRESENT, VOTERS = 175, 83


@dataclass
class Sizes:
    proposals: int = 10_000
    meetings: int = 500
    members: int = 200


class Rows:
    """Rows for one table, with ids given from the table's next free one; written in batches
    by :class:`Tables`."""

    def __init__(self, table: Table, tables: "Tables"):
        self.table = table
        self.tables = tables
        self.next_id = (db.session.scalar(select(func.max(table.c.id))) or 0) + 1
        self.pending: list[dict] = []
        self.count = 0

    def add(self, **values) -> int:
        values["id"] = self.next_id
        self.next_id += 1
        self.pending.append(values)
        self.count += 1
        if len(self.pending) >= 2000:
            self.tables.flush()
        return values["id"]


class Tables(dict[str, Rows]):
    """The tables rows are added to, written parents first (in the order given)."""

    def __init__(self, models):
        super().__init__((model.__tablename__, Rows(model.__table__, self)) for model in models)

    def flush(self) -> None:
        for rows in self.values():
            if rows.pending:
                db.session.execute(insert(rows.table), rows.pending)
                rows.pending = []


def _rows(model, *where) -> list[dict]:
    """The rows of ``model`` as dicts of column values (read through the column types, so
    that they can be written back as they are)."""
    table = model.__table__
    return [dict(row) for row in db.session.execute(select(table).where(*where)).mappings()]


def _copy(row: dict, **changes) -> dict:
    copy = {key: value for key, value in row.items() if key != "id"}
    copy.update(changes)
    return copy


def grow(sizes: Sizes, *, report: Callable[[str], None] = lambda line: None) -> dict[str, int]:
    """Grow the demo council (which must exist) by ``sizes``; returns the rows added per table."""
    council = demo_council()
    if council is None:
        raise LookupError("The demo council is missing: run seed-demo first.")
    rng = random.Random(2027)
    tables = Tables(
        [
            User, Membership, Meeting, AgendaItem, Poll, PollOption, Ballot, Outcome,
            Attendance, AttendancePeriod, Minutes, MinutesRevision, Proposal, ProposalEvent,
            Consultation, Question, QuestionOption,
        ]
    )  # fmt: skip
    members = _add_members(council, sizes.members, tables)
    report(f"{len(members)} members")
    _add_meetings(council, sizes.meetings, members, tables, rng)
    report(f"{sizes.meetings} meetings")
    _add_proposals(council, sizes.proposals, tables, rng)
    report(f"{sizes.proposals} proposals")
    _add_consultations(council, max(sizes.meetings // 25, 1), tables)
    tables.flush()
    _after_bulk_inserts([rows.table.name for rows in tables.values()])
    return {name: rows.count for name, rows in tables.items() if rows.count}


def _add_members(council: Council, count: int, tables: Tables) -> dict[int, str]:
    """Voting members with demo accounts (the demo password); their membership ids and names."""
    secretary = db.session.scalar(select(User).filter_by(email="secretary@demo.test"))
    assert secretary is not None  # noqa: S101 - the demo council has one
    start = tables["users"].next_id
    names: dict[int, str] = {}
    for n in range(count):
        first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[n // len(FIRST_NAMES) % 16]
        name = f"{first} {last}" if n < 320 else f"{first} {last} {n}"
        user_id = tables["users"].add(
            email=f"member{start + n:05d}@demo.test",
            display_name=name,
            password_hash=secretary.password_hash,
            locale=council.languages[n % len(council.languages)],
            active=True,
            notices=secretary.notices,
            is_admin=False,
            created_at=council.created_at,
        )
        membership_id = tables["memberships"].add(
            council_id=council.id,
            user_id=user_id,
            role=Role.member,
            voting_right=True,
            term_start=council.created_at.date(),
            listed=True,
            created_at=council.created_at,
        )
        names[membership_id] = name
    return names


def _pattern(council: Council) -> Meeting:
    """The demo's closed meeting, with votes, outcomes and minutes."""
    meeting = db.session.scalar(
        select(Meeting).where(
            Meeting.council_id == council.id, Meeting.state == MeetingState.closed
        )
    )
    if meeting is None:
        raise LookupError("The demo has no closed meeting to copy.")
    return meeting


def _add_meetings(
    council: Council,
    count: int,
    members: dict[int, str],
    tables: Tables,
    rng: random.Random,
) -> None:
    pattern = _pattern(council)
    meeting_row = _rows(Meeting, Meeting.id == pattern.id)[0]
    items = _rows(AgendaItem, AgendaItem.meeting_id == pattern.id)
    item_ids = [item["id"] for item in items]
    polls = _rows(Poll, Poll.agenda_item_id.in_(item_ids))
    options = _rows(PollOption, PollOption.poll_id.in_([p["id"] for p in polls]))
    outcomes = _rows(Outcome, Outcome.agenda_item_id.in_(item_ids))
    minutes = _rows(Minutes, Minutes.meeting_id == pattern.id)
    revisions = _rows(MinutesRevision, MinutesRevision.minutes_id.in_([m["id"] for m in minutes]))
    member_ids = sorted(members)
    for n in range(count):
        # Every fortnight back from the pattern, one in twenty-five still to come.
        if n % 25 == 24:
            shift = timedelta(days=14 * (n // 25 + 3))
            _add_future_meeting(meeting_row, items, shift, tables)
            continue
        shift = -timedelta(days=14 * (n + 1))
        meeting_id = tables["meetings"].add(
            **_copy(meeting_row, uid=secrets.token_hex(16), **_shifted(meeting_row, shift))
        )
        new_items = {
            item["id"]: tables["agenda_items"].add(
                **_copy(item, meeting_id=meeting_id, **_shifted(item, shift))
            )
            for item in items
        }
        present = sorted(rng.sample(member_ids, min(PRESENT, len(member_ids))))
        _add_attendance(meeting_id, present, meeting_row, shift, tables)
        new_polls = {}
        for poll in polls:
            keys = [o["key"] for o in options if o["poll_id"] == poll["id"]]
            voters = sorted(rng.sample(present, min(VOTERS, len(present))))
            choices = rng.choices(keys, weights=[6, 3, 1][: len(keys)], k=len(voters))
            poll_id = tables["polls"].add(
                **_copy(
                    poll,
                    agenda_item_id=new_items[poll["agenda_item_id"]],
                    state=PollState.published,
                    snapshot=_snapshot(
                        poll, keys, present, dict(zip(voters, choices, strict=True)), members
                    ),
                    **_shifted(poll, shift),
                )
            )
            new_polls[poll["id"]] = poll_id
            for option in options:
                if option["poll_id"] == poll["id"]:
                    tables["poll_options"].add(**_copy(option, poll_id=poll_id))
            cast_at = (poll["opened_at"] or poll["created_at"]) + shift
            for membership_id, choice in zip(voters, choices, strict=True):
                tables["ballots"].add(
                    poll_id=poll_id, membership_id=membership_id, choice=choice, cast_at=cast_at
                )
        for outcome in outcomes:
            tables["outcomes"].add(
                **_copy(
                    outcome,
                    agenda_item_id=new_items[outcome["agenda_item_id"]],
                    poll_id=new_polls.get(outcome["poll_id"]),
                    **_shifted(outcome, shift),
                )
            )
        for record in minutes:
            minutes_id = tables["minutes"].add(
                **_copy(
                    record, meeting_id=meeting_id, approved_in_id=None, **_shifted(record, shift)
                )
            )
            for revision in revisions:
                if revision["minutes_id"] == record["id"]:
                    tables["minutes_revisions"].add(
                        **_copy(revision, minutes_id=minutes_id, **_shifted(revision, shift))
                    )


def _add_future_meeting(meeting: dict, items: list[dict], shift: timedelta, tables) -> None:
    meeting_id = tables["meetings"].add(
        **_copy(
            meeting,
            uid=secrets.token_hex(16),
            state=MeetingState.published,
            reminded_at=None,
            **_shifted(meeting, shift),
        )
    )
    for item in items:
        tables["agenda_items"].add(**_copy(item, meeting_id=meeting_id, **_shifted(item, shift)))


def _shifted(row: dict, shift: timedelta) -> dict:
    """The row's times moved by ``shift`` (its dates stay in the same order)."""
    moved = {}
    for key, value in row.items():
        if key.endswith("_at") and value is not None and hasattr(value, "hour"):
            moved[key] = value + shift
    return moved


def _add_attendance(meeting_id, present, meeting, shift, tables) -> None:
    starts, ends = meeting["starts_at"] + shift, meeting["ends_at"] + shift
    for membership_id in present:
        attendance_id = tables["attendances"].add(
            meeting_id=meeting_id,
            membership_id=membership_id,
            presence=Presence.present,
            arrived_at=starts,
            left_at=ends,
            apology_note="",
            updated_at=ends,
        )
        tables["attendance_periods"].add(
            attendance_id=attendance_id, arrived_at=starts, left_at=ends
        )


def _snapshot(poll: dict, keys, present: list[int], ballots: dict[int, str], names) -> dict:
    """What closing a named vote keeps: who was entitled, who voted, the result, the names."""
    if poll["method"] is not PollMethod.named:
        raise LookupError("The demo's closed meeting should hold named votes only.")
    result = tally.tally(
        list(ballots.values()),
        keys,
        rule=poll["majority_rule"].value,
        entitled=len(present),
        abstentions_count=poll["abstentions_count"],
    )
    return {
        "entitled": present,
        "voted": sorted(ballots),
        "result": result.to_json(),
        "roll_call": [[names[member], choice] for member, choice in ballots.items()],
    }


def _add_proposals(council: Council, count: int, tables: Tables, rng) -> None:
    """Copies of the demo's proposals, submitted over the years, with their history."""
    proposals = _rows(Proposal, Proposal.council_id == council.id)
    events = _rows(ProposalEvent, ProposalEvent.proposal_id.in_([p["id"] for p in proposals]))
    for n, proposal in zip(range(count), itertools.cycle(proposals), strict=False):
        shift = -timedelta(days=rng.randrange(1, 3650), minutes=rng.randrange(1440))
        proposal_id = tables["proposals"].add(
            **_copy(
                proposal,
                tracking_hash=secrets.token_hex(32),
                submission_key=secrets.token_hex(32),
                reference=f"S{n:07d}",
                agenda_item_id=None,
                **_shifted(proposal, shift),
            )
        )
        for event in events:
            if event["proposal_id"] == proposal["id"]:
                tables["proposal_events"].add(
                    **_copy(event, proposal_id=proposal_id, **_shifted(event, shift))
                )


def _add_consultations(council: Council, count: int, tables: Tables) -> None:
    """Earlier consultations like the demo's, with their questions (answers are not copied:
    they are kept as keyed fingerprints that belong to one consultation each)."""
    consultations = _rows(Consultation, Consultation.council_id == council.id)
    ids = [c["id"] for c in consultations]
    questions = _rows(Question, Question.consultation_id.in_(ids))
    options = _rows(QuestionOption, QuestionOption.question_id.in_([q["id"] for q in questions]))
    for n in range(count):
        shift = -timedelta(days=90 * (n + 1))
        for consultation in consultations:
            consultation_id = tables["consultations"].add(
                **_copy(consultation, agenda_item_id=None, **_shifted(consultation, shift))
            )
            for question in questions:
                if question["consultation_id"] != consultation["id"]:
                    continue
                question_id = tables["consultation_questions"].add(
                    **_copy(question, consultation_id=consultation_id)
                )
                for option in options:
                    if option["question_id"] == question["id"]:
                        tables["consultation_options"].add(**_copy(option, question_id=question_id))


def _after_bulk_inserts(table_names: Iterable[str]) -> None:
    """PostgreSQL's id sequences moved past the ids given here; statistics for the planner."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        for name in table_names:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                    f"(SELECT coalesce(max(id), 1) FROM {name}))"
                )
            )
    connection.execute(text("ANALYZE"))
