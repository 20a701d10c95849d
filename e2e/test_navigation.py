"""Finding one's way on a phone: the language menu, the header, the council's sections."""

import pytest
from playwright.sync_api import expect

from app.i18n import UI_LOCALES


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("locale", UI_LOCALES)
@pytest.mark.parametrize("width", [320, 360])
def test_the_language_menu_is_fully_on_screen_on_a_phone(
    new_page, sign_in, words, locale, width, javascript
):
    page = new_page({"width": width, "height": 740}, javascript=javascript)
    for signed_in in (False, True):
        if signed_in:
            sign_in(page, "member01@demo.test")
        page.goto(f"/councils/demo-city?lang={locale}")
        said = words(locale)
        # The menu opens from its summary, which reads "Language: <name of the language>".
        page.get_by_text(said("Language") + ":").locator("xpath=..").click()
        menu = page.get_by_role("navigation", name=said("Choose a language"))
        expect(menu).to_be_visible()
        links = menu.get_by_role("link")
        expect(links).to_have_count(len(UI_LOCALES))
        for link in links.all():
            box = link.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (
                f"{link.inner_text()} at x={box and box['x']:.0f}…"
                f"{box and box['x'] + box['width']:.0f} on a {width} px screen"
            )


def test_a_translated_heading_is_only_its_title_with_the_note_next_to_it(new_page, words, demo):
    """The "translated from … · show original" note sat inside the heading: read aloud with
    every heading, and invalid there."""
    page = new_page()
    page.goto(demo.meeting_url("upcoming") + "?lang=ar")
    said = words("ar")
    title = demo.meeting_title("upcoming", "ar")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(title)
    noted = said.pattern("Translated from %(language)s")
    expect(page.get_by_role("heading").filter(has_text=noted)).to_have_count(0)
    note = page.get_by_text(noted).first
    expect(note).to_be_visible()
    note.click()  # the original, one tap away
    expect(page.get_by_text(demo.meeting_title("upcoming", "en"), exact=True)).to_be_visible()


def test_the_councils_sections_are_one_tap_away_and_the_skip_link_passes_them(
    new_page, words, demo
):
    page = new_page(javascript=False)
    said = words("ar")
    page.goto("/councils/demo-city/meetings?lang=ar")
    sections = page.get_by_role("navigation", name=said("Council sections"))
    names = [said("Meetings"), said("Proposals"), said("Decisions")]
    for name in names:
        expect(sections.get_by_role("link", name=name, exact=True)).to_be_visible()
    current = sections.get_by_role("link", name=said("Meetings"), exact=True)
    expect(current).to_have_attribute("aria-current", "page")
    sections.get_by_role("link", name=said("Decisions"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(said("Register of decisions"))

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name=said("Skip to main content"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    focused_in_sections = sections.evaluate("nav => nav.contains(document.activeElement)")
    assert not focused_in_sections


def test_the_language_menu_closes_with_escape_and_when_focus_leaves_it(new_page, words):
    """Opened from the keyboard on a phone, the menu takes its own row (it covers nothing),
    Escape closes it with focus back on its button, and tabbing past it closes it too."""
    en = words("en")
    page = new_page({"width": 360, "height": 740})
    page.goto("/councils/demo-city?lang=en")
    menu = page.locator(".language-switcher")
    summary = menu.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    nav = page.get_by_role("navigation", name=en("Choose a language"))
    below = nav.bounding_box()
    first_section = page.get_by_role("navigation", name=en("Council sections")).get_by_role("link")
    section = first_section.first.bounding_box()
    assert section["y"] >= below["y"] + below["height"], "the open menu covers the next link"

    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(summary).to_be_focused()

    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("open", "")
    for _link in range(len(nav.get_by_role("link").all()) + 1):
        page.keyboard.press("Tab")
    expect(menu).not_to_have_attribute("open", "")
    assert page.evaluate("!document.activeElement.closest('.language-switcher')")
