"""A member signs in on a phone with the keyboard only, with JavaScript off."""

import pytest
from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD
from e2e.conftest import PHONE


def is_focused(target) -> bool:
    return target.evaluate("element => element === document.activeElement")


def tab_to(page, target, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(target):
            return
    raise AssertionError(f"{target} cannot be reached with the Tab key")


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_member_signs_in_with_the_keyboard_on_a_phone_without_javascript(new_page, words, locale):
    page = new_page(PHONE, javascript=False)
    t = words(locale)
    page.goto(f"/?lang={locale}")
    account = page.get_by_role("navigation", name=t("Your account"))
    tab_to(page, account.get_by_role("link", name=t("Sign in")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=t("Sign in"))).to_be_visible()
    tab_to(page, page.get_by_label(t("Email address")))
    page.keyboard.type("member02@demo.test")
    page.keyboard.press("Tab")
    expect(page.get_by_label(t("Password"), exact=True)).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    # Signed in, the site speaks the member's own language (member02 chose French).
    fr = words("fr")
    expect(page.get_by_role("status")).to_contain_text(fr("You are signed in."))
    assert page.evaluate("document.documentElement.lang") == "fr"
    account = page.get_by_role("navigation", name=fr("Your account"))
    tab_to(page, account.get_by_role("link", name=fr("Your profile")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name=fr("Your profile"))).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("member02@demo.test")


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(new_page, words):
    page = new_page(PHONE, javascript=False)
    page.goto("/sign-in?lang=en")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=words("en")("Skip to main content"))
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()


def test_focus_is_visible(new_page, words):
    page = new_page(PHONE)
    page.goto("/sign-in?lang=en")
    tab_to(page, page.get_by_label(words("en")("Email address")))
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert float(outline.rstrip("px")) >= 3


def test_wrong_password_keeps_the_email_and_explains(new_page, words):
    page = new_page(PHONE, javascript=False)
    t = words("en")
    page.goto("/sign-in?lang=en")
    page.get_by_label(t("Email address")).fill("member03@demo.test")
    page.get_by_label(t("Password"), exact=True).fill("not the password")
    page.get_by_role("button", name=t("Sign in"), exact=True).click()
    expect(page.get_by_role("alert", name=t("There is a problem"))).to_be_visible()
    expect(page.get_by_label(t("Email address"))).to_have_value("member03@demo.test")


def test_the_demo_accounts_are_listed_and_the_language_switch_is_explained(new_page, words):
    """Someone trying the demo finds the accounts on the sign-in page; a member whose profile
    says Arabic is told, in Arabic, why the site changed language and how to change it back."""
    en, ar = words("en"), words("ar")
    page = new_page(PHONE, javascript=False)
    page.goto("/sign-in?lang=en")
    accounts = page.get_by_role("region", name=en("Demo accounts"))
    expect(accounts).to_contain_text(DEMO_PASSWORD)
    expect(accounts).to_contain_text("member04@demo.test")
    page.get_by_label(en("Email address")).fill("member04@demo.test")
    page.get_by_label(en("Password"), exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name=en("Sign in"), exact=True).click()
    explained = ar.pattern(
        "The site now speaks %(language)s, the language of your profile. "
        "You can change it in the language menu.",
        language="العربية",
    )
    expect(page.get_by_role("status").filter(has_text=explained)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
