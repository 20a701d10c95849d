"""The secretary finds the council's flyers from its home page and downloads them; the page
passes axe on a phone, left to right and right to left."""

import pytest
from playwright.sync_api import expect

from e2e.conftest import PHONE, axe_violations


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_secretary_downloads_a_flyer_in_each_language(new_page, sign_in, words, locale):
    t = words(locale)
    page = new_page(PHONE)
    sign_in(page, "secretary@demo.test", language=locale)
    page.goto("/councils/demo-city")
    page.get_by_role("link", name=t("Flyers and posters"), exact=True).click()
    expect(page.get_by_role("heading", level=1, name=t("Flyers and posters"))).to_be_visible()
    assert page.evaluate("document.documentElement.dir") == ("rtl" if locale == "ar" else "ltr")
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0

    # One heading per language the council offers, each named in itself, with two downloads.
    for code, endonym in [("ar", "العربية"), ("uk", "Українська")]:
        section = page.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name=endonym, exact=True)
        )
        for label, size in [(t("Poster, A4 (PDF)"), "a4"), (t("Flyer, A5 (PDF)"), "a5")]:
            link = section.get_by_role("link", name=label)
            expect(link).to_have_attribute("href", f"/councils/demo-city/flyers/{code}/{size}.pdf")
    pdf = page.request.get("/councils/demo-city/flyers/uk/a5.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
