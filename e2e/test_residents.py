"""A resident's paths without an account, in Arabic on a 360 px phone with JavaScript off:
supporting with an email address, keeping and finding again a proposal by its reference code,
writing in a language the council does not offer, searching without accents or hamza, and
knowing what happens next."""

import re

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.proposals.models import Proposal, Topic
from e2e.conftest import PHONE, axe_violations, status

COUNCIL = "/councils/demo-city"
REFERENCE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}$")


def supporters(live_app, proposal_id: int) -> int:
    with live_app.app_context():
        return db.session.get(Proposal, proposal_id).endorsement_count


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_resident_supports_a_proposal_with_an_email_address(
    new_page, words, demo, mailbox, live_app
):
    ar = words("ar")
    proposal_id = demo.proposal("accepted")
    before = supporters(live_app, proposal_id)
    page = new_page(PHONE, javascript=False, locale="ar")
    page.goto(f"{COUNCIL}/proposals/{proposal_id}?lang=ar")
    checked = new_page(PHONE, locale="ar", signed_in_as=page)
    checked.goto(page.url)
    assert axe_violations(checked) == []
    page.get_by_label(ar("Your email address"), exact=True).fill("Salma@Example.org ")
    page.get_by_role("button", name=ar("Support with my email address")).click()
    expect(page.get_by_role("heading", level=1, name=ar("Check your inbox"))).to_be_visible()
    assert no_sideways_scroll(page)
    assert supporters(live_app, proposal_id) == before  # nothing counts before the link

    link = mailbox.link_in(mailbox.wait_for("salma@example.org"))
    page.goto(link)
    page.get_by_role("button", name=ar("Confirm my support")).click()
    expect(status(page, ar("Thank you: your support is counted."))).to_be_visible()
    assert supporters(live_app, proposal_id) == before + 1

    # The link works once; the same address asking again gets the same page and no new count.
    page.goto(link)
    expect(page.get_by_role("heading", level=1, name=ar("This link does not work"))).to_be_visible()
    page.goto(f"{COUNCIL}/proposals/{proposal_id}?lang=ar")
    page.get_by_label(ar("Your email address"), exact=True).fill("salma@example.org")
    page.get_by_role("button", name=ar("Support with my email address")).click()
    expect(page.get_by_role("heading", level=1, name=ar("Check your inbox"))).to_be_visible()
    again = mailbox.wait_for("salma@example.org", count=2)
    assert "/confirm/" not in again.get_content()
    assert supporters(live_app, proposal_id) == before + 1


def test_a_resident_keeps_a_reference_code_and_gets_the_link_again(
    new_page, words, mailbox, live_app
):
    ar = words("ar")
    page = new_page(PHONE, javascript=False, locale="ar")
    page.goto(f"{COUNCIL}/proposals/new?lang=ar")
    page.get_by_label(ar("Language you write in")).select_option("ar")
    page.get_by_label(ar("Title"), exact=True).fill("ملعب للأطفال قرب المدرسة")
    page.get_by_label(ar("Your proposal"), exact=True).fill("لا يوجد مكان آمن للعب.")
    page.get_by_role("radio", name=ar(Topic.culture.label), exact=True).check()
    page.get_by_label(ar("Your email address (optional)")).fill("amal@example.org")
    page.get_by_role("button", name=ar("Send the proposal")).click()

    reference = page.get_by_role("region", name=ar("Your reference code"))
    code = reference.get_by_text(REFERENCE).inner_text()
    expect(page.get_by_role("img", name=ar("QR code of your tracking link"))).to_be_visible()
    # Copying is an enhancement: without JavaScript there is no button that does nothing.
    expect(page.get_by_role("button", name=ar("Copy the link"))).to_have_count(0)
    assert no_sideways_scroll(page)
    enhanced = new_page(PHONE, locale="ar", signed_in_as=page)
    enhanced.goto(page.url)
    expect(enhanced.get_by_role("button", name=ar("Copy the link"))).to_be_visible()
    mailbox.wait_for("amal@example.org")  # the receipt

    # Weeks later, on another phone: the link is lost, the code is on a scrap of paper.
    later = new_page(PHONE, javascript=False, locale="ar")
    later.goto(f"{COUNCIL}/proposals?lang=ar")
    later.get_by_role("link", name=ar("Lost your link?")).click()
    later.get_by_label(ar("Reference code")).fill(code.lower().replace("-", " "))
    later.get_by_label(ar("Your email address"), exact=True).fill("amal@example.org")
    later.get_by_role("button", name=ar("Send me my link")).click()
    expect(later.get_by_role("heading", level=1, name=ar("Check your inbox"))).to_be_visible()
    assert no_sideways_scroll(later)
    later.goto(mailbox.link_in(mailbox.wait_for("amal@example.org", count=2)))
    expect(later.get_by_role("heading", level=1)).to_have_text("ملعب للأطفال قرب المدرسة")
    expect(later.get_by_role("region", name=ar("Your reference code"))).to_contain_text(code)

    # What happens next, and how long it usually takes.
    next_steps = later.get_by_role("region", name=ar("What happens next"))
    expect(next_steps).to_be_visible()
    expect(next_steps).to_contain_text(re.compile("[0-9٠-٩]"))  # "usually within N days"
    checked = new_page(PHONE, locale="ar")
    checked.goto(later.url)
    assert axe_violations(checked) == []


