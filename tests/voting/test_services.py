"""Polls: states, entitlement, one final ballot per member, secrecy, outcome, recounts."""

import threading

import pytest
from sqlalchemy import inspect, select

from app.audit import AuditEvent
from app.auth import Role
from app.errors import DomainError
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Presence
from app.proposals import services as proposals
from app.proposals.models import ProposalState, Topic
from app.voting import services
from app.voting.models import (
    Ballot,
    Poll,
    PollMethod,
    PollState,
    SealedBallot,
    SecretBallot,
    VoteRecord,
)


@pytest.fixture
def council(make_council, make_user, add_member):
    council = make_council(languages=["en", "ar"], default_language="en")
    for n in range(6):
        add_member(council, make_user(f"voter{n}@example.org"), Role.member, voting_right=True)
    add_member(council, make_user("observer@example.org"), Role.observer, voting_right=False)
    db.session.commit()
    return council


@pytest.fixture
def meeting(council, make_meeting):
    meeting = make_meeting(council, items=["Budget"], start=True)
    for membership in council.voting_memberships[:5]:  # voter5 stays at home
        meetings.set_presence(meeting, membership, Presence.present)
    db.session.commit()
    return meeting


def voters(council):
    return council.voting_memberships


def make_poll(meeting, **kwargs):
    details = services.PollDetails(question="Adopt the budget?", lang="en", **kwargs)
    poll = services.create_poll(meeting.items[0], details)
    db.session.commit()
    return poll


def test_a_poll_goes_from_draft_to_published_and_never_back(meeting):
    poll = make_poll(meeting)
    with pytest.raises(DomainError):
        services.close_poll(poll)
    services.open_poll(poll)
    with pytest.raises(DomainError):
        services.open_poll(poll)
    services.close_poll(poll)
    services.publish_poll(poll)
    db.session.commit()
    for action in (services.open_poll, services.close_poll, services.publish_poll):
        with pytest.raises(DomainError):
            action(poll)
    actions = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_id == poll.id, AuditEvent.object_type == "Poll"
        )
    )
    assert list(actions) == ["poll.created", "poll.open", "poll.closed", "poll.published"]


def test_a_vote_opens_without_quorum_only_when_asked_to(council, meeting):
    for membership in voters(council)[1:5]:
        meetings.record_departure(meeting, membership)
    poll = make_poll(meeting)
    with pytest.raises(DomainError, match="Quorum is not reached"):
        services.open_poll(poll)
    assert poll.state is PollState.draft
    services.open_poll(poll, without_quorum=True)
    assert poll.state is PollState.open and poll.quorum_at_open is False


def test_votes_only_on_decision_items_of_a_meeting_that_has_started(council, make_meeting):
    later = make_meeting(council, items=["Budget"])
    poll = make_poll(later)
    with pytest.raises(DomainError, match="started"):
        services.open_poll(poll)
    meetings.add_item(later, title="News", lang="en", kind="information")
    with pytest.raises(DomainError, match="for decision"):
        services.create_poll(later.items[1], services.PollDetails(question="?", lang="en"))


def test_only_entitled_members_vote_and_only_once(council, meeting):
    poll = make_poll(meeting)
    services.open_poll(poll)
    db.session.commit()
    present, absent = voters(council)[0], voters(council)[5]
    observer = next(m for m in council.memberships if m.role is Role.observer)
    services.cast_vote(poll, present, "yes")
    db.session.commit()
    with pytest.raises(DomainError, match="already voted"):
        services.cast_vote(poll, present, "no")
    db.session.rollback()
    for outsider in (absent, observer):
        with pytest.raises(DomainError, match="not entitled"):
            services.cast_vote(poll, outsider, "yes")
    with pytest.raises(DomainError, match="options"):
        services.cast_vote(poll, voters(council)[1], "maybe")
    assert services.stored_choices(poll) == ["yes"]


def test_all_voting_members_may_vote_when_the_poll_says_so(council, meeting):
    poll = make_poll(meeting, entitlement="all")
    services.open_poll(poll)
    services.cast_vote(poll, voters(council)[5], "yes")  # not in the room
    db.session.commit()
    assert services.ballot_count(poll) == 1


def test_a_vote_after_close_is_refused_and_changes_nothing(council, meeting):
    poll = make_poll(meeting)
    services.open_poll(poll)
    services.cast_vote(poll, voters(council)[0], "yes")
    services.close_poll(poll)
    db.session.commit()
    with pytest.raises(DomainError, match="not open"):
        services.cast_vote(poll, voters(council)[1], "no")
    db.session.rollback()
    assert services.result_of(poll).counts == {"yes": 1, "no": 0, "abstain": 0}


