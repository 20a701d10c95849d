"""``seed-scale``: the demo grown to years of work, which the benchmarks measure. What it adds
must be what the app itself would have stored, or the measures say nothing."""

from sqlalchemy import func, select

from app.accounts.models import User
from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.meetings.models import Attendance, Meeting, MeetingState
from app.proposals import services as proposals
from app.proposals.models import Proposal, Topic
from app.voting import services as voting
from app.voting.models import Ballot, Poll, PollState
from tests.helpers import sign_in


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_seed_scale_grows_the_demo_with_what_the_app_would_have_stored(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["seed-scale", "--proposals", "60", "--meetings", "25", "--members", "30"]
    )
    assert result.exit_code == 0, result.output
    assert "proposals: 60" in result.output
    closed = count(Meeting, Meeting.state == MeetingState.closed)
    assert closed == 1 + 24  # the demo's, and one in twenty-five grown meetings is to come
    assert count(Proposal) == 9 + 60
    assert count(User, User.email.like("member%@demo.test")) == 9 + 30

    # Each grown vote's stored result is the one counting its ballots gives.
    grown = db.session.scalars(select(Poll).where(Poll.id > 4)).all()
    assert len(grown) == 2 * 24
    for poll in grown:
        assert poll.state is PollState.published
        assert voting.recount(poll).to_json() == poll.snapshot["result"]
        assert len(poll.snapshot["roll_call"]) == count(Ballot, Ballot.poll_id == poll.id) > 0
        present = count(Attendance, Attendance.meeting_id == poll.meeting.id)
        assert len(poll.snapshot["entitled"]) == present

    # The grown data is served like any other, and the new members can sign in.
    meeting = db.session.scalar(
        select(Meeting).where(Meeting.state == MeetingState.closed).order_by(Meeting.id.desc())
    )
    page = client.get(f"/councils/demo-city/meetings/{meeting.id}")
    assert page.status_code == 200
    assert meeting.title.shown_in("en").text in page.text
    assert client.get(f"/councils/demo-city/polls/{grown[-1].id}").status_code == 200
    listed = client.get("/councils/demo-city/proposals?page=2")
    assert listed.status_code == 200
    newest = db.session.scalar(select(User).order_by(User.id.desc()))
    sign_in(client, newest.email, DEMO_PASSWORD)

    # Rows added afterwards get new ids (PostgreSQL's sequences were moved past the copies).
    council = meeting.council
    proposal, _token = proposals.submit(
        council,
        proposals.Submission(
            title="After the growth", body="A new one.", topic=Topic.housing, lang="en"
        ),
        author=None,
        address=None,
        submission_key="after-the-growth",
    )
    db.session.commit()
    assert proposal is not None
    assert proposal.id == db.session.scalar(select(func.max(Proposal.id)))


def test_seed_scale_refuses_a_database_with_other_councils(app, make_council):
    make_council("Real Council")
    result = app.test_cli_runner().invoke(args=["seed-scale"])
    assert result.exit_code != 0
    assert "not the demo's" in result.output
    assert count(Proposal) == 0
