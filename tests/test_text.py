from app.text import render_markdown


def test_markdown_keeps_formatting_and_drops_scripts():
    html = str(
        render_markdown(
            "# Title\n\n**bold** <script>alert(1)</script>\n\n[ok](https://example.org)"
        )
    )
    assert "<h3>Title</h3>" in html
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_javascript_and_data_links_are_inert():
    for link in (
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:x",
    ):
        html = str(render_markdown(f"[click]({link})"))
        assert "<a" not in html and "href" not in html


def test_raw_html_attributes_are_escaped():
    html = str(render_markdown('<img src=x onerror="alert(1)"> <a href="javascript:x">a</a>'))
    assert "<img" not in html and "<a " not in html


def test_bidi_overrides_are_removed_but_isolates_kept():
    html = str(render_markdown("abc\u202edcba\u2066x\u2069"))
    assert "\u202e" not in html
    assert "\u2066x\u2069" in html


def test_every_stored_text_is_cleaned_whatever_path_it_takes(
    app, client, make_council, make_user, make_meeting
):
    """Bidi overrides, zero-width and control characters, and line breaks in one-line fields
    once broke calendar feeds (a 500) and made names read differently from how they are stored.
    They are cleaned before any record is written, whichever service, form or command wrote it."""
    from app.accounts import services as accounts
    from app.extensions import db
    from app.meetings import services as meetings

    spoof = "evil\u202egnp.exe\u200b"
    council = make_council(f"Council {spoof}")
    user = make_user("amina@example.org", display_name="Amina\u202e\x07")
    meeting = make_meeting(
        council, items=[f"Item\r\nBCC: x@example.org {spoof}"], place="Hall\r\nX"
    )
    meeting.title = meeting.title.with_text("ar", "اجتماع\u202e\r\n")
    meeting.description = meeting.description.with_text("en", "Line one\r\nLine two\u200b")
    accounts.update_profile(user, "Amina\u202e", "en")
    db.session.commit()
    for value in (
        council.name.get("en"),
        user.display_name,
        meeting.place,
        meeting.items[0].title.get("en"),
    ):
        assert not any(c in value for c in "\u202e\u200b\x07\r\n"), repr(value)
    assert meeting.title.get("ar") == "اجتماع"
    assert meeting.description.get("en") == "Line one\nLine two"  # a description keeps its lines
    meetings.publish_meeting(meeting)
    db.session.commit()
    feed = client.get(f"/councils/{council.slug}/calendar.ics")
    assert feed.status_code == 200 and "\u202e" not in feed.get_data(as_text=True)


def test_a_meeting_typed_with_line_breaks_and_overrides_publishes_and_emails(
    app, make_council, make_user, add_member, smtp
):
    """A place typed with a line break once broke the calendar file attached to the notice:
    publishing failed after the meeting was saved, and the page said nothing was saved. The
    title's override reached the email subject."""
    import re

    from icalendar import Calendar

    from app.auth import Role
    from app.extensions import db
    from tests.helpers import post, sign_in

    council = make_council("Council A")
    secretary = make_user("secretary@a.example")
    add_member(council, secretary, Role.secretary)
    add_member(council, make_user("member@a.example"), Role.member, voting_right=True)
    db.session.commit()
    client = app.test_client()
    sign_in(client, secretary.email)
    new = "/councils/council-a/meetings/new"
    fields = {"lang": "en", "day": "2031-04-02", "starts": "18:00", "ends": "20:00"}
    fields |= {"title": "Plenary\u202e\u200b", "place": "Hall\r\nBEGIN:VEVENT"}
    meeting_url = post(client, new, fields, page=new).location
    items = f"{meeting_url}/items/new"
    post(client, items, {"lang": "en", "title": "Budget\r\n", "kind": "decision"}, page=items)
    publish = f"{meeting_url}/publish"
    published = post(client, publish, page=publish, follow_redirects=True)
    html = published.get_data(as_text=True)
    assert "The meeting and its agenda are published." in html
    assert "Nothing you entered was saved" not in html
    (notice,) = smtp.to("member@a.example")
    assert notice["Subject"] == "Meeting: Plenary"
    ics = next(notice.iter_attachments()).get_content()
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert str(event["LOCATION"]) == "Hall BEGIN:VEVENT"  # one line: no second event
    text = ics if isinstance(ics, str) else ics.decode()
    assert len(re.findall(r"^BEGIN:VEVENT", text, re.M)) == 1
