"""The OParl 1.1 read API: every object valid against the specification's schemas, reachable
from /oparl/v1/system, and nothing that is not public.
"""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select
from werkzeug.datastructures import FileStorage

from app.audit import AuditEvent
from app.auth import Role
from app.councils import services as councils
from app.councils.models import Membership
from app.demo import seed_demo
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Meeting, MeetingState, Presence
from app.oparl import views as oparl_views
from app.proposals import services as proposals
from app.proposals.models import PUBLIC_STATES, Proposal, ProposalState
from app.voting import services as voting
from app.voting.models import PollMethod
from tests.helpers import sign_in
from tests.oparl.schemas import embedded_objects, validate

SITE = "https://consulta.test"  # TestConfig.BASE_URL
API = SITE + "/oparl/v1/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def get(client, url: str, **kwargs):
    """A GET as another program sends it, through a proxy that passes on any Host header."""
    assert url.startswith(SITE), url
    return client.get(url.removeprefix(SITE), headers={"Host": "elsewhere.example"}, **kwargs)


def fetch(client, url: str) -> tuple[dict, str]:
    response = get(client, url)
    assert response.status_code == 200, url
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in response.headers, url
    return response.get_json(), response.get_data(as_text=True)


def links_in(value):
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from links_in(item)
    elif isinstance(value, str) and value.startswith(API):
        yield value


def crawl(client) -> tuple[dict[str, dict], list[str]]:
    """Everything reachable from the system object: every list page (``links.next``) and
    every object the answers point to. Returns the objects by id and the answers' text."""
    objects: dict[str, dict] = {}
    answers: list[str] = []
    queue, seen = [API + "system"], set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        data, text = fetch(client, url)
        answers.append(text)
        found = data["data"] if "pagination" in data else [data]
        if "pagination" in data:
            assert set(data["links"]) >= {"first", "last", "self"}
        for obj in found:
            validate(obj)
            objects.setdefault(obj["id"], obj)
            for inner in embedded_objects(obj):
                objects.setdefault(inner["id"], inner)
        queue.extend(link for link in links_in(data) if link not in seen)
    return objects, answers


@pytest.fixture
def demo(app):
    """The demo council, with a draft meeting, a document on the past meeting and another
    removed after it was published, and a proposal still under review."""
    council = seed_demo()
    db.session.commit()
    past = db.session.scalars(
        select(Meeting).where(Meeting.state == MeetingState.closed).order_by(Meeting.id)
    ).first()
    meetings.store_document(
        past, FileStorage(stream=io.BytesIO(PDF), filename="report.pdf"), item=None
    )
    gone = meetings.store_document(
        past, FileStorage(stream=io.BytesIO(PDF), filename="withdrawn.pdf"), item=past.items[0]
    )
    meetings.remove_document(gone)
    draft = meetings.create_meeting(
        council,
        meetings.MeetingDetails(
            title="Confidential budget preparation",
            lang="en",
            day=datetime.now(UTC).date() + timedelta(days=20),
            starts=datetime(2000, 1, 1, 18).time(),
            ends=datetime(2000, 1, 1, 20).time(),
        ),
    )
    meetings.add_item(draft, title="Unannounced item", lang="en", kind="decision")
    proposals.submit(
        council,
        proposals.Submission(
            title="Private idea under review",
            body="Not for publication yet.",
            topic="other",
            lang="en",
            author_name="Zainab Private-Author",
            contact_email="zainab@example.org",
        ),
        author=None,
        address="192.0.2.7",
        submission_key="oparl-test-review",
    )
    db.session.commit()
    return council


