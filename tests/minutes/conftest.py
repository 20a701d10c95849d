from datetime import timedelta

import pytest

from app.auth import Role
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Presence
from app.voting import services as voting
from app.voting.models import PollMethod


@pytest.fixture
def closed_meeting(make_council, make_user, add_member, make_meeting):
    """A meeting that voted on its first item by roll call (2 yes, 1 no), with one member
    late, one who left early, one who left and came back, one excused and one absent."""
    council = make_council("Council A")
    people = {}
    for name, role in [
        ("Chair", Role.chair),
        ("Secretary", Role.secretary),
        ("Amina", Role.member),
        ("Bohdan", Role.member),
        ("Chloé", Role.member),
        ("Dmytro", Role.member),
        ("Translator", Role.translator),
    ]:
        people[name] = make_user(f"{name.lower()}@a.example", display_name=name)
        # Everyone agreed to be named in public, except Dmytro.
        add_member(council, people[name], role).listed = name != "Dmytro"
    meeting = make_meeting(council, items=["Housing advice", "Any other business"], start=True)
    by_name = {m.user.display_name: m for m in council.current_memberships}
    for name in ["Chair", "Secretary", "Amina", "Bohdan"]:
        meetings.set_presence(meeting, by_name[name], Presence.present)
    meetings.set_presence(meeting, by_name["Chloé"], Presence.excused)
    poll = voting.create_poll(
        meeting.items[0],
        voting.PollDetails(question="Send the advice to the city?", lang="en"),
    )
    poll.method = PollMethod.named
    voting.open_poll(poll)
    for name, choice in [("Chair", "yes"), ("Amina", "yes"), ("Bohdan", "no")]:
        voting.cast_vote(poll, by_name[name], choice)
    voting.close_meeting(meeting, close_open_votes=True)
    # Amina came half an hour late, Bohdan left half an hour early, and the secretary
    # stepped out for twenty minutes.
    rows = {a.membership.user.display_name: a for a in meeting.attendances}
    minutes = timedelta(minutes=1)
    start = rows["Chair"].arrived_at
    end = start + 120 * minutes
    rows["Chair"].set_periods([(start, end)])
    rows["Amina"].set_periods([(start + 30 * minutes, end)])
    rows["Bohdan"].set_periods([(start, end - 30 * minutes)])
    rows["Secretary"].set_periods([(start, start + 20 * minutes), (start + 40 * minutes, end)])
    db.session.commit()
    return {"council": council, "meeting": meeting, "poll": poll, "people": people}
