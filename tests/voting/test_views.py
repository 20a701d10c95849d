"""Voting from a phone without JavaScript: choose, confirm, receipt; chair and projector."""

import re

import pytest

from app.auth import Role
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import MeetingState, Presence
from app.voting import services
from app.voting.models import PollMethod, PollState
from tests.helpers import csrf_token, post, sign_in

ROLES = ["chair", "secretary", "member", "observer", "translator", "outsider", "admin", "anonymous"]
OFFICERS = {"chair", "secretary", "admin"}


@pytest.fixture
def world(make_council, make_user, add_member, make_meeting):
    a = make_council("Council A")
    b = make_council("Council B")
    people = {}
    for role in ["chair", "secretary", "member", "observer", "translator"]:
        people[role] = make_user(f"{role}@a.example", display_name=f"{role.title()} Person")
        add_member(a, people[role], Role(role), voting_right=role in {"chair", "member"})
    people["outsider"] = make_user("member@b.example")
    add_member(b, people["outsider"], Role.member, voting_right=True)
    people["admin"] = make_user("admin@example.org", is_admin=True)
    meeting = make_meeting(a, items=["Budget"], start=True)
    for membership in a.current_memberships:
        meetings.set_presence(meeting, membership, Presence.present)
    poll = services.create_poll(
        meeting.items[0], services.PollDetails(question="Adopt the budget?", lang="en")
    )
    db.session.commit()
    return {"a": a, "people": people, "meeting": meeting, "poll": poll}


def client_for(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, world["people"][role].email)
    return client


def poll_url(poll, suffix=""):
    return f"/councils/council-a/polls/{poll.id}{suffix}"


def open_(world):
    services.open_poll(world["poll"])
    db.session.commit()


