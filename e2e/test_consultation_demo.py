"""The demo's consultations, end to end: a resident answers the open one in Ukrainian on a
360 px phone with JavaScript off, from the council's page to the thank-you page; the closed
one's results, answered online and on paper, read the same in English and Arabic."""

import re

from playwright.sync_api import expect

from app.consultations.models import Channel, Consultation, Response
from app.extensions import db
from e2e.conftest import ARTIFACTS, DESKTOP, PHONE, axe_violations

OPEN = "Над якими трьома темами рада має працювати наступного року?"
CLOSED_EN = "What stops you from using the health centre?"


def test_a_resident_answers_the_open_consultation_in_ukrainian_on_a_phone(
    new_page, words, live_app, demo
):
    uk = words("uk")
    page = new_page(PHONE, javascript=False, locale="uk")
    page.goto("/councils/demo-city?lang=uk")
    page.get_by_role("link", name=OPEN).click()
    page.get_by_role("link", name=uk("Answer the questions")).click()
    page.get_by_role("button", name=uk("Start: one question per screen")).click()

    # 1: a ranking of three places.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Розташуйте три найважливіші для вас теми за порядком"
    )
    for place, label in enumerate(["Мовні курси", "Житло", "Робота і навчання"], 1):
        page.get_by_label(uk("Place %(number)s", number=place), exact=True).select_option(
            label=label
        )
    page.get_by_role("button", name=uk("Next"), exact=True).click()
    # 2: several choices.
    page.get_by_label("Громадський центр").check()
    page.get_by_label("Соцмережі").check()
    page.get_by_role("button", name=uk("Next"), exact=True).click()
    # 3: the scale (required).
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name=uk("Next"), exact=True).click()
    # 4: free text, in the language of the page unless the resident says otherwise.
    expect(page.get_by_label(uk("Language you write in"))).to_have_value("uk")
    page.get_by_label(uk("Your answer")).fill("Більше курсів увечері, після роботи")
    checker = new_page(PHONE, locale="uk", signed_in_as=page)
    checker.goto(page.url)
    assert axe_violations(checker) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name=uk("Check my answers")).click()

    summary = page.locator("dl")
    expect(summary).to_contain_text("Більше курсів увечері")
    expect(summary.get_by_role("listitem").first).to_have_text("Мовні курси")
    page.get_by_role("button", name=uk("Send my answers")).click()
    expect(
        page.get_by_role("heading", level=1, name=uk("Thank you: your answers are sent"))
    ).to_be_visible()

    with live_app.app_context():
        consultation = next(
            c
            for c in db.session.query(Consultation)
            if c.title.get("en").startswith("Which three topics")
        )
        sent = db.session.query(Response).filter_by(consultation_id=consultation.id, lang="uk")
        newest = max(sent, key=lambda r: r.id)
        assert newest.is_submitted and newest.channel is Channel.online
        assert len(newest.answers) == 4


def test_the_closed_consultations_results_with_paper_answers(new_page, words, demo):
    for locale, viewport in (("en", DESKTOP), ("ar", PHONE)):
        said = words(locale)
        page = new_page(viewport, locale=locale)
        page.goto(f"/councils/demo-city/consultations?lang={locale}")
        page.get_by_role("link", name=re.compile("health centre|المركز الصحي")).click()
        page.get_by_role("link", name=said("See the results")).click()
        expect(page.locator("p.lead")).to_contain_text("14")
        expect(page.get_by_role("main").get_by_role("img")).to_have_count(2)
        assert axe_violations(page) == []
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"demo-consultation-results-{locale}.png", full_page=True)
        page.get_by_label(said("How the response was given")).select_option("paper")
        page.get_by_role("button", name=said("Show")).click()
        expect(page.locator("p.lead")).to_contain_text("4")
        expect(page.locator("p.lead")).not_to_contain_text("14")
