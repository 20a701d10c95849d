"""Minutes: the draft says what the meeting recorded; revisions, approval, publication."""

import pytest

from app.errors import DomainError
from app.extensions import db
from app.i18n import format_local
from app.meetings import services as meetings
from app.minutes import services
from app.minutes.models import MinutesState
from app.voting import services as voting


def plain(text: str) -> str:
    """The text without the isolates around names and titles (see ``draft.escape``)."""
    return text.replace("\u2068", "").replace("\u2069", "")


def attendance(world, name):
    return next(a for a in world["meeting"].attendances if a.membership.user.display_name == name)


def local_time(moment):
    return format_local(moment, "Europe/Brussels", "short", "time")


def test_the_draft_says_who_came_and_how_each_vote_went(closed_meeting):
    people = closed_meeting["people"]
    minutes = services.start_draft(closed_meeting["meeting"], "en", actor=people["Secretary"])
    text = plain(minutes.body.get("en"))
    assert "Council: Council A" in text
    assert "Place: City Hall" in text
    assert "Chair: Chair" in text
    assert "**Present (4)**" in text
    present_line = text.split("**Present (4)**: ")[1].splitlines()[0]
    names = present_line.rstrip(".").split("; ")
    amina, bohdan, secretary = (
        attendance(closed_meeting, name).periods for name in ["Amina", "Bohdan", "Secretary"]
    )
    away, back = secretary
    assert names == [
        f"Amina (arrived {local_time(amina[0].arrived_at)})",
        f"Bohdan (left {local_time(bohdan[0].left_at)})",
        "Chair",
        f"Secretary (in the room {local_time(away.arrived_at)}–{local_time(away.left_at)}, "
        f"{local_time(back.arrived_at)}–{local_time(back.left_at)})",
    ]
    assert "**Excused (1)**: " in text and "Chloé." in text
    # Absent: the member nobody marked, counted, never named (translators are not listed).
    assert "**Absent (1)**\n" in text and "Dmytro" not in text
    assert "## 1. Housing advice" in text
    assert "Vote: Send the advice to the city?" in text
    assert "- Yes: 2" in text and "- No: 1" in text and "- Abstain: 0" in text
    assert "- **Adopted**" in text
    assert "Voted Yes: Chair, Amina" in text and "Voted No: Bohdan" in text
    assert "## 2. Any other business" in text
    assert minutes.revision == 1 and minutes.revisions[0].author == people["Secretary"]


def test_the_draft_is_written_in_the_language_chosen(closed_meeting):
    minutes = services.start_draft(
        closed_meeting["meeting"], "uk", actor=closed_meeting["people"]["Secretary"]
    )
    text = plain(minutes.body.get("uk"))
    assert minutes.body.original == "uk"
    assert "**Присутні (4)**" in text and "# Порядок денний" in text
    assert "Send the advice to the city?" in text  # the council's own words, as written


def test_names_and_titles_never_become_markdown(closed_meeting):
    people = closed_meeting["people"]
    people["Amina"].display_name = "[click](javascript:alert(1)) **Amina**"
    db.session.commit()
    minutes = services.start_draft(closed_meeting["meeting"], "en", actor=people["Secretary"])
    from app.text import render_markdown

    html = str(render_markdown(plain(minutes.body.get("en"))))
    assert "<a " not in html
    assert "[click](javascript:alert(1)) **Amina**" in html.replace("&quot;", '"')


def test_minutes_are_drafted_only_for_a_closed_meeting_and_once(
    make_council, make_meeting, closed_meeting
):
    secretary = closed_meeting["people"]["Secretary"]
    open_meeting = make_meeting(closed_meeting["council"], items=["Welcome"], start=True)
    with pytest.raises(DomainError, match="once the meeting is closed"):
        services.start_draft(open_meeting, "en", actor=secretary)
    services.start_draft(closed_meeting["meeting"], "en", actor=secretary)
    with pytest.raises(DomainError, match="already has minutes"):
        services.start_draft(closed_meeting["meeting"], "en", actor=secretary)


def test_each_save_is_a_revision_and_a_stale_save_is_refused(closed_meeting):
    people = closed_meeting["people"]
    minutes = services.start_draft(closed_meeting["meeting"], "en", actor=people["Secretary"])
    assert services.save_text(minutes, "Version two", base=1, actor=people["Secretary"])
    assert not services.save_text(minutes, "Version two", base=2, actor=people["Secretary"])
    # The chair started from version 1 too: their save would overwrite version 2.
    with pytest.raises(services.StaleSave) as refused:
        services.save_text(minutes, "The chair's words", base=1, actor=people["Chair"])
    assert refused.value.current.text == "Version two"
    assert [r.number for r in minutes.revisions] == [1, 2]
    assert plain(minutes.body.get("en")) == "Version two"
    with pytest.raises(DomainError, match="cannot be empty"):
        services.save_text(minutes, "   ", base=2, actor=people["Secretary"])


