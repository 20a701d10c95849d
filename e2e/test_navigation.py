"""Finding one's way on a phone: the language menu, the header, the council's sections."""

import pytest
from playwright.sync_api import expect

from app.i18n import UI_LOCALES


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("locale", ["en", "uk", "ar"])
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
