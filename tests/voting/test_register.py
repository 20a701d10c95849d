"""The register of decisions: every kind of outcome, filters, search, pages, CSV and Atom."""

import csv
import io
import re
from datetime import datetime
from xml.etree import ElementTree as ET

import pytest

from app.auth import Role
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Presence
from app.proposals import services as proposals
from app.proposals.models import ProposalState, Topic
from app.voting import outcomes, services
from tests.helpers import sign_in
from tests.voting.test_members import counted_statements

REGISTER = "/councils/council-a/decisions"
ATOM = "{http://www.w3.org/2005/Atom}"


def held(council, make_meeting, titles, *, days):
    meeting = make_meeting(council, items=titles, start=True, days=days)
    for membership in council.voting_memberships:
        meetings.set_presence(meeting, membership, Presence.present)
    db.session.commit()
    return meeting


def record(item, kind, **kwargs):
    outcomes.record_outcome(item, outcomes.OutcomeDetails(kind=kind, **kwargs), actor=None)


@pytest.fixture
def world(make_council, make_user, add_member, make_meeting):
    council = make_council("Council A")
    for n in range(5):
        add_member(council, make_user(f"voter{n}@a.example"), Role.member, voting_right=True)
    old = held(council, make_meeting, ["Library hours"], days=-400)
    record(old.items[0], "consensus", summary="Open on Saturdays too.")
    services.close_meeting(old)
    new = held(council, make_meeting, ["Santé mentale", "Parks", "Budget", "Bins"], days=1)
    health, _ = proposals.submit(
        council,
        proposals.Submission(title="Counselling", body="In Arabic", topic=Topic.health, lang="en"),
        author=None,
        address="x",
        submission_key="k",
    )
    proposals.change_state(health, ProposalState.accepted)
    proposals.link_to_item(health, new.items[0], actor=None)
    record(
        new.items[0],
        "hands",
        summary='=HYPERLINK("http://evil.example","click")',
        counts={"yes": 3, "no": 1, "abstain": 1},
    )
    record(new.items[1], "deferred", summary="-1 hall available")
    poll = services.create_poll(
        new.items[2], services.PollDetails(question="Adopt the budget?", lang="en")
    )
    services.open_poll(poll)
    for membership in services.entitled_memberships(poll)[:4]:
        services.cast_vote(poll, membership, "yes")
    services.close_poll(poll)
    services.publish_poll(poll)
    record(new.items[3], "noted")
    db.session.commit()
    return {"council": council, "old": old, "new": new, "poll": poll, "proposal": health}


def titles(html: str) -> list[str]:
    names = ["Library hours", "Santé mentale", "Parks", "Budget", "Bins"]
    return sorted(name for name in names if f">{name}</span></a></h3>" in html)


def test_the_register_lists_every_outcome_with_its_links(client, world):
    html = client.get(REGISTER).get_data(as_text=True)
    assert titles(html) == ["Bins", "Budget", "Library hours", "Parks", "Santé mentale"]
    new, poll = world["new"], world["poll"]
    assert f"/meetings/{new.id}#item-{new.items[0].id}" in html
    assert f"/polls/{poll.id}" in html and "Electronic vote: " in html
    assert f"/proposals/{world['proposal'].id}" in html
    assert "Decided by a show of hands" in html and "Counted in the room" in html
    assert "Decided by consensus" in html and "Deferred" in html
    # Newest meeting first, in agenda order.
    assert html.index(">Santé mentale<") < html.index(">Bins<") < html.index(">Library hours<")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "hands"}, ["Santé mentale"]),
        ({"kind": "vote"}, ["Budget"]),
        ({"kind": "consensus"}, ["Library hours"]),
        ({"topic": "health"}, ["Santé mentale"]),
        ({"q": "SANTE"}, ["Santé mentale"]),  # folded: no accent, any case
        ({"q": "saturdays"}, ["Library hours"]),  # the outcome's summary
        ({"q": "adopt budget"}, ["Budget"]),  # the vote's question
        ({"q": "counselling"}, ["Santé mentale"]),  # the proposal it discussed
        ({"q": "nothing like this"}, []),
        (
            {"kind": "nonsense", "topic": "x", "year": "abc"},
            ["Bins", "Budget", "Library hours", "Parks", "Santé mentale"],
        ),
    ],
)
def test_filters_and_search(client, world, query, expected):
    html = client.get(REGISTER, query_string=query).get_data(as_text=True)
    assert titles(html) == expected


def test_the_year_filter_uses_the_meetings_year(client, world):
    old_year = world["old"].starts_at.year
    html = client.get(REGISTER, query_string={"year": old_year}).get_data(as_text=True)
    assert titles(html) == ["Library hours"]
    assert f'<option value="{old_year}" selected>' in html


def test_pages_of_twenty_keep_the_filters(client, world, make_meeting):
    many = held(world["council"], make_meeting, [f"Item {n:02}" for n in range(25)], days=2)
    for item in many.items:
        record(item, "noted")
    db.session.commit()
    first = client.get(REGISTER, query_string={"kind": "noted"}).get_data(as_text=True)
    assert first.count("<h3>") == 20 and "Page 1 of 2" in first
    assert "kind=noted" in first[first.index('rel="next"') - 200 :]
    second = client.get(REGISTER, query_string={"kind": "noted", "page": 2}).get_data(as_text=True)
    assert second.count("<h3>") == 6  # 5 more, and "Bins"


