"""A member's side of the votes: the rule in numbers, what they cast, why they may not, and
pages whose cost does not grow with the number of votes."""

import re
from contextlib import contextmanager

import pytest
import segno
from sqlalchemy import event

from app.auth import Role
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Presence
from app.voting import services
from app.voting.models import MajorityRule, PollMethod
from tests.helpers import csrf_token, post, sign_in

COUNCIL = "/councils/council-a"


@pytest.fixture
def world(make_council, make_user, add_member, make_meeting):
    council = make_council("Council A")
    people = {
        name: make_user(f"{name}@a.example", display_name=f"{name.title()} Person")
        for name in ("chair", "member", "late", "observer")
    }
    seats = {
        "chair": add_member(council, people["chair"], Role.chair),
        "member": add_member(council, people["member"], Role.member),
        "late": add_member(council, people["late"], Role.member),
        "observer": add_member(council, people["observer"], Role.observer),
    }
    meeting = make_meeting(council, items=["Budget", "Library"], start=True)
    for name in ("chair", "member", "observer"):
        meetings.set_presence(meeting, seats[name], Presence.present)
    db.session.commit()
    return {"council": council, "people": people, "seats": seats, "meeting": meeting}


def make_poll(world, *, item=0, question="Adopt the budget?", open_=True, **details):
    poll = services.create_poll(
        world["meeting"].items[item],
        services.PollDetails(question=question, lang="en", **details),
    )
    if open_:
        services.open_poll(poll)
    db.session.commit()
    return poll


def client_of(app, world, name):
    client = app.test_client()
    sign_in(client, world["people"][name].email)
    return client


def poll_url(poll, suffix=""):
    return f"{COUNCIL}/polls/{poll.id}{suffix}"


def vote(client, poll, choice):
    response = post(client, poll_url(poll, "/vote"), {"choice": choice}, page=poll_url(poll))
    assert "recorded" in client.get(response.location).get_data(as_text=True)


def test_the_poll_page_and_the_projector_say_how_the_vote_decides(app, world):
    absolute = make_poll(world, majority_rule=MajorityRule.absolute, method=PollMethod.secret)
    simple = make_poll(world, item=1, question="A library?")
    client = client_of(app, world, "member")
    html = client.get(poll_url(absolute)).get_data(as_text=True)
    # Three present voting members (chair, member and... not "late"): 2 of 2 needed.
    assert "Absolute majority: more than half of the entitled members" in html
    assert "2 of the 2 entitled members needed." in html
    assert "Pseudo-anonymous: the council sees who voted, nobody can see how" in html
    assert html.index("entitled members needed") < html.index('name="choice"')
    projector = app.test_client().get(poll_url(absolute, "/projector")).get_data(as_text=True)
    assert "2 of the 2 entitled members needed." in projector
    html = client.get(poll_url(simple)).get_data(as_text=True)
    assert "Simple majority: more votes for than against" in html
    assert "Abstentions are not counted." in html
    assert "Roll call: after the vote, everyone can see who voted what" in html
    vote(client, simple, "yes")
    services.close_poll(simple)
    services.publish_poll(simple)
    db.session.commit()
    result = app.test_client().get(poll_url(simple)).get_data(as_text=True)
    assert "1 of 1 votes counted needed." in result and "Adopted" in result


def test_a_cast_vote_is_not_offered_again_and_the_member_sees_their_own_roll_call(app, world):
    named = make_poll(world)
    secret = make_poll(world, item=1, question="A library?", method=PollMethod.secret)
    client = client_of(app, world, "member")
    vote(client, named, "no")
    page = client.get(poll_url(named)).get_data(as_text=True)
    assert "You voted: No" in page
    assert f'href="{poll_url(secret)}">Next open vote: ' in page
    token = csrf_token(client, poll_url(secret))
    again = client.post(
        poll_url(named, "/confirm"),
        data={"csrf_token": token, "choice": "yes"},
        follow_redirects=True,
    )
    html = again.get_data(as_text=True)
    assert "You have already voted" in html and "Confirm my vote" not in html
    assert again.headers["Cache-Control"] == "no-store"
    assert again.headers["Referrer-Policy"] == "no-referrer"

    vote(client, secret, "yes")
    # Pseudo-anonymous: "you voted", the same page whatever was posted, never the choice.
    pages = {
        choice: client.post(
            poll_url(secret, "/confirm"),
            data={"csrf_token": token, "choice": choice},
            follow_redirects=True,
        ).get_data()
        for choice in ("yes", "no", "abstain")
    }
    assert len(set(pages.values())) == 1 and b"You have already voted" in pages["yes"]
    meeting = client.get(f"{COUNCIL}/meetings/{world['meeting'].id}").get_data(as_text=True)
    assert "Vote now" not in meeting
    assert "You voted: No" in meeting
    assert meeting.count("<strong>You voted</strong>") == 1  # the secret one: no choice
    assert "You voted: Yes" not in client.get(poll_url(secret)).get_data(as_text=True)


