"""A community mediator types in a resident's paper in Arabic, on a 360 px phone with
JavaScript off, and prints the slip the resident takes home."""

import re

from playwright.sync_api import expect

from app.proposals.models import ReceivedAs, Topic
from e2e.conftest import PHONE, axe_violations

COUNCIL = "/councils/demo-city"
REFERENCE = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}$")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_mediator_types_in_a_paper_in_arabic_and_prints_the_slip(new_page, words, sign_in):
    ar = words("ar")
    page = new_page(PHONE, javascript=False, locale="ar")
    sign_in(page, "mediator@demo.test", language="ar")
    page.goto("/start")
    page.get_by_role("link", name=ar("Type in a proposal for a resident")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ar("A proposal for a resident"))
    checked = new_page(PHONE, locale="ar", signed_in_as=page)
    checked.goto(page.url)
    assert axe_violations(checked) == []
    assert no_sideways_scroll(page)

    page.get_by_role("radio", name=ar(ReceivedAs.paper.label), exact=True).check()
    page.get_by_label(ar("Language the resident wrote or spoke in")).select_option("ar")
    page.get_by_label(ar("Language of the text below")).select_option("ar")
    page.get_by_label(ar("Title"), exact=True).fill("مقاعد في الحديقة")
    page.get_by_label(ar("Your proposal"), exact=True).fill("كبار السن يحتاجون إلى الراحة.")
    page.get_by_role("radio", name=ar(Topic.culture.label), exact=True).check()
    page.get_by_label(ar("The resident’s name (optional)")).fill("سلمى")
    page.get_by_role("button", name=ar("Save the proposal and make the slip")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(ar("The slip for the resident"))
    slip = page.get_by_role("region", name=re.compile("اقتراحك إلى"))
    code = slip.get_by_text(REFERENCE).inner_text()
    expect(slip.get_by_role("img", name=ar("QR code of your tracking link"))).to_be_visible()
    expect(slip.get_by_role("heading", name=ar("What happens next"))).to_be_visible()
    assert slip.get_attribute("lang") == "ar" and slip.get_attribute("dir") == "rtl"
    link = slip.locator(".tracking-link").inner_text()
    assert no_sideways_scroll(page)
    checked = new_page(PHONE, locale="ar", signed_in_as=page)
    checked.goto(page.url)
    assert axe_violations(checked) == []

    # Printed, the slip is all there is, on one small page.
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1)).to_be_hidden()
    expect(slip).to_be_visible()
    pdf = checked.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1
    # A6: 105 × 148 mm, in points.
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)", pdf)
    assert box and (round(float(box[1])), round(float(box[2]))) == (298, 420)

    # At home, the resident opens the link from the slip.
    resident = new_page(PHONE, javascript=False, locale="ar")
    resident.goto(link)
    expect(resident.get_by_role("heading", level=1)).to_have_text("مقاعد في الحديقة")
    expect(resident.get_by_role("region", name=ar("Your reference code"))).to_contain_text(code)
