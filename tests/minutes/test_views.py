"""Minutes through the pages, as a secretary and a chair do it without JavaScript, and as the
public reads them: nothing typed is lost, nobody overwrites anybody, drafts stay private."""

import io
import re

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.minutes import services
from app.minutes.models import Minutes, MinutesState
from app.voting import services as voting
from tests.helpers import post, sign_in


def minutes_url(minutes, suffix=""):
    return f"/councils/council-a/minutes/{minutes.id}{suffix}"


def signed_in(app, person):
    client = app.test_client()
    sign_in(client, person.email)
    return client


def test_a_secretary_drafts_edits_and_a_chair_approves_then_it_is_published(app, closed_meeting):
    people, meeting = closed_meeting["people"], closed_meeting["meeting"]
    secretary = signed_in(app, people["Secretary"])
    meeting_page = f"/councils/council-a/meetings/{meeting.id}"
    assert "Draft the minutes" in secretary.get(meeting_page).get_data(as_text=True)

    start = f"/councils/council-a/meetings/{meeting.id}/minutes"
    response = post(secretary, start, {"lang": "en"}, page=start)
    assert response.status_code == 302
    minutes = db.session.query(Minutes).one()
    edit = minutes_url(minutes, "/edit")
    assert response.location.endswith(edit)
    page = secretary.get(edit).get_data(as_text=True)
    assert "Send the advice to the city?" in page

    # Preview keeps what was typed and saves nothing.
    typed = "### 1. Housing advice\n\nThe council discussed **rents**."
    preview = post(secretary, edit, {"text": typed, "base": "1", "preview": "1"}, page=edit)
    body = preview.get_data(as_text=True)
    assert "<strong>rents</strong>" in body
    assert "The council discussed **rents**." in body
    assert db.session.get(Minutes, minutes.id).revision == 1

    saved = post(secretary, edit, {"text": typed, "base": "1"}, page=edit)
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Minutes, minutes.id).revision == 2

    # The public sees nothing before publication.
    public = app.test_client()
    assert public.get(minutes_url(minutes)).status_code == 404
    assert public.get(start).status_code == 404

    chair = signed_in(app, people["Chair"])
    approve = minutes_url(minutes, "/approve")
    assert post(chair, approve, {"by": "chair", "item": "0"}, page=approve).status_code == 302
    publish = minutes_url(minutes, "/publish")
    assert post(secretary, publish, {}, page=publish).status_code == 302
    db.session.expire_all()
    minutes = db.session.get(Minutes, minutes.id)
    assert minutes.state is MinutesState.published

    page = public.get(minutes_url(minutes)).get_data(as_text=True)
    assert "<strong>rents</strong>" in page
    assert 'by the chair, <bdi dir="auto">Chair' in page
    assert "Read the minutes" in public.get(meeting_page).get_data(as_text=True)


def test_a_stale_save_is_refused_and_shows_both_versions(app, closed_meeting):
    people = closed_meeting["people"]
    minutes = services.start_draft(closed_meeting["meeting"], "en", actor=people["Secretary"])
    services.save_text(minutes, "Saved by the chair first", base=1, actor=people["Chair"])
    db.session.commit()
    secretary = signed_in(app, people["Secretary"])
    edit = minutes_url(minutes, "/edit")
    response = post(secretary, edit, {"text": "The secretary's own words", "base": "1"}, page=edit)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else saved these minutes while you were editing" in page
    assert 'Saved meanwhile by <bdi dir="auto">Chair' in page
    assert re.search(r"<del>.*Saved by the chair first</del>", page)
    assert re.search(r"<ins>.*The secretary&#39;s own words</ins>", page)
    # What the secretary typed is still in the text box, and saving again now works.
    assert "The secretary&#39;s own words</textarea>" in page
    assert 'name="base" type="hidden" value="2"' in page
    db.session.expire_all()
    assert db.session.get(Minutes, minutes.id).body.get("en") == "Saved by the chair first"


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<iframe src="https://evil.example"></iframe>',
        "![x](https://evil.example/track.png)",
        "[click](javascript:alert(1))",
        '<img src="https://evil.example/a.png">',
    ],
)
def test_markdown_cannot_run_frame_or_track(app, closed_meeting, hostile):
    people = closed_meeting["people"]
    minutes = services.start_draft(closed_meeting["meeting"], "en", actor=people["Secretary"])
    services.save_text(minutes, f"Before\n\n{hostile}\n\nAfter", base=1, actor=people["Secretary"])
    db.session.commit()
    page = signed_in(app, people["Secretary"]).get(minutes_url(minutes)).get_data(as_text=True)
    text = page.split('class="user-text minutes-text')[1].split("</div>")[0]
    assert "<script" not in text and "<iframe" not in text and "<img" not in text
    assert "javascript:" not in text.replace("[click](javascript:alert(1))", "")
    assert "evil.example/track.png" not in re.findall(r'(?:src|href)="([^"]*)"', text)