@pytest.mark.parametrize("left", [False, True])
def test_a_member_not_in_the_room_is_told_why_and_says_i_am_here(app, world, left):
    poll = make_poll(world)
    if left:
        meetings.set_presence(world["meeting"], world["seats"]["late"], Presence.present)
        meetings.record_departure(world["meeting"], world["seats"]["late"])
        db.session.commit()
    client = client_of(app, world, "late")
    html = client.get(poll_url(poll)).get_data(as_text=True)
    reason = (
        "You are marked as having left the meeting."
        if left
        else "You are not marked present at this meeting."
    )
    assert reason in html and 'name="choice"' not in html
    form = re.search(r'<form action="([^"]+/presence)".*?name="next" value="([^"]+)"', html, re.S)
    assert form and form.group(2) == poll_url(poll)
    response = post(client, form.group(1), {"next": form.group(2)}, page=poll_url(poll))
    assert response.location == poll_url(poll)
    assert 'name="choice" value="yes"' in client.get(poll_url(poll)).get_data(as_text=True)


def test_checking_in_never_sends_the_member_to_another_site(app, world):
    client = client_of(app, world, "late")
    url = f"{COUNCIL}/meetings/{world['meeting'].id}/presence"
    response = post(client, url, {"next": "https://evil.example/"}, page="/start")
    assert response.location == f"{COUNCIL}/meetings/{world['meeting'].id}"


def test_the_projector_code_brings_a_signed_out_phone_back_to_the_vote(app, world):
    poll = make_poll(world)
    html = app.test_client().get(poll_url(poll, "/projector")).get_data(as_text=True)
    link = re.search(r'<div class="projector__qr"><a href="([^"]+)">', html).group(1)
    modules = re.search(r' d="([^"]+)"', segno.make(link, error="m").svg_inline(border=2)).group(1)
    assert f'd="{modules}"' in html  # the code says what the link says
    path = link.removeprefix(app.config["BASE_URL"])
    phone = app.test_client()
    assert "<h1>Sign in</h1>" in phone.get(path).get_data(as_text=True)
    signed_in = post(
        phone,
        path,
        {"email": "member@a.example", "password": "correct horse battery"},
        page=path,
    )
    assert signed_in.location == poll_url(poll)
    assert phone.get(path).location == poll_url(poll)  # already signed in: straight on


@contextmanager
def counted_statements():
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_the_meeting_page_and_polls_json_cost_the_same_with_two_votes_or_seven(app, world):
    meeting = world["meeting"]
    client = client_of(app, world, "member")
    pages = [f"{COUNCIL}/meetings/{meeting.id}", f"{COUNCIL}/meetings/{meeting.id}/polls.json"]

    def cost() -> list[int]:
        counts = []
        for page in pages:
            client.get(page)  # warm: templates, translations
            with counted_statements() as statements:
                assert client.get(page).status_code == 200
            counts.append(len(statements))
        return counts

    # One vote of each kind first: each kind is asked about once, however many there are.
    vote(client, make_poll(world), "yes")
    vote(client, make_poll(world, item=1, method=PollMethod.secret), "no")
    with_two = cost()
    for number in range(5):
        poll = make_poll(
            world,
            item=number % 2,
            question=f"Question {number}?",
            method=PollMethod.secret if number % 2 else PollMethod.named,
        )
        if number < 2:
            vote(client, poll, "no")
    assert cost() == with_two
    assert "Vote now" in client.get(pages[0]).get_data(as_text=True)


def test_the_start_page_puts_the_votes_to_cast_first(app, world):
    poll = make_poll(world)
    client = app.test_client()
    response = post(
        client,
        "/sign-in",
        {"email": "member@a.example", "password": "correct horse battery"},
        page="/sign-in",
    )
    assert response.location == "/start"
    html = client.get("/start").get_data(as_text=True)
    assert "<h1>Your councils</h1>" in html
    assert html.index("Vote now:") < html.index("with the right to vote")
    vote(client, poll, "yes")
    html = client.get("/start").get_data(as_text=True)
    assert "Vote now:" not in html and "You voted: Yes" in html


def test_the_start_page_offers_i_am_here_and_explains_an_empty_start(app, world, make_user):
    make_poll(world)
    late = client_of(app, world, "late").get("/start").get_data(as_text=True)
    assert "Vote now:" not in late and "I am here" in late
    observer = client_of(app, world, "observer").get("/start").get_data(as_text=True)
    assert "Vote now:" not in observer
    make_user("resident@a.example")
    resident = app.test_client()
    sign_in(resident, "resident@a.example")
    assert "You are not a member of any council." in resident.get("/start").get_data(as_text=True)


def test_on_the_start_page_a_meeting_waiting_for_the_members_vote_comes_first(
    app, world, make_meeting
):
    """Another meeting of the council under way since earlier (a working group, say) must not
    push the vote the member came for down the screen."""
    make_meeting(world["council"], items=["Agenda"], start=True, days=1, title="Working group")
    make_meeting(world["council"], items=["Agenda"], start=True, days=-1, title="Earlier group")
    make_poll(world)
    html = client_of(app, world, "member").get("/start").get_data(as_text=True)
    assert html.index("Adopt the budget?") < html.index("Earlier group")
    assert html.index("Adopt the budget?") < html.index("Working group")
