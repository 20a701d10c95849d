"""axe-core finds nothing on any page, signed in or out, in English and Arabic, on a phone and
a desktop; no page scrolls sideways at 320 px."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from e2e.conftest import CHROMIUM_ARGS, DESKTOP, PHONE, axe_violations, chromium_path

PUBLIC_PAGES = [
    "/",
    "/councils/demo-city",
    "/sign-in",
    "/forgot-password",
    "/no-such-page",
    "/councils/demo-city/meetings",
    "/councils/demo-city/meetings/{past}",
    "/councils/demo-city/meetings/{today}",
    "/councils/demo-city/meetings/{upcoming}",
    "/councils/demo-city/proposals",
    "/councils/demo-city/proposals?q=zzz&topic=health",
    "/councils/demo-city/proposals/new",
    "/councils/demo-city/proposals/{accepted}",
    "/councils/demo-city/proposals/{implemented}",
    "/councils/demo-city/proposals/track/{tracking}",
    "/councils/demo-city/my-data/{tracking}",
    "/councils/demo-city/proposals/lost-link",
    "/councils/demo-city/proposals/check-inbox?about=support",
    "/councils/demo-city/polls/{published_poll}",
    "/councils/demo-city/polls/{published_poll}/projector",
    "/councils/demo-city/polls/{open_poll}/projector",
    "/councils/demo-city/decisions",
    "/councils/demo-city/decisions?q=zzz&kind=hands",
    "/councils/demo-city/minutes/{minutes}",
    "/help",
    "/help/council",
    "/help/proposals",
    "/help/meetings-and-votes",
    "/help/glossary",
    "/help/membership",
    "/privacy",
    "/accessibility",
    "/councils/demo-city/follow",
]
MEMBER_PAGES = [
    "/start",
    "/profile",
    "/profile/password",
    "/councils/demo-city/members",
    "/councils/demo-city/meetings/{today}",
    "/councils/demo-city/meetings/{upcoming}",
    "/councils/demo-city/meetings/{upcoming}/apologies",
    "/councils/demo-city/polls/{open_poll}",
    "/councils/demo-city/polls/{secret_poll}",
]
SECRETARY_PAGES = [
    "/councils/demo-city/members",
    "/councils/demo-city/members/former",
    "/councils/demo-city/edit",
    "/councils/demo-city/invitations/new",
    "/councils/demo-city/members/{membership}/edit",
    "/councils/demo-city/members/{membership}/end",
    "/councils/demo-city/meetings/new",
    "/councils/demo-city/meetings/{draft}",
    "/councils/demo-city/meetings/{draft}/edit",
    "/councils/demo-city/meetings/{draft}/publish",
    "/councils/demo-city/meetings/{draft}/items/new",
    "/councils/demo-city/meetings/{draft}/items/{item}/edit",
    "/councils/demo-city/meetings/{draft}/items/{item}/remove",
    "/councils/demo-city/meetings/{draft}/documents",
    "/councils/demo-city/documents/{document}/remove",
    "/councils/demo-city/meetings/{today}",
    "/councils/demo-city/meetings/{today}/attendance",
    "/councils/demo-city/meetings/{today}/attendance?name=zzz",
    "/councils/demo-city/meetings/{today}/close",
    "/councils/demo-city/meetings/{past}",
    "/councils/demo-city/meetings/{past}/attendance",
    "/councils/demo-city/meetings/{past}/attendance/{membership}",
    "/councils/demo-city/meetings/{past}/documents",
    "/councils/demo-city/meetings/{upcoming}/start",
    "/councils/demo-city/meetings/{past}/items/{past_decision_item}/outcome",
    "/councils/demo-city/meetings/{today}/minutes",
    "/councils/demo-city/minutes/{minutes}/correct",
    "/councils/demo-city/minutes/{minutes}/history?from=1&to=2",
    "/councils/demo-city/minutes/{minutes}/approve",
    "/councils/demo-city/meetings/{upcoming}/cancel",
    "/councils/demo-city/proposals/review",
    "/councils/demo-city/data-requests",
    "/councils/demo-city/data-requests/{data_request}",
    "/councils/demo-city/proposals/{submitted}",
    "/councils/demo-city/proposals/{submitted}/answer",
    "/councils/demo-city/proposals/{accepted}/answer",
    "/councils/demo-city/proposals/{accepted}/edit",
    "/councils/demo-city/polls/{open_poll}",
    "/councils/demo-city/polls/{open_poll}/close",
    "/councils/demo-city/polls/{open_poll}/open",
    "/councils/demo-city/meetings/{today}/items/{decision_item}/polls/new",
    "/councils/demo-city/flyers",
    "/councils/demo-city/notices",
]
TRANSLATOR_PAGES = [
    "/councils/demo-city",
    "/councils/demo-city/translate",
    "/councils/demo-city/translate?to=fr",
    "/councils/demo-city/translate/proposal/{accepted}?to=uk",
    "/councils/demo-city/translate/poll/{open_poll}?to=fr",
    "/councils/demo-city/translate/meeting/{today}?to=fr",
    "/councils/demo-city/translate/council/{council}?to=ar",
    "/councils/demo-city/translate/minutes/{minutes}?to=fr",
    "/councils/demo-city/proposals/{scheduled}",
]
MEDIATOR_PAGES = [
    "/start",
    "/councils/demo-city",
    "/councils/demo-city/for-residents",
    "/councils/demo-city/for-residents/new",
]
ADMIN_PAGES = ["/admin/users", "/admin/councils/new", "/admin/users/{user}/deactivate"]


def check(page, path: str, locale: str) -> None:
    response = page.goto(f"{path}{'&' if '?' in path else '?'}lang={locale}")
    assert response.status in (200, 404), f"{path}: {response.status}"
    assert page.evaluate("document.documentElement.dir") == ("rtl" if locale == "ar" else "ltr")
    assert page.get_by_role("heading", level=1).count() == 1, path
    violations = axe_violations(page)
    assert violations == [], f"{path} ({locale}): {violations}"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("locale", ["en", "ar", "uk"])
def test_public_pages(new_page, ids, locale, viewport):
    page = new_page(viewport)
    for path in PUBLIC_PAGES + [
        f"/invitations/{ids['invitation']}",
        f"/reset-password/{ids['reset']}",
    ]:
        check(page, path.format(**ids), locale)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("locale", ["en", "ar"])
def test_signed_in_pages(new_page, sign_in, ids, locale, viewport):
    page = new_page(viewport)
    sign_in(page, "member01@demo.test")
    for path in MEMBER_PAGES:
        check(page, path.format(**ids), locale)
    page = new_page(viewport)
    sign_in(page, "secretary@demo.test")
    for path in SECRETARY_PAGES:
        check(page, path.format(**ids), locale)
    page = new_page(viewport)
    sign_in(page, "translator@demo.test")
    for path in TRANSLATOR_PAGES:
        check(page, path.format(**ids), locale)
    page = new_page(viewport)
    sign_in(page, "mediator@demo.test")
    for path in MEDIATOR_PAGES:
        check(page, path.format(**ids), locale)
    page = new_page(viewport)
    sign_in(page, "admin@demo.test")
    for path in ADMIN_PAGES:
        check(page, path.format(**ids), locale)


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_vote_confirmation_page(new_page, sign_in, ids, words, locale, viewport):
    """Shows only a choice posted and kept in the session (no URL carries one), so it is
    opened by choosing."""
    t = words(locale)
    page = new_page(viewport)
    sign_in(page, "member07@demo.test", language=locale)
    page.goto(f"/councils/demo-city/polls/{ids['open_poll']}")
    page.get_by_role("main").get_by_role("button", name=t("Yes"), exact=True).click()
    expect(page.get_by_role("heading", level=1, name=t("Confirm your vote"))).to_be_visible()
    assert axe_violations(page) == []


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_a_member_who_cannot_vote_yet_is_told_why_on_the_vote(
    new_page, sign_in, ids, words, locale
):
    """Aïcha sent apologies: the vote says she is not marked present, and offers "I am here"."""
    t = words(locale)
    page = new_page(PHONE)
    sign_in(page, "member09@demo.test")
    for path in ("/councils/demo-city/polls/{open_poll}", "/councils/demo-city/meetings/{today}"):
        check(page, path.format(**ids), locale)
        main = page.get_by_role("main")
        expect(main.get_by_text(t("You are not marked present at this meeting."))).to_be_visible()
        expect(main.get_by_role("button", name=t("I am here"))).to_be_visible()


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_pages_with_form_errors(new_page, words, locale):
    page = new_page(PHONE)
    t = words(locale)
    page.goto(f"/sign-in?lang={locale}")
    page.get_by_role("button", name=t("Sign in"), exact=True).click()
    summary = page.get_by_role("alert", name=t("There is a problem"))
    expect(summary).to_be_visible()
    # The summary takes focus so a screen reader announces it first.
    expect(summary).to_be_focused()
    assert axe_violations(page) == []


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_an_error_link_shows_the_field_with_its_label(new_page, words, locale):
    """Following a link of the error summary brings the field into view with its label and
    its error above it, not at the very top of the screen with both hidden."""
    page = new_page({"width": 360, "height": 640})
    t = words(locale)
    page.goto(f"/councils/demo-city/proposals/new?lang={locale}")
    page.get_by_role("button", name=t("Send the proposal")).click()
    summary = page.get_by_role("alert", name=t("There is a problem"))
    links = summary.get_by_role("link")
    links.last.click()
    target = page.locator(links.last.get_attribute("href"))
    label = page.locator(f"label[for='{target.get_attribute('id')}']")
    box = label.bounding_box()
    assert box is not None and box["y"] >= 0, f"the label is scrolled out of view: {box}"


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_no_sideways_scrolling_at_320px(new_page, sign_in, ids, locale):
    page = new_page({"width": 320, "height": 640})
    sign_in(page, "secretary@demo.test")
    for path in PUBLIC_PAGES + [
        "/start",
        "/councils/demo-city/members",
        "/councils/demo-city/meetings/{today}/attendance",
        "/councils/demo-city/edit",
        "/councils/demo-city/flyers",
        "/profile",
    ]:
        path = path.format(**ids)
        page.goto(f"{path}{'&' if '?' in path else '?'}lang={locale}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"


def test_buttons_and_links_in_forms_are_big_enough(new_page, words):
    page = new_page(PHONE)
    t = words("en")
    page.goto("/sign-in?lang=en")
    main = page.get_by_role("main")
    controls = [
        main.get_by_label(t("Email address")),
        main.get_by_label(t("Password"), exact=True),
        *main.get_by_role("button").all(),
    ]
    for element in controls:
        box = element.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, element.evaluate("e => e.outerHTML")


#: What sticks out of the screen (to say what to fix when a page scrolls sideways).
WIDE = """() => [...document.querySelectorAll("body *")]
  .filter(el => { const box = el.getBoundingClientRect();
    return box.width > 0 && (box.right > innerWidth + 1 || box.left < -1
      || el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible"); })
  .slice(-3).map(el => el.tagName.toLowerCase() + "." + el.className)"""


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_no_sideways_scrolling_with_text_at_200_percent_on_a_phone(new_page, sign_in, ids, locale):
    """Android's largest font size: the browser's default text size doubled (Chromium's own
    font setting, as the phone's settings change it), on a 360 px screen, on every page of
    the sweep, as each role sees it."""
    wide = []
    for email, paths in [
        (None, PUBLIC_PAGES),
        ("member01@demo.test", MEMBER_PAGES),
        ("secretary@demo.test", SECRETARY_PAGES),
        ("translator@demo.test", TRANSLATOR_PAGES),
        ("mediator@demo.test", MEDIATOR_PAGES),
        ("admin@demo.test", ADMIN_PAGES),
    ]:
        page = new_page({"width": 360, "height": 740})
        if email:
            sign_in(page, email)
        page.context.new_cdp_session(page).send(
            "Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}}
        )
        for path in paths:
            path = path.format(**ids)
            page.goto(f"{path}{'&' if '?' in path else '?'}lang={locale}")
            assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 32
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide.append(
                    f"{email or 'anyone'}, {path}, {locale}: {overflow}px {page.evaluate(WIDE)}"
                )
    assert not wide, f"scrolls sideways: {wide}"


def test_the_projectors_qr_code_stays_dark_on_light_in_the_browsers_dark_mode(
    browser, base_url, ids
):
    """Chromium's automatic dark mode darkens what the page leaves light: a QR code whose
    light modules were transparent turned dark on dark, and no phone could read it."""
    dark = browser.browser_type.launch(
        executable_path=chromium_path(),
        args=[*CHROMIUM_ARGS, "--blink-settings=forceDarkModeEnabled=true"],
    )
    try:
        page = dark.new_page(viewport=DESKTOP, base_url=base_url)
        page.goto(f"/councils/demo-city/polls/{ids['open_poll']}/projector?lang=en")
        shot = Image.open(io.BytesIO(page.locator(".projector__qr svg").screenshot()))
        grey = shot.convert("L")
        assert grey.getpixel((1, 1)) > 200, "the quiet zone around the code is dark"
        dark_share = sum(grey.histogram()[:60]) / (grey.width * grey.height)
        assert 0.2 < dark_share < 0.7, f"{dark_share:.0%} of the code is dark"
    finally:
        dark.close()
