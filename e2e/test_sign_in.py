"""A member signs in on a phone with the keyboard only, with JavaScript off."""

import pytest

from app.demo import DEMO_PASSWORD
from e2e.conftest import PHONE


def tab_to(page, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_member_signs_in_with_the_keyboard_on_a_phone_without_javascript(new_page, locale):
    page = new_page(PHONE, javascript=False)
    page.goto(f"/?lang={locale}")
    tab_to(page, "a[href='/sign-in']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/sign-in")
    tab_to(page, "#email")
    page.keyboard.type("member02@demo.test")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    # Signed in, the site speaks the member's own language (member02 chose French).
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator(".notice--success").count() == 1
    tab_to(page, "a[href='/profile']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/profile")
    assert "member02@demo.test" in page.locator("main").inner_text()


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(new_page):
    page = new_page(PHONE, javascript=False)
    page.goto("/sign-in")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_focus_is_visible(new_page):
    page = new_page(PHONE)
    page.goto("/sign-in")
    tab_to(page, "#email")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert float(outline.rstrip("px")) >= 3


def test_wrong_password_keeps_the_email_and_explains(new_page):
    page = new_page(PHONE, javascript=False)
    page.goto("/sign-in?lang=en")
    page.get_by_label("Email address").fill("member03@demo.test")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").filter(has_text="There is a problem").is_visible()
    assert page.get_by_label("Email address").input_value() == "member03@demo.test"
