"""axe-core finds nothing on any page, signed in or out, in English and Arabic, on a phone and
a desktop; no page scrolls sideways at 320 px."""

import io
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.accounts import services as accounts
from app.councils import services as councils
from app.councils.models import Council
from app.extensions import db
from app.meetings import services as meetings
from app.proposals import services as proposals
from e2e.conftest import DESKTOP, PHONE, axe_violations, sign_in

PUBLIC_PAGES = [
    "/",
    "/councils/demo-city",
    "/sign-in",
    "/forgot-password",
    "/no-such-page",
    "/councils/demo-city/meetings",
    "/councils/demo-city/meetings/1",
    "/councils/demo-city/meetings/2",
    "/councils/demo-city/meetings/3",
    "/councils/demo-city/proposals",
    "/councils/demo-city/proposals?q=zzz&topic=health",
    "/councils/demo-city/proposals/new",
    "/councils/demo-city/proposals/1",
    "/councils/demo-city/proposals/3",
    "/councils/demo-city/proposals/track/{tracking}",
    "/councils/demo-city/polls/1",
    "/councils/demo-city/polls/1/projector",
    "/councils/demo-city/polls/3/projector",
    "/councils/demo-city/decisions",
]
MEMBER_PAGES = [
    "/profile",
    "/profile/password",
    "/councils/demo-city/members",
    "/councils/demo-city/meetings/2",
    "/councils/demo-city/polls/3",
    "/councils/demo-city/polls/3/confirm?choice=yes",
    "/councils/demo-city/polls/4",
]
SECRETARY_PAGES = [
    "/councils/demo-city/members",
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
    "/councils/demo-city/meetings/2/attendance",
    "/councils/demo-city/meetings/2/close",
    "/councils/demo-city/meetings/3/start",
    "/councils/demo-city/meetings/3/cancel",
    "/councils/demo-city/proposals/review",
    "/councils/demo-city/proposals/6",
    "/councils/demo-city/proposals/6/answer",
    "/councils/demo-city/proposals/1/answer",
    "/councils/demo-city/proposals/1/edit",
    "/councils/demo-city/polls/3",
    "/councils/demo-city/polls/3/close",
    "/councils/demo-city/meetings/2/items/6/polls/new",
]
TRANSLATOR_PAGES = [
    "/councils/demo-city",
    "/councils/demo-city/translate",
    "/councils/demo-city/translate/proposal/1?to=uk",
    "/councils/demo-city/translate/meeting/2?to=fr",
    "/councils/demo-city/translate/council/1?to=ar",
    "/councils/demo-city/proposals/2",
]
ADMIN_PAGES = ["/admin/users", "/admin/councils/new", "/admin/users/{user}/deactivate"]


@pytest.fixture(scope="module")
def ids(live_app):
    with live_app.app_context():
        council = db.session.scalar(select(Council).filter_by(slug="demo-city"))
        member = next(
            m for m in council.current_memberships if m.user.email == "member05@demo.test"
        )
        secretary = next(m for m in council.current_memberships if m.role == "secretary")
        invitation = councils.create_invitation(
            council, "newcomer@demo.test", "member", voting_right=True, actor=secretary.user
        )
        reset = accounts.create_password_reset(member.user)
        draft = meetings.create_meeting(
            council,
            meetings.MeetingDetails(
                title="Draft meeting",
                lang="en",
                day=date.today() + timedelta(days=40),
                starts=time(18),
                ends=time(20),
            ),
        )
        item = meetings.add_item(draft, title="First item", lang="en", kind="decision")
        upload = FileStorage(stream=io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="agenda.pdf")
        document = meetings.store_document(draft, upload, item=item, actor=None)
        proposal, tracking = proposals.submit(
            council,
            proposals.Submission(title="طلب", body="نص", topic="health", lang="ar"),
            author=None,
            address="e2e",
            submission_key="e2e-accessibility",
        )
        proposals.change_state(
            proposal, "changes_requested", answer="Please add details.", actor=secretary.user
        )
        db.session.commit()
        return {
            "tracking": tracking,
            "membership": member.id,
            "user": member.user_id,
            "invitation": invitation,
            "reset": reset,
            "draft": draft.id,
            "item": item.id,
            "document": document.id,
        }


def check(page, path: str, locale: str) -> None:
    response = page.goto(f"{path}{'&' if '?' in path else '?'}lang={locale}")
    assert response.status in (200, 404), f"{path}: {response.status}"
    assert page.locator("html").get_attribute("dir") == ("rtl" if locale == "ar" else "ltr")
    assert page.locator("h1").count() == 1, path
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
def test_signed_in_pages(new_page, ids, locale, viewport):
    page = new_page(viewport)
    sign_in(page, "member01@demo.test")
    for path in MEMBER_PAGES:
        check(page, path, locale)
    page = new_page(viewport)
    sign_in(page, "secretary@demo.test")
    for path in SECRETARY_PAGES:
        check(page, path.format(**ids), locale)
    page = new_page(viewport)
    sign_in(page, "translator@demo.test")
    for path in TRANSLATOR_PAGES:
        check(page, path, locale)
    page = new_page(viewport)
    sign_in(page, "admin@demo.test")
    for path in ADMIN_PAGES:
        check(page, path.format(**ids), locale)


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_pages_with_form_errors(new_page, locale):
    page = new_page(PHONE)
    page.goto(f"/sign-in?lang={locale}")
    page.locator("main button[type=submit]").click()
    assert page.locator(".error-summary").is_visible()
    # The summary takes focus so a screen reader announces it first.
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert axe_violations(page) == []


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_no_sideways_scrolling_at_320px(new_page, ids, locale):
    page = new_page({"width": 320, "height": 640})
    sign_in(page, "secretary@demo.test")
    for path in PUBLIC_PAGES + [
        "/councils/demo-city/members",
        "/councils/demo-city/edit",
        "/profile",
    ]:
        path = path.format(**ids)
        page.goto(f"{path}{'&' if '?' in path else '?'}lang={locale}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"


def test_buttons_and_links_in_forms_are_big_enough(new_page):
    page = new_page(PHONE)
    page.goto("/sign-in")
    for element in page.locator(
        "main form button, main form input:not([type=hidden]), main .button"
    ).all():
        box = element.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, element.evaluate("e => e.outerHTML")
