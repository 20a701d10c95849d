"""The "Record the outcome" page: one form without JavaScript, refusals that keep what was
typed, officers only, and the outcome shown on the public meeting page."""

import re

import pytest

from app.auth import Role
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Presence
from app.voting import services
from tests.helpers import post, sign_in


@pytest.fixture
def world(make_council, make_user, add_member, make_meeting):
    a, b = make_council("Council A"), make_council("Council B")
    people = {}
    for role in ["chair", "secretary", "member"]:
        people[role] = make_user(f"{role}@a.example")
        add_member(a, people[role], Role(role), voting_right=role != "secretary")
    for n in range(3):
        add_member(a, make_user(f"voter{n}@a.example"), Role.member, voting_right=True)
    people["other_secretary"] = make_user("secretary@b.example")
    add_member(b, people["other_secretary"], Role.secretary)
    meeting = make_meeting(a, items=["Budget", "Parks"], start=True)
    for membership in a.voting_memberships[:4]:  # 4 of the 5 voting members
        meetings.set_presence(meeting, membership, Presence.present)
    other = make_meeting(b, items=["Their budget"], start=True)
    db.session.commit()
    return {"people": people, "meeting": meeting, "other": other}


def signed_in(app, world, role):
    client = app.test_client()
    sign_in(client, world["people"][role].email)
    return client


def outcome_url(meeting, item):
    return f"/councils/council-a/meetings/{meeting.id}/items/{item.id}/outcome"


def test_the_secretary_records_a_show_of_hands_seen_on_the_public_page(app, world):
    meeting = world["meeting"]
    item = meeting.items[0]
    client = signed_in(app, world, "secretary")
    form = client.get(outcome_url(meeting, item)).get_data(as_text=True)
    assert "4 voting members are present now." in form
    assert re.search(r'name="kind"[^>]*value="hands"', form)
    response = post(
        client,
        outcome_url(meeting, item),
        {
            "kind": "hands",
            "lang": "en",
            "summary": "Budget adopted as amended.",
            "majority_rule": "simple",
            "yes": "3",
            "no": "1",
            "abstain": "",
        },
    )
    assert response.status_code == 302 and response.location.endswith(f"#item-{item.id}")
    public = app.test_client().get(f"/councils/council-a/meetings/{meeting.id}")
    html = public.get_data(as_text=True)
    assert "Decided by a show of hands" in html and "Counted in the room" in html
    assert "Budget adopted as amended." in html
    assert "4 hands counted; 4 voting members were present." in html
    assert "Adopted" in html


