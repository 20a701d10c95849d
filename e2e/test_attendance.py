"""A member who cannot come says so from a phone, in Arabic, and takes it back; the
secretary sees the apologies on the attendance sheet."""

from playwright.sync_api import expect

from e2e.conftest import PHONE, axe_violations, status


def test_a_member_sends_apologies_in_arabic_on_a_phone(new_page, sign_in, words, demo):
    ar, en = words("ar"), words("en")
    page = new_page(PHONE)
    sign_in(page, "member07@demo.test", language="ar")  # Mariam reads Arabic
    meeting = demo.meeting_url("upcoming")
    page.goto(meeting)
    main = page.get_by_role("main")
    main.get_by_role("link", name=ar("I cannot come")).click()
    expect(page.get_by_role("heading", level=1, name=ar("I cannot come"))).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label(ar("Note for the secretary (optional)")).fill("عندي موعد في المستشفى")
    page.get_by_role("button", name=ar("Send my apologies")).click()
    expect(
        status(page, ar("Your apologies are sent. The secretary will see them."))
    ).to_be_visible()
    expect(main.get_by_text(ar("You sent apologies: you are recorded as excused."))).to_be_visible()
    assert axe_violations(page) == []

    secretary = new_page(PHONE)
    sign_in(secretary, "secretary@demo.test", language="en")
    secretary.goto(f"{meeting}/attendance")
    mariam = secretary.locator("li", has=secretary.get_by_role("heading", name="Mariam Yousef"))
    expect(mariam.get_by_text(en("Excused"), exact=True)).to_be_visible()
    expect(mariam.get_by_text(en.pattern("Sent apologies on %(date)s."))).to_be_visible()
    expect(mariam.get_by_text("عندي موعد في المستشفى")).to_be_visible()

    page.get_by_role("button", name=ar("I can come after all")).click()
    expect(
        status(page, ar("Your apologies are withdrawn. See you at the meeting!"))
    ).to_be_visible()
    expect(main.get_by_role("link", name=ar("I cannot come"))).to_be_visible()
    assert axe_violations(page) == []