def test_published_minutes_are_not_edited_but_corrected_with_a_note(app, closed_meeting):
    people = closed_meeting["people"]
    minutes = services.start_draft(closed_meeting["meeting"], "en", actor=people["Secretary"])
    services.approve(minutes, actor=people["Chair"])
    services.publish(minutes, actor=people["Secretary"])
    db.session.commit()
    secretary = signed_in(app, people["Secretary"])
    assert secretary.get(minutes_url(minutes, "/edit")).location.endswith(
        minutes_url(minutes, "/correct")
    )
    correct = minutes_url(minutes, "/correct")
    missing_note = post(secretary, correct, {"text": "New text", "base": "1"}, page=correct)
    page = missing_note.get_data(as_text=True)
    assert "Say what you changed and why" in page and "New text</textarea>" in page
    done = post(
        secretary,
        correct,
        {"text": "New text", "base": "1", "note": "Bohdan voted no, not yes"},
        page=correct,
    )
    assert done.status_code == 302
    public = app.test_client().get(minutes_url(minutes)).get_data(as_text=True)
    assert "Bohdan voted no, not yes" in public and "New text" in public
    history = secretary.get(minutes_url(minutes, "/history?from=1&to=2")).get_data(as_text=True)
    assert '<ins><span class="visually-hidden">added: </span>New text</ins>' in history


def test_drafting_is_refused_before_the_meeting_closes(app, closed_meeting, make_meeting):
    people = closed_meeting["people"]
    running = make_meeting(closed_meeting["council"], items=["Welcome"], start=True)
    secretary = signed_in(app, people["Secretary"])
    start = f"/councils/council-a/meetings/{running.id}/minutes"
    assert "once the meeting is closed" in secretary.get(start).get_data(as_text=True)
    response = post(
        secretary, start, {"lang": "en"}, page=f"/councils/council-a/meetings/{running.id}"
    )
    assert response.status_code == 302
    assert db.session.query(Minutes).count() == 0


