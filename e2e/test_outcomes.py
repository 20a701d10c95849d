"""How items ended: the secretary records a show of hands on a phone, and anyone reads the
council's register of decisions, in English and in Arabic."""

import pytest
from playwright.sync_api import expect

from app.voting.models import MajorityRule, OutcomeKind
from e2e.conftest import DESKTOP, PHONE, axe_violations, status
from e2e.test_decisions import Setup, unique


@pytest.fixture
def setup(live_app):
    return Setup(live_app)


def test_the_secretary_records_a_show_of_hands_on_a_phone(new_page, sign_in, words, setup):
    en = words("en")
    meeting_title = unique("Evening plenary")
    meeting_id = setup.meeting(meeting_title, days=0, start=True, present=8)
    item = f"Decide on {meeting_title}"
    page = new_page(PHONE)
    sign_in(page, "secretary@demo.test", language="en")
    page.goto(f"/councils/demo-city/meetings/{meeting_id}")
    page.get_by_role("link", name=en("Record the outcome of “%(title)s”", title=item)).click()

    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1, name=en("Record the outcome"))).to_be_visible()
    present = en.pattern("%(num)s voting members are present now.", num=8)
    expect(main.get_by_text(present)).to_be_visible()
    assert axe_violations(page) == []

    # More hands than members in the room: refused, and what was typed is still there.
    main.get_by_label(en(OutcomeKind.hands.label)).check()
    main.get_by_label(en("Summary (optional, needed for a discussion)")).fill(
        "Adopted after a short debate."
    )
    main.get_by_label(en(MajorityRule.absolute.label)).check()
    main.get_by_label(en("Hands for")).fill("9")
    main.get_by_label(en("Hands against")).fill("1")
    main.get_by_role("button", name=en("Save the outcome")).click()
    expect(page.get_by_role("alert", name=en("There is a problem"))).to_be_visible()
    too_many = en.pattern(
        "%(total)s hands were counted, but only %(num)s voting members are present.",
        total=10,
        num=8,
    )
    expect(main.get_by_text(too_many)).to_be_visible()
    expect(main.get_by_label(en("Hands for"))).to_have_value("9")
    expect(main.get_by_label(en(MajorityRule.absolute.label))).to_be_checked()
    expect(main.get_by_label(en(OutcomeKind.hands.label))).to_be_checked()
    assert axe_violations(page) == []

    main.get_by_label(en("Hands for")).fill("6")
    main.get_by_label(en("Hands abstaining")).fill("1")
    main.get_by_role("button", name=en("Save the outcome")).click()
    expect(status(page, en("The outcome of the item is recorded."))).to_be_visible()

    # The meeting page says how the item ended, for everyone.
    visitor = new_page(PHONE)
    visitor.goto(f"/councils/demo-city/meetings/{meeting_id}")
    agenda_item = visitor.get_by_role("listitem").filter(
        has=visitor.get_by_role("heading", name=item)
    )
    expect(agenda_item.get_by_text(en(OutcomeKind.hands.label))).to_be_visible()
    expect(agenda_item.get_by_text(en("Counted in the room"), exact=False)).to_be_visible()
    counted = en(
        "%(cast)s hands counted; %(present)s voting members were present.", cast=8, present=8
    )
    expect(agenda_item.get_by_text(counted, exact=False)).to_be_visible()
    expect(agenda_item.get_by_text(en("Adopted"), exact=True)).to_be_visible()


@pytest.mark.parametrize(("locale", "viewport"), [("en", PHONE), ("ar", DESKTOP)])
def test_the_register_of_decisions_reads_in_english_and_arabic(
    new_page, words, demo, locale, viewport
):
    said = words(locale)
    page = new_page(viewport)
    page.goto(f"/councils/demo-city/decisions?lang={locale}")
    expect(page.get_by_role("heading", level=1, name=said("Register of decisions"))).to_be_visible()
    advice = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name=demo.decision_title(locale))
    )
    expect(advice.get_by_text(said(OutcomeKind.hands.label))).to_be_visible()
    expect(advice.get_by_role("table", name=said("Show of hands"))).to_be_visible()
    assert axe_violations(page) == []

    # Filtering by kind keeps the page usable without a script: a GET form.
    page.get_by_label(said("Outcome"), exact=True).select_option(OutcomeKind.consensus.value)
    page.get_by_role("button", name=said("Show decisions")).click()
    entries = page.get_by_role("listitem").filter(has_text=said(OutcomeKind.consensus.label))
    expect(entries.first).to_be_visible()
    expect(page.get_by_role("table", name=said("Show of hands"))).to_have_count(0)
    assert axe_violations(page) == []