def test_the_page_costs_the_same_with_few_or_many_entries(client, world, make_meeting):
    def cost():
        client.get(REGISTER)
        with counted_statements() as statements:
            assert client.get(REGISTER).status_code == 200
        return len(statements)

    few = cost()
    more = held(world["council"], make_meeting, [f"Item {n}" for n in range(8)], days=3)
    for number, item in enumerate(more.items):
        record(item, "hands" if number % 2 else "consensus", counts={"yes": 3, "no": 1})
    db.session.commit()
    assert cost() == few


def read_csv(response) -> list[dict]:
    data = response.get_data()
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_csv_file_is_the_filtered_register_and_runs_no_formula(client, world):
    response = client.get(REGISTER + ".csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    by_item = {row["Agenda item"]: row for row in rows}
    assert set(by_item) == {"Library hours", "Santé mentale", "Parks", "Budget", "Bins"}
    hands = by_item["Santé mentale"]
    assert (hands["Yes"], hands["No"], hands["Abstain"]) == ("3", "1", "1")
    assert hands["How it was counted"] == "Counted in the room" and hands["Adopted"] == "Yes"
    assert hands["Question or summary"] == '\'=HYPERLINK("http://evil.example","click")'
    assert by_item["Parks"]["Question or summary"] == "'-1 hall available"
    budget = by_item["Budget"]
    assert budget["How it was counted"] == "Electronic vote" and budget["Yes"] == "4"
    assert (
        budget["Vote link"] == f"https://consulta.test/councils/council-a/polls/{world['poll'].id}"
    )
    assert budget["Date"] == world["new"].starts_at.date().isoformat()
    assert by_item["Library hours"]["Meeting link"].startswith("https://consulta.test/")
    filtered = read_csv(client.get(REGISTER + ".csv", query_string={"kind": "deferred"}))
    assert [row["Agenda item"] for row in filtered] == ["Parks"]


def test_the_atom_feed_is_valid_with_stable_ids_and_links_from_the_base_url(client, world):
    response = client.get(REGISTER + ".atom", headers={"Host": "attacker.example"})
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())  # noqa: S314 - our own feed
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}").text
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 5
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert len(set(ids)) == 5 and all(i.startswith("tag:consulta.test,") for i in ids)
    for entry in entries:
        datetime.fromisoformat(entry.find(f"{ATOM}updated").text.replace("Z", "+00:00"))
        assert entry.find(f"{ATOM}title").text
        assert entry.find(f"{ATOM}link").get("href").startswith("https://consulta.test/")
    assert "attacker.example" not in response.get_data(as_text=True)
    again = ET.fromstring(client.get(REGISTER + ".atom").get_data())  # noqa: S314 - our own feed
    assert [e.find(f"{ATOM}id").text for e in again.findall(f"{ATOM}entry")] == ids
    hands = next(e for e in entries if "show of hands" in e.find(f"{ATOM}title").text)
    assert "Yes: 3 · No: 1 · Abstain: 1" in hands.find(f"{ATOM}summary").text


def test_the_feed_keeps_the_newest_entries(client, world, monkeypatch):
    from app.voting.views import register as views

    everything = ET.fromstring(client.get(REGISTER + ".atom").get_data())  # noqa: S314
    newest = sorted(
        (e.find(f"{ATOM}updated").text for e in everything.findall(f"{ATOM}entry")), reverse=True
    )
    monkeypatch.setattr(views, "FEED_SIZE", 2)
    short = ET.fromstring(client.get(REGISTER + ".atom").get_data())  # noqa: S314
    assert [e.find(f"{ATOM}updated").text for e in short.findall(f"{ATOM}entry")] == newest[:2]


def test_a_feed_reader_that_has_the_feed_is_told_it_has_not_changed(client, world):
    first = client.get(REGISTER + ".atom")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    again = client.get(REGISTER + ".atom", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert (
        client.get(REGISTER + ".atom", headers={"If-Modified-Since": modified}).status_code == 304
    )
    benches = meetings.add_item(world["new"], title="Benches", lang="en", kind="decision")
    record(benches, "noted", summary="Read out by the chair.")
    db.session.commit()
    changed = client.get(REGISTER + ".atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and b"Read out by the chair." in changed.data


def test_a_closed_vote_not_published_yet_is_in_the_members_register_only(
    app, client, world, make_user, add_member
):
    meeting = world["new"]
    poll = services.create_poll(
        meeting.items[1], services.PollDetails(question="Which hall?", lang="en")
    )
    # The item was deferred: a later vote on it, not published yet.
    services.open_poll(poll)
    services.close_poll(poll)
    db.session.commit()
    member = make_user("member@a.example")
    add_member(world["council"], member, Role.member)
    members = app.test_client()
    sign_in(members, member.email)
    assert "Which hall?" in members.get(REGISTER).get_data(as_text=True)
    assert "Which hall?" not in client.get(REGISTER).get_data(as_text=True)
    assert "Which hall?" not in client.get(REGISTER + ".csv").get_data(as_text=True)
    assert "Which hall?" not in client.get(REGISTER, query_string={"q": "hall"}).get_data(
        as_text=True
    )


def test_search_folds_arabic_as_the_proposals_search_does(client, world, make_meeting):
    meeting = held(world["council"], make_meeting, ["Rents"], days=4)
    record(meeting.items[0], "discussed", summary="نقاش حول عقود الإيجار", lang="ar")
    db.session.commit()
    html = client.get(REGISTER, query_string={"q": "الايجار"}).get_data(as_text=True)
    assert re.findall(r"<h3>", html) == ["<h3>"] and ">Rents</span>" in html
    shown = re.search(r'<div lang="ar" dir="rtl" class="user-text[^"]*">([^<]+)</div>', html)
    assert shown and shown.group(1) == "نقاش حول عقود الإيجار"