def test_approval_by_the_chair_or_at_a_later_meeting_then_publication(closed_meeting, make_meeting):
    people = closed_meeting["people"]
    minutes = services.start_draft(closed_meeting["meeting"], "en", actor=people["Secretary"])
    with pytest.raises(DomainError, match="approved before they are published"):
        services.publish(minutes, actor=people["Secretary"])
    with pytest.raises(DomainError, match="Only the chair"):
        services.approve(minutes, actor=people["Secretary"])
    # The next meeting approves them at its first item.
    later = make_meeting(closed_meeting["council"], items=["Minutes of the last meeting"], days=14)
    meetings.publish_meeting(later)
    assert services.approvable_items(minutes) == []
    meetings.start_meeting(later, day_confirmed=meetings.scheduled_day(later))
    item = later.items[0]
    assert services.approvable_items(minutes) == [item]
    services.approve(minutes, actor=people["Secretary"], at_item=item)
    assert minutes.state is MinutesState.approved and minutes.approved_in == item
    with pytest.raises(DomainError, match="Only draft minutes"):
        services.save_text(minutes, "Changed after approval", base=1, actor=people["Secretary"])
    services.publish(minutes, actor=people["Secretary"])
    assert minutes.state is MinutesState.published and minutes.published_at
    with pytest.raises(DomainError):
        services.reopen(minutes, actor=people["Chair"])


def test_a_correction_is_a_new_published_revision_with_its_note(closed_meeting):
    people = closed_meeting["people"]
    minutes = services.start_draft(closed_meeting["meeting"], "en", actor=people["Secretary"])
    services.approve(minutes, actor=people["Chair"])
    services.publish(minutes, actor=people["Secretary"])
    with pytest.raises(DomainError, match="Say what you changed"):
        services.correct(minutes, "Fixed", "  ", base=1, actor=people["Secretary"])
    with pytest.raises(DomainError, match="nothing to correct"):
        services.correct(
            minutes, minutes.revisions[0].text, "No change", base=1, actor=people["Secretary"]
        )
    services.correct(minutes, "Fixed text", "Bohdan voted no", base=1, actor=people["Secretary"])
    assert minutes.state is MinutesState.published
    assert [(r.number, r.correction, r.note) for r in minutes.corrections] == [
        (2, True, "Bohdan voted no")
    ]


def test_the_diff_shows_removed_and_added_lines_in_order():
    lines = services.diff("one\ntwo\nthree", "one\n2\nthree\nfour")
    assert [(line.change, line.text) for line in lines] == [
        ("same", "one"),
        ("removed", "two"),
        ("added", "2"),
        ("same", "three"),
        ("added", "four"),
    ]


def test_results_in_the_draft_are_the_stored_ones(closed_meeting):
    """Figures come from the poll's closing snapshot, not from a recount."""
    poll = closed_meeting["poll"]
    result = voting.result_of(poll)
    minutes = services.start_draft(
        closed_meeting["meeting"], "en", actor=closed_meeting["people"]["Secretary"]
    )
    text = plain(minutes.body.get("en"))
    assert f"{result.cast} votes cast; {result.entitled} members entitled to vote" in text


def test_outcomes_recorded_by_hand_are_in_the_draft(closed_meeting):
    from app.voting import outcomes

    people, meeting = closed_meeting["people"], closed_meeting["meeting"]
    other = meeting.items[1]
    outcomes.record_outcome(
        other,
        outcomes.OutcomeDetails(
            kind="hands",
            summary="Open the office on Saturdays.",
            lang="en",
            counts={"yes": 2, "no": 1, "abstain": 0},
        ),
        actor=people["Secretary"],
    )
    text = plain(services.start_draft(meeting, "en", actor=people["Secretary"]).body.get("en"))
    section = text.split("## 2. Any other business")[1]
    assert "**Decided by a show of hands** · Counted in the room" in section
    assert "Open the office on Saturdays\\." in section
    assert "- Yes: 2" in section and "- No: 1" in section and "- Abstain: 0" in section
    assert "3 hands counted; 4 voting members were present." in section
    assert "- **Adopted**" in section
    assert "[Summary of the discussion]" not in section


def test_members_who_did_not_agree_to_be_listed_are_counted_not_named(closed_meeting):
    people, meeting = closed_meeting["people"], closed_meeting["meeting"]
    bohdan = meeting.council.current_membership_of(people["Bohdan"])
    bohdan.listed = False
    db.session.commit()
    text = plain(services.start_draft(meeting, "en", actor=people["Secretary"]).body.get("en"))
    assert "Bohdan" not in text.split("# Agenda")[0]
    assert "**Present (4)**: " in text and "; and 1 other member." in text
    # A roll call is public by its nature: the vote names who voted what, as its page does.
    assert "Voted No: Bohdan" in text