def test_a_refused_outcome_keeps_what_was_typed(app, world):
    meeting = world["meeting"]
    client = signed_in(app, world, "chair")
    response = post(
        client,
        outcome_url(meeting, meeting.items[0]),
        {
            "kind": "hands",
            "lang": "fr",
            "summary": "Vote à main levée",
            "majority_rule": "two_thirds",
            "yes": "9",
            "no": "1",
            "abstain": "0",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "10 hands were counted, but only 4 voting members are present." in html
    assert "Vote à main levée</textarea>" in html
    assert re.search(r'value="9"', html)
    assert re.search(r'checked[^>]*value="two_thirds"|value="two_thirds"[^>]*checked', html)
    assert meeting.items[0].outcome is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "hands", "yes": "-3", "no": "1"}, "A number of hands cannot be negative."),
        ({"kind": "hands", "yes": "10000000", "no": "1"}, "This number of hands is too large."),
        ({"kind": "hands", "yes": "three", "no": "1"}, "as a whole number, like 7."),
        ({"kind": "discussed", "summary": " "}, "Summarise the discussion in a few lines."),
        ({"kind": "applause"}, "Choose how the item ended."),
        ({}, "Choose how the item ended."),
    ],
)
def test_hostile_input_is_refused_with_a_message(app, world, fields, message):
    meeting = world["meeting"]
    client = signed_in(app, world, "secretary")
    response = post(
        client,
        outcome_url(meeting, meeting.items[1]),
        {"lang": "en", "majority_rule": "simple", **fields},
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert meeting.items[1].outcome is None


def test_members_may_not_record_and_other_councils_items_are_not_found(app, world):
    meeting, other = world["meeting"], world["other"]
    member = signed_in(app, world, "member")
    assert member.get(outcome_url(meeting, meeting.items[0])).status_code == 403
    secretary = signed_in(app, world, "secretary")
    assert secretary.get(outcome_url(other, other.items[0])).status_code == 404
    mixed = f"/councils/council-a/meetings/{meeting.id}/items/{other.items[0].id}/outcome"
    assert secretary.get(mixed).status_code == 404
    outsider = signed_in(app, world, "other_secretary")
    assert outsider.get(outcome_url(meeting, meeting.items[0])).status_code == 403


def test_a_meeting_not_started_refuses_with_a_message(app, world, make_meeting):
    council = world["meeting"].council
    coming = make_meeting(council, items=["Later"], publish=True)
    client = signed_in(app, world, "secretary")
    url = outcome_url(coming, coming.items[0])
    page = client.get(url).get_data(as_text=True)
    assert "The outcome of an item is recorded once the meeting has started." in page
    refused = post(client, url, {"kind": "noted", "lang": "en", "majority_rule": "simple"})
    assert "recorded once the meeting has started" in refused.get_data(as_text=True)
    meeting_page = client.get(f"/councils/council-a/meetings/{coming.id}").get_data(as_text=True)
    assert "Record the outcome" not in meeting_page


def test_the_meeting_page_offers_the_form_and_then_a_change(app, world):
    meeting = world["meeting"]
    client = signed_in(app, world, "secretary")
    page = client.get(f"/councils/council-a/meetings/{meeting.id}").get_data(as_text=True)
    assert 'Record the outcome of “<bdi lang="en" dir="ltr">Budget</bdi>”' in page
    post(client, outcome_url(meeting, meeting.items[0]), {"kind": "noted", "lang": "en"})
    page = client.get(f"/councils/council-a/meetings/{meeting.id}").get_data(as_text=True)
    assert (
        'Change the outcome of “<bdi lang="en" dir="ltr">Budget</bdi>”' in page and "Noted" in page
    )
    again = client.get(outcome_url(meeting, meeting.items[0])).get_data(as_text=True)
    assert re.search(r'checked[^>]*value="noted"|value="noted"[^>]*checked', again)


def test_an_item_decided_by_a_vote_offers_no_second_record(app, world):
    meeting = world["meeting"]
    poll = services.create_poll(
        meeting.items[0], services.PollDetails(question="Adopt?", lang="en")
    )
    services.open_poll(poll)
    for membership in services.entitled_memberships(poll):
        services.cast_vote(poll, membership, "yes")
    services.close_poll(poll)
    db.session.commit()
    client = signed_in(app, world, "secretary")
    page = client.get(f"/councils/council-a/meetings/{meeting.id}").get_data(as_text=True)
    assert 'Record the outcome of “<bdi lang="en" dir="ltr">Budget</bdi>”' not in page
    assert 'Record the outcome of “<bdi lang="en" dir="ltr">Parks</bdi>”' in page


def test_a_show_of_hands_between_alternatives_has_a_field_per_option(app, world):
    meeting = world["meeting"]
    services.create_poll(
        meeting.items[0],
        services.PollDetails(question="Where?", lang="en", options=("Library", "Town hall")),
    )
    db.session.commit()
    client = signed_in(app, world, "secretary")
    url = outcome_url(meeting, meeting.items[0])
    form = client.get(url).get_data(as_text=True)
    assert "Hands for “Library”" in form and "Hands for “Town hall”" in form
    assert 'name="yes"' not in form
    fields = {"kind": "hands", "lang": "en", "majority_rule": "simple"}
    refused = post(client, url, {**fields, "option_1": "3", "option_2": "3", "abstain": "1"})
    assert "only 4 voting members are present" in refused.get_data(as_text=True)
    post(client, url, {**fields, "option_1": "1", "option_2": "3"})
    page = app.test_client().get(f"/councils/council-a/meetings/{meeting.id}")
    html = page.get_data(as_text=True)
    assert re.search(r"Chosen: (<[^>]+>)?Town hall", html) and "Counted in the room" in html
    csv_text = app.test_client().get("/councils/council-a/decisions.csv").get_data(as_text=True)
    assert "Library: 1; Town hall: 3" in csv_text