def test_a_crawler_finds_every_kind_valid_and_nothing_private(app, client, demo):
    objects, answers = crawl(client)
    kinds = {obj["type"].rsplit("/", 1)[1] for obj in objects.values()}
    assert kinds >= {
        "System", "Body", "Organization", "Person", "Membership", "Meeting", "AgendaItem",
        "Paper", "Consultation", "File", "Location",
    }  # fmt: skip
    assert all(id.startswith(API) for id in objects)
    everything = "\n".join(answers)
    assert "elsewhere.example" not in everything

    unlisted = db.session.scalars(
        select(Membership).where(Membership.council_id == demo.id, Membership.listed.is_(False))
    ).all()
    assert unlisted
    hidden = [m.user.display_name for m in unlisted]
    hidden += ["Ada Admin", "Rami Saleh", "Zainab Private-Author"]
    hidden += ["Confidential budget preparation", "Unannounced item"]
    for proposal in db.session.scalars(select(Proposal)):
        if proposal.state not in PUBLIC_STATES:
            hidden += proposal.title.texts.values()
        elif proposal.author_name:
            hidden.append(proposal.author_name)
    named = [o["name"] for o in objects.values() if o["type"].endswith("/Person")]
    # An author who signed with a first name a listed member shares ("Layla") is not found
    # in "Layla Karimi"'s name.
    hidden = [text for text in hidden if not any(text in name for name in named)]
    for text in hidden:
        assert text not in everything, text
    assert not EMAIL.search(everything), EMAIL.search(everything)

    meetings_found = [o for o in objects.values() if o["type"].endswith("/Meeting")]
    assert all(o["meetingState"] != "draft" for o in meetings_found)
    assert all("consulta:stepFree" in o for o in meetings_found)
    bodies = [o for o in objects.values() if o["type"].endswith("/Body")]
    assert all(o["consulta:translations"]["consulta:description"]["texts"] for o in bodies)
    assert any("resultsProtocol" in o for o in meetings_found)
    files = [o for o in objects.values() if o["type"].endswith("/File")]
    assert any(o.get("deleted") for o in files)
    assert any(o.get("fileName") == "report.pdf" for o in files)

    events = [
        e
        for o in objects.values()
        if o["type"].endswith("/AgendaItem")
        for e in o.get("consulta:voteEvents", [])
    ]
    assert events
    people = {o["id"] for o in objects.values() if o["type"].endswith("/Person")}
    for vote_event in events:
        assert {c["option"] for c in vote_event["counts"]}
        if vote_event["consulta:method"] == "roll-call":
            assert {v["voter"] for v in vote_event["votes"]} <= people
            # Members not named in public are counted, not named.
            counted = sum(c["value"] for c in vote_event["counts"])
            assert len(vote_event["votes"]) < counted
        else:
            assert "votes" not in vote_event


def test_a_signed_in_officer_reads_what_everyone_reads_and_gets_no_cookie(
    app, make_council, make_user, add_member, make_meeting
):
    council = make_council("Council A")
    secretary = make_user("secretary@a.example")
    add_member(council, secretary, Role.secretary)
    make_meeting(council, title="Public one", items=["Parks"], publish=True)
    make_meeting(council, title="Still a draft")
    anonymous, officer = app.test_client(), app.test_client()
    sign_in(officer, secretary.email)
    url = f"/oparl/v1/bodies/{council.slug}/meetings?lang=ar"
    seen = [client.get(url) for client in (anonymous, officer)]
    for response in seen:
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert [m["name"] for m in response.get_json()["data"]] == ["Public one"]
    assert seen[0].get_data() == seen[1].get_data()
    assert officer.get(f"/councils/{council.slug}").status_code == 200  # still signed in


def test_lists_are_paged_with_links_that_keep_the_filters(
    app, client, monkeypatch, make_council, make_meeting
):
    monkeypatch.setattr(oparl_views, "MEETINGS_PER_PAGE", 2)
    council = make_council("Council A")
    for day in range(5):
        make_meeting(council, title=f"Meeting {day}", items=["Parks"], publish=True, days=day + 1)
    url = f"{API}bodies/{council.slug}/meetings?created_since=2000-01-01T00:00:00Z"
    names, pages = [], 0
    while url:
        data, _text = fetch(client, url)
        pages += 1
        assert data["pagination"]["totalElements"] == 5
        assert data["pagination"]["totalPages"] == 3
        assert data["links"]["self"].startswith(API)
        names += [m["name"] for m in data["data"]]
        url = data["links"].get("next")
        if url:
            assert "created_since=2000-01-01T00:00:00Z" in url
    assert pages == 3
    assert names == [f"Meeting {day}" for day in range(5)]
    data, _text = fetch(client, f"{API}bodies/{council.slug}/meetings?page=-4")
    assert data["pagination"]["currentPage"] == 1
    beyond = client.get(f"/oparl/v1/bodies/{council.slug}/meetings?page=99999999999")
    assert beyond.status_code == 404
    assert beyond.get_json()["code"] == 404


