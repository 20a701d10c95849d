"""Translators: the council shares a draft agenda, a translator translates it from the worklist;
members read translated vote questions."""

import re
from datetime import date, time, timedelta

from playwright.sync_api import expect

from app.demo import demo_council
from app.demo.data import PROPOSAL_QUESTION
from app.extensions import db
from app.i18n import endonym
from app.meetings import services as meetings
from e2e.conftest import PHONE, axe_violations, status

ITEM = "Opening hours of the sports hall"


def draft_meeting(live_app) -> str:
    """A draft the secretary is preparing, with one agenda item in English."""
    with live_app.app_context():
        council = demo_council()
        draft = meetings.create_meeting(
            council,
            meetings.MeetingDetails(
                title="Sports hearing",
                lang="en",
                day=date.today() + timedelta(days=30),
                starts=time(18),
                ends=time(20),
            ),
        )
        meetings.add_item(draft, title=ITEM, lang="en", kind="discussion")
        db.session.commit()
        return f"/councils/{council.slug}/meetings/{draft.id}"


def test_a_translator_in_ukrainian_translates_a_draft_agenda_the_council_shared(
    new_page, sign_in, words, demo, live_app
):
    uk = words("uk")
    meeting_url = draft_meeting(live_app)

    translator = new_page(PHONE, javascript=False)
    sign_in(translator, "translator@demo.test", language="uk")
    translator.goto("/councils/demo-city/translate")
    expect(translator.get_by_role("link", name=ITEM)).to_have_count(0)  # not shared yet

    secretary = new_page(PHONE, javascript=False)
    sign_in(secretary, "secretary@demo.test", language="uk")
    secretary.goto(meeting_url)
    secretary.get_by_role("button", name=uk("Ask the translators to translate this")).click()
    shared = uk("The translators can now see this draft and its agenda, and translate them.")
    expect(status(secretary, shared)).to_be_visible()
    expect(
        secretary.get_by_role("button", name=uk("Stop sharing with the translators"))
    ).to_be_visible()

    # The worklist, only what is missing in Ukrainian: a GET form, no JavaScript needed.
    translator.goto("/")
    translator.get_by_role("link", name=demo.council_name("uk")).click()
    translator.get_by_role("link", name=uk("Texts to translate")).first.click()
    translator.get_by_label(uk("Missing in")).select_option("uk")
    translator.get_by_role("button", name=uk("Show"), exact=True).click()
    assert "to=uk" in translator.url
    entry = translator.get_by_role("listitem").filter(
        has=translator.get_by_role("link", name=ITEM, exact=True)
    )
    expect(entry.get_by_text(uk("Asked by the council"))).to_be_visible()
    expect(entry.get_by_text(re.compile("Sports hearing"))).to_be_visible()  # its meeting
    checked = new_page(PHONE, signed_in_as=translator)  # axe needs JavaScript
    checked.goto(translator.url)
    assert axe_violations(checked) == []
    entry.get_by_role("link", name=ITEM, exact=True).click()

    language = endonym("uk")
    heading = uk("Translate into %(language)s", language=language)
    expect(translator.get_by_role("heading", level=1, name=heading)).to_be_visible()
    expect(
        translator.get_by_text(uk("Machine draft for “%(field)s”", field=uk("Title")))
    ).to_have_count(0)
    field = uk("%(field)s in %(language)s", field=uk("Title"), language=language)
    translator.get_by_label(field, exact=True).fill("Години роботи спортзалу")
    translator.get_by_role("button", name=uk("Save the translation")).click()
    expect(status(translator, uk("The translation is saved."))).to_be_visible()

    translator.goto("/councils/demo-city/translate?to=uk")
    expect(translator.get_by_role("link", name=ITEM, exact=True)).to_have_count(0)


def test_a_member_reads_the_vote_question_in_arabic_and_finds_what_it_decides(
    new_page, sign_in, words, demo
):
    ar = words("ar")
    page = new_page(PHONE, javascript=False)
    sign_in(page, "member04@demo.test", language="ar")
    page.goto(demo.meeting_url("today"))
    question = PROPOSAL_QUESTION["ar"]
    # Named twice: at the top ("waiting for your vote") and on the agenda.
    page.get_by_role("link", name=ar("Vote now: %(question)s", question=question)).first.click()
    heading = page.get_by_role("heading", level=1, name=question)
    expect(heading).to_be_visible()
    expect(heading).to_have_attribute("lang", "ar")
    expect(heading).to_have_attribute("dir", "rtl")
    expect(page.get_by_text(ar("Agenda item:"))).to_be_visible()
    expect(page.get_by_text(ar("Decides on the proposal:"))).to_be_visible()
    checked = new_page(PHONE, signed_in_as=page)  # axe needs JavaScript
    checked.goto(page.url)
    assert axe_violations(checked) == []
    page.get_by_text(ar("Decides on the proposal:")).get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/proposals/\d+$"))
