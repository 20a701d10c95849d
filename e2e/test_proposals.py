"""A resident proposes in Arabic on a phone with JavaScript off, then follows what happens."""

import re

from e2e.conftest import PHONE, axe_violations, sign_in


def test_resident_submits_in_arabic_and_follows_the_tracking_link(new_page):
    page = new_page(PHONE, javascript=False, locale="ar")
    page.goto("/councils/demo-city?lang=ar")
    page.locator("main a.button[href$='/proposals/new']").click()
    assert page.locator("html").get_attribute("dir") == "rtl"

    page.locator("#lang").select_option("ar")
    page.locator("#body").fill("نحتاج إلى دروس سباحة للنساء في المسبح البلدي.")
    page.locator("#topic-2").check()  # health
    page.locator("#author_name").fill("سلمى")
    page.locator("main button[type=submit]").click()
    # The title was forgotten: the page says so and keeps the rest.
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#body").input_value().startswith("نحتاج إلى دروس سباحة")
    page.locator("#title").fill("دروس سباحة للنساء")
    page.locator("main button[type=submit]").click()

    link = page.locator(".tracking-link a")
    assert link.count() == 1
    tracking_url = link.get_attribute("href")
    assert re.search(r"/councils/demo-city/proposals/track/[\w-]{30,}$", tracking_url)

    # Later, on another phone, with only the link.
    later = new_page(PHONE, javascript=False, locale="ar")
    later.goto(tracking_url)
    assert later.locator("h1").inner_text() == "دروس سباحة للنساء"
    status = later.locator("main .tag").first.inner_text()

    # The secretary accepts it with an answer...
    secretary = new_page(PHONE, javascript=False)
    sign_in(secretary, "secretary@demo.test")
    secretary.goto("/councils/demo-city/proposals/review?lang=en")
    secretary.locator("main li", has_text="دروس سباحة للنساء").get_by_role("link").last.click()
    secretary.locator("#state-0").check()  # accepted
    secretary.locator("#answer").fill("Thank you, the sports department will look at this.")
    secretary.locator("main button[type=submit]").click()
    assert secretary.locator(".notice--success").count() == 1

    # ... and the resident sees the new state and the answer on the same link.
    later.reload()
    assert later.locator("main .tag").first.inner_text() != status
    assert "the sports department will look at this" in later.locator("main").inner_text()
    checked = new_page(PHONE, locale="ar")
    checked.goto(tracking_url)
    assert axe_violations(checked) == []
