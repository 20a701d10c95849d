"""A secretary builds and publishes an agenda on a phone, with JavaScript off."""

import re

import pytest
from playwright.sync_api import expect

from app.meetings.models import ItemKind
from e2e.conftest import PHONE, axe_violations, status

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def agenda_titles(page):
    # The agenda list has no name of its own; each item is a level-3 heading under "Agenda".
    return page.get_by_role("main").get_by_role("heading", level=3)


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_secretary_builds_and_publishes_an_agenda_on_a_phone(
    new_page, sign_in, words, demo, locale
):
    page = new_page(PHONE, javascript=False)
    t = words(locale)
    sign_in(page, "secretary@demo.test", language=locale)
    page.goto("/")
    page.get_by_role("link", name=demo.council_name(locale)).click()
    page.get_by_role("link", name=t("All meetings, agendas and calendar")).click()
    page.get_by_role("link", name=t("Plan a meeting")).click()

    page.get_by_label(t("Title"), exact=True).fill(f"Youth council ({locale})")
    page.get_by_label(t("Date"), exact=True).fill("2031-05-06")
    page.get_by_label(t("Starts at")).fill("18:30")
    page.get_by_label(t("Ends at")).fill("18:00")  # a mistake: ends before it starts
    page.get_by_label(t("Place"), exact=True).fill("Youth centre, Park Lane 3")
    page.get_by_role("button", name=t("Save as a draft")).click()
    expect(page.get_by_role("alert", name=t("There is a problem"))).to_be_visible()
    # Nothing lost:
    expect(page.get_by_label(t("Place"), exact=True)).to_have_value("Youth centre, Park Lane 3")
    page.get_by_label(t("Ends at")).fill("20:00")
    page.get_by_role("button", name=t("Save as a draft")).click()
    drafted = t("The meeting is saved as a draft. Now add the agenda items.")
    expect(status(page, drafted)).to_be_visible()
    meeting_url = re.sub(r"[?#].*", "", page.url)

    page.get_by_role("link", name=t("Add an agenda item")).click()
    titles = ("Welcome", "Sports hall opening hours", "Advice to the mayor")
    for title in titles:
        page.get_by_label(t("Title"), exact=True).fill(title)
        page.get_by_role("radio", name=t(ItemKind.decision.label)).check()
        if title != titles[-1]:
            page.get_by_role("button", name=t("Add, then add another")).click()
            expect(status(page, t("The item is added to the agenda."))).to_be_visible()
            expect(page.get_by_label(t("Title"), exact=True)).to_have_value("")
    page.get_by_role("button", name=t("Add to the agenda")).click()
    expect(agenda_titles(page)).to_have_text(list(titles))
    # One control per item names it (and one more for a vote on a decision), not five to seven.
    controls = (
        page.get_by_role("main")
        .get_by_role("link")
        .or_(page.get_by_role("main").get_by_role("button"))
    )
    expect(controls.filter(has_text="Sports hall opening hours")).to_have_count(2)

    # Moving an item is one step: choose its place on its page.
    page.get_by_role("link", name=t("Change “%(title)s”", title="Advice to the mayor")).click()
    page.get_by_label(t("Place on the agenda")).select_option("2")
    page.get_by_role("button", name=t("Save")).click()
    expect(agenda_titles(page)).to_have_text(
        ["Welcome", "Advice to the mayor", "Sports hall opening hours"]
    )

    # A document has a title and a language; the list says its type and size.
    page.get_by_role("link", name=t("Upload a document")).click()
    limit = t.pattern("PDF, ODT, ODS, DOCX, XLSX, PNG or JPEG. Up to %(size)s MB.", size="10")
    expect(page.get_by_text(limit)).to_be_visible()
    page.get_by_label(t("Title of the document")).fill("Opening hours today")
    page.get_by_label(t("File"), exact=True).set_input_files(
        {"name": "hours.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name=t("Upload"), exact=True).click()
    document = page.get_by_role("link", name="Opening hours today", exact=True)
    expect(document).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"PDF, [\d.,٫]+\s?\S+"))

    page.get_by_role("link", name=t("Publish the meeting")).click()
    page.get_by_role("button", name=t("Publish"), exact=True).click()
    expect(status(page, t("The meeting and its agenda are published."))).to_be_visible()
    checked = new_page(PHONE, signed_in_as=page)
    checked.goto(f"{meeting_url}?lang={locale}")
    assert axe_violations(checked) == []

    public = new_page(PHONE, javascript=False)
    public.goto(f"{meeting_url}?lang={locale}")
    expect(public.get_by_role("heading", level=1)).to_have_text(f"Youth council ({locale})")
    expect(agenda_titles(public)).to_have_count(3)


def test_member_marks_themselves_present_and_quorum_updates_live(new_page, sign_in, words, demo):
    t = words("en")
    chair = new_page(PHONE)
    sign_in(chair, "secretary@demo.test", language="en")
    chair.goto(demo.meeting_url("today"))
    either = "|".join(
        t.pattern(message).pattern
        for message in (
            "Quorum reached: %(present)s of %(total)s voting members present (%(needed)s needed).",
            "No quorum yet: %(present)s of %(total)s voting members present (%(needed)s needed).",
        )
    )
    quorum = chair.get_by_text(re.compile(either))
    before = quorum.inner_text()

    member = new_page(PHONE, javascript=False)
    sign_in(member, "member08@demo.test", language="en")
    member.goto(demo.meeting_url("today"))
    member.get_by_role("button", name=t("I am here")).click()
    expect(status(member, t("You are marked present. Welcome!"))).to_be_visible()

    # The secretary's page notices without reloading (it asks every few seconds).
    expect(quorum).not_to_have_text(before, timeout=15_000)
