"""Every route, every role, every method: the answer follows the route's declaration.

The routes come from the app's URL map, so a new route is tried here without anyone writing
a test for it (and a route without ``@requires`` stops the app at start-up). For each route
and method, each role tries it on records of their own council and, with the same council in
the URL, on records of another council:

- whoever the declaration refuses gets "please sign in" (anonymous) or 403, and nothing is
  written;
- whoever it allows is never refused, and never reaches another council's records (404);
- a POST that succeeds (a "success" notice) writes audit events, each naming the person.
"""

import io
import itertools
from datetime import date, timedelta

import pytest
from flask import url_for
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from app import create_app
from app.audit import AuditEvent
from app.auth import Access, Role, allowed
from app.consultations.views import workshop
from app.councils import services as councils
from app.extensions import db
from app.mail.models import Notice
from app.meetings import services as meetings
from app.meetings.models import Presence
from app.minutes import services as minutes
from app.proposals import services as proposals
from app.proposals.models import ProposalState
from app.residents import services as residents
from app.voting import services as voting
from config import TestConfig
from tests.helpers import csrf_token, sign_in

ROLES = [
    "anonymous",
    "resident",
    "observer",
    "translator",
    "mediator",
    "member",
    "member_without_vote",
    "secretary",
    "chair",
    "admin",
    "other_secretary",
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
#: Routes whose successful POST writes more than one audit event, and why.
AUDIT_EVENTS = {
    # sign-in and a new account: the account, the membership, the invitation used
    "councils.accept_invitation": 4,
    # the new agenda item, and the proposal's step
    "proposals.answer": 2,
    # the meeting's open vote is closed first, then the meeting
    "voting.close_meeting": 2,
}


def form_data(endpoint: str, ids: dict) -> dict:
    """What a person would type, so that allowed POSTs can succeed (and be audited)."""
    soon = (date.today() + timedelta(days=30)).isoformat()
    return {
        "accounts.profile": {"display_name": "Renamed", "locale": "en"},
        "councils.set_listing": {"listed": "1"},
        "councils.invite": {"email": "someone@example.org", "role": "member"},
        "meetings.new_meeting": {
            "title": "Youth",
            "lang": "en",
            "day": soon,
            "starts": "18:00",
            "ends": "19:00",
        },
        "meetings.cancel": {"reason": "The hall is flooded.", "lang": "en"},
        "agenda.new_item": {"title": "Parks", "lang": "en", "kind": "decision"},
        "meetings.ask_translators": {"asked": "yes"},
        "proposals.ask_translators": {"asked": "yes"},
        "attendance.sheet": {"record": f"{ids['membership_id']}:excused"},
        "voting.vote": {"choice": "yes"},
        "voting.new_poll": {
            "question": "Adopt it?",
            "lang": "en",
            "method": "named",
            "majority_rule": "simple",
            "entitlement": "present",
        },
        "proposals.answer": {"step": f"scheduled:{ids['meeting_id']}", "lang": "en"},
        "voting.close_meeting": {"open_votes": "close"},
        "minutes.edit": {"text": "What the meeting said.", "base": "1"},
        "minutes.approve": {"by": "chair", "item": "0"},
        "voting.record_outcome": {"kind": "noted", "lang": "en", "majority_rule": "simple"},
        "workshop.answer": {"key": ids["workshop_key"], f"q{ids['question_id']}": "3"},
        "mediators.new": {
            "council": str(ids["council_id"]),
            "received_as": "conversation",
            "resident_lang": "en",
            "lang": "en",
            "title": "Shade",
            "body": "Trees in the square.",
            "topic": "other",
            "submission_key": f"mediated-{ids['meeting_id']}-{id(ids)}",
        },
        "proposals.new": {
            "title": "Shade",
            "body": "Trees in the square.",
            "topic": "other",
            "lang": "en",
            "submission_key": f"matrix-{ids['meeting_id']}-{id(ids)}",
        },
    }.get(endpoint, {})


def routes():
    app = create_app(TestConfig)
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield pytest.param(rule.endpoint, method, id=f"{method} {rule.endpoint}")


ROUTES = list(routes())
SUBMISSIONS = itertools.count()


def records(council, make_meeting, membership_user):
    """One public record of each kind in ``council``, and the ids a URL may need."""
    # Planned for tomorrow and started early: one planned today at 18:00 is in the past by
    # the evening, and could not be created.
    meeting = make_meeting(council, items=["Budget", "Housing"], days=1, start=True)
    meeting_items = meeting.items
    document = meetings.store_document(
        meeting,
        FileStorage(stream=io.BytesIO(PDF), filename="agenda.pdf"),
        item=None,
    )
    for membership in council.current_memberships:
        if membership.voting_right:
            meetings.set_presence(meeting, membership, Presence.present)
    poll = voting.create_poll(
        meeting_items[0], voting.PollDetails(question="Adopt the budget?", lang="en")
    )
    voting.open_poll(poll)
    proposal, _token = proposals.submit(
        council,
        proposals.Submission(title="Benches", body="More benches", topic="other", lang="en"),
        author=None,
        address="192.0.2.1",
        submission_key=f"key-{council.slug}",
    )
    proposals.change_state(proposal, ProposalState.accepted)
    past = make_meeting(council, items=["Last time"], days=0, start=True)
    voting.close_meeting(past)
    record = minutes.start_draft(past, "en", actor=None)
    invitation_token = councils.create_invitation(
        council, f"new@{council.slug}.example", Role.member, voting_right=True, actor=None
    )
    notice = Notice(council=council, kind="meeting.published", subject="Meeting: Plenary")
    db.session.add(notice)
    db.session.commit()
    invitation = councils.find_invitation(invitation_token)
    consultation = open_consultation(council)
    deletion = residents.request_deletion(proposal)
    db.session.commit()
    return {
        "slug": council.slug,
        "council_id": council.id,
        "request_id": deletion.id,
        "meeting_id": meeting.id,
        "item_id": meeting_items[1].id,
        "poll_id": poll.id,
        "proposal_id": proposal.id,
        "document_id": document.id,
        "filename": document.filename,
        "membership_id": council.current_membership_of(membership_user).id,
        "invitation_id": invitation.id,
        "minutes_id": record.id,
        "consultation_id": consultation.id,
        "question_id": consultation.questions[0].id,
        "workshop_key": workshop.workshop_key(consultation),
        "number": 1,
        "notice_id": notice.id,
        "kind": "meeting",
        "obj_id": meeting.id,
        "language": "ar",
        "size": "a4",
    }


def open_consultation(council):
    """A published consultation taking answers, with one question."""
    from app.consultations.models import Consultation, ConsultationState, Question
    from app.database import utcnow
    from app.i18n import Translated

    consultation = Consultation(
        council=council,
        title=Translated.of("Priorities", "en"),
        state=ConsultationState.published,
        opens_at=utcnow() - timedelta(days=1),
        closes_at=utcnow() + timedelta(days=7),
    )
    consultation.questions.append(
        Question(position=1, kind="scale", text=Translated.of("How safe?", "en"))
    )
    db.session.add(consultation)
    db.session.commit()
    return consultation


@pytest.fixture
def world(make_council, make_user, add_member, make_meeting):
    a, b = make_council("Council A"), make_council("Council B")
    people = {"resident": make_user("resident@example.org")}
    for role, voting_right in [
        ("observer", False),
        ("translator", False),
        ("mediator", False),
        ("member", True),
        ("member_without_vote", False),
        ("secretary", False),
        ("chair", True),
    ]:
        people[role] = make_user(f"{role}@a.example")
        add_member(a, people[role], Role(role.split("_")[0]), voting_right=voting_right)
    people["admin"] = make_user("admin@example.org", is_admin=True)
    people["other_secretary"] = make_user("secretary@b.example")
    add_member(b, people["other_secretary"], Role.secretary)
    b_member = make_user("member@b.example")
    add_member(b, b_member, Role.member, voting_right=True)
    own = records(a, make_meeting, people["member"])
    other = records(b, make_meeting, b_member)
    other["slug"] = own["slug"]  # another council's records, asked for under this council
    return {"a": a, "people": people, "own": own, "other": other}


def url_for_route(app, endpoint: str, ids: dict, user) -> str | None:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {}
    for name in rule.arguments:
        if name in ids:
            values[name] = ids[name]
        elif name in ("token", "key"):
            values[name] = "x" * 43
        elif name == "user_id":
            values[name] = user.id
        else:
            raise AssertionError(f"{endpoint}: no value for <{name}>")
    if endpoint == "workshop.answer":
        values["key"] = ids["workshop_key"]  # the code on the workshop's screen
    with app.test_request_context():
        return url_for(endpoint, **values)


def council_scoped(app, endpoint: str) -> bool:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    return bool(
        rule.arguments
        & {
            "meeting_id",
            "poll_id",
            "proposal_id",
            "document_id",
            "membership_id",
            "invitation_id",
            "minutes_id",
            "obj_id",
            "item_id",
            "consultation_id",
            "question_id",
            "request_id",
        }
    )


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as state:
        return list(state.get("_flashes", []))


def is_refusal(response, role: str) -> bool:
    if role == "anonymous":
        return response.status_code == 302 and "/sign-in" in response.location
    return response.status_code == 403


@pytest.mark.parametrize(("endpoint", "method"), ROUTES)
def test_every_role_gets_what_the_route_declares(app, world, endpoint, method):
    view = app.view_functions[endpoint]
    rule = view.access
    council = world["a"]
    tried = 0
    for role in ROLES:
        user = world["people"].get(role)
        client = app.test_client()
        if user is not None:
            sign_in(client, user.email)
        token = csrf_token(client, "/profile" if user else "/sign-in")
        may = allowed(rule, user, council) if user else rule is Access.anyone
        variants = [("own", world["own"])]
        if council_scoped(app, endpoint):
            variants.append(("other", world["other"]))
        for variant, ids in variants:
            url = url_for_route(app, endpoint, ids, world["people"]["resident"])
            before = audit_count()
            if method == "GET":
                response = client.get(url)
            else:
                data = form_data(endpoint, ids)
                if "submission_key" in data:
                    data["submission_key"] += f"-{next(SUBMISSIONS)}"
                response = client.post(url, data={"csrf_token": token, **data})
            tried += 1
            where = f"{method} {url} as {role} ({variant})"
            assert response.status_code != 500, where
            if not may:
                assert is_refusal(response, role), f"{where}: {response.status_code}"
                assert audit_count() == before, f"{where}: a refused request wrote"
            elif variant == "other":
                assert response.status_code == 404, f"{where}: {response.status_code}"
                assert audit_count() == before, f"{where}: another council's record changed"
            else:
                assert not is_refusal(response, role), f"{where}: refused"
                if method == "POST" and any(c == "success" for c, _m in flashes(client)):
                    events = db.session.scalars(
                        select(AuditEvent).where(AuditEvent.id > before)
                    ).all()
                    assert len(events) == AUDIT_EVENTS.get(endpoint, 1), where
                    if user is not None:
                        assert {e.actor_id for e in events} == {user.id}, where
    assert tried >= len(ROLES)


def test_the_matrix_covers_every_route_and_role(app):
    """The size of the matrix, for the record (routes × methods × roles)."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    pairs = sum(len(r.methods - {"HEAD", "OPTIONS"}) for r in rules)
    assert pairs == len(ROUTES)
    assert all(hasattr(app.view_functions[r.endpoint], "access") for r in rules)


def test_a_route_without_a_declaration_stops_the_app(tmp_path, monkeypatch):
    from flask import Blueprint

    from app import check_access_declared

    app = create_app(TestConfig)
    extra = Blueprint("extra", __name__)
    extra.add_url_rule("/open-to-all", "open", lambda: "oops")
    app.register_blueprint(extra)
    with pytest.raises(RuntimeError, match="extra.open"):
        check_access_declared(app)


def test_an_admin_acts_on_their_own_seat_only_as_a_member(app, world):
    """Instance administrators manage everything, but cannot vote or be marked present for a
    council they do not sit on."""
    from app.auth import Permission, can

    admin = world["people"]["admin"]
    assert can(admin, Permission.manage_meetings, world["a"])
    assert not can(admin, Permission.vote, world["a"])
    assert not can(admin, Permission.attend, world["a"])
