"""A resident proposes in Arabic on a phone with JavaScript off, then follows what happens."""

import re

from playwright.sync_api import expect

from app.proposals.models import ProposalState, Topic
from e2e.conftest import PHONE, axe_violations, status

TITLE = "دروس سباحة للنساء"


def test_resident_submits_in_arabic_and_follows_the_tracking_link(new_page, sign_in, words, demo):
    ar = words("ar")
    page = new_page(PHONE, javascript=False, locale="ar")
    page.goto("/?lang=ar")
    page.get_by_role("link", name=demo.council_name("ar")).click()
    page.get_by_role("link", name=ar("Make a proposal")).click()
    expect(page.get_by_role("heading", level=1, name=ar("Make a proposal"))).to_be_visible()
    assert page.evaluate("document.documentElement.dir") == "rtl"

    page.get_by_label(ar("Language you write in")).select_option("ar")
    body = page.get_by_label(ar("Your proposal"), exact=True)
    body.fill("نحتاج إلى دروس سباحة للنساء في المسبح البلدي.")
    page.get_by_role("radio", name=ar(Topic.health.label), exact=True).check()
    page.get_by_label(ar("Your name (optional)")).fill("سلمى")
    page.get_by_role("button", name=ar("Send the proposal")).click()
    # The title was forgotten: the page says so and keeps the rest.
    expect(page.get_by_role("alert", name=ar("There is a problem"))).to_be_visible()
    expect(body).to_have_value(re.compile("^نحتاج إلى دروس سباحة"))
    page.get_by_label(ar("Title"), exact=True).fill(TITLE)
    page.get_by_role("button", name=ar("Send the proposal")).click()

    # Slashes escaped: Playwright hands the pattern to the browser as /source/.
    link = page.get_by_role("link", name=re.compile(r"\/proposals\/track\/"))
    expect(link).to_have_count(1)
    tracking_url = link.get_attribute("href")
    assert re.search(r"/councils/demo-city/proposals/track/[\w-]{30,}$", tracking_url)

    # Later, on another phone, with only the link.
    later = new_page(PHONE, javascript=False, locale="ar")
    later.goto(tracking_url)
    expect(later.get_by_role("heading", level=1)).to_have_text(TITLE)
    waiting = later.get_by_role("main").get_by_text(ar(ProposalState.submitted.label), exact=True)
    expect(waiting).to_be_visible()

    # The secretary accepts it with an answer...
    en = words("en")
    secretary = new_page(PHONE, javascript=False)
    sign_in(secretary, "secretary@demo.test", language="en")
    secretary.goto("/")
    secretary.get_by_role("link", name=demo.council_name("en")).click()
    secretary.get_by_role("link", name=en("Proposals to review")).click()
    card = secretary.get_by_role("listitem").filter(
        has=secretary.get_by_role("heading", name=TITLE, exact=True)
    )
    card.get_by_role("link", name=en("Review")).click()
    accepted = en(ProposalState.accepted.label)
    secretary.get_by_label(en("Answer from the council")).fill(
        "Thank you, the sports department will look at this."
    )
    secretary.get_by_role("button", name=en("Accept"), exact=True).click()
    saved = en("Saved: the proposal is now “%(state)s”.", state=accepted)
    expect(status(secretary, saved)).to_be_visible()

    # ... and the resident sees the new state and the answer on the same link.
    later.reload()
    main = later.get_by_role("main")
    expect(main.get_by_text(ar(ProposalState.accepted.label), exact=True)).to_be_visible()
    expect(waiting).to_have_count(0)
    expect(main).to_contain_text("the sports department will look at this")
    checked = new_page(PHONE, locale="ar")
    checked.goto(tracking_url)
    assert axe_violations(checked) == []