def test_a_proposal_in_pashto_reads_right_to_left_and_gets_an_address_later(
    new_page, words, mailbox
):
    ar = words("ar")
    page = new_page(PHONE, javascript=False, locale="ar")
    page.goto(f"{COUNCIL}/proposals/new?lang=ar")
    language = page.get_by_label(ar("Language you write in"))
    expect(language.locator("option[value=ps]")).to_contain_text("پښتو")
    language.select_option("ps")
    page.get_by_label(ar("Title"), exact=True).fill("د ښځو لپاره د لامبو درسونه")
    page.get_by_label(ar("Your proposal"), exact=True).fill(
        "موږ د ښار په حوض کې درسونو ته اړتیا لرو."
    )
    page.get_by_role("radio", name=ar(Topic.health.label), exact=True).check()
    page.get_by_role("button", name=ar("Send the proposal")).click()
    link = page.get_by_role("link", name=re.compile(r"\/proposals\/track\/"))
    page.goto(link.get_attribute("href"))

    title = page.get_by_role("heading", level=1)
    expect(title).to_have_attribute("lang", "ps")
    expect(title).to_have_attribute("dir", "rtl")

    # No address was given: one can be added now, once a link sent to it is opened.
    page.get_by_label(ar("Your email address"), exact=True).fill("zarmina@example.org")
    page.get_by_role("button", name=ar("Send me a confirmation link")).click()
    expect(page.get_by_role("heading", level=1, name=ar("Check your inbox"))).to_be_visible()
    page.goto(mailbox.link_in(mailbox.wait_for("zarmina@example.org")))
    page.get_by_role("button", name=ar("Save my email address")).click()
    expect(status(page, ar("Your email address is saved."))).to_be_visible()
    checked = new_page(PHONE, locale="ar")
    checked.goto(page.url)
    assert axe_violations(checked) == []


def test_a_proposal_in_a_language_not_in_the_list_keeps_its_own_direction(new_page, words):
    """ "Other language" was stored as lang="other" (invalid) and forced left to right."""
    ar = words("ar")
    page = new_page(PHONE, javascript=False, locale="ar")
    page.goto(f"{COUNCIL}/proposals/new?lang=ar")
    page.get_by_label(ar("Language you write in")).select_option(
        label=ar("Another language (not in the list)")
    )
    page.get_by_label(ar("Title"), exact=True).fill("درس‌های شنا برای زنان")
    page.get_by_label(ar("Your proposal"), exact=True).fill("ما به درس‌های شنا نیاز داریم.")
    page.get_by_role("radio", name=ar(Topic.health.label), exact=True).check()
    page.get_by_role("button", name=ar("Send the proposal")).click()
    link = page.get_by_role("link", name=re.compile(r"\/proposals\/track\/"))
    page.goto(link.get_attribute("href"))
    title = page.get_by_role("heading", level=1)
    expect(title).to_have_text("درس‌های شنا برای زنان")
    expect(title).to_have_attribute("dir", "auto")
    assert title.get_attribute("lang") in (None, "")
    checked = new_page(PHONE, locale="ar")
    checked.goto(page.url)
    assert axe_violations(checked) == []


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("الايجار", "مساعدة في فهم عقود الإيجار"),
        ("SANTE", "Des interprètes dans les centres de santé"),
    ],
    ids=["hamza", "accents"],
)
def test_search_ignores_hamza_and_accents(new_page, words, typed, found):
    ar = words("ar")
    page = new_page(PHONE, javascript=False, locale="ar")
    page.goto(f"{COUNCIL}/proposals?lang=ar")
    page.get_by_label(ar("Search"), exact=True).fill(typed)
    page.get_by_role("button", name=ar("Show proposals")).click()
    expect(page.get_by_role("link", name=found)).to_be_visible()
