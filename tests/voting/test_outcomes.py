"""Outcomes recorded by hand: the rules of a show of hands, the room, and what moves on."""

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth import Role
from app.errors import DomainError
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Presence
from app.proposals import services as proposals
from app.proposals.models import ProposalState, Topic
from app.voting import outcomes, services
from app.voting.models import OutcomeKind


@pytest.fixture
def council(make_council, make_user, add_member):
    council = make_council(languages=["en", "ar", "fr"], default_language="en")
    for n in range(9):
        add_member(council, make_user(f"voter{n}@example.org"), Role.member, voting_right=True)
    return council


@pytest.fixture
def secretary(council, make_user, add_member):
    user = make_user("secretary@example.org")
    add_member(council, user, Role.secretary)
    return user


@pytest.fixture
def meeting(council, make_meeting):
    """Under way, with 6 of the 9 voting members in the room (quorum: 5)."""
    meeting = make_meeting(council, items=["Budget", "Parks"], start=True)
    for membership in council.voting_memberships[:6]:
        meetings.set_presence(meeting, membership, Presence.present)
    db.session.commit()
    return meeting


def hands(yes, no, abstain=0, rule="simple"):
    return outcomes.OutcomeDetails(
        kind="hands", majority_rule=rule, counts={"yes": yes, "no": no, "abstain": abstain}
    )


def record(meeting, details, actor=None, item=0):
    outcome = outcomes.record_outcome(meeting.items[item], details, actor=actor)
    db.session.commit()
    return outcome


@pytest.mark.parametrize(
    ("rule", "counts", "adopted"),
    [
        ("simple", (3, 2, 1), True),
        ("simple", (2, 2, 2), False),  # a tie carries nothing
        # Absolute: more than half of the 6 members present, whatever the others did.
        ("absolute", (3, 0, 3), False),
        ("absolute", (4, 2, 0), True),
        # Two thirds of the votes cast, abstentions aside.
        ("two_thirds", (4, 2, 0), True),
        ("two_thirds", (3, 2, 1), False),
    ],
)
def test_a_show_of_hands_follows_the_majority_rules_of_a_vote(meeting, rule, counts, adopted):
    outcome = record(meeting, hands(*counts, rule=rule))
    assert outcome.kind is OutcomeKind.hands
    assert outcome.present == 6 and outcome.quorum is True
    assert outcome.adopted is adopted
    assert outcomes.hand_result(outcome).passed is adopted


def test_more_hands_than_members_present_is_refused(meeting):
    with pytest.raises(DomainError, match="only 6 voting members are present"):
        outcomes.record_outcome(meeting.items[0], hands(5, 1, 1), actor=None)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"yes": -1, "no": 2}, "cannot be negative"),
        ({"yes": 10**7, "no": 0}, "too large"),
        ({"yes": 0, "no": 0, "abstain": 0}, "Enter the number of hands"),
    ],
)
def test_impossible_numbers_of_hands_are_refused(meeting, counts, message):
    details = outcomes.OutcomeDetails(kind="hands", counts=counts)
    with pytest.raises(DomainError, match=message):
        outcomes.record_outcome(meeting.items[0], details, actor=None)


def test_without_quorum_a_show_of_hands_decides_nothing(council, make_meeting):
    meeting = make_meeting(council, items=["Budget"], start=True)
    for membership in council.voting_memberships[:3]:  # 3 of 9: quorum needs 5
        meetings.set_presence(meeting, membership, Presence.present)
    outcome = record(meeting, hands(3, 0))
    assert outcome.quorum is False and outcome.adopted is False


def test_a_discussion_needs_its_summary(meeting):
    with pytest.raises(DomainError, match="Summarise the discussion"):
        outcomes.record_outcome(
            meeting.items[0], outcomes.OutcomeDetails(kind="discussed", summary="  "), actor=None
        )
    outcome = record(
        meeting, outcomes.OutcomeDetails(kind="discussed", summary="Views shared.", lang="fr")
    )
    assert outcome.summary.original == "fr" and outcome.summary.get("fr") == "Views shared."


def test_no_outcome_before_the_meeting_has_started(council, make_meeting):
    draft = make_meeting(council, items=["Budget"])
    published = make_meeting(council, items=["Budget"], publish=True)
    for meeting in (draft, published):
        with pytest.raises(DomainError, match="once the meeting has started"):
            outcomes.record_outcome(
                meeting.items[0], outcomes.OutcomeDetails(kind="noted"), actor=None
            )


def test_an_outcome_is_corrected_after_the_close_and_both_steps_are_audited(meeting, secretary):
    record(meeting, outcomes.OutcomeDetails(kind="noted"), actor=secretary)
    services.close_meeting(meeting)
    db.session.commit()
    # Closing empties the room: the members who attended count for the show of hands.
    outcome = record(meeting, hands(4, 1, 1), actor=secretary)
    assert outcome.kind is OutcomeKind.hands and outcome.present == 6
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("outcome.%")).order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.actor_id) for e in events] == [
        ("outcome.recorded", secretary.id),
        ("outcome.changed", secretary.id),
    ]
    assert events[1].details["counts"] == {"yes": 4, "no": 1, "abstain": 1}