def test_secret_ballots_cannot_be_linked_to_who_cast_them(council, meeting):
    poll = make_poll(meeting, method=PollMethod.secret)
    services.open_poll(poll)
    for membership, choice in zip(voters(council)[:3], ["yes", "no", "yes"], strict=True):
        services.cast_vote(poll, membership, choice)
    db.session.commit()
    ballot_columns = {c["name"] for c in inspect(db.engine).get_columns("secret_ballots")}
    record_columns = {c["name"] for c in inspect(db.engine).get_columns("vote_records")}
    assert ballot_columns == {"id", "poll_id", "choice"}  # no member, no time
    assert record_columns == {"id", "poll_id", "membership_id"}  # no choice, no time
    assert db.session.scalar(select(db.func.count()).select_from(Ballot)) == 0
    assert services.stored_choices(poll) == []  # sealed until the close
    assert services.voted_membership_ids(poll) == {m.id for m in voters(council)[:3]}
    services.close_poll(poll)
    db.session.commit()
    assert sorted(services.stored_choices(poll)) == ["no", "yes", "yes"]
    # Random keys: their order says nothing about the order of voting.
    keys = (
        db.session.scalars(select(SecretBallot.id)).all()
        + db.session.scalars(select(VoteRecord.id)).all()
    )
    assert all(len(key) == 32 for key in keys)
    assert not any(
        ev.details for ev in db.session.scalars(select(AuditEvent).filter_by(action="poll.voted"))
    )


def test_close_keeps_a_snapshot_that_a_recount_confirms(council, meeting):
    poll = make_poll(meeting, majority_rule="absolute")
    services.open_poll(poll)
    for membership, choice in zip(
        voters(council)[:5], ["yes", "yes", "yes", "no", "abstain"], strict=True
    ):
        services.cast_vote(poll, membership, choice)
    result = services.close_poll(poll)
    db.session.commit()
    assert poll.snapshot["entitled"] == sorted(m.id for m in voters(council)[:5])
    assert result.passed and result.entitled == 5
    assert services.recount(poll) == services.result_of(poll) == result
    assert poll.quorum_at_open and poll.quorum_at_close


def test_without_quorum_at_close_the_result_does_not_decide(council, meeting):
    proposal, _ = proposals.submit(
        council,
        proposals.Submission(title="Benches", body="b", topic=Topic.culture, lang="en"),
        author=None,
        address="x",
        submission_key="k",
    )
    proposals.change_state(proposal, ProposalState.accepted)
    proposals.link_to_item(proposal, meeting.items[0], actor=None)
    poll = make_poll(meeting)
    services.open_poll(poll)
    services.cast_vote(poll, voters(council)[0], "yes")
    for membership in voters(council)[1:5]:
        meetings.record_departure(meeting, membership)
    services.close_poll(poll)
    db.session.commit()
    assert poll.quorum_at_close is False and not services.decided(poll)
    assert proposal.state is ProposalState.scheduled


@pytest.mark.parametrize(
    ("choices", "outcome"),
    [
        (["yes", "yes", "no"], ProposalState.adopted),
        (["no", "no", "yes"], ProposalState.rejected),
    ],
)
def test_a_decided_vote_moves_the_linked_proposal_with_an_answer(
    council, meeting, choices, outcome
):
    proposal, _ = proposals.submit(
        council,
        proposals.Submission(title="Benches", body="b", topic=Topic.culture, lang="ar"),
        author=None,
        address="x",
        submission_key="k",
    )
    proposals.change_state(proposal, ProposalState.accepted)
    proposals.link_to_item(proposal, meeting.items[0], actor=None)
    poll = make_poll(meeting)
    services.open_poll(poll)
    for membership, choice in zip(voters(council), choices, strict=False):
        services.cast_vote(poll, membership, choice)
    services.close_poll(poll)
    db.session.commit()
    # Nothing is decided in public before the result is published.
    assert proposal.state is ProposalState.scheduled
    services.publish_poll(poll)
    db.session.commit()
    assert proposal.state is outcome
    answer = proposal.latest_answer.answer
    assert answer.get("en") and answer.get("ar") and answer.get("ar") != answer.get("en")


def test_custom_options_need_two_distinct_texts(meeting):
    with pytest.raises(DomainError):
        make_poll(meeting, options=("Only one",))
    with pytest.raises(DomainError):
        make_poll(meeting, options=("Same", "Same"))
    db.session.rollback()
    poll = make_poll(meeting, options=("Park", "Library", ""))
    assert poll.option_keys == ["option-1", "option-2", "abstain"]


