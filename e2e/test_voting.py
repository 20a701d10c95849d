"""Members vote from phones, with and without JavaScript; the chair closes; the projector shows."""

from e2e.conftest import DESKTOP, PHONE, axe_violations, sign_in

MEETING = "/councils/demo-city/meetings/2"


def test_member_votes_on_a_phone_without_javascript(new_page):
    page = new_page(PHONE, javascript=False)
    sign_in(page, "member05@demo.test")
    page.goto(f"{MEETING}?lang=ar")
    page.locator("a[href$='/polls/4']").click()  # the pseudo-anonymous vote
    buttons = page.locator(".vote-options button")
    assert buttons.count() == 3
    box = buttons.first.bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300  # big and full width on a phone
    buttons.first.click()  # Yes / نعم
    assert "/confirm" in page.url
    choice = page.locator(".vote-choice").inner_text()
    assert choice  # the choice, repeated in words
    page.locator("main form button[type=submit]").click()
    assert page.locator(".notice--success").count() == 1
    assert page.locator(".vote-options").count() == 0  # final: no second vote


def test_page_notices_a_vote_opening_then_member_votes_with_javascript(new_page):
    member = new_page(PHONE)
    sign_in(member, "member06@demo.test")
    member.goto(f"{MEETING}?lang=en")

    chair = new_page(DESKTOP, javascript=False)
    sign_in(chair, "chair@demo.test")
    chair.goto(f"{MEETING}?lang=en")
    chair.locator("a[href*='/polls/new']").first.click()
    chair.locator("#question").fill("Hold the next meeting in the library?")
    chair.locator("main button[type=submit]").click()
    chair.locator("main a[href$='/open']").click()
    chair.locator("main button[type=submit]").click()
    poll_url = chair.url

    notice = member.locator(".poll-notice a")
    notice.wait_for(timeout=10_000)  # no reload: the page asked every 2 seconds
    notice.click()
    member.locator(".vote-options button").nth(1).click()  # No
    assert "No" in member.locator(".vote-choice").inner_text()
    member.locator("main form button[type=submit]").click()
    assert member.locator(".notice--success").count() == 1

    projector = new_page(DESKTOP)
    projector.goto(poll_url.replace("?lang=en", "") + "/projector")
    assert projector.locator(".projector__qr svg").count() == 1
    assert "1 of" in projector.locator(".ballot-count").inner_text()
    assert axe_violations(projector) == []

    chair.goto(poll_url.split("?")[0] + "/close")
    chair.locator("main button[type=submit]").click()
    # The projector reloads itself when the vote closes and shows the numbers.
    projector.locator(".projector__result table").wait_for(timeout=10_000)
    assert projector.locator(".result tbody tr").count() == 3
    assert axe_violations(projector) == []
