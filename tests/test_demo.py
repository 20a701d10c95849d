"""The demo is seeded through the services, so its records have an audit trail like real ones."""

from sqlalchemy import select

from app.audit import AuditEvent
from app.demo import seed_demo
from app.extensions import db
from app.meetings.models import AgendaItem, Meeting, MeetingState
from app.proposals.models import Proposal, ProposalState


def _actors(record) -> list[int | None]:
    return list(
        db.session.scalars(
            select(AuditEvent.actor_id).where(
                AuditEvent.object_type == type(record).__name__,
                AuditEvent.object_id == record.id,
            )
        )
    )


def test_every_demo_record_has_an_audit_event_with_a_person_behind_it(app):
    council = seed_demo()
    db.session.commit()
    meetings = db.session.scalars(select(Meeting).filter_by(council_id=council.id)).all()
    items = [item for meeting in meetings for item in meeting.items]
    polls = [poll for item in items for poll in item.polls]
    handled = db.session.scalars(
        select(Proposal)
        .filter_by(council_id=council.id)
        .where(Proposal.state != ProposalState.submitted)
    ).all()
    assert len(meetings) == 3 and len(polls) == 4 and len(handled) == 8
    for record in [council, *meetings, *items, *polls, *handled]:
        assert any(actor is not None for actor in _actors(record)), record


def test_a_proposal_sent_without_an_account_is_submitted_by_nobody_in_particular(app):
    """The one demo proposal still awaiting review came from a resident without an account:
    its only event has no actor, as for real anonymous proposals."""
    seed_demo()
    [waiting] = db.session.scalars(select(Proposal).filter_by(state=ProposalState.submitted))
    assert _actors(waiting) == [None]


def test_the_past_meeting_was_published_with_its_whole_agenda(app):
    seed_demo()
    past = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).first()
    assert past.state is MeetingState.closed
    assert past.items and all(item.added_late_at is None for item in past.items)
    assert db.session.scalars(select(AgendaItem).filter(AgendaItem.proposals.any())).all()


def test_the_past_meeting_shows_a_return_an_apology_and_listed_names(app):
    from app.meetings import attendance
    from app.meetings.models import Presence

    seed_demo()
    past = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).first()
    lines = attendance.attendance_record(past)
    assert [len(line.periods) for line in lines if line.presence is Presence.present].count(2) == 1
    assert [line.apology_note for line in lines if line.apologised_at]
    public = attendance.public_attendance(past)
    assert public.present.names and public.present.others


def test_the_past_meeting_ended_its_items_by_consensus_and_by_a_show_of_hands(app):
    from app.meetings.models import Presence
    from app.voting.models import OutcomeKind

    seed_demo()
    past = db.session.scalars(select(Meeting).order_by(Meeting.starts_at)).first()
    ended = {item.title.get("en"): item.outcome for item in past.items if item.outcome}
    assert ended["Welcome and approval of the agenda"].kind is OutcomeKind.consensus
    hands = ended["Advice to the city council"]
    attended = [
        a for a in past.attendances if a.presence is Presence.present and a.membership.voting_right
    ]
    assert hands.kind is OutcomeKind.hands and hands.present == len(attended)
    assert sum(hands.counts.values()) <= hands.present and hands.adopted
    assert hands.summary.get("ar") and hands.summary.get("uk")
    assert hands.recorded_by.email == "secretary@demo.test"
    assert _actors(hands) == [hands.recorded_by_id]


def test_a_community_mediator_typed_in_a_resident_s_paper(app):
    """``mediator@demo.test`` serves the demo council, without a vote; the council took up
    the proposal the mediator typed in, and the mediator is the actor of its submission."""
    from app.auth import Role
    from app.proposals.models import ReceivedAs

    council = seed_demo()
    db.session.commit()
    [mediated] = db.session.scalars(select(Proposal).where(Proposal.helped_by_id.is_not(None)))
    seat = mediated.helped_by
    assert seat.council_id == council.id and seat.role is Role.mediator and not seat.has_vote
    assert seat.user.email == "mediator@demo.test"
    assert mediated.received_as is ReceivedAs.paper and mediated.resident_lang == "ti"
    assert mediated.state is ProposalState.accepted
    assert _actors(mediated)[0] == seat.user_id
