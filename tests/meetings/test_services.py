import io
import zipfile
from datetime import date, time, timedelta

import pytest
from icalendar import Calendar
from werkzeug.datastructures import FileStorage

from app.councils.models import QuorumRule
from app.errors import DomainError
from app.extensions import db
from app.meetings import services
from app.meetings.calendar import council_feed, meeting_calendar
from app.meetings.documents import storage_folder
from app.meetings.models import ItemKind, MeetingState, Presence

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def zipped(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.fixture
def council(make_council):
    return make_council()


def test_times_are_entered_in_the_councils_zone_and_stored_in_utc(council, make_meeting):
    winter = make_meeting(council, day=date(2030, 1, 15), starts=time(18, 0), ends=time(20, 0))
    summer = make_meeting(council, day=date(2030, 7, 15), starts=time(18, 0), ends=time(20, 0))
    assert winter.starts_at.hour == 17  # Brussels is UTC+1 in winter
    assert summer.starts_at.hour == 16  # and UTC+2 in summer
    assert services.to_local(council, summer.starts_at).hour == 18


def test_a_meeting_ends_after_it_starts_and_not_in_the_past(council, make_meeting):
    with pytest.raises(DomainError, match="end after it starts"):
        make_meeting(council, starts=time(20, 0), ends=time(19, 0))
    with pytest.raises(DomainError, match="in the past"):
        services.create_meeting(
            council,
            services.MeetingDetails(
                title="Late",
                lang="en",
                day=date.today() - timedelta(days=1),
                starts=time(9),
                ends=time(10),
            ),
        )


def test_online_link_must_be_a_web_address(council, make_meeting):
    with pytest.raises(DomainError, match="https://"):
        make_meeting(council, online_url="javascript:alert(1)")


def test_an_empty_agenda_cannot_be_published(council, make_meeting):
    meeting = make_meeting(council)
    with pytest.raises(DomainError, match="at least one agenda item"):
        services.publish_meeting(meeting)
    assert meeting.state is MeetingState.draft


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        (["publish"], True),
        (["publish", "start"], True),
        (["publish", "start", "close"], True),
        (["start"], False),
        (["close"], False),
        (["publish", "close"], False),
        (["publish", "start", "close", "start"], False),
        (["publish", "start", "publish"], False),
    ],
)
def test_state_transitions(council, make_meeting, path, allowed):
    meeting = make_meeting(council, items=["One"])
    actions = {
        "publish": services.publish_meeting,
        "start": lambda m: services.start_meeting(m, day_confirmed=services.scheduled_day(m)),
        "close": services.close_meeting,
    }
    if allowed:
        for step in path:
            actions[step](meeting)
    else:
        with pytest.raises(DomainError):
            for step in path:
                actions[step](meeting)


def test_cancelling_needs_a_reason_and_is_final(council, make_meeting):
    meeting = make_meeting(council, items=["One"], publish=True)
    with pytest.raises(DomainError, match="why"):
        services.cancel_meeting(meeting, "  ", "en")
    services.cancel_meeting(meeting, "The room is flooded.", "en")
    assert meeting.state is MeetingState.cancelled
    with pytest.raises(DomainError):
        services.start_meeting(meeting)
    with pytest.raises(DomainError):
        services.cancel_meeting(meeting, "again", "en")


def test_closed_and_in_progress_meetings_cannot_be_cancelled(council, make_meeting):
    meeting = make_meeting(council, items=["One"], start=True)
    with pytest.raises(DomainError):
        services.cancel_meeting(meeting, "Too late", "en")


def test_agenda_numbering_and_moving(council, make_meeting):
    meeting = make_meeting(council, items=["A", "B", "C"])
    a, b, c = meeting.items
    assert services.place_item(c, 2)
    assert [i.title.get("en") for i in meeting.items] == ["A", "C", "B"]
    assert [i.position for i in meeting.items] == [1, 2, 3]
    assert not services.place_item(a, 1)  # already there: nothing happens
    assert services.place_item(a, 99)  # past the end: last
    assert [i.title.get("en") for i in meeting.items] == ["C", "B", "A"]
    assert services.place_item(a, -5)  # before the start: first
    assert [i.title.get("en") for i in meeting.items] == ["A", "C", "B"]
    services.remove_item(c)
    assert [(i.position, i.title.get("en")) for i in meeting.items] == [(1, "A"), (2, "B")]


