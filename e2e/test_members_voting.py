"""Members find, understand and cast their votes on a 360 px phone, in Ukrainian and Arabic."""

from playwright.sync_api import expect

from app.accounts import services as accounts
from app.auth import Role
from app.councils import services as councils
from app.demo import DEMO_PASSWORD, demo_council
from app.extensions import db
from app.voting.models import MajorityRule, PollMethod
from e2e.conftest import ARTIFACTS, PHONE, receipt, status

FIRST_SCREEN = PHONE["height"]


def test_the_rule_and_the_method_are_shown_to_members_and_on_the_projector(
    new_page, sign_in, words, demo
):
    uk = words("uk")
    page = new_page(PHONE)
    sign_in(page, "member03@demo.test", language="uk")
    secret = demo.poll("today", "secret")  # absolute majority, pseudo-anonymous
    page.goto(f"/councils/demo-city/polls/{secret}")
    main = page.get_by_role("main")
    rule = main.get_by_text(uk(MajorityRule.absolute.label))
    expect(rule).to_be_visible()
    needed = uk.pattern("%(needed)s of the %(entitled)s entitled members needed.")
    expect(main.get_by_text(needed)).to_be_visible()
    expect(main.get_by_text(uk(PollMethod.secret.label))).to_be_visible()
    # Above the buttons, where a member reads before choosing.
    first_button = main.get_by_role("button", name=uk("Yes"), exact=True)
    assert rule.bounding_box()["y"] < first_button.bounding_box()["y"]

    projector = new_page(PHONE, locale="uk-UA")
    projector.goto(f"/councils/demo-city/polls/{secret}/projector?lang=uk")
    expect(projector.get_by_text(uk(MajorityRule.absolute.label))).to_be_visible()
    expect(projector.get_by_text(needed)).to_be_visible()
    expect(projector.get_by_text(uk(PollMethod.secret.label))).to_be_visible()

    # A published result says what was needed, in numbers.
    page.goto(f"/councils/demo-city/polls/{demo.poll('past')}")
    expect(main.get_by_text(uk(MajorityRule.simple.label))).to_be_visible()
    expect(
        main.get_by_text(uk.pattern("%(needed)s of %(counted)s votes counted needed."))
    ).to_be_visible()
    expect(main.get_by_text(uk(PollMethod.named.label))).to_be_visible()


def test_a_member_lands_on_their_councils_with_the_open_votes_first(new_page, sign_in, words, demo):
    ar = words("ar")
    page = new_page(PHONE)
    sign_in(page, "member04@demo.test", language="ar")  # Samir writes in Arabic
    page.goto("/")
    page.get_by_role("navigation", name=ar("Your account")).get_by_role(
        "link", name=ar("Your councils")
    ).click()
    expect(page.get_by_role("heading", level=1, name=ar("Your councils"))).to_be_visible()
    secret = demo.poll_question(demo.poll("today", "secret"), "ar")
    vote = page.get_by_role("link", name=ar("Vote now: %(question)s", question=secret))
    expect(vote).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "start-page-ar-360.png", full_page=True)
    assert vote.bounding_box()["y"] + vote.bounding_box()["height"] <= FIRST_SCREEN
    today = page.get_by_role("link", name=demo.meeting_title("today", "ar"))
    expect(today).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0

    # Signing in again without a "next" lands here too.
    again = new_page(PHONE)
    sign_in(again, "member04@demo.test")
    expect(again.get_by_role("heading", level=1, name=ar("Your councils"))).to_be_visible()

    # On the meeting page, the open votes are on the first screen too.
    today.click()
    live = page.get_by_role("link", name=ar("Vote now: %(question)s", question=secret)).first
    expect(live).to_be_visible()
    page.screenshot(path=ARTIFACTS / "meeting-page-ar-360.png")
    assert live.bounding_box()["y"] + live.bounding_box()["height"] <= FIRST_SCREEN


