"""A secretary builds and publishes an agenda on a phone, with JavaScript off."""

import pytest

from e2e.conftest import PHONE, axe_violations, sign_in


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_secretary_builds_and_publishes_an_agenda_on_a_phone(new_page, locale):
    page = new_page(PHONE, javascript=False)
    sign_in(page, "secretary@demo.test")
    page.goto(f"/councils/demo-city/meetings?lang={locale}")
    page.locator("main a.button").first.click()  # "Plan a meeting"

    page.locator("#title").fill(f"Youth council ({locale})")
    page.locator("#day").fill("2031-05-06")
    page.locator("#starts").fill("18:30")
    page.locator("#ends").fill("18:00")  # a mistake: ends before it starts
    page.locator("#place").fill("Youth centre, Park Lane 3")
    page.locator("main button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    assert page.locator("#place").input_value() == "Youth centre, Park Lane 3"  # nothing lost
    page.locator("#ends").fill("20:00")
    page.locator("main button[type=submit]").click()
    meeting_url = page.url.split("?")[0]

    for title in ("Welcome", "Sports hall opening hours", "Advice to the mayor"):
        page.goto(f"{meeting_url}/items/new")
        page.locator("#title").fill(title)
        page.locator("#kind-2").check()  # for decision
        page.locator("main button[type=submit]").click()
    # Move the last item up with the no-JavaScript button.
    page.goto(meeting_url)
    page.locator("#agenda + ol > li").nth(2).locator("form button").first.click()
    titles = page.locator("#agenda + ol > li h3").all_inner_texts()
    assert titles == ["Welcome", "Advice to the mayor", "Sports hall opening hours"]

    page.goto(f"{meeting_url}/publish")
    page.locator("main button[type=submit]").click()
    assert page.locator(".notice--success").count() >= 1
    checked = new_page(PHONE, signed_in_as=page)
    checked.goto(f"{meeting_url}?lang={locale}")
    assert axe_violations(checked) == []

    public = new_page(PHONE, javascript=False)
    public.goto(f"{meeting_url}?lang={locale}")
    assert public.locator("h1").inner_text() == f"Youth council ({locale})"
    assert public.locator("#agenda + ol > li").count() == 3


def test_member_marks_themselves_present_and_quorum_updates_live(new_page):
    chair = new_page(PHONE)
    sign_in(chair, "secretary@demo.test")
    chair.goto("/councils/demo-city/meetings/2?lang=en")
    quorum = chair.locator(".quorum")
    before = quorum.inner_text()

    member = new_page(PHONE, javascript=False)
    sign_in(member, "member08@demo.test")
    member.goto("/councils/demo-city/meetings/2")
    member.locator("main form[action$='/presence'] button").click()
    assert member.locator(".notice--success").count() == 1

    # The secretary's page notices without reloading (it asks every few seconds).
    chair.wait_for_function(
        "before => document.querySelector('.quorum').textContent.trim() !== before.trim()",
        arg=before,
        timeout=15_000,
    )
