"""A live workshop: the secretary puts a question on the room's screen; a resident scans its
code with a phone (Arabic, 360 px, JavaScript off) and answers; the screen's counts follow
without anyone touching it."""

import re

from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE, axe_violations


def test_a_phone_answers_the_question_on_the_screen_and_the_counts_follow(
    new_page, sign_in, words, demo
):
    t = words("en")
    screen = new_page(DESKTOP)
    sign_in(screen, "secretary@demo.test", language="en")
    screen.goto("/councils/demo-city/consultations")
    screen.get_by_role(
        "link", name="Which three topics should the council work on next year?"
    ).click()
    screen.get_by_role("link", name=t("Run a workshop: one question at a time on a screen")).click()
    screen.get_by_role("link", name=t("Next question")).click()  # "Where do you hear about…"
    expect(screen.get_by_role("heading", level=1)).to_have_text(
        "Where do you hear about the council?"
    )
    counts = screen.locator("[data-live-url]")
    before = int(re.search(r"(\d+) answers?", counts.inner_text()).group(1))
    assert axe_violations(screen) == []
    code = screen.get_by_role("link", name=t("Scan to answer")).get_attribute("href")

    t_ar = words("ar")
    phone = new_page(PHONE, javascript=False, locale="ar")
    phone.goto(code + "&lang=ar")
    question = phone.get_by_role("group", name=re.compile("من أين تسمع عن المجلس"))
    question.get_by_label("مركز مجتمعي").check()
    question.get_by_label("وسائل التواصل الاجتماعي").check()
    phone.get_by_role("button", name=t_ar("Send my answer")).click()
    expect(
        phone.get_by_role("heading", level=1, name=t_ar("Thank you: your answer counts"))
    ).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    checker = new_page(PHONE, locale="ar", signed_in_as=phone)
    checker.goto(code + "&lang=ar")
    assert axe_violations(checker) == []

    # The screen follows on its own (every 3 s), with no reload.
    expect(counts).to_contain_text(f"{before + 1} answer", timeout=10_000)