def test_created_and_modified_filters(app, client, make_council, make_meeting):
    council = make_council("Council A")
    meeting = make_meeting(council, title="Old", items=["Parks"], publish=True)
    meeting.created_at = meeting.updated_at = datetime(2020, 1, 1)
    db.session.commit()
    make_meeting(council, title="New", items=["Parks"], publish=True)
    base = f"{API}bodies/{council.slug}/meetings"

    def names(query: str) -> list[str]:
        data, _text = fetch(client, f"{base}?{query}")
        return [m["name"] for m in data["data"]]

    assert names("created_since=2021-01-01") == ["New"]
    assert names("created_until=2021-01-01T00:00:00%2B02:00") == ["Old"]
    assert names("modified_since=2021-01-01T00:00:00Z") == ["New"]
    assert names("modified_until=2021-01-01") == ["Old"]
    assert names("omit_internal=true") == ["Old", "New"]
    far = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert names(f"modified_since={far.replace('+', '%2B')}") == []

    meetings.cancel_meeting(meeting, "Nobody could come.", "en")
    db.session.commit()
    assert names("modified_since=2021-01-01T00:00:00Z") == ["Old", "New"]
    data, _text = fetch(client, f"{base}/{meeting.id}")
    assert data["cancelled"] is True
    for wrong in ("yesterday", "2021-13-01", "0001-01-01T00:00:00%2B05:00"):
        response = client.get(f"/oparl/v1/bodies/{council.slug}/meetings?created_since={wrong}")
        assert response.status_code == 400, wrong
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_votes_named_only_in_a_roll_call_and_only_once_published(
    app, client, make_council, make_user, add_member, make_meeting
):
    council = make_council("Council A")
    listed = make_user("listed@a.example", display_name="Listed Person")
    unlisted = make_user("unlisted@a.example", display_name="Unlisted Person")
    seats = [add_member(council, listed, Role.member), add_member(council, unlisted, Role.member)]
    seats[0].listed = True
    # Hiding a name that was never shown leaves no trace in the API.
    councils.set_listed(seats[1], False)
    meeting = make_meeting(council, items=["Parks", "Budget"], start=True)
    for seat in seats:
        meetings.set_presence(meeting, seat, Presence.present)
    polls = []
    for item, method in zip(meeting.items, (PollMethod.named, PollMethod.secret), strict=True):
        poll = voting.create_poll(
            item, voting.PollDetails(question=f"Adopt {method.value}?", lang="en", method=method)
        )
        voting.open_poll(poll)
        for seat in seats:
            voting.cast_vote(poll, seat, "yes")
        voting.close_poll(poll)
        polls.append(poll)
    db.session.commit()
    items = [f"{API}bodies/{council.slug}/agenda-items/{item.id}" for item in meeting.items]
    for url in items:
        data, _text = fetch(client, url)
        assert "consulta:voteEvents" not in data  # closed, not published: members see it first

    for poll in polls:
        voting.publish_poll(poll)
    db.session.commit()
    (named,) = fetch(client, items[0])[0]["consulta:voteEvents"]
    (secret,) = fetch(client, items[1])[0]["consulta:voteEvents"]
    person = f"{API}bodies/{council.slug}/people/{listed.id}"
    assert named["votes"] == [{"voter": person, "option": "yes"}]
    assert named["result"] == "pass"
    assert {"option": "yes", "value": 2} in named["counts"]
    assert named["consulta:translations"]["motion"]["texts"] == {"en": "Adopt named?"}
    assert "votes" not in secret
    assert {"option": "yes", "value": 2} in secret["counts"]
    assert "Unlisted Person" not in fetch(client, f"{API}bodies/{council.slug}/people")[1]
    assert get(client, f"{API}bodies/{council.slug}/people/{unlisted.id}").status_code == 404
    seat_url = f"{API}bodies/{council.slug}/memberships/{seats[1].id}"
    assert get(client, seat_url).status_code == 404


def test_a_proposal_declined_after_it_was_public_is_deleted(app, client, make_council):
    council = make_council("Council A")
    proposal, _token = proposals.submit(
        council,
        proposals.Submission(title="Benches", body="More benches", topic="other", lang="en"),
        author=None,
        address="192.0.2.1",
        submission_key="declined-later",
    )
    url = f"{API}bodies/{council.slug}/papers/{proposal.id}"
    db.session.commit()
    assert get(client, url).status_code == 404  # under review: not public
    proposals.change_state(proposal, ProposalState.accepted)
    db.session.commit()
    assert fetch(client, url)[0]["name"] == "Benches"
    proposals.change_state(proposal, ProposalState.declined, answer="Out of our remit.", lang="en")
    db.session.commit()
    data, text = fetch(client, url)
    validate(data)
    assert data["deleted"] is True
    assert "Benches" not in text


