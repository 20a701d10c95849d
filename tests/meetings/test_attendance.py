"""Attendance as a record: periods in the room, apologies, corrections, the public list."""

import io
import re
from datetime import time, timedelta

import pytest
from sqlalchemy import event, select

from app.audit import AuditEvent
from app.auth import Role
from app.councils.models import Membership
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.meetings import attendance, services
from app.meetings.models import Presence
from tests.helpers import post
from tests.meetings import test_views
from tests.meetings.test_services import PDF
from tests.meetings.test_views import client_for, url

world = test_views.world  # the same people and meetings as the other page tests


@pytest.fixture
def council(make_council):
    return make_council()


@pytest.fixture
def voters(council, make_user, add_member):
    return [
        add_member(council, make_user(display_name=name))
        for name in ("Amina", "Bogdan", "Chidi", "Dana")
    ]


def later(minutes: int):
    return utcnow() + timedelta(minutes=minutes)


def test_a_member_who_leaves_and_returns_keeps_both_periods(council, voters, make_meeting):
    meeting = make_meeting(council, items=["A"], start=True)
    amina = voters[0]
    services.set_presence(meeting, amina, Presence.present)
    services.record_departure(meeting, amina)
    assert services.quorum(meeting).present == 0
    services.set_presence(meeting, amina, Presence.present)  # back
    services.set_presence(meeting, amina, Presence.present)  # tapped twice: nothing new
    record = services.attendance_for(meeting, amina)
    assert record.is_in_the_room
    assert len(record.periods) == 2
    first, second = record.periods
    assert first.left_at is not None and second.left_at is None
    assert record.arrived_at == first.arrived_at
    assert services.quorum(meeting).present == 1
    services.close_meeting(meeting)
    assert second.left_at is not None and record.left_at == second.left_at
    assert not record.is_in_the_room


def test_quorum_and_entitlement_read_the_room_not_the_history(
    council, voters, make_meeting, make_user, add_member
):
    from app.voting import services as voting

    meeting = make_meeting(council, items=["A"], start=True)
    for member in voters[:3]:
        services.set_presence(meeting, member, Presence.present)
    services.record_departure(meeting, voters[2])
    services.set_presence(meeting, voters[2], Presence.present)
    services.record_departure(meeting, voters[1])
    assert services.quorum(meeting) == services.Quorum(present=2, voting_members=4, needed=3)
    poll = voting.create_poll(meeting.items[0], voting.PollDetails(question="Yes?", lang="en"))
    voting.open_poll(poll, without_quorum=True)
    assert {m.id for m in voting.entitled_memberships(poll)} == {voters[0].id, voters[2].id}


def test_the_record_lists_everyone_with_their_periods_in_constant_statements(
    app, council, voters, make_meeting, make_user, add_member
):
    add_member(council, make_user(display_name="Tariq"), Role.translator)
    meeting = make_meeting(council, items=["A"], start=True)
    services.set_presence(meeting, voters[0], Presence.present)
    services.record_departure(meeting, voters[0])
    services.set_presence(meeting, voters[0], Presence.present)
    services.set_presence(meeting, voters[1], Presence.excused)
    db.session.commit()
    db.session.expire_all()
    assert meeting.council.timezone  # the meeting page has these loaded already
    statements = []
    listen = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        lines = attendance.attendance_record(meeting)
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert len([s for s in statements if s.startswith("SELECT")]) == 3
    by_name = {line.name: line for line in lines}
    assert set(by_name) == {"Amina", "Bogdan", "Chidi", "Dana"}  # translators do not attend
    assert [p.left_at is None for p in by_name["Amina"].periods] == [False, True]
    assert by_name["Bogdan"].presence is Presence.excused and not by_name["Bogdan"].periods
    assert by_name["Chidi"].presence is None


def test_a_member_sends_apologies_and_withdraws_them_before_the_meeting(
    council, voters, make_meeting
):
    meeting = make_meeting(council, items=["A"], publish=True)
    amina = voters[0]
    attendance.send_apologies(meeting, amina, "  At work that evening ", actor=amina.user)
    record = services.attendance_for(meeting, amina)
    assert record.presence is Presence.excused and record.apologised_at is not None
    assert record.apology_note == "At work that evening"
    attendance.withdraw_apologies(meeting, amina, actor=amina.user)
    assert services.attendance_for(meeting, amina) is None
    with pytest.raises(DomainError, match="not sent apologies"):
        attendance.withdraw_apologies(meeting, amina, actor=amina.user)
    attendance.send_apologies(meeting, amina, actor=amina.user)
    services.start_meeting(meeting, day_confirmed=services.scheduled_day(meeting))
    with pytest.raises(DomainError, match="before the meeting starts"):
        attendance.withdraw_apologies(meeting, amina, actor=amina.user)
    with pytest.raises(DomainError, match="before the meeting starts"):
        attendance.send_apologies(meeting, voters[1], actor=voters[1].user)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("attendance.apologised") == 2
    assert "attendance.apologies_withdrawn" in actions


