import io
import re
from datetime import date, time, timedelta

import pytest
from flask_babel import force_locale, gettext
from icalendar import Calendar
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.auth import Role
from app.extensions import db
from app.meetings import services
from app.meetings.models import Document, Meeting, MeetingState, Presence
from tests.helpers import post, sign_in
from tests.meetings.test_services import PDF

ROLES = ["chair", "secretary", "member", "observer", "translator", "outsider", "admin", "anonymous"]
OFFICERS = {"chair", "secretary", "admin"}


@pytest.fixture
def world(make_council, make_user, add_member, make_meeting):
    a, b = make_council("Council A"), make_council("Council B")
    people = {}
    for role in ["chair", "secretary", "member", "observer", "translator"]:
        people[role] = make_user(
            f"{role}@a.example",
            display_name=f"{role.title()} Person",
            locale={"member": "ar", "chair": "fr"}.get(role, "en"),
        )
        add_member(a, people[role], Role(role), voting_right=role in {"chair", "member"})
    people["outsider"] = make_user("secretary@b.example")
    add_member(b, people["outsider"], Role.secretary)
    people["admin"] = make_user("admin@example.org", is_admin=True)
    draft = make_meeting(a, items=["Budget"], title="Draft meeting")
    public = make_meeting(a, items=["Budget", "Housing"], publish=True, title="Public meeting")
    return {"a": a, "people": people, "draft": draft, "public": public}


def client_for(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, world["people"][role].email)
    return client


def url(meeting, suffix=""):
    return f"/councils/{meeting.council.slug}/meetings/{meeting.id}{suffix}"


@pytest.mark.parametrize("role", ROLES)
def test_drafts_are_seen_only_by_officers(app, world, role):
    client = client_for(app, world, role)
    assert client.get(url(world["draft"])).status_code == (200 if role in OFFICERS else 404)
    assert client.get(url(world["public"])).status_code == 200
    listing = client.get("/councils/council-a/meetings").get_data(as_text=True)
    assert ("Draft meeting" in listing) == (role in OFFICERS)
    assert "Public meeting" in listing