def linked_proposal(council, meeting, item=0):
    proposal, _ = proposals.submit(
        council,
        proposals.Submission(title="Benches", body="b", topic=Topic.culture, lang="ar"),
        author=None,
        address="x",
        submission_key=f"k-{item}",
    )
    proposals.change_state(proposal, ProposalState.accepted)
    proposals.link_to_item(proposal, meeting.items[item], actor=None)
    db.session.commit()
    return proposal


@pytest.mark.parametrize(
    ("details", "state"),
    [
        (hands(4, 1, 1), ProposalState.adopted),
        (hands(1, 4, 1), ProposalState.rejected),
        (outcomes.OutcomeDetails(kind="consensus"), ProposalState.adopted),
        (outcomes.OutcomeDetails(kind="deferred"), ProposalState.postponed),
        (outcomes.OutcomeDetails(kind="withdrawn"), ProposalState.scheduled),
    ],
)
def test_linked_proposals_move_on_as_after_a_vote(council, meeting, details, state):
    proposal = linked_proposal(council, meeting)
    record(meeting, details)
    assert proposal.state is state
    if state is not ProposalState.scheduled:
        answer = proposal.latest_answer.answer
        assert answer.get("en") and answer.get("ar") and answer.get("ar") != answer.get("en")


def test_an_item_decided_by_an_electronic_vote_needs_no_second_record(meeting):
    poll = services.create_poll(
        meeting.items[0], services.PollDetails(question="Adopt it?", lang="en")
    )
    services.open_poll(poll)
    with pytest.raises(DomainError, match="is open"):
        outcomes.record_outcome(meeting.items[0], hands(3, 1), actor=None)
    for membership in services.entitled_memberships(poll)[:4]:
        services.cast_vote(poll, membership, "yes")
    services.close_poll(poll)
    with pytest.raises(DomainError, match="decided by an electronic vote"):
        outcomes.record_outcome(meeting.items[0], hands(3, 1), actor=None)


def test_a_translated_summary_keeps_its_translations_until_it_changes(meeting):
    outcome = record(meeting, outcomes.OutcomeDetails(kind="consensus", summary="Agreed."))
    outcome.summary = outcome.summary.with_translation("fr", "Adopté.", by="T")
    db.session.commit()
    outcome = record(meeting, outcomes.OutcomeDetails(kind="consensus", summary="Agreed."))
    assert outcome.summary.get("fr") == "Adopté."
    outcome = record(meeting, outcomes.OutcomeDetails(kind="consensus", summary="Agreed, 2027."))
    assert outcome.summary.get("fr") == ""


def test_a_correction_may_not_contradict_a_proposal_already_decided(council, meeting):
    proposal = linked_proposal(council, meeting)
    record(meeting, hands(4, 1, 1))
    assert proposal.state is ProposalState.adopted
    # A typo in the numbers is corrected; the decision stands.
    outcome = record(meeting, hands(5, 1, 0))
    assert outcome.counts == {"yes": 5, "no": 1, "abstain": 0}
    for contradiction in (hands(1, 4, 1), outcomes.OutcomeDetails(kind="noted")):
        with pytest.raises(DomainError, match="already “Adopted”"):
            outcomes.record_outcome(meeting.items[0], contradiction, actor=None)
        db.session.rollback()
    assert proposal.state is ProposalState.adopted
    assert meeting.items[0].outcome.counts == {"yes": 5, "no": 1, "abstain": 0}


def test_hands_are_counted_for_each_alternative_of_the_vote_prepared_on_the_item(meeting):
    poll = services.create_poll(
        meeting.items[0],
        services.PollDetails(question="Where?", lang="en", options=("Library", "Town hall")),
    )
    db.session.commit()
    assert outcomes.alternatives(meeting.items[0]) is poll
    details = outcomes.OutcomeDetails(
        kind="hands", counts={"option-1": 2, "option-2": 4, "abstain": 0}
    )
    outcome = record(meeting, details)
    assert outcome.poll is poll and outcome.adopted is True
    assert outcomes.hand_result(outcome).adopted == "option-2"
    assert [str(label) for _key, label in outcome.options] == ["Library", "Town hall", "Abstain"]
    # The prepared vote stays unopened; hands for options it does not have count nothing.
    assert poll.state.value == "draft"
    stray = outcomes.OutcomeDetails(kind="hands", counts={"yes": 5, "no": 1})
    with pytest.raises(DomainError, match="Enter the number of hands for each option"):
        outcomes.record_outcome(meeting.items[0], stray, actor=None)