def test_a_page_loads_in_a_fixed_number_of_statements(
    app, client, make_council, make_user, add_member, make_meeting
):
    council = make_council("Council A")
    chair = make_user("chair@a.example")
    add_member(council, chair, Role.chair).listed = True

    def statements(url: str) -> int:
        count = 0

        def counted(*_args):
            nonlocal count
            count += 1

        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            fetch(client, url)
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
        return count

    def add_meeting(days: int) -> None:
        meeting = make_meeting(council, items=["One", "Two"], start=True, days=days)
        voting.open_poll(
            voting.create_poll(meeting.items[0], voting.PollDetails(question="Yes?", lang="en")),
            without_quorum=True,
        )
        voting.close_meeting(meeting, close_open_votes=True)
        for poll in meeting.items[0].polls:
            voting.publish_poll(poll)
        db.session.commit()

    lists = ["meetings", "agenda-items", "papers", "files", "people", "memberships"]
    add_meeting(0)
    before = {name: statements(f"{API}bodies/{council.slug}/{name}") for name in lists}
    for days in range(1, 5):
        add_meeting(-days)
    after = {name: statements(f"{API}bodies/{council.slug}/{name}") for name in lists}
    assert after == before


def test_an_item_translated_later_is_modified_since(
    app, client, make_council, make_user, add_member, make_meeting
):
    from app.translate import services as translate

    council = make_council("Council A")
    translator = make_user("translator@a.example", display_name="Tess")
    add_member(council, translator, Role.translator)
    meeting = make_meeting(council, items=["Parks"], publish=True)
    item = meeting.items[0]
    long_ago = datetime(2020, 1, 1)
    meeting.created_at = meeting.updated_at = item.created_at = long_ago
    db.session.commit()
    base = f"{API}bodies/{council.slug}/agenda-items"
    since = "modified_since=2021-01-01T00:00:00Z"
    assert fetch(client, f"{base}?modified_until=2021-01-01")[0]["data"] == []  # audit: today
    for recorded in db.session.scalars(select(AuditEvent)):
        recorded.at = long_ago
    db.session.commit()
    assert fetch(client, f"{base}?{since}")[0]["data"] == []
    assert len(fetch(client, f"{base}?modified_until=2021-01-01")[0]["data"]) == 1

    translate.save("item", item, "title", "fr", "Parcs", checked=True, user=translator)
    db.session.commit()
    (found,) = fetch(client, f"{base}?{since}")[0]["data"]
    assert found["consulta:translations"]["name"]["texts"]["fr"] == "Parcs"
    assert found["modified"] > "2021"
    assert fetch(client, f"{base}?modified_until=2021-01-01")[0]["data"] == []


def test_a_council_translated_later_is_a_modified_body(app, client, make_council, make_user):
    from app.translate import services as translate

    council = make_council("Council A")
    council.created_at = datetime(2020, 1, 1)
    for recorded in db.session.scalars(select(AuditEvent)):
        recorded.at = council.created_at
    db.session.commit()
    since = f"{API}bodies?modified_since=2021-01-01T00:00:00Z"
    assert fetch(client, since)[0]["data"] == []
    translate.save("council", council, "name", "fr", "Conseil A", checked=True, user=make_user())
    db.session.commit()
    (body,) = fetch(client, since)[0]["data"]
    assert body["consulta:translations"]["name"]["texts"]["fr"] == "Conseil A"
    assert body["created"].startswith("2020-01-01")
    assert body["modified"] > "2021"


def test_a_member_who_agrees_to_be_listed_appears_as_modified(
    app, client, make_council, make_user, add_member
):
    council = make_council("Council A")
    seat = add_member(council, make_user(display_name="Late Lister"), Role.member)
    seat.created_at = datetime(2020, 1, 1)
    for recorded in db.session.scalars(select(AuditEvent)):
        recorded.at = seat.created_at
    db.session.commit()
    since = f"{API}bodies/{council.slug}/memberships?modified_since=2021-01-01T00:00:00Z"
    assert fetch(client, since)[0]["data"] == []
    councils.set_listed(seat, True)
    db.session.commit()
    (found,) = fetch(client, since)[0]["data"]
    assert found["created"].startswith("2020-01-01")
    assert found["modified"] > "2021"
    (person,) = fetch(client, f"{API}bodies/{council.slug}/people")[0]["data"]
    assert person["name"] == "Late Lister"
    assert person["membership"][0]["modified"] == found["modified"]
    # Withdrawing the consent: the seat and the person are deleted, and the name is gone.
    councils.set_listed(seat, False)
    db.session.commit()
    for url in (found["id"], person["id"], since, f"{API}bodies/{council.slug}/people"):
        data, text = fetch(client, url)
        assert "Late Lister" not in text
        for obj in data.get("data", [data]):
            validate(obj)
            assert obj["deleted"] is True
            assert set(obj) == {"id", "type", "created", "modified", "deleted"}
    organization, _text = fetch(client, f"{API}bodies/{council.slug}/organization")
    assert "membership" not in organization