def test_after_voting_each_poll_says_so_and_the_confirm_page_does_not_offer_it_again(
    new_page, sign_in, words, demo
):
    uk = words("uk")
    page = new_page(PHONE)
    sign_in(page, "member06@demo.test", language="uk")
    named, secret = demo.poll("today", "named"), demo.poll("today", "secret")
    named_q, secret_q = demo.poll_question(named, "uk"), demo.poll_question(secret, "uk")
    main = page.get_by_role("main")
    page.goto(demo.meeting_url("today"))
    main.get_by_role("link", name=uk("Vote now: %(question)s", question=named_q)).first.click()
    no = uk("No")
    main.get_by_role("button", name=no, exact=True).click()
    main.get_by_role("button", name=uk("Confirm my vote: %(choice)s", choice=no)).click()
    expect(
        receipt(page, uk.pattern("Your vote was recorded at %(time)s. It is final."))
    ).to_be_visible()
    # A roll call: the member sees their own choice; and the next vote to cast.
    expect(main.get_by_text(uk("You voted: %(choice)s", choice=no))).to_be_visible()
    next_vote = main.get_by_role("link", name=uk("Next open vote: %(question)s", question=secret_q))
    expect(next_vote).to_be_visible()

    # Back to the confirmation: nothing is pending any more, so the vote as it stands now,
    # with nothing to confirm.
    page.go_back()
    expect(main.get_by_text(uk("You have voted. Your vote is final."))).to_be_visible()
    confirm = uk.pattern("Confirm my vote: %(choice)s")
    expect(main.get_by_role("button", name=confirm)).to_have_count(0)

    page.goto(demo.meeting_url("today"))
    named_link = main.get_by_role("link", name=uk("Vote: %(question)s", question=named_q))
    expect(named_link.first).to_be_visible()
    expect(
        main.get_by_role("link", name=uk("Vote now: %(question)s", question=named_q))
    ).to_have_count(0)
    expect(main.get_by_text(uk("You voted: %(choice)s", choice=no)).first).to_be_visible()

    main.get_by_role("link", name=uk("Vote now: %(question)s", question=secret_q)).first.click()
    yes = uk("Yes")
    main.get_by_role("button", name=yes, exact=True).click()
    main.get_by_role("button", name=uk("Confirm my vote: %(choice)s", choice=yes)).click()
    expect(
        receipt(page, uk.pattern("Your vote was recorded at %(time)s. It is final."))
    ).to_be_visible()
    page.goto(demo.meeting_url("today"))
    expect(
        main.get_by_role("link", name=uk("Vote now: %(question)s", question=secret_q))
    ).to_have_count(0)
    # Pseudo-anonymous: "you voted", never how.
    expect(main.get_by_text(uk("You voted"), exact=True).first).to_be_visible()
    expect(main.get_by_text(uk("You voted: %(choice)s", choice=yes))).to_have_count(0)


def new_voting_member(live_app, email: str, locale: str) -> None:
    """A member of the demo council whom no other test marks present (or not)."""
    with live_app.app_context():
        user = accounts.create_user(email, "Walk-in Member", DEMO_PASSWORD, locale)
        councils.add_membership(demo_council(), user, Role.member, voting_right=True)
        db.session.commit()


def test_a_member_not_marked_present_learns_why_and_checks_in_from_the_qr_code(
    new_page, words, demo, live_app
):
    uk = words("uk")
    new_voting_member(live_app, "walk-in@demo.test", "uk")
    named = demo.poll("today", "named")
    projector = new_page(PHONE)
    projector.goto(f"/councils/demo-city/polls/{named}/projector?lang=uk")
    scanned = projector.get_by_role("link", name=uk("Scan to vote")).get_attribute("href")

    phone = new_page(PHONE, locale="uk-UA")  # signed out
    phone.goto(scanned)
    expect(phone.get_by_role("heading", level=1, name=uk("Sign in"))).to_be_visible()
    phone.get_by_label(uk("Email address")).fill("walk-in@demo.test")  # not marked present
    phone.get_by_label(uk("Password"), exact=True).fill(DEMO_PASSWORD)
    phone.get_by_role("button", name=uk("Sign in"), exact=True).click()
    main = phone.get_by_role("main")
    question = demo.poll_question(named, "uk")
    expect(phone.get_by_role("heading", level=1, name=question)).to_be_visible()
    expect(main.get_by_text(uk("You are not marked present at this meeting."))).to_be_visible()
    main.get_by_role("button", name=uk("I am here")).click()
    expect(status(phone, uk("You are marked present. Welcome!"))).to_be_visible()
    expect(phone.get_by_role("heading", level=1, name=question)).to_be_visible()
    expect(main.get_by_role("button", name=uk("Yes"), exact=True)).to_be_visible()


def test_go_back_is_well_apart_from_the_confirm_button(new_page, sign_in, words, demo):
    ar = words("ar")
    page = new_page(PHONE)
    sign_in(page, "member07@demo.test", language="ar")
    page.goto(f"/councils/demo-city/polls/{demo.poll('today', 'secret')}")
    main = page.get_by_role("main")
    no = ar("No")
    main.get_by_role("button", name=no, exact=True).click()
    confirm = main.get_by_role("button", name=ar("Confirm my vote: %(choice)s", choice=no))
    back = main.get_by_role("link", name=ar("Go back and choose again"))
    confirm_box, back_box = confirm.bounding_box(), back.bounding_box()
    gap = back_box["y"] - (confirm_box["y"] + confirm_box["height"])
    assert gap >= 32, f"only {gap}px between confirming and going back"
    assert back_box["height"] >= 44