def test_the_pdf_carries_the_decisions_in_arabic_and_ukrainian(app, closed_meeting):
    people = closed_meeting["people"]
    minutes = services.start_draft(closed_meeting["meeting"], "en", actor=people["Secretary"])
    services.save_text(
        minutes,
        "### 1. Housing advice\n\nАдопція поради: так.\n\nتمت الموافقة على النصيحة",
        base=1,
        actor=people["Secretary"],
    )
    services.approve(minutes, actor=people["Chair"])
    services.publish(minutes, actor=people["Secretary"])
    db.session.commit()
    response = app.test_client().get(minutes_url(minutes, ".pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Housing advice" in text
    assert "Адопція поради" in text
    assert "الموافقة" in text or "ةقفاوملا" in text
    assert "1 / 1" in text  # the page number, as printed


def test_another_councils_secretary_cannot_reach_the_minutes(
    app, closed_meeting, make_council, make_user, add_member
):
    from app.auth import Role

    minutes = services.start_draft(
        closed_meeting["meeting"], "en", actor=closed_meeting["people"]["Secretary"]
    )
    db.session.commit()
    other = make_council("Council B")
    stranger = make_user("secretary@b.example")
    add_member(other, stranger, Role.secretary)
    client = signed_in(app, stranger)
    for suffix in ["", "/edit", "/history", "/approve", ".pdf"]:
        assert client.get(f"/councils/council-b/minutes/{minutes.id}{suffix}").status_code == 404
        assert client.get(minutes_url(minutes, suffix)).status_code in (403, 404)


def test_approved_minutes_wait_for_the_translators_and_readers_get_their_language(
    app, closed_meeting
):
    people = closed_meeting["people"]
    minutes = services.start_draft(closed_meeting["meeting"], "en", actor=people["Secretary"])
    services.save_text(minutes, "The council **agreed**.", base=1, actor=people["Secretary"])
    db.session.commit()
    translator = signed_in(app, people["Translator"])
    worklist = "/councils/council-a/translate"
    page = f"/councils/council-a/translate/minutes/{minutes.id}?to=ar"
    # A draft is the secretary's until it is approved.
    assert "Minutes: " not in translator.get(worklist).get_data(as_text=True)
    assert translator.get(page).status_code == 404

    services.approve(minutes, actor=people["Chair"])
    db.session.commit()
    listed = translator.get(worklist).get_data(as_text=True)
    assert "Plenary meeting" in listed.split("Minutes: ")[1]
    post(translator, page, {"text-body": "وافق المجلس **بالإجماع**."}, page=page)
    services.publish(db.session.get(Minutes, minutes.id), actor=people["Secretary"])
    db.session.commit()

    reader = app.test_client().get(minutes_url(minutes) + "?lang=ar").get_data(as_text=True)
    assert "<strong>بالإجماع</strong>" in reader
    # The authoritative original, one click away.
    assert "<strong>agreed</strong>" in reader.split("translation-note")[1]


def test_the_register_links_published_minutes_and_the_feed_carries_them(app, closed_meeting):
    from xml.etree import ElementTree as ET

    people = closed_meeting["people"]
    minutes = services.start_draft(closed_meeting["meeting"], "en", actor=people["Secretary"])
    db.session.commit()
    public = app.test_client()
    link = f"https://consulta.test/councils/council-a/minutes/{minutes.id}"
    # Not before publication: the register shows no link, the feed no entry.
    assert link not in public.get("/councils/council-a/decisions").get_data(as_text=True)
    services.approve(minutes, actor=people["Chair"])
    services.publish(minutes, actor=people["Secretary"])
    voting.publish_poll(closed_meeting["poll"])
    db.session.commit()
    register = public.get("/councils/council-a/decisions").get_data(as_text=True)
    assert f'<a href="{link}">Read the minutes</a>' in register
    csv_text = public.get("/councils/council-a/decisions.csv").get_data(as_text=True)
    assert link in csv_text
    feed = ET.fromstring(public.get("/councils/council-a/decisions.atom").data)  # noqa: S314
    atom = "{http://www.w3.org/2005/Atom}"
    entries = {
        e.find(f"{atom}title").text: e.find(f"{atom}link").get("href")
        for e in feed.iter(f"{atom}entry")
    }
    assert entries["Minutes: Plenary meeting"] == link
    assert len(entries) == 2  # the roll call and the minutes
    # A correction is news: the entry says what changed, dated by the new version.
    text = services.current_revision(minutes).text + "\n\nThe vote was at 19:05."
    services.correct(
        minutes, text, "The time of the vote.", base=minutes.revision, actor=people["Secretary"]
    )
    db.session.commit()
    corrected = ET.fromstring(public.get("/councils/council-a/decisions.atom").data)  # noqa: S314
    entry = next(
        e for e in corrected.iter(f"{atom}entry") if e.find(f"{atom}title").text.startswith("Min")
    )
    assert entry.find(f"{atom}summary").text.endswith("version 2. Corrected: The time of the vote.")
    revised = services.current_revision(minutes).created_at
    assert entry.find(f"{atom}updated").text == revised.replace(microsecond=0).isoformat() + "Z"
    # A filtered feed is a list of decisions only.
    atom_url = "/councils/council-a/decisions.atom?kind=vote"
    filtered = ET.fromstring(public.get(atom_url).data)  # noqa: S314 - our own feed
    titles = [e.find(f"{atom}title").text for e in filtered.iter(f"{atom}entry")]
    assert titles and "Minutes: Plenary meeting" not in titles
