"""Members vote from phones, with and without JavaScript; the chair closes; the projector shows."""

from playwright.sync_api import expect

from e2e.conftest import DESKTOP, PHONE, axe_violations, receipt


def test_member_votes_on_a_phone_without_javascript(new_page, sign_in, words, demo):
    ar = words("ar")
    page = new_page(PHONE, javascript=False)
    sign_in(page, "member05@demo.test", language="ar")
    page.goto(demo.meeting_url("today"))
    question = demo.poll_question(demo.poll("today", "secret"), "ar")  # pseudo-anonymous
    # The first of two: the votes waiting for the member open the page, the agenda holds them.
    page.get_by_role("link", name=ar("Vote now: %(question)s", question=question)).first.click()
    main = page.get_by_role("main")
    yes = ar("Yes")
    expect(main.get_by_role("button")).to_have_text([yes, ar("No"), ar("Abstain")])
    box = main.get_by_role("button", name=yes, exact=True).bounding_box()
    assert box["height"] >= 48 and box["width"] >= 300  # big and full width on a phone
    main.get_by_role("button", name=yes, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=ar("Confirm your vote"))).to_be_visible()
    # The choice, repeated in words:
    expect(main.get_by_text(ar("You are voting: %(choice)s", choice=yes))).to_be_visible()
    main.get_by_role("button", name=ar("Confirm my vote: %(choice)s", choice=yes)).click()
    recorded = ar.pattern("Your vote was recorded at %(time)s. It is final.")
    expect(receipt(page, recorded)).to_be_visible()
    # Heard first: the receipt has the focus, and the page's title says it.
    expect(receipt(page, recorded)).to_be_focused()
    expect(page).to_have_title(recorded)
    # Final: no second vote.
    expect(main.get_by_text(ar("You have voted. Your vote is final."))).to_be_visible()
    expect(main.get_by_role("button")).to_have_count(0)


def test_page_notices_a_vote_opening_then_member_votes_with_javascript(
    new_page, sign_in, words, demo
):
    en = words("en")
    member = new_page(PHONE)
    sign_in(member, "member06@demo.test", language="en")
    member.goto(demo.meeting_url("today"))

    chair = new_page(DESKTOP, javascript=False)
    sign_in(chair, "chair@demo.test", language="en")
    chair.goto(demo.meeting_url("today"))
    item = demo.decision_title("en")
    chair.get_by_role("link", name=en("Prepare a vote on “%(title)s”", title=item)).click()
    chair.get_by_label(en("Question"), exact=True).fill("Hold the next meeting in the library?")
    chair.get_by_role("button", name=en("Prepare the vote")).click()
    chair.get_by_role("link", name=en("Open the vote")).click()
    chair.get_by_role("button", name=en("Open the vote")).click()
    projector_url = chair.get_by_role("link", name=en("Projector view")).get_attribute("href")

    # No reload: the page asked every 2 seconds.
    member.get_by_role("link", name=en("A vote is open: vote now")).click()
    no = en("No")
    member.get_by_role("button", name=no, exact=True).click()
    expect(member.get_by_text(en("You are voting: %(choice)s", choice=no))).to_be_visible()
    member.get_by_role("button", name=en("Confirm my vote: %(choice)s", choice=no)).click()
    recorded = en.pattern("Your vote was recorded at %(time)s. It is final.")
    expect(receipt(member, recorded)).to_be_visible()

    projector = new_page(DESKTOP)
    projector.goto(projector_url)
    expect(projector.get_by_role("img", name=en("Scan to vote"))).to_be_visible()
    turnout = en.pattern("%(ballots)s of %(entitled)s have voted.", ballots=1)
    expect(projector.get_by_text(turnout)).to_be_visible()
    assert axe_violations(projector) == []

    chair.get_by_role("link", name=en("Close the vote")).click()
    chair.get_by_role("button", name=en("Close the vote")).click()
    # The projector reloads itself when the vote closes; the numbers wait for publication.
    expect(projector.get_by_text(en("Closed"), exact=True)).to_be_visible()
    expect(projector.get_by_role("table")).to_have_count(0)
    chair.get_by_role("link", name=en("Publish the result")).click()
    chair.get_by_role("button", name=en("Publish the result")).click()
    result = projector.get_by_role("table", name=en("Result"))
    expect(result).to_be_visible()
    expect(result.get_by_role("rowheader")).to_have_count(3)
    assert axe_violations(projector) == []