@pytest.mark.parametrize("method", [PollMethod.named, PollMethod.secret])
def test_simultaneous_ballots_are_neither_lost_nor_doubled(
    app, make_council, make_user, add_member, make_meeting, method
):
    """30 members vote at once from threads, 3 of them twice; every thread has its own
    connection to the real database (SQLite file or PostgreSQL)."""
    council = make_council("Busy Council")
    members = []
    for n in range(30):
        members.append(
            add_member(council, make_user(f"m{n}@example.org"), Role.member, voting_right=True)
        )
    db.session.commit()
    meeting = make_meeting(council, items=["Motion"], start=True)
    poll = make_poll(meeting, method=method, entitlement="all")
    services.open_poll(poll, without_quorum=True)  # nobody in the room: everyone may vote
    db.session.commit()
    poll_id, member_ids = poll.id, [m.id for m in members]
    db.session.commit()  # the test holds no lock while the voters vote
    jobs = [(mid, "yes" if i % 3 else "no") for i, mid in enumerate(member_ids)]
    jobs += jobs[:3]  # three members submit twice
    barrier = threading.Barrier(len(jobs))
    outcomes = []

    def vote(membership_id, choice):
        with app.app_context():
            from app.councils.models import Membership

            membership = db.session.get(Membership, membership_id)
            poll = db.session.get(Poll, poll_id)
            db.session.commit()  # release SQLite's lock before everyone starts together
            barrier.wait()
            try:
                services.cast_vote(poll, membership, choice)
                db.session.commit()
                outcomes.append("stored")
            except DomainError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=vote, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    poll = db.session.get(Poll, poll_id)
    assert outcomes.count("stored") == 30 and outcomes.count("refused") == 3
    assert services.ballot_count(poll) == 30
    assert poll.state is PollState.open
    services.close_poll(poll)
    db.session.commit()
    choices = services.stored_choices(poll)
    assert len(choices) == 30
    assert choices.count("no") == 10 and choices.count("yes") == 20