def test_items_added_after_publication_are_marked_late(council, make_meeting):
    meeting = make_meeting(council, items=["A"], publish=True)
    assert meeting.items[0].added_late_at is None
    late = services.add_item(meeting, title="Urgent", lang="en", kind=ItemKind.information)
    assert late.added_late_at is not None and late.position == 2
    with pytest.raises(DomainError, match="cannot be removed"):
        services.remove_item(late)


def test_a_closed_agenda_does_not_change(council, make_meeting):
    meeting = make_meeting(council, items=["A"], start=True)
    services.close_meeting(meeting)
    with pytest.raises(DomainError):
        services.add_item(meeting, title="Too late", lang="en", kind=ItemKind.information)


@pytest.mark.parametrize(
    ("rule", "members", "needed"),
    [
        (QuorumRule.majority, 10, 6),
        (QuorumRule.majority, 9, 5),
        (QuorumRule.majority, 1, 1),
        (QuorumRule.majority, 0, 1),
        (QuorumRule.one_third, 10, 4),
        (QuorumRule.one_third, 9, 3),
        (QuorumRule.two_thirds, 9, 6),
        (QuorumRule.two_thirds, 10, 7),
        (QuorumRule.none, 10, 0),
    ],
)
def test_quorum_arithmetic(rule, members, needed):
    assert rule.needed(members) == needed


def test_quorum_counts_voting_members_in_the_room(council, make_meeting, make_user, add_member):
    voters = [add_member(council, make_user()) for _ in range(4)]
    observer = add_member(council, make_user(), "observer", voting_right=False)
    meeting = make_meeting(council, items=["A"], start=True)
    services.set_presence(meeting, observer, Presence.present)
    services.set_presence(meeting, voters[0], Presence.present)
    services.set_presence(meeting, voters[1], Presence.present)
    assert services.quorum(meeting) == services.Quorum(present=2, voting_members=4, needed=3)
    assert not services.quorum(meeting).reached
    services.set_presence(meeting, voters[2], Presence.present)
    assert services.quorum(meeting).reached
    services.record_departure(meeting, voters[2])
    assert not services.quorum(meeting).reached


def test_attendance_keeps_arrival_and_departure_times(council, make_meeting, make_user, add_member):
    member = add_member(council, make_user())
    meeting = make_meeting(council, items=["A"], publish=True)
    with pytest.raises(DomainError, match="started"):
        services.set_presence(meeting, member, Presence.present)
    services.set_presence(meeting, member, Presence.excused)  # known in advance
    services.start_meeting(meeting, day_confirmed=services.scheduled_day(meeting))
    record = services.set_presence(meeting, member, Presence.present)
    arrived = record.arrived_at
    services.set_presence(meeting, member, Presence.present)  # tapped twice
    assert record.arrived_at == arrived
    services.close_meeting(meeting)
    assert record.left_at is not None and record.left_at >= arrived
    with pytest.raises(DomainError):
        services.set_presence(meeting, member, Presence.absent)


def test_only_current_members_of_this_council_attend(
    council, make_council, make_meeting, make_user, add_member
):
    stranger = add_member(make_council("Other"), make_user())
    meeting = make_meeting(council, items=["A"], start=True)
    with pytest.raises(DomainError, match="current members"):
        services.set_presence(meeting, stranger, Presence.present)


