"""Minutes on a phone with JavaScript off: the secretary drafts them from a closed meeting,
writes, previews and saves; the chair approves in Arabic; the secretary publishes; anyone
reads them, in English or Arabic, and downloads the PDF."""

from playwright.sync_api import expect

from app.extensions import db
from app.meetings.models import Meeting
from app.voting import services as voting
from e2e.conftest import PHONE, axe_violations, status
from e2e.test_decisions import ARTIFACTS, Setup, unique


def closed_meeting(app, title: str) -> int:
    meeting_id = Setup(app).meeting(title, days=0, start=True, present=4)
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        voting.close_meeting(meeting, actor=None)
        db.session.commit()
    return meeting_id


def test_a_secretary_drafts_edits_and_publishes_minutes_the_chair_approves(
    live_app, new_page, sign_in, words
):
    uk, ar, en = words("uk"), words("ar"), words("en")
    title = unique("Spring plenary")
    meeting_id = closed_meeting(live_app, title)
    meeting_url = f"/councils/demo-city/meetings/{meeting_id}"

    secretary = new_page(PHONE, javascript=False)
    sign_in(secretary, "secretary@demo.test", language="uk")
    main = secretary.get_by_role("main")
    secretary.goto(meeting_url)
    main.get_by_role("link", name=uk("Draft the minutes")).click()
    main.get_by_label(uk("Language of the minutes")).select_option("en")
    main.get_by_role("button", name=uk("Draft the minutes")).click()
    expect(status(secretary, uk("The draft is ready: check it and write what the meeting said.")))

    text = main.get_by_label(uk("Minutes"), exact=True)
    draft = text.input_value()
    assert title in draft and "**Present (4)**" in draft
    text.fill(draft + "\n\nThe council thanked the **youth centre**.")
    main.get_by_role("button", name=uk("Preview")).click()
    preview = main.get_by_role("region", name=uk("Preview"))
    expect(preview.locator("strong", has_text="youth centre")).to_be_visible()
    # Previewing kept what was typed.
    assert (
        "thanked the **youth centre**" in main.get_by_label(uk("Minutes"), exact=True).input_value()
    )
    main.get_by_role("button", name=uk("Save"), exact=True).click()
    expect(status(secretary, uk.pattern("The minutes are saved (version %(number)s).")))
    minutes_url = secretary.url

    # The secretary may not approve alone: the chair does, in Arabic.
    chair = new_page(PHONE, javascript=False)
    sign_in(chair, "chair@demo.test", language="ar")
    chair.goto(minutes_url)
    chair_main = chair.get_by_role("main")
    chair_main.get_by_role("link", name=ar("Record the approval")).click()
    expect(chair_main.get_by_label(ar("The chair, who approves them now"))).to_be_checked()
    chair_main.get_by_role("button", name=ar("Approve the minutes")).click()
    expect(status(chair, ar("The minutes are approved. They can now be published.")))

    secretary.goto(minutes_url)
    main.get_by_role("link", name=uk("Publish the minutes")).click()
    main.get_by_role("button", name=uk("Publish the minutes")).click()
    expect(status(secretary, uk("The minutes are published: anyone can read them.")))

    # Anyone reads them, with JavaScript on so that axe can check the page, in two languages.
    for locale, said in [("en", en), ("ar", ar)]:
        reader = new_page(PHONE)
        reader.goto(f"{meeting_url}?lang={locale}")
        reader.get_by_role("link", name=said("Read the minutes")).click()
        expect(reader.locator(".minutes-text strong", has_text="youth centre")).to_be_visible()
        facts = reader.locator(".minutes-facts")
        expect(facts.get_by_role("term").filter(has_text=said("Published"))).to_be_visible()
        approval = said.pattern("by the chair, %(name)s, on %(date)s", name="Amina Haddad")
        expect(facts.get_by_text(approval)).to_be_visible()
        assert axe_violations(reader) == []
        reader.screenshot(path=ARTIFACTS / f"minutes-{locale}-360.png", full_page=True)
        pdf = reader.get_by_role("link", name=said("Download as PDF"))
        response = reader.request.get(pdf.get_attribute("href"))
        assert response.ok and response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")
        # Printed from the browser: the record alone, without the site's header and links.
        reader.emulate_media(media="print")
        expect(reader.locator(".site-header")).to_be_hidden()
        expect(pdf).to_be_hidden()
        expect(reader.locator(".minutes-text")).to_be_visible()