def closed_meeting(council, voters, make_meeting):
    meeting = make_meeting(council, items=["A"], start=True)
    services.set_presence(meeting, voters[0], Presence.present)
    services.close_meeting(meeting)
    return meeting


def test_a_correction_after_the_close_is_audited_with_what_changed(
    council, voters, make_meeting, make_user
):
    meeting = closed_meeting(council, voters, make_meeting)
    secretary = make_user()
    changed = attendance.correct_attendance(
        meeting,
        voters[0],
        Presence.present,
        [(time(19, 30), time(20, 0)), (time(18, 5), time(19, 10))],
        actor=secretary,
    )
    assert changed
    record = services.attendance_for(meeting, voters[0])
    assert [(p.arrived_at, p.left_at) for p in record.periods] == [
        (
            services.to_utc(council, services.scheduled_day(meeting), a),
            services.to_utc(council, services.scheduled_day(meeting), b),
        )
        for a, b in [(time(18, 5), time(19, 10)), (time(19, 30), time(20, 0))]
    ]
    assert record.arrived_at == record.periods[0].arrived_at
    assert record.left_at == record.periods[1].left_at
    attendance.correct_attendance(meeting, voters[1], Presence.excused, [], actor=secretary)
    assert services.attendance_for(meeting, voters[1]).presence is Presence.excused
    event_ = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "attendance.corrected")
    ).first()
    assert event_.actor_id == secretary.id
    assert event_.details["member"] == voters[0].id
    assert event_.details["before"]["presence"] == "present"
    assert len(event_.details["before"]["periods"]) == 1
    assert len(event_.details["after"]["periods"]) == 2
    assert not attendance.correct_attendance(
        meeting, voters[1], Presence.excused, [], actor=secretary
    )


@pytest.mark.parametrize(
    ("presence", "times", "message"),
    [
        (Presence.present, [(time(19, 0), time(18, 30))], "leaves after arriving"),
        (Presence.present, [(time(3, 0), time(4, 0))], "on the day of the meeting"),
        (Presence.present, [(time(18, 0), None)], "Enter when the member left"),
        (Presence.present, [(None, time(19, 0))], "arrived and left"),
        (Presence.present, [], "arrived and left"),
        (
            Presence.present,
            [(time(18, 0), time(19, 0)), (time(18, 30), time(19, 30))],
            "comes back after leaving",
        ),
        (Presence.absent, [(time(18, 0), time(19, 0))], "have no times"),
    ],
)
def test_impossible_times_are_refused(council, voters, make_meeting, presence, times, message):
    meeting = closed_meeting(council, voters, make_meeting)
    with pytest.raises(DomainError, match=message):
        attendance.correct_attendance(meeting, voters[0], presence, times, actor=None)


def test_only_a_closed_meeting_is_corrected(council, voters, make_meeting):
    meeting = make_meeting(council, items=["A"], start=True)
    with pytest.raises(DomainError, match="once the meeting is closed"):
        attendance.correct_attendance(meeting, voters[0], Presence.absent, [], actor=None)


def test_the_public_list_names_only_those_who_agreed(council, voters, make_meeting):
    from app.councils import services as councils

    councils.set_listed(voters[0], True, actor=None)
    councils.set_listed(voters[2], True, actor=None)
    meeting = make_meeting(council, items=["A"], start=True)
    for member in voters[:2]:
        services.set_presence(meeting, member, Presence.present)
    services.set_presence(meeting, voters[2], Presence.excused)
    services.close_meeting(meeting)
    public = attendance.public_attendance(meeting)
    assert public.present.names == ["Amina"] and public.present.others == 1
    assert public.excused.names == ["Chidi"] and public.excused.others == 0
    assert public.absent == 1


def test_a_document_is_added_to_a_closed_meeting_but_not_an_item(council, make_meeting):
    from tests.meetings.test_services import upload

    meeting = make_meeting(council, items=["A"], start=True)
    services.close_meeting(meeting)
    document = services.store_document(
        meeting, upload(PDF, "annex.pdf"), item=meeting.items[0], actor=None
    )
    assert document.item is meeting.items[0]
    with pytest.raises(DomainError):
        services.add_item(meeting, title="Late", lang="en", kind="information")


# Pages


def start_and_close(meeting, members=()):
    services.start_meeting(meeting, day_confirmed=services.scheduled_day(meeting))
    for member in members:
        services.set_presence(meeting, member, Presence.present)
    services.close_meeting(meeting)
    db.session.commit()


def seat(world, role):
    return next(m for m in world["a"].memberships if m.user.email == f"{role}@a.example")


