"""Every page runs no more SQL statements with many rows than with few.

A page that asks the database once per agenda item, vote, ballot, meeting or proposal is fast
in a demo and slow in a council's fifth year. Each GET route of the app (from its URL map, so
a new page is checked without anyone writing a test for it) is asked for by someone allowed to
see it, on the records of ``tests/test_access.py``; then those records grow (more agenda items,
votes and ballots in the same meeting, more members present, more meetings, proposals,
decisions, questions, notices) and the same pages are asked for again. The statement count
(``app.timing``) must not grow.
"""

import io
from collections import Counter

from sqlalchemy import event, select
from werkzeug.datastructures import FileStorage

from app.auth import Role, allowed
from app.consultations.models import Question
from app.extensions import db
from app.i18n import Translated
from app.mail.models import Notice, OutboxMessage
from app.meetings import services as meetings
from app.meetings.models import AgendaItem, ItemKind, Meeting, Presence
from app.minutes.models import Minutes
from app.proposals import services as proposals
from app.proposals.models import ProposalState
from app.timing import read
from app.voting import outcomes
from app.voting import services as voting
from app.voting.models import Poll, PollState
from tests.helpers import sign_in
from tests.test_access import PDF, ROUTES, url_for_route
from tests.test_access import world as world  # noqa: F401 - the records, as a fixture

#: Who asks for each page: the first of these the route lets in.
ASKERS = ["secretary", "member", "translator", "mediator", "admin", "anonymous"]


def statements(client, url: str) -> tuple[int, int]:
    response = client.get(url)
    return response.status_code, read(response.headers["Server-Timing"])[1]


def repeated(client, url: str) -> list[str]:
    """The statements a page runs more than once (what to look at when its count grows)."""
    seen: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        seen.append(" ".join(statement.split())[:160])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return [statement for statement, n in Counter(seen).items() if n > 1]


def asker(app, endpoint: str, world) -> str:
    council = world["a"]
    for role in ASKERS:
        user = world["people"].get(role)
        if allowed(app.view_functions[endpoint].access, user, council):
            return role
    return "anonymous"


def grow(world, numbers: range, make_meeting, make_user, add_member) -> None:
    """One more of each kind the pages list per number, under the same records: members
    present and voting, agenda items with documents and votes, earlier meetings with a
    published vote and an outcome, proposals, questions, notices' messages."""
    council = world["a"]
    ids = world["own"]
    meeting = db.session.get(Meeting, ids["meeting_id"])
    open_poll = db.session.get(Poll, ids["poll_id"])
    closed = db.session.get(Minutes, ids["minutes_id"]).meeting
    consultation = db.session.get(Question, ids["question_id"]).consultation
    notice = db.session.get(Notice, ids["notice_id"])
    voters = []
    for n in numbers:
        user = make_user(f"voter{n}@a.example", display_name=f"Voter {n:02d}")
        membership = add_member(council, user, Role.member, voting_right=True)
        voters.append(membership)
        meetings.set_presence(meeting, membership, Presence.present)
        voting.cast_vote(open_poll, membership, ["yes", "no", "abstain"][n % 3])
        item = meetings.add_item(meeting, title=f"Item {n}", lang="en", kind="decision")
        meetings.store_document(
            meeting, FileStorage(stream=io.BytesIO(PDF), filename=f"annex-{n}.pdf"), item=item
        )
        voting.create_poll(item, voting.PollDetails(question=f"Agree {n}?", lang="en"))
        db.session.add(
            AgendaItem(
                meeting=closed,
                position=10 + n,
                title=Translated.of(f"Later item {n}", "en"),
                kind=ItemKind.information,
            )
        )
        consultation.questions.append(
            Question(position=2 + n, kind="scale", text=Translated.of(f"How much {n}?", "en"))
        )
        db.session.add(
            OutboxMessage(
                notice=notice, to_address=f"reader{n}@example.org", subject="Meeting: Plenary"
            )
        )
        for m in range(5):
            proposal, _token = proposals.submit(
                council,
                proposals.Submission(
                    title=f"Idea {n}.{m}",
                    body="Described.",
                    topic="other",
                    lang=["en", "ar"][m % 2],
                ),
                author=None,
                address=f"192.0.2.{n}",
                submission_key=f"grow-{n}-{m}",
            )
            proposals.change_state(proposal, ProposalState.accepted)
        db.session.commit()

    # Earlier meetings, each with a decided and published vote and a recorded outcome.
    for n in numbers:
        past = make_meeting(council, items=["Budget", "Parks"], days=-(n + 1) * 7, start=True)
        past_items = list(past.items)
        for membership in voters:
            meetings.set_presence(past, membership, Presence.present)
        poll = voting.create_poll(past_items[0], voting.PollDetails(question="Adopt?", lang="en"))
        voting.open_poll(poll, without_quorum=True)
        for membership in voters:
            voting.cast_vote(poll, membership, "yes")
        voting.close_poll(poll)
        voting.publish_poll(poll)
        outcomes.record_outcome(
            past_items[1],
            outcomes.OutcomeDetails(kind="consensus", summary="Agreed.", lang="en"),
            actor=None,
        )
        voting.close_meeting(past)
    db.session.commit()


def test_no_page_runs_more_statements_with_many_rows_than_with_few(
    app, world, make_meeting, make_user, add_member
):
    ids = world["own"]
    routes = [route.values[0] for route in ROUTES if route.values[1] == "GET"]
    roles = {endpoint: asker(app, endpoint, world) for endpoint in routes}
    arguments = {rule.endpoint: rule.arguments for rule in app.url_map.iter_rules()}
    clients = {}
    for role in set(roles.values()):
        clients[role] = app.test_client()
        if role != "anonymous":
            sign_in(clients[role], world["people"][role].email)

    def pages() -> dict[str, tuple[str, str]]:
        """Each page's asker and address; pages about a vote also about the newest published
        one (its roll call, its result), whose ballots grow with the members."""
        published = db.session.scalar(
            select(Poll.id).where(Poll.state == PollState.published).order_by(Poll.id.desc())
        )
        found = {}
        for endpoint in routes:
            user = world["people"].get(roles[endpoint])
            found[endpoint] = (roles[endpoint], url_for_route(app, endpoint, ids, user))
            if "poll_id" in arguments[endpoint]:
                url = url_for_route(app, endpoint, {**ids, "poll_id": published}, user)
                found[f"{endpoint} (published)"] = (roles[endpoint], url)
        return found

    def measure() -> tuple[dict[str, tuple[int, int]], dict[str, tuple[str, str]]]:
        asked = pages()
        return {name: statements(clients[role], url) for name, (role, url) in asked.items()}, asked

    grow(world, range(1), make_meeting, make_user, add_member)
    few, _asked = measure()
    grow(world, range(1, 7), make_meeting, make_user, add_member)
    many, asked = measure()
    answered = [e for e, (status, _n) in few.items() if status == 200]
    assert len(answered) > 60, sorted(set(few) - set(answered))
    # Fewer is allowed: a page full of one kind of record (the translators' newest texts)
    # loads fewer kinds than a page of a little of everything.
    changed = {
        endpoint: f"{few[endpoint][1]} → {many[endpoint][1]}"
        for endpoint in answered
        if many[endpoint][0] != 200 or many[endpoint][1] > few[endpoint][1]
    }
    assert not changed, "\n".join(
        f"{name}: {counts}; repeated: {repeated(clients[asked[name][0]], asked[name][1])}"
        for name, counts in sorted(changed.items())
    )
