"""A resident follows the council by email in Arabic on a 360 px phone with JavaScript off:
asks, confirms from the email, hears of the next meeting in Arabic, and stops the emails."""

from datetime import date, time, timedelta

from playwright.sync_api import expect

from app.demo import demo_council
from app.extensions import db
from app.meetings import services as meetings
from e2e.conftest import PHONE, axe_violations

COUNCIL = "/councils/demo-city"


def publish_a_meeting(live_app, title: str) -> None:
    with live_app.app_context():
        council = demo_council()
        details = meetings.MeetingDetails(
            title=title,
            lang="en",
            day=date.today() + timedelta(days=30),
            starts=time(18, 0),
            ends=time(20, 0),
            place="Town hall",
        )
        meeting = meetings.create_meeting(council, details)
        meetings.add_item(meeting, title="Welcome", lang="en", kind="information")
        meetings.publish_meeting(meeting)
        db.session.commit()
    live_app.extensions["outbox"].wake()


def test_a_resident_follows_the_council_by_email_on_a_phone(new_page, words, mailbox, live_app):
    ar = words("ar")
    page = new_page(PHONE, javascript=False, locale="ar")
    page.goto(f"{COUNCIL}?lang=ar")
    page.get_by_role("link", name=ar("Follow the council by email")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ar("Follow the council by email"))
    checked = new_page(PHONE, locale="ar", signed_in_as=page)
    checked.goto(page.url)
    assert axe_violations(checked) == []

    page.get_by_role("button", name=ar("Follow"), exact=True).click()  # nothing typed
    summary = page.get_by_role("alert", name=ar("There is a problem"))
    expect(summary).to_contain_text(ar("Enter an email address."))
    page.get_by_label(ar("Email address")).fill("layla@example.org")
    page.get_by_label(ar("One email a week with all notices")).check()
    page.get_by_label(ar("Each notice as it happens")).check()
    page.get_by_role("button", name=ar("Follow"), exact=True).click()
    expect(page.get_by_role("heading", level=1, name=ar("Check your inbox"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    confirm = mailbox.wait_for("layla@example.org")
    assert confirm["Subject"].startswith(ar("Confirm that you follow %(council)s", council="")[:8])
    page.goto(mailbox.link_in(confirm))
    page.get_by_role("button", name=ar("Yes, follow the council")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        ar("You follow %(council)s", council="").strip()[:5]
    )

    publish_a_meeting(live_app, "Evening session on housing")
    news = mailbox.wait_for("layla@example.org", count=2)
    assert news["Subject"] == ar("Meeting: %(title)s", title="Evening session on housing")
    text = news.get_body(("plain",)).get_content()
    assert ar("You receive this because you follow %(council)s.", council="")[:8] in text
    stop = next(line for line in text.splitlines() if "/unsubscribe/" in line).split()[-1]

    page.goto(stop)
    expect(page.get_by_role("heading", level=1, name=ar("Stop the emails?"))).to_be_visible()
    page.get_by_role("button", name=ar("Stop the emails")).click()
    expect(page.get_by_role("heading", level=1, name=ar("The emails are stopped"))).to_be_visible()
    page.goto(stop)
    expect(
        page.get_by_role("heading", level=1, name=ar("You are already unsubscribed"))
    ).to_be_visible()