@pytest.mark.parametrize(
    ("data", "name", "content_type", "stored_as"),
    [
        (PDF, "Agenda (final).PDF", "application/pdf", "Agenda (final).pdf"),
        (PNG, "plan.png", "image/png", "plan.png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "photo.jpeg", "image/jpeg", "photo.jpg"),
        (
            zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}),
            "report.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "report.docx",
        ),
        (
            zipped({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}),
            "budget.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "budget.xlsx",
        ),
        (
            zipped({"mimetype": b"application/vnd.oasis.opendocument.text"}),
            "../../etc/نص.odt",
            "application/vnd.oasis.opendocument.text",
            "نص.odt",
        ),
        (
            zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}),
            "t.ods",
            "application/vnd.oasis.opendocument.spreadsheet",
            "t.ods",
        ),
        (PDF, "report.exe", "application/pdf", "report.pdf"),
    ],
)
def test_documents_are_recognised_by_content(
    council, make_meeting, data, name, content_type, stored_as
):
    meeting = make_meeting(council, items=["A"])
    document = services.store_document(
        meeting, upload(data, name), item=meeting.items[0], actor=None
    )
    assert document.content_type == content_type
    assert document.filename == stored_as
    assert services.document_path(document).read_bytes() == data
    assert document.stored_name not in name


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<script>alert(1)</script>", "agenda.pdf"),
        (b"MZ\x90\x00", "agenda.docx"),
        (zipped({"evil.sh": b"rm -rf /"}), "agenda.docx"),
        (b"", "empty.pdf"),
    ],
)
def test_other_files_are_refused_and_not_kept(app, council, make_meeting, data, name):
    meeting = make_meeting(council, items=["A"])
    with pytest.raises(DomainError, match="cannot be used"):
        services.store_document(meeting, upload(data, name), item=None, actor=None)
    assert list(storage_folder().iterdir()) == []


def test_files_over_the_limit_are_refused(app, council, make_meeting):
    app.config["DOCUMENT_MAX_BYTES"] = 1024
    meeting = make_meeting(council, items=["A"])
    with pytest.raises(DomainError, match="larger than"):
        services.store_document(
            meeting, upload(PDF + b"0" * 2048, "big.pdf"), item=None, actor=None
        )


def test_calendar_entry_parses_back(app, council, make_meeting):
    meeting = make_meeting(council, items=["A"], publish=True, day=date(2030, 3, 4))
    with app.test_request_context():
        calendar = Calendar.from_ical(meeting_calendar(meeting))
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == f"{meeting.uid}@consulta"
    assert event["SUMMARY"] == "Plenary meeting"
    assert event["DTSTART"].dt.tzinfo.key == "Europe/Brussels"
    assert event["DTSTART"].dt.hour == 18
    assert "DTSTAMP" in event and event["STATUS"] == "CONFIRMED"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]


def test_feed_lists_public_meetings_and_marks_cancelled_ones(app, council, make_meeting):
    public = make_meeting(council, items=["A"], publish=True)
    cancelled = make_meeting(council, items=["A"], publish=True, title="Cancelled one")
    services.cancel_meeting(cancelled, "No room", "en")
    make_meeting(council, title="Secret draft")
    db.session.commit()
    with app.test_request_context():
        calendar = Calendar.from_ical(
            council_feed(council, db.session.scalars(services.public_meetings(council)))
        )
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {public.title.get("en"), "Cancelled one"}
    assert events["Cancelled one"]["STATUS"] == "CANCELLED"
    assert "No room" in events["Cancelled one"]["DESCRIPTION"]


def test_a_zip_bomb_is_refused_without_being_unpacked(council, make_meeting):
    """An "ODT" whose mimetype entry unpacks to 500 MB: reading it whole took a worker from
    120 MB to 711 MB of memory. Only its first bytes may be read."""
    import resource

    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("mimetype", "w", force_zip64=True) as entry,
    ):
        for _ in range(500):
            entry.write(b" " * (1024 * 1024))
    assert len(buffer.getvalue()) < 1024 * 1024  # small on the wire
    meeting = make_meeting(council, items=["A"])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(DomainError):
        services.store_document(meeting, upload(buffer.getvalue(), "bomb.odt"), item=None)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100


def test_a_meeting_starts_on_another_day_only_with_that_day_confirmed(council, make_meeting):
    meeting = make_meeting(council, items=["One"], publish=True)  # a week from now
    day = services.scheduled_day(meeting)
    for confirmed in (None, day - timedelta(days=7)):
        with pytest.raises(DomainError, match="scheduled for"):
            services.start_meeting(meeting, day_confirmed=confirmed)
        assert meeting.state is MeetingState.published
    services.start_meeting(meeting, day_confirmed=day)
    assert meeting.state is MeetingState.in_progress
