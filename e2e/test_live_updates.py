"""Pages follow a meeting or a vote only while it can still change: a phone left on a
finished vote or a closed meeting's page stops asking the server every few seconds."""

from datetime import time, timedelta

from app.database import utcnow
from app.demo import demo_council
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Meeting
from app.voting import services as voting
from app.voting.models import Poll
from e2e.conftest import PHONE
from e2e.test_screen_reader_voting import a_vote_in_a_meeting

#: The answers the pages ask for while they follow something.
LIVE = ("/quorum.json", "/polls.json", "/status.json")


def finished(live_app) -> tuple[int, int]:
    """A meeting held and closed, with its vote's result published."""
    meeting_id, poll_id, members = a_vote_in_a_meeting(live_app)
    with live_app.app_context():
        poll = db.session.get(Poll, poll_id)
        for membership in voting.entitled_memberships(poll):
            voting.cast_vote(poll, membership, "yes", actor=membership.user)
        voting.close_poll(poll)
        voting.publish_poll(poll)
        voting.close_meeting(db.session.get(Meeting, meeting_id))
        db.session.commit()
    return meeting_id, poll_id


def coming(live_app) -> int:
    """A meeting next week, its agenda published."""
    with live_app.app_context():
        council = demo_council()
        day = meetings.to_local(council, utcnow()).date() + timedelta(days=7)
        details = meetings.MeetingDetails(
            title="Next week", lang="en", day=day, starts=time(18, 0), ends=time(20, 0)
        )
        meeting = meetings.create_meeting(council, details)
        meetings.add_item(meeting, title="Benches", lang="en", kind="decision")
        meetings.publish_meeting(meeting)
        db.session.commit()
        return meeting.id


def asked(page, path: str, seconds: float) -> list[str]:
    """The live answers a page asked for while open ``seconds`` on ``path``."""
    requests: list[str] = []

    def heard(request):
        requests.append(request.url)

    page.on("request", heard)
    page.goto(path)
    page.wait_for_timeout(seconds * 1000)  # the page runs, and its requests are heard
    page.remove_listener("request", heard)
    return [url for url in requests if url.split("?")[0].endswith(LIVE)]


def test_meetings_not_under_way_and_a_published_vote_are_not_followed(new_page, sign_in, live_app):
    meeting_id, poll_id = finished(live_app)
    next_week = coming(live_app)
    page = new_page(PHONE)
    sign_in(page, "secretary@demo.test", language="en")
    for path in (
        f"/councils/demo-city/meetings/{next_week}",
        f"/councils/demo-city/meetings/{next_week}/attendance",
        f"/councils/demo-city/meetings/{meeting_id}",
        f"/councils/demo-city/meetings/{meeting_id}/attendance",
        f"/councils/demo-city/polls/{poll_id}",
        f"/councils/demo-city/polls/{poll_id}/projector",
    ):
        assert asked(page, path, 6) == [], path


def test_a_meeting_under_way_and_an_open_vote_are_followed(new_page, sign_in, live_app):
    meeting_id, poll_id, _members = a_vote_in_a_meeting(live_app)
    try:
        page = new_page(PHONE)
        sign_in(page, "translator@demo.test", language="en")
        meeting_page = asked(page, f"/councils/demo-city/meetings/{meeting_id}", 6)
        assert any(url.endswith("/quorum.json") for url in meeting_page), meeting_page
        assert any(url.endswith("/polls.json") for url in meeting_page), meeting_page
        poll_page = asked(page, f"/councils/demo-city/polls/{poll_id}", 3)
        assert any(url.split("?")[0].endswith("/status.json") for url in poll_page), poll_page
    finally:  # the other tests find the demo's meetings as they were
        with live_app.app_context():
            voting.close_meeting(db.session.get(Meeting, meeting_id), close_open_votes=True)
            db.session.commit()
