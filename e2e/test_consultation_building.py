"""A secretary builds a consultation on a desktop and publishes it; a resident reading in Arabic
on a phone without JavaScript finds it on the council's page."""

from datetime import date, timedelta

from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE, axe_violations, status


def test_a_secretary_builds_and_publishes_a_consultation_residents_find(
    new_page, sign_in, words, demo
):
    t = words("en")
    page = new_page(DESKTOP)
    sign_in(page, "secretary@demo.test", language="en")
    page.goto("/councils/demo-city")
    page.get_by_role("link", name=t("All consultations")).click()
    page.get_by_role("link", name=t("New consultation"), exact=True).click()
    page.get_by_label(t("Title"), exact=True).fill("Which topics should the council work on?")
    page.get_by_label(t("First day to answer")).fill(date.today().isoformat())
    page.get_by_label(t("Last day to answer")).fill((date.today() - timedelta(days=2)).isoformat())
    page.get_by_role("button", name=t("Save as a draft")).click()
    expect(page.get_by_role("alert", name=t("There is a problem"))).to_be_visible()
    expect(page.get_by_label(t("Title"), exact=True)).to_have_value(
        "Which topics should the council work on?"
    )
    page.get_by_label(t("Last day to answer")).fill((date.today() + timedelta(days=20)).isoformat())
    page.get_by_role("button", name=t("Save as a draft")).click()
    status(page, t("The consultation is saved as a draft. Now add its questions."))

    page.get_by_role("link", name=t("Add a question")).first.click()
    page.get_by_label(t("One choice")).check()
    page.get_by_label(t("Question"), exact=True).fill("Which topic comes first?")
    page.get_by_label(t("Options, one per line")).fill("Housing\nWork\nHealth")
    page.get_by_role("button", name=t("Add, then add another")).click()
    page.get_by_label(t("A scale from 1 to 5")).check()
    page.get_by_label(t("Question"), exact=True).fill("How welcome do you feel in the city?")
    page.get_by_role("button", name=t("Add the question")).click()
    expect(page.get_by_text("Which topic comes first?")).to_be_visible()
    expect(page.get_by_text("How welcome do you feel in the city?")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name=t("Publish…")).click()
    expect(
        page.get_by_role("heading", level=1, name=t("Publish the consultation?"))
    ).to_be_visible()
    page.get_by_role("button", name=t("Publish"), exact=True).click()
    status(page, t("The consultation is published: it is on the council’s page and in its feeds."))

    t_ar = words("ar")
    resident = new_page(PHONE, javascript=False)
    resident.goto("/councils/demo-city?lang=ar")
    expect(
        resident.get_by_role("heading", level=2, name=t_ar("The council asks you"))
    ).to_be_visible()
    resident.get_by_role("link", name="Which topics should the council work on?").click()
    expect(resident.get_by_role("link", name=t_ar("Answer the questions"))).to_be_visible()
    title = resident.get_by_role("heading", level=1)
    expect(title).to_have_attribute("lang", "en")
    expect(title).to_have_attribute("dir", "ltr")
    assert resident.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    checker = new_page(PHONE)  # axe runs in the page: the same URL with JavaScript on
    checker.goto(resident.url)
    assert axe_violations(checker) == []