def test_a_member_sends_apologies_from_the_meeting_page(app, world):
    meeting = world["public"]
    member = client_for(app, world, "observer")  # observers attend, without a vote
    html = member.get(url(meeting)).get_data(as_text=True)
    assert url(meeting, "/apologies") in html
    page = url(meeting, "/apologies")
    response = post(member, page, {"note": "Away " * 100}, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in html
    assert "Away Away" in html  # what was typed is kept
    response = post(member, page, {"note": "My daughter’s school play"}, page=page)
    assert response.status_code == 302
    html = member.get(url(meeting)).get_data(as_text=True)
    assert "You sent apologies" in html and url(meeting, "/apologies/withdraw") in html
    sheet = client_for(app, world, "secretary").get(url(meeting, "/attendance"))
    assert "Sent apologies on" in sheet.get_data(as_text=True)
    assert "My daughter’s school play" in sheet.get_data(as_text=True)
    post(member, url(meeting, "/apologies/withdraw"), page=url(meeting))
    assert services.attendance_for(meeting, seat(world, "observer")) is None
    translator = client_for(app, world, "translator")
    assert post(translator, page, {"note": ""}).status_code == 403


def test_a_correction_form_keeps_what_was_typed(app, world):
    meeting = world["public"]
    start_and_close(meeting, [seat(world, "member")])
    client = client_for(app, world, "secretary")
    page = url(meeting, f"/attendance/{seat(world, 'member').id}")
    assert page in client.get(url(meeting, "/attendance")).get_data(as_text=True)
    typed = {"presence": "present", "periods-0-arrived": "19:40", "periods-0-left": "18:15"}
    response = post(client, page, typed, page=page)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "A member leaves after arriving" in html
    assert 'value="19:40"' in html and 'value="18:15"' in html
    fixed = {**typed, "periods-0-arrived": "18:15", "periods-0-left": "19:40"}
    fixed |= {"periods-1-arrived": "19:50", "periods-1-left": "20:10"}
    assert post(client, page, fixed, page=page).status_code == 302
    html = client.get(url(meeting, "/attendance")).get_data(as_text=True)
    assert "arrived 6:15\u202fPM · left 7:40\u202fPM; arrived 7:50\u202fPM" in html
    member = client_for(app, world, "member")
    assert member.get(page).status_code == 403
    outsider = next(
        m for m in db.session.scalars(select(Membership)) if m.council_id != meeting.council_id
    )
    assert client.get(url(meeting, f"/attendance/{outsider.id}")).status_code == 404


def test_the_closed_meeting_names_only_members_who_agreed(app, world):
    from app.councils import services as councils

    meeting = world["public"]
    councils.set_listed(seat(world, "chair"), True, actor=None)
    start_and_close(meeting, [seat(world, "chair"), seat(world, "member")])
    html = app.test_client().get(url(meeting)).get_data(as_text=True)
    assert "Chair Person" in html and "Member Person" not in html
    assert "and 1 other member" in html


def test_a_document_uploaded_to_a_closed_meeting_appears_on_its_page(app, world):
    meeting = world["public"]
    start_and_close(meeting)
    client = client_for(app, world, "secretary")
    assert url(meeting, "/documents") in client.get(url(meeting)).get_data(as_text=True)
    page = url(meeting, "/documents")
    response = post(
        client,
        page,
        {"file": (io.BytesIO(PDF), "annex.pdf"), "item": "0", "lang": "en", "title": "Annex"},
        page=page,
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert "Annex" in app.test_client().get(url(meeting)).get_data(as_text=True)


def names_on_sheet(html: str) -> list[str]:
    return re.findall(r'<h2 class="attendance-name"><span dir="auto">([^<]+)</span>', html)


def test_a_big_councils_sheet_comes_by_name_and_finds_a_member_as_they_arrive(
    app, world, make_user, add_member
):
    """Sixty residents arrive: the secretary pages through the sheet by name, or types a part
    of a name and taps, and comes back to the same short list at the same member."""
    for n in range(60, 0, -1):
        add_member(world["a"], make_user(display_name=f"Resident {n:02d}"), Role.member)
    meeting = world["public"]
    services.start_meeting(meeting, day_confirmed=services.scheduled_day(meeting))
    db.session.commit()
    client = client_for(app, world, "secretary")
    sheet = url(meeting, "/attendance")

    first = client.get(sheet).get_data(as_text=True)
    assert "64 members, by name." in first and "Page 1 of 2" in first  # translators do not attend
    assert names_on_sheet(first)[:4] == [
        "Chair Person",
        "Member Person",
        "Observer Person",
        "Resident 01",
    ]
    assert len(names_on_sheet(first)) == 50
    second = client.get(f"{sheet}?page=2").get_data(as_text=True)
    assert names_on_sheet(second)[-2:] == ["Resident 60", "Secretary Person"]

    found = client.get(f"{sheet}?name=resident+0").get_data(as_text=True)
    assert "9 of 64 members found." in found
    assert names_on_sheet(found) == [f"Resident 0{n}" for n in range(1, 10)]
    resident = next(m for m in world["a"].memberships if m.user.display_name == "Resident 07")
    response = post(
        client, f"{sheet}?name=resident+0", {"record": f"{resident.id}:present"}, page=sheet
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/attendance?name=resident+0#member-{resident.id}")
    assert services.attendance_for(meeting, resident).is_in_the_room
    assert "1 of 64 members found." in client.get(f"{sheet}?name=RÉSIDENT 07").get_data(
        as_text=True
    )
    nobody = client.get(f"{sheet}?name=Zed").get_data(as_text=True)
    assert "Nobody on the sheet has that name." in nobody