def test_member_votes_in_two_steps_and_gets_a_receipt(app, world):
    open_(world)
    poll = world["poll"]
    client = client_for(app, world, "member")
    page = client.get(poll_url(poll)).get_data(as_text=True)
    assert 'name="choice" value="yes"' in page and "Yes" in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    confirm = client.post(
        poll_url(poll, "/confirm"),
        data={"csrf_token": token, "choice": "no"},
        follow_redirects=True,
    )
    assert confirm.request.path == poll_url(poll, "/confirm")
    assert "You are voting: No" in confirm.get_data(as_text=True)
    assert services.ballot_count(poll) == 0  # choosing is not voting
    response = client.post(
        poll_url(poll, "/vote"), data={"csrf_token": token, "choice": "no"}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "Your vote was recorded at" in html and "You have voted" in html
    assert re.search(r"<title>Your vote was recorded at [^<]*\. It is final\. – ", html)
    assert html.index("data-receipt") < html.index("<h1")
    assert services.stored_choices(poll) == ["no"]
    # Back to the confirmation: nothing is pending any more, the vote shows as it stands.
    back = client.get(poll_url(poll, "/confirm"), follow_redirects=True)
    assert back.request.path == poll_url(poll)
    html = back.get_data(as_text=True)
    assert "You have voted" in html and "Confirm my vote" not in html
    again = client.post(
        poll_url(poll, "/vote"), data={"csrf_token": token, "choice": "yes"}, follow_redirects=True
    )
    assert "You have already voted" in again.get_data(as_text=True)
    assert services.stored_choices(poll) == ["no"]


REASONS = {
    "observer": "Observers and translators take part without a vote.",
    "translator": "Observers and translators take part without a vote.",
    "secretary": "Your seat on this council has no right to vote.",
}


@pytest.mark.parametrize("role", ["observer", "translator", "outsider", "secretary"])
def test_members_without_a_vote_are_refused_with_a_clear_message(app, world, role):
    open_(world)
    client = client_for(app, world, role)
    page = world["poll"]
    if role == "outsider":  # another council's member may not vote in this council at all
        response = post(client, poll_url(page, "/vote"), {"choice": "yes"}, page="/profile")
        assert response.status_code == 403
    else:
        html = client.get(poll_url(page)).get_data(as_text=True)
        assert REASONS[role] in html and 'value="yes"' not in html
        assert "I am here" not in html  # checking in would not help
        response = post(client, poll_url(page, "/vote"), {"choice": "yes"}, page=poll_url(page))
        assert "not entitled" in client.get(response.location).get_data(as_text=True)
    assert services.ballot_count(page) == 0


def test_a_vote_after_close_is_refused(app, world):
    open_(world)
    client = client_for(app, world, "member")
    token = csrf_token(client, poll_url(world["poll"]))
    services.close_poll(world["poll"])
    db.session.commit()
    response = client.post(
        poll_url(world["poll"], "/vote"),
        data={"csrf_token": token, "choice": "yes"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    # Heard first: a focused panel before the page's own heading, and the title says it.
    refusal = re.search(r"<div class=\"panel panel--refusal\" tabindex=\"-1\" autofocus", html)
    assert refusal and refusal.start() < html.index("<h1")
    assert "<title>This vote is not open: your vote was not recorded. – " in html
    assert services.ballot_count(world["poll"]) == 0


def test_chair_sees_who_has_not_voted_and_closes_and_publishes(app, world):
    open_(world)
    member = client_for(app, world, "member")
    post(member, poll_url(world["poll"], "/vote"), {"choice": "yes"}, page=poll_url(world["poll"]))
    chair = client_for(app, world, "chair")
    page = chair.get(poll_url(world["poll"])).get_data(as_text=True)
    assert "1 of 2 have voted." in page
    waiting = page.split("Not voted yet", 1)[1]
    assert "Chair Person" in waiting and "Member Person" not in waiting
    post(chair, poll_url(world["poll"], "/close"), page=poll_url(world["poll"], "/close"))
    closed = chair.get(poll_url(world["poll"])).get_data(as_text=True)
    assert "Adopted" in closed and "Member Person</span>: Yes" in closed
    public = app.test_client()
    assert "Who voted what" not in public.get(poll_url(world["poll"])).get_data(as_text=True)
    post(chair, poll_url(world["poll"], "/publish"), page=poll_url(world["poll"], "/publish"))
    html = public.get(poll_url(world["poll"])).get_data(as_text=True)
    assert "Who voted what" in html and "Adopted" in html
    decisions = public.get("/councils/council-a/decisions").get_data(as_text=True)
    assert "Adopt the budget?" in decisions


def test_secret_poll_never_shows_who_voted_what(app, world):
    poll = services.create_poll(
        world["meeting"].items[0],
        services.PollDetails(question="Secret?", lang="en", method=PollMethod.secret),
    )
    services.open_poll(poll)
    db.session.commit()
    member = client_for(app, world, "member")
    post(member, poll_url(poll, "/vote"), {"choice": "no"}, page=poll_url(poll))
    services.close_poll(poll)
    services.publish_poll(poll)
    db.session.commit()
    html = client_for(app, world, "chair").get(poll_url(poll)).get_data(as_text=True)
    assert "Who voted what" not in html and "Member Person" not in html.split("<main", 1)[1]


def test_projector_shows_a_qr_code_and_the_live_count_then_the_result(app, world):
    open_(world)
    client = app.test_client()
    html = client.get(poll_url(world["poll"], "/projector")).get_data(as_text=True)
    assert "<svg" in html and "0 of 2 have voted." in html
    status = client.get(poll_url(world["poll"], "/status.json")).get_json()
    assert status == {"state": "open", "ballots": 0, "entitled": 2, "text": "0 of 2 have voted."}
    services.close_poll(world["poll"])
    db.session.commit()
    # Closed is not published: the room's screen shows no result until the chair publishes it.
    html = client.get(poll_url(world["poll"], "/projector")).get_data(as_text=True)
    assert '<table class="result">' not in html
    services.publish_poll(world["poll"])
    db.session.commit()
    html = client.get(poll_url(world["poll"], "/projector")).get_data(as_text=True)
    assert '<table class="result">' in html


def test_the_projector_waits_for_publication_whoever_is_signed_in_on_it(app, world):
    """The projector is the room's screen, usually opened on the chair's own laptop: closing
    the vote must not put the result in front of the public before the chair publishes it."""
    open_(world)
    chair = client_for(app, world, "chair")
    post(chair, poll_url(world["poll"], "/vote"), {"choice": "yes"}, page=poll_url(world["poll"]))
    post(chair, poll_url(world["poll"], "/close"), page=poll_url(world["poll"], "/close"))
    assert world["poll"].state is PollState.closed
    for role in ("chair", "member", "anonymous"):
        html = client_for(app, world, role).get(poll_url(world["poll"], "/projector"))
        assert '<table class="result">' not in html.get_data(as_text=True), role
    status = app.test_client().get(poll_url(world["poll"], "/status.json")).get_json()
    assert set(status) == {"state", "ballots", "entitled", "text"}  # a count, no result
    post(chair, poll_url(world["poll"], "/publish"), page=poll_url(world["poll"], "/publish"))
    html = chair.get(poll_url(world["poll"], "/projector")).get_data(as_text=True)
    assert '<table class="result">' in html


def test_a_member_page_can_find_out_that_a_vote_opened(app, world):
    client = app.test_client()
    url = f"/councils/council-a/meetings/{world['meeting'].id}/polls.json"
    assert client.get(url).get_json() == {"polls": []}  # drafts are not announced
    open_(world)
    assert client.get(url).get_json()["polls"][0]["state"] == "open"


@pytest.mark.parametrize("role", ROLES)
def test_only_officers_prepare_a_vote_and_bad_input_keeps_the_form(app, world, role):
    item = world["meeting"].items[0]
    url = f"/councils/council-a/meetings/{world['meeting'].id}/items/{item.id}/polls/new"
    client = client_for(app, world, role)
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302
    elif role not in OFFICERS:
        assert response.status_code == 403
    else:
        refused = post(
            client,
            url,
            {
                "lang": "en",
                "question": "Where?",
                "method": "named",
                "majority_rule": "simple",
                "entitlement": "present",
                "options": "Only the park",
            },
            page=url,
        )
        html = refused.get_data(as_text=True)
        assert "Give at least two options" in html and "Only the park" in html
        assert len(item.polls) == 1


def test_the_public_sees_only_published_decisions(app, world):
    open_(world)
    services.close_poll(world["poll"])
    db.session.commit()
    public = app.test_client().get("/councils/council-a/decisions").get_data(as_text=True)
    member = client_for(app, world, "member").get("/councils/council-a/decisions")
    assert "Adopt the budget?" not in public
    assert "Adopt the budget?" in member.get_data(as_text=True)


def test_the_vote_form_speaks_the_language_of_the_person_writing(app, world, make_user, add_member):
    """An Arabic-speaking secretary writes the question in Arabic: it is stored as Arabic, not
    as the language of the agenda item, and the form does not start from the item's title."""
    user = make_user("amina@a.example", locale="ar")
    add_member(world["a"], user, Role.secretary)
    item = world["meeting"].items[0]
    url = f"/councils/council-a/meetings/{world['meeting'].id}/items/{item.id}/polls/new"
    client = app.test_client()
    sign_in(client, user.email)
    html = client.get(url).get_data(as_text=True)
    assert re.search(r'<option selected value="ar">|<option value="ar" selected>', html)
    textarea = re.search(r'<textarea[^>]*name="question"[^>]*>(.*?)</textarea>', html, re.S)
    assert textarea.group(1).strip() == ""  # not the item's title, "Budget"
    post(
        client,
        url,
        {
            "lang": "ar",
            "question": "هل نعتمد الميزانية؟",
            "method": "named",
            "majority_rule": "simple",
            "entitlement": "present",
        },
        page=url,
    )
    db.session.refresh(item)
    assert item.polls[-1].question.original == "ar"


def test_a_vote_links_to_its_agenda_item_and_the_proposal_it_decides(app, world):
    from app.proposals import services as proposals
    from app.proposals.models import ProposalState, Topic

    proposal, _token = proposals.submit(
        world["a"],
        proposals.Submission(
            title="Shade trees", body="Plant trees.", topic=Topic.other, lang="en"
        ),
        author=None,
        address="192.0.2.9",
        submission_key="shade",
    )
    proposals.change_state(proposal, ProposalState.accepted)
    proposals.link_to_item(proposal, world["meeting"].items[0], actor=None)
    open_(world)
    html = client_for(app, world, "member").get(poll_url(world["poll"])).get_data(as_text=True)
    item = world["meeting"].items[0]
    assert f'href="/councils/council-a/meetings/{world["meeting"].id}#item-{item.id}"' in html
    assert "Agenda item: " in html and ">Budget<" in html
    assert f'href="/councils/council-a/proposals/{proposal.id}"' in html
    assert "Shade trees" in html


def test_opening_without_quorum_warns_and_needs_its_own_confirmation(app, world):
    poll, meeting = world["poll"], world["meeting"]
    for membership in world["a"].voting_memberships:
        meetings.record_departure(meeting, membership)
    db.session.commit()
    chair = client_for(app, world, "chair")
    prepare = f"/councils/council-a/meetings/{meeting.id}/items/{poll.item.id}/polls/new"
    assert "No quorum yet: 0 of 2 voting members present" in chair.get(prepare).get_data(
        as_text=True
    )
    page = chair.get(poll_url(poll, "/open")).get_data(as_text=True)
    assert "Quorum is not reached: 0 voting members are present, 2 are needed." in page
    assert "Open the vote without quorum" in page
    # A POST that does not say "without quorum" opens nothing, and shows the warning again.
    refused = post(chair, poll_url(poll, "/open"), page=poll_url(poll, "/open"))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "the vote was not opened" in html
    assert "Open the vote without quorum" in html
    db.session.expire_all()
    assert poll.state is PollState.draft
    opened = post(
        chair, poll_url(poll, "/open"), {"without_quorum": "yes"}, page=poll_url(poll, "/open")
    )
    assert opened.status_code == 302
    db.session.expire_all()
    assert poll.state is PollState.open and poll.quorum_at_open is False


def test_with_quorum_the_vote_opens_with_one_button(app, world):
    poll = world["poll"]
    chair = client_for(app, world, "chair")
    page = chair.get(poll_url(poll, "/open")).get_data(as_text=True)
    assert "Quorum reached" in page and "without quorum" not in page
    assert post(chair, poll_url(poll, "/open"), page=poll_url(poll, "/open")).status_code == 302
    db.session.expire_all()
    assert poll.state is PollState.open and poll.quorum_at_open is True


def test_closing_a_meeting_names_its_open_votes_and_closes_them_only_when_asked(app, world):
    open_(world)
    poll, meeting = world["poll"], world["meeting"]
    member = client_for(app, world, "member")
    post(member, poll_url(poll, "/vote"), {"choice": "yes"}, page=poll_url(poll))
    chair = client_for(app, world, "chair")
    close = f"/councils/council-a/meetings/{meeting.id}/close"
    page = chair.get(close).get_data(as_text=True)
    assert "A vote is still open" in page and "Adopt the budget?" in page
    assert 'name="open_votes" value="close"' in page and "Go back to the meeting" in page
    # A POST that does not say to close the open votes closes nothing.
    refused = post(chair, close, page=close)
    assert refused.status_code == 200 and "1 vote is still open" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert meeting.state is MeetingState.in_progress and poll.state is PollState.open
    assert post(chair, close, {"open_votes": "close"}, page=close).status_code == 302
    db.session.expire_all()
    assert meeting.state is MeetingState.closed and poll.state is PollState.closed
    # Closed with the room as it was: both voting members present, quorum there.
    assert poll.quorum_at_close is True and services.result_of(poll).entitled == 2
    said = app.test_client().get(poll_url(poll, "/status.json")).json
    assert (said["ballots"], said["entitled"]) == (1, 2)
    assert services.turnout(poll, poll.council.memberships[0]).member_entitled


def test_the_meeting_page_keeps_closing_apart_from_attendance(app, world):
    chair = client_for(app, world, "chair")
    page = chair.get(f"/councils/council-a/meetings/{world['meeting'].id}").get_data(as_text=True)
    actions, rest = page.split("End of the meeting", 1)
    assert "Record attendance" in actions and "Close the meeting" not in actions
    assert 'class="button button--secondary" href="/councils/council-a/meetings/' in rest