@pytest.mark.parametrize("method", [PollMethod.named, PollMethod.secret])
def test_a_vote_racing_the_close_is_counted_or_refused_never_lost(
    app, make_council, make_user, add_member, make_meeting, method
):
    """The state is read under the lock that covers the ballot: a vote that reads "open", then
    waits while the chair closes, must not be stored after the count (told "recorded", never
    counted). 30 members vote while the chair closes, each on a connection of their own."""
    import time

    council = make_council("Busy Council")
    members = [
        add_member(council, make_user(f"m{n}@example.org"), Role.member, voting_right=True)
        for n in range(30)
    ]
    meeting = make_meeting(council, items=["Motion"], start=True)
    poll = make_poll(meeting, method=method, entitlement="all")
    services.open_poll(poll, without_quorum=True)
    db.session.commit()
    poll_id, member_ids = poll.id, [m.id for m in members]
    db.session.commit()
    barrier = threading.Barrier(len(member_ids) + 1)
    stored, refused = [], []

    def vote(membership_id):
        with app.app_context():
            from app.councils.models import Membership

            membership = db.session.get(Membership, membership_id)
            poll = db.session.get(Poll, poll_id)
            db.session.commit()
            barrier.wait()
            try:
                services.cast_vote(poll, membership, "yes")
                db.session.commit()
                stored.append(membership_id)
            except DomainError as refusal:
                db.session.rollback()
                assert "not open" in str(refusal)
                refused.append(membership_id)
            finally:
                db.session.remove()

    def close():
        with app.app_context():
            barrier.wait()
            deadline = time.monotonic() + 30
            while len(stored) < 5 and time.monotonic() < deadline:
                time.sleep(0.001)  # some votes in before the close, the rest racing it
            services.close_poll(db.session.get(Poll, poll_id))
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=vote, args=(mid,)) for mid in member_ids]
    threads.append(threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db.session.expire_all()
    poll = db.session.get(Poll, poll_id)
    assert poll.state is PollState.closed
    assert len(stored) + len(refused) == 30 and stored
    # Every vote told "recorded" is in the count, and nothing else is.
    assert services.result_of(poll).counts["yes"] == len(stored)
    assert len(services.stored_choices(poll)) == len(stored)
    assert sorted(poll.snapshot["voted"]) == sorted(stored)
    assert services.recount(poll) == services.result_of(poll)
    assert db.session.scalar(select(db.func.count()).select_from(SealedBallot)) == 0


def test_every_closed_poll_of_the_demo_recounts_to_its_published_result(app):
    from app.demo import seed_demo

    seed_demo()
    db.session.commit()
    closed = db.session.scalars(
        select(Poll).where(Poll.state.in_([PollState.closed, PollState.published]))
    ).all()
    assert closed, "the demo has published results"
    for poll in closed:
        assert services.recount(poll) == services.result_of(poll), poll.id
        assert len(services.stored_choices(poll)) == len(poll.snapshot["voted"])


def test_a_council_in_languages_the_interface_lacks_still_gets_an_answer(
    make_council, make_user, add_member, make_meeting
):
    council = make_council("Consejo", languages=["es"], default_language="es")
    voter = add_member(council, make_user("v@example.org"), Role.member, voting_right=True)
    meeting = make_meeting(council, items=["Moción"], start=True)
    meetings.set_presence(meeting, voter, Presence.present)
    proposal, _ = proposals.submit(
        council,
        proposals.Submission(title="Bancos", body="b", topic=Topic.culture, lang="es"),
        author=None,
        address="x",
        submission_key="k",
    )
    proposals.change_state(proposal, ProposalState.accepted)
    proposals.link_to_item(proposal, meeting.items[0], actor=None)
    poll = make_poll(meeting)
    services.open_poll(poll)
    services.cast_vote(poll, voter, "no")
    services.close_poll(poll)
    services.publish_poll(poll)
    db.session.commit()
    assert proposal.state is ProposalState.rejected
    assert proposal.latest_answer.answer.get("en")


def test_only_the_chair_the_secretary_and_members_may_hold_a_vote(council, make_user):
    """Observers and translators take part without a vote, whatever a form sends."""
    from app.councils import services as councils

    for role in (Role.observer, Role.translator):
        with pytest.raises(DomainError, match="can have a vote"):
            councils.add_membership(council, make_user(), role, voting_right=True)
        with pytest.raises(DomainError, match="can have a vote"):
            councils.create_invitation(council, "x@example.org", role, voting_right=True)
    observer = next(m for m in council.current_memberships if m.role is Role.observer)
    with pytest.raises(DomainError, match="can have a vote"):
        councils.update_membership(
            observer,
            role=Role.observer,
            voting_right=True,
            term_start=observer.term_start,
            term_end=None,
        )


def test_a_vote_stored_for_an_observer_by_older_versions_counts_nowhere(council, meeting):
    observer = next(m for m in council.current_memberships if m.role is Role.observer)
    observer.voting_right = True  # as the invitation form used to store it
    meetings.set_presence(meeting, observer, Presence.present)
    db.session.commit()
    poll = make_poll(meeting, entitlement="all")
    services.open_poll(poll)
    assert observer not in council.voting_memberships
    assert observer not in services.entitled_memberships(poll)
    with pytest.raises(DomainError, match="not entitled"):
        services.cast_vote(poll, observer, "yes")
    assert meetings.quorum(meeting).voting_members == 6


def test_deactivated_accounts_count_towards_neither_quorum_nor_majority(council, meeting):
    from app.accounts import services as accounts

    gone = voters(council)[0]
    before = meetings.quorum(meeting)
    accounts.set_active(gone.user, False)
    db.session.commit()
    after = meetings.quorum(meeting)
    assert after.voting_members == before.voting_members - 1
    assert after.present == before.present - 1
    poll = make_poll(meeting)
    services.open_poll(poll)
    assert gone not in services.entitled_memberships(poll)
    assert services.turnout(poll).entitled == after.present


def test_a_roll_call_keeps_the_names_members_had_when_they_voted(council, meeting):
    from app.accounts import services as accounts

    poll = make_poll(meeting)
    services.open_poll(poll)
    voter = voters(council)[0]
    services.cast_vote(poll, voter, "yes")
    services.close_poll(poll)
    db.session.commit()
    name = voter.user.display_name
    accounts.update_profile(voter.user, "Someone Else", "en")
    db.session.commit()
    assert [(e.name, e.choice) for e in services.roll_call(poll)] == [(name, "yes")]


def test_a_meeting_closes_its_open_votes_with_the_room_as_it_was(council, meeting):
    poll = make_poll(meeting)
    services.open_poll(poll)
    for membership in voters(council)[:5]:
        services.cast_vote(poll, membership, "yes")
    with pytest.raises(DomainError, match="still open"):
        services.close_meeting(meeting)
    with pytest.raises(DomainError, match="still open"):
        meetings.close_meeting(meeting)  # the meetings domain refuses too
    assert meeting.state.value == "in_progress" and poll.state is PollState.open
    services.close_meeting(meeting, close_open_votes=True)
    db.session.commit()
    assert meeting.state.value == "closed" and poll.state is PollState.closed
    assert poll.quorum_at_close is True and services.decided(poll)
    # Everyone has left the room now; what the vote says does not change.
    assert services.turnout(poll) == services.Turnout(5, 5, False, False)
    assert services.turnout(poll, voters(council)[0]) == services.Turnout(5, 5, True, True)
    assert services.recount(poll) == services.result_of(poll)