def test_secretary_builds_and_publishes_an_agenda(app, world):
    client = client_for(app, world, "secretary")
    response = post(
        client,
        "/councils/council-a/meetings/new",
        {
            "lang": "en",
            "title": "Spring plenary",
            "day": "2031-04-02",
            "starts": "18:00",
            "ends": "20:30",
            "place": "City Hall",
            "step_free": "y",
            "interpretation": ["ar", "uk"],
            "online_url": "",
            "description": "",
            "accessibility_notes": "Lift at the entrance",
        },
        page="/councils/council-a/meetings/new",
    )
    assert response.status_code == 302
    meeting = db.session.scalars(select(Meeting).order_by(Meeting.id.desc())).first()
    assert meeting.title.get("en") == "Spring plenary" and meeting.state is MeetingState.draft
    page = url(meeting)
    # Publishing an empty agenda is refused with a clear answer.
    response = post(
        client, url(meeting, "/publish"), page=url(meeting, "/publish"), follow_redirects=True
    )
    assert "Add at least one agenda item before publishing" in response.get_data(as_text=True)
    for title in ["Welcome", "Housing report", "Advice on rents"]:
        post(
            client,
            url(meeting, "/items/new"),
            {"lang": "en", "title": title, "kind": "decision", "duration_minutes": "15"},
            page=url(meeting, "/items/new"),
        )
    third = meeting.items[2]
    edit = url(meeting, f"/items/{third.id}/edit")
    moved = {"lang": "en", "title": "Advice on rents", "kind": "decision", "position": "2"}
    post(client, edit, moved, page=edit)
    db.session.expire_all()
    assert [i.title.get("en") for i in meeting.items] == [
        "Welcome",
        "Advice on rents",
        "Housing report",
    ]
    response = post(
        client, url(meeting, "/publish"), page=url(meeting, "/publish"), follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "The meeting and its agenda are published." in html
    assert "No email was sent to members" in html
    public_html = app.test_client().get(page).get_data(as_text=True)
    assert "Advice on rents" in public_html and "City Hall" in public_html


def test_meeting_form_keeps_what_was_typed(app, world):
    client = client_for(app, world, "secretary")
    response = post(
        client,
        "/councils/council-a/meetings/new",
        {
            "lang": "en",
            "title": "Evening session",
            "day": "2031-04-02",
            "starts": "20:00",
            "ends": "19:00",
            "place": "Town hall annex",
        },
        page="/councils/council-a/meetings/new",
    )
    html = response.get_data(as_text=True)
    assert "The meeting must end after it starts." in html
    assert 'value="Evening session"' in html and 'value="Town hall annex"' in html
    assert 'value="20:00"' in html


def test_late_items_show_when_they_were_added(app, world):
    client = client_for(app, world, "secretary")
    meeting = world["public"]
    post(
        client,
        url(meeting, "/items/new"),
        {"lang": "en", "title": "Urgent point", "kind": "information"},
        page=url(meeting, "/items/new"),
    )
    html = app.test_client().get(url(meeting)).get_data(as_text=True)
    assert "Urgent point" in html and "Added on" in html


def test_publishing_emails_each_member_in_their_language(app, world, smtp):
    client = client_for(app, world, "secretary")
    meeting = world["draft"]
    response = post(
        client, url(meeting, "/publish"), page=url(meeting, "/publish"), follow_redirects=True
    )
    assert "The notice is on its way to 5 people" in response.get_data(as_text=True)
    arabic = smtp.to("member@a.example")[0]
    french = smtp.to("chair@a.example")[0]
    english = smtp.to("observer@a.example")[0]
    with force_locale("ar"):
        greeting = gettext("Hello %(name)s,", name="Member Person")
    assert greeting != "Hello Member Person,"
    assert arabic.get_body(("plain",)).get_content().startswith(greeting)
    assert english.get_body(("plain",)).get_content().startswith("Hello Observer Person,")
    assert "Budget" in french.get_body(("plain",)).get_content()
    attachment = next(arabic.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    event = Calendar.from_ical(attachment.get_content()).walk("VEVENT")[0]
    assert str(event["UID"]) == f"{meeting.uid}@consulta"


def test_cancelling_tells_members(app, world, smtp):
    client = client_for(app, world, "secretary")
    meeting = world["public"]
    response = post(
        client, url(meeting, "/cancel"), {"lang": "en", "reason": ""}, page=url(meeting, "/cancel")
    )
    assert "Say why the meeting is cancelled." in response.get_data(as_text=True)
    post(
        client,
        url(meeting, "/cancel"),
        {"lang": "en", "reason": "The hall is closed."},
        page=url(meeting, "/cancel"),
    )
    message = smtp.to("observer@a.example")[0]
    assert "The hall is closed." in message.get_body(("plain",)).get_content()
    event = Calendar.from_ical(next(message.iter_attachments()).get_content()).walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED"
    assert "The hall is closed." in app.test_client().get(url(meeting)).get_data(as_text=True)


def test_calendar_downloads(app, world):
    client = app.test_client()
    response = client.get(url(world["public"], ".ics"))
    assert response.mimetype == "text/calendar"
    assert Calendar.from_ical(response.data).walk("VEVENT")[0]["SUMMARY"] == "Public meeting"
    assert client.get(url(world["draft"], ".ics")).status_code == 404
    feed = Calendar.from_ical(client.get("/councils/council-a/calendar.ics").data)
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == ["Public meeting"]


def test_the_calendar_feed_holds_a_year_back_and_everything_to_come(app, world, make_meeting):
    make_meeting(world["a"], items=["Budget"], publish=True, days=-400, title="Two winters ago")
    make_meeting(world["a"], items=["Budget"], publish=True, days=-300, title="Last winter")
    make_meeting(world["a"], items=["Budget"], publish=True, days=900, title="In two years")
    feed = Calendar.from_ical(app.test_client().get("/councils/council-a/calendar.ics").data)
    summaries = [str(e["SUMMARY"]) for e in feed.walk("VEVENT")]
    assert summaries == ["Last winter", "Public meeting", "In two years"]
    assert "the past year and all those to come" in str(feed["X-WR-CALDESC"])


def test_a_calendar_app_that_has_the_feed_is_told_it_has_not_changed(app, world):
    client = app.test_client()
    first = client.get("/councils/council-a/calendar.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    again = client.get("/councils/council-a/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    since = client.get("/councils/council-a/calendar.ics", headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    in_arabic = client.get(
        "/councils/council-a/calendar.ics?lang=ar", headers={"If-None-Match": etag}
    )
    assert in_arabic.status_code == 200

    services.update_meeting(
        world["public"],
        services.MeetingDetails(
            title="Public meeting, new room",
            lang="en",
            day=date.today() + timedelta(days=7),
            starts=time(18, 0),
            ends=time(20, 0),
        ),
    )
    db.session.commit()
    changed = client.get("/councils/council-a/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    events = Calendar.from_ical(changed.data).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Public meeting, new room"]


def test_upload_refusal_explains_and_download_is_safe(app, world):
    client = client_for(app, world, "secretary")
    meeting = world["public"]
    page = url(meeting, "/documents")
    response = post(
        client,
        page,
        {
            "file": (io.BytesIO(b"<html><script>x</script>"), "agenda.pdf"),
            "item": str(meeting.items[0].id),
            "lang": "en",
        },
        page=page,
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert "This file cannot be used" in html
    assert f'selected value="{meeting.items[0].id}"' in html  # the choice is kept

    post(
        client,
        page,
        {"file": (io.BytesIO(PDF), "Budget 2031 (draft).pdf"), "item": "0", "lang": "en"},
        page=page,
        content_type="multipart/form-data",
    )
    document = db.session.scalar(select(Document))
    download = app.test_client().get(
        f"/councils/council-a/documents/{document.id}/{document.filename}"
    )
    assert download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"
    # Removing keeps the record but the file is gone for everyone.
    post(
        client,
        f"/councils/council-a/documents/{document.id}/remove",
        page=f"/councils/council-a/documents/{document.id}/remove",
    )
    assert (
        app.test_client().get(f"/councils/council-a/documents/{document.id}/x.pdf").status_code
        == 404
    )
    assert db.session.get(Document, document.id).removed_at is not None


def test_documents_of_drafts_are_private(app, world):
    upload = FileStorage(stream=io.BytesIO(PDF), filename="draft.pdf")
    document = services.store_document(world["draft"], upload, item=None, actor=None)
    db.session.commit()
    path = f"/councils/council-a/documents/{document.id}/draft.pdf"
    assert app.test_client().get(path).status_code == 404
    assert client_for(app, world, "secretary").get(path).status_code == 200
    assert client_for(app, world, "outsider").get(path).status_code == 404


def test_attendance_screen_one_tap_per_member(app, world):
    meeting = world["public"]
    services.start_meeting(meeting, day_confirmed=services.scheduled_day(meeting))
    db.session.commit()
    client = client_for(app, world, "secretary")
    page = url(meeting, "/attendance")
    member = next(m for m in world["a"].memberships if m.user.email == "member@a.example")
    response = post(client, page, {"record": f"{member.id}:present"}, page=page)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"#member-{member.id}"
    )
    html = client.get(page).get_data(as_text=True)
    assert "Present" in html and "arrived" in html
    assert "1 of 2 voting members present (2 needed)" in html
    quorum = app.test_client().get(url(meeting, "/quorum.json")).json
    assert quorum == {**quorum, "present": 1, "needed": 2, "reached": False}
    post(client, page, {"record": f"{member.id}:left"}, page=page)
    db.session.expire_all()
    assert services.attendance_for(meeting, member).left_at is not None


def test_members_mark_themselves_present(app, world):
    meeting = world["public"]
    services.start_meeting(meeting, day_confirmed=services.scheduled_day(meeting))
    db.session.commit()
    member = client_for(app, world, "member")
    html = member.get(url(meeting)).get_data(as_text=True)
    assert f'action="{url(meeting, "/presence")}"' in html
    post(member, url(meeting, "/presence"), page=url(meeting))
    record = services.attendance_for(
        meeting, next(m for m in world["a"].memberships if m.user.email == "member@a.example")
    )
    assert record.presence is Presence.present
    outsider = client_for(app, world, "outsider")
    assert post(outsider, url(meeting, "/presence")).status_code == 403
    translator = client_for(app, world, "translator")
    assert post(translator, url(meeting, "/presence")).status_code == 403


def test_a_meeting_of_another_council_is_not_found_through_this_one(app, world, make_meeting):
    other = make_meeting(
        db.session.scalar(select(type(world["a"])).filter_by(slug="council-b")),
        items=["X"],
        publish=True,
    )
    client = client_for(app, world, "secretary")
    assert client.get(f"/councils/council-a/meetings/{other.id}").status_code == 404
    assert client.get(f"/councils/council-a/meetings/{other.id}/attendance").status_code == 404
    assert re.search(
        r"council-b", client.get(f"/councils/council-b/meetings/{other.id}").get_data(as_text=True)
    )


def test_starting_on_another_day_names_the_day_and_asks(app, world):
    meeting = world["public"]  # a week from now
    client = client_for(app, world, "secretary")
    start = url(meeting, "/start")
    page = client.get(start).get_data(as_text=True)
    assert "This meeting is scheduled for" in page and "Start it today anyway?" in page
    day = services.scheduled_day(meeting).isoformat()
    assert f'name="scheduled_day" value="{day}"' in page
    # A POST that does not send the planned day back (crafted, or from an old page after the
    # meeting moved) starts nothing and asks again.
    other = (services.scheduled_day(meeting) + timedelta(days=1)).isoformat()
    for data in ({}, {"scheduled_day": other}, {"scheduled_day": "soon"}):
        refused = post(client, start, data, page=start, follow_redirects=True)
        html = refused.get_data(as_text=True)
        assert "It was not started" in html and "Start it today anyway?" in html
        db.session.expire_all()
        assert meeting.state is MeetingState.published
    started = post(client, start, {"scheduled_day": day}, page=start)
    assert started.status_code == 302
    db.session.expire_all()
    assert meeting.state is MeetingState.in_progress


def test_starting_on_the_planned_day_asks_once(app, world, make_meeting):
    meeting = make_meeting(
        world["a"], items=["Budget"], publish=True, days=0, starts=time(23, 0), ends=time(23, 59)
    )
    client = client_for(app, world, "secretary")
    start = url(meeting, "/start")
    page = client.get(start).get_data(as_text=True)
    assert "Start the meeting now?" in page and "scheduled for" not in page
    assert post(client, start, page=start).status_code == 302
    db.session.expire_all()
    assert meeting.state is MeetingState.in_progress


def test_a_document_title_keeps_its_own_direction_inside_a_sentence(app, world):
    client = client_for(app, world, "secretary")
    meeting = world["public"]
    page = url(meeting, "/documents")
    post(
        client,
        page,
        {"file": (io.BytesIO(PDF), "a.pdf"), "item": "0", "lang": "ar", "title": "جدول الأعمال"},
        page=page,
        content_type="multipart/form-data",
    )
    document = db.session.scalar(select(Document))
    html = client.get(f"/councils/council-a/documents/{document.id}/remove").get_data(as_text=True)
    assert '<bdi lang="ar" dir="rtl">جدول الأعمال</bdi>' in html


def test_an_english_title_keeps_its_order_inside_an_arabic_sentence(app, world):
    """In Arabic, "Change “Budget 2027: is it enough?”": the title is isolated with its own
    language, so its question mark stays at its end and an English voice reads it."""
    meeting = world["public"]
    services.add_item(meeting, title="Budget 2027: is it enough?", lang="en", kind="decision")
    db.session.commit()
    client = client_for(app, world, "secretary")
    html = client.get(url(meeting) + "?lang=ar").get_data(as_text=True)
    title = '<bdi lang="en" dir="ltr">Budget 2027: is it enough?</bdi>'
    with force_locale("ar"):
        change = gettext("Change “%(title)s”", title=title)
    assert change in html
    assert "“Budget 2027" not in html  # never bare text inside the Arabic sentence


def test_the_quorum_is_followed_only_while_the_meeting_is_under_way(app, world):
    """A page asks again for the quorum only while people arrive and leave; before the
    meeting it shows it once, and a closed meeting's pages neither show nor count it."""
    secretary = client_for(app, world, "secretary")
    meeting = world["public"]
    before = secretary.get(url(meeting)).get_data(as_text=True)
    assert "No quorum yet" in before and "data-quorum-url" not in before
    assert "data-quorum-url" not in secretary.get(url(meeting, "/attendance")).get_data(
        as_text=True
    )

    services.start_meeting(meeting, day_confirmed=services.scheduled_day(meeting))
    db.session.commit()
    for page in (url(meeting), url(meeting, "/attendance")):
        html = secretary.get(page).get_data(as_text=True)
        assert "No quorum yet" in html and "data-quorum-url" in html, page

    services.close_meeting(meeting)
    db.session.commit()
    for page in (url(meeting), url(meeting, "/attendance")):
        html = secretary.get(page).get_data(as_text=True)
        assert "quorum yet" not in html and "Quorum reached" not in html, page
        assert "data-quorum-url" not in html, page
