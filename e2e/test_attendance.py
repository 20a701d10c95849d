"""A member who cannot come says so from a phone, in Arabic and in English, and takes it
back; the secretary sees the apologies on the attendance sheet."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE, axe_violations, status

NOTES = {"ar": "عندي موعد في المستشفى", "en": "A hospital appointment"}


@pytest.mark.parametrize("locale", ["ar", "en"])
def test_a_member_sends_apologies_on_a_phone(new_page, sign_in, words, demo, locale):
    said, en = words(locale), words("en")  # the member's language, the secretary's
    page = new_page(PHONE)
    sign_in(page, "member07@demo.test", language=locale)  # Mariam reads Arabic and English
    meeting = demo.meeting_url("upcoming")
    page.goto(meeting)
    main = page.get_by_role("main")
    main.get_by_role("link", name=said("I cannot come")).click()
    expect(page.get_by_role("heading", level=1, name=said("I cannot come"))).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label(said("Note for the secretary (optional)")).fill(NOTES[locale])
    page.get_by_role("button", name=said("Send my apologies")).click()
    expect(
        status(page, said("Your apologies are sent. The secretary will see them."))
    ).to_be_visible()
    expect(
        main.get_by_text(said("You sent apologies: you are recorded as excused."))
    ).to_be_visible()
    assert axe_violations(page) == []

    secretary = new_page(PHONE)
    sign_in(secretary, "secretary@demo.test", language="en")
    secretary.goto(f"{meeting}/attendance")
    mariam = secretary.locator("li", has=secretary.get_by_role("heading", name="Mariam Yousef"))
    expect(mariam.get_by_text(en("Excused"), exact=True)).to_be_visible()
    expect(mariam.get_by_text(en.pattern("Sent apologies on %(date)s."))).to_be_visible()
    expect(mariam.get_by_text(NOTES[locale])).to_be_visible()

    page.get_by_role("button", name=said("I can come after all")).click()
    expect(
        status(page, said("Your apologies are withdrawn. See you at the meeting!"))
    ).to_be_visible()
    expect(main.get_by_role("link", name=said("I cannot come"))).to_be_visible()
    assert axe_violations(page) == []
