"""Proposals: submission rules, every state transition, endorsements, search."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth import Role
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal, ProposalState, Topic

S = ProposalState


@pytest.fixture
def council(make_council):
    return make_council(languages=["en", "ar", "uk"], default_language="en")


@pytest.fixture
def secretary(council, make_user, add_member):
    user = make_user("secretary@example.org")
    add_member(council, user, Role.secretary)
    return user


class Anonymous:
    is_authenticated = False


_counter = iter(range(10_000))


def submit(
    council,
    *,
    title="More benches in the park",
    body="Older people need to rest.",
    lang="en",
    address="192.0.2.1",
    author=None,
    **kwargs,
):
    n = next(_counter)
    proposal, token = services.submit(
        council,
        services.Submission(title=title, body=body, topic=Topic.culture, lang=lang, **kwargs),
        author=author or Anonymous(),
        address=address,
        submission_key=f"key-{n}",
    )
    db.session.commit()
    return proposal, token


def test_tracking_token_is_shown_once_and_stored_only_as_a_hash(council):
    proposal, token = submit(council)
    assert len(token) >= 32
    assert proposal.tracking_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = db.session.execute(select(Proposal.__table__)).mappings().one()
    assert token not in {str(value) for value in stored.values()}
    assert services.find_by_token(token) == proposal
    assert services.find_by_token(token + "x") is None
    assert services.find_by_token("") is None


def test_a_proposal_keeps_its_language_and_starts_private(council):
    proposal, _ = submit(council, title="مقاعد في الحديقة", body="نص", lang="ar")
    assert proposal.title.original == "ar"
    assert proposal.state is S.submitted
    assert not proposal.is_public


def test_a_language_comes_from_the_council_or_the_full_list(council):
    with pytest.raises(DomainError):
        submit(council, lang="other")
    proposal, _ = submit(council, lang="ti")
    assert proposal.lang == "ti" and proposal.other_language == ""
    with pytest.raises(DomainError):
        submit(council, lang="Tigrinya")


def test_spoofing_and_invisible_characters_are_removed_but_the_text_is_kept(council):
    title = "Parks\u202e gnp.exe \u200bfor\u0007 all 🌳"
    proposal, _ = submit(council, title=title, body="مرحبا hello\r\nline two")
    assert proposal.title.get("en") == "Parks gnp.exe for all 🌳"
    assert proposal.body.get("en") == "مرحبا hello\nline two"
    with pytest.raises(DomainError):
        submit(council, title="\u200b\u202e ")


def test_rate_limit_per_council_and_address_counts_only_the_last_hour(app, council, make_council):
    limit = app.config["PROPOSALS_PER_HOUR"]
    for _ in range(limit):
        submit(council, address="198.51.100.7")
    with pytest.raises(DomainError, match="Too many"):
        submit(council, address="198.51.100.7")
    submit(council, address="198.51.100.8")  # another connection is not affected
    other = make_council("Another council")
    submit(other, address="198.51.100.7")  # nor is another council
    for proposal in db.session.scalars(select(Proposal)):
        proposal.created_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    submit(council, address="198.51.100.7")
    assert "198.51.100.7" not in {p.address_hash for p in db.session.scalars(select(Proposal))}


def test_the_same_form_sent_twice_stores_one_proposal(council):
    submission = services.Submission(title="Once", body="Only once", topic=Topic.other, lang="en")
    services.submit(council, submission, author=Anonymous(), address="a", submission_key="same")
    db.session.commit()
    with pytest.raises(DomainError):
        services.submit(council, submission, author=Anonymous(), address="a", submission_key="same")
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(Proposal)) == 1


ALLOWED = [
    (S.submitted, S.accepted),
    (S.submitted, S.declined),
    (S.submitted, S.changes_requested),
    (S.changes_requested, S.declined),
    (S.accepted, S.declined),
    (S.scheduled, S.adopted),
    (S.scheduled, S.rejected),
    (S.scheduled, S.postponed),
    (S.postponed, S.adopted),
    (S.postponed, S.rejected),
    (S.adopted, S.implemented),
]


def put_in_state(proposal, state):
    proposal.state = state
    db.session.commit()


@pytest.mark.parametrize("source", list(S))
@pytest.mark.parametrize("target", [s for s in S if s not in (S.submitted, S.scheduled)])
def test_every_transition_is_allowed_or_refused_by_the_workflow(council, secretary, source, target):
    proposal, _ = submit(council)
    put_in_state(proposal, source)
    if (source, target) in ALLOWED:
        event = services.change_state(
            proposal, target, answer="Because.", lang="en", actor=secretary
        )
        assert proposal.state is target
        assert event.from_state == source.value and event.to_state == target.value
    else:
        with pytest.raises(DomainError):
            services.change_state(proposal, target, answer="Because.", actor=secretary)
        assert proposal.state is source


@pytest.mark.parametrize("target", [S.declined, S.changes_requested])
def test_refusals_need_a_reason_and_stay_private(council, secretary, target):
    proposal, _ = submit(council)
    with pytest.raises(DomainError, match="answer"):
        services.change_state(proposal, target, answer="  ", actor=secretary)
    event = services.change_state(
        proposal, target, answer="Out of scope.", lang="en", actor=secretary
    )
    db.session.commit()
    assert not event.public and not proposal.is_public
    assert proposal.public_events == []
    assert db.session.scalar(
        select(AuditEvent).filter_by(action=f"proposal.{target.value}", object_id=proposal.id)
    )


def test_author_answers_a_change_request_with_a_new_version(council, secretary):
    proposal, _ = submit(council)
    services.change_state(proposal, S.changes_requested, answer="Which park?", actor=secretary)
    services.resubmit(proposal, title="Benches in North Park", body="Near the playground.")
    db.session.commit()
    assert proposal.state is S.submitted
    assert proposal.title.get("en") == "Benches in North Park"
    assert [e.kind for e in proposal.events] == ["state", "resubmitted"]
    with pytest.raises(DomainError):
        services.resubmit(proposal, title="Again", body="Again")


def test_scheduling_creates_a_decision_item_from_the_proposal(council, secretary, make_meeting):
    meeting = make_meeting(council, items=["Welcome"], publish=True)
    proposal, _ = submit(council, title="مقاعد", body="نص المقترح", lang="ar")
    with pytest.raises(DomainError):
        services.schedule(proposal, meeting.id, actor=secretary)  # not accepted yet
    services.change_state(proposal, S.accepted, actor=secretary)
    services.schedule(proposal, meeting.id, answer="On the May agenda.", lang="en", actor=secretary)
    db.session.commit()
    item = proposal.agenda_item
    assert proposal.state is S.scheduled
    assert item.meeting == meeting and item.kind.value == "decision"
    assert item.title.get("ar") == "مقاعد" and item.title.original == "ar"
    assert item.added_late_at is not None  # the agenda was already published
    assert item.proposals == [proposal]
    assert proposal.latest_answer.answer.get("en") == "On the May agenda."


def test_scheduling_on_another_councils_meeting_is_refused(
    council, secretary, make_council, make_meeting
):
    other = make_meeting(make_council("Elsewhere"))
    proposal, _ = submit(council)
    services.change_state(proposal, S.accepted, actor=secretary)
    with pytest.raises(DomainError):
        services.schedule(proposal, other.id, actor=secretary)


def test_accepting_and_scheduling_in_one_go_checks_the_meeting_first(
    council, secretary, make_council, make_meeting
):
    other = make_meeting(make_council("Elsewhere"))
    proposal, _ = submit(council)
    with pytest.raises(DomainError, match="Choose the meeting"):
        services.accept_and_schedule(proposal, other.id, actor=secretary)
    assert proposal.state is S.submitted and proposal.events == []
    meeting = make_meeting(council, items=["Welcome"], publish=True)
    services.accept_and_schedule(proposal, meeting.id, answer="In May.", lang="en", actor=secretary)
    db.session.commit()
    assert proposal.state is S.scheduled and proposal.agenda_item.meeting == meeting
    assert [(e.to_state, bool(e.answer)) for e in proposal.events] == [
        ("accepted", False),
        ("scheduled", True),
    ]


def test_checking_a_step_changes_nothing(council, secretary):
    proposal, _ = submit(council)
    with pytest.raises(DomainError, match="Write an answer"):
        services.check_step(proposal, S.declined, answer="  ")
    with pytest.raises(DomainError):
        services.check_step(proposal, S.rejected, answer="Because.")
    answer = services.check_step(proposal, S.declined, answer="Because.", lang="en")
    assert answer.get("en") == "Because."
    assert proposal.state is S.submitted and proposal.events == []


def test_privacy_edit_records_who_and_why_and_drops_stale_translations(council, secretary):
    proposal, _ = submit(council, body="Call me on 0470 12 34 56 about the benches.")
    proposal.body = proposal.body.with_text("ar", "ترجمة", machine=True)
    services.change_state(proposal, S.accepted, actor=secretary)
    with pytest.raises(DomainError):
        services.edit_for_privacy(proposal, title="t", body="b", reason=" ", actor=secretary)
    services.edit_for_privacy(
        proposal,
        title=proposal.title.get("en"),
        body="Call me about the benches.",
        reason="A phone number was removed.",
        actor=secretary,
    )
    db.session.commit()
    assert proposal.body.texts == {"en": "Call me about the benches."}
    edit = proposal.events[-1]
    assert edit.kind == "edit" and edit.actor_id == secretary.id and edit.public
    assert "0470" not in proposal.search_text
    audit = db.session.scalar(select(AuditEvent).filter_by(action="proposal.edited"))
    assert "0470" in audit.details["before"]["body"]  # kept for administrators only


def test_support_is_counted_once_per_person(council, secretary, make_user):
    proposal, _ = submit(council)
    resident = make_user("resident@example.org")
    with pytest.raises(DomainError):
        services.endorse(proposal, resident)  # not public yet
    services.change_state(proposal, S.accepted, actor=secretary)
    assert services.endorse(proposal, resident) is True
    db.session.commit()
    assert services.endorse(proposal, resident) is False
    db.session.commit()
    db.session.refresh(proposal)
    assert proposal.endorsement_count == 1
    assert services.has_endorsed(proposal, resident)


def test_threshold_marks_proposals_the_council_must_schedule(council, secretary, make_user):
    council.endorsement_threshold = 2
    proposal, _ = submit(council)
    services.change_state(proposal, S.accepted, actor=secretary)
    for n in range(2):
        assert not services.needs_agenda(proposal)
        services.endorse(proposal, make_user(f"r{n}@example.org"))
        db.session.commit()
        db.session.refresh(proposal)
    assert services.needs_agenda(proposal)


def test_public_list_filters_and_searches_in_every_language(council, secretary):
    housing, _ = submit(council, title="Cheaper rooms for young people", lang="en")
    arabic, _ = submit(council, title="مساكن للطلاب", body="سكن", lang="ar")
    hidden, _ = submit(council, title="Rooms, not yet reviewed")
    housing.topic = Topic.housing
    for proposal in (housing, arabic):
        services.change_state(proposal, S.accepted, actor=secretary)
    arabic.title = arabic.title.with_text("en", "Student housing")
    services.refresh_search_text(arabic)
    db.session.commit()

    def found(**filters):
        statement = services.public_proposals(council, services.Filters(**filters))
        return set(db.session.scalars(statement))

    assert found() == {housing, arabic}
    assert found(topic="housing") == {housing}
    assert found(lang="ar") == {arabic}
    assert found(query="STUDENT") == {arabic}
    assert found(query="مساكن") == {arabic}
    assert found(query="rooms") == {housing}
    assert found(query="100%_") == set()
    assert found(state="submitted") == {housing, arabic}  # private states are not a filter
