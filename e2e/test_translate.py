"""Translators: the council shares a draft agenda, a translator translates it from the worklist;
members read translated vote questions."""

import re
import uuid
from datetime import date, time, timedelta

from playwright.sync_api import expect

from app.auth import Role
from app.database import utcnow
from app.demo import demo_council
from app.demo.data import PROPOSAL_QUESTION
from app.extensions import db
from app.i18n import endonym
from app.meetings import services as meetings
from app.proposals import services as proposals
from app.proposals.models import ProposalState
from e2e.conftest import DESKTOP, PHONE, axe_violations, status

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


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


def published_meeting(live_app, title: str, *, days: int, start: bool = False) -> str:
    """A published meeting `days` from today with one decision in English, as the secretary
    plans it; today's may be started (it is then the meeting in progress)."""
    with live_app.app_context():
        council = demo_council()
        secretary = next(m.user for m in council.current_memberships if m.role is Role.secretary)
        day = meetings.to_local(council, utcnow()).date() + timedelta(days=days)
        meeting = meetings.create_meeting(
            council,
            meetings.MeetingDetails(
                title=title,
                lang="en",
                day=day,
                starts=time(0, 0) if days == 0 else time(18),
                ends=time(23, 59) if days == 0 else time(20),
            ),
            allow_past=days == 0,
            actor=secretary,
        )
        meetings.add_item(
            meeting, title=f"Decide on {title}", lang="en", kind="decision", actor=secretary
        )
        meetings.publish_meeting(meeting, actor=secretary)
        if start:
            meetings.start_meeting(meeting, actor=secretary)
        db.session.commit()
        return f"/councils/{council.slug}/meetings/{meeting.id}"


def resident_proposal(live_app, title: str, lang: str, *, then=(), asked=False) -> int:
    """A resident's proposal, moved through `then` ((state, answer) pairs) by the secretary;
    `asked`: shared with the translators while under review."""
    with live_app.app_context():
        council = demo_council()
        secretary = next(m.user for m in council.current_memberships if m.role is Role.secretary)
        proposal, _ = proposals.submit(
            council,
            proposals.Submission(title=title, body=f"{title}.", topic="other", lang=lang),
            author=None,
            address="e2e-translate",
            submission_key=f"e2e-translate-{title}",
        )
        if asked:
            proposals.ask_translators(proposal, True, actor=secretary)
        for state, answer in then:
            proposals.change_state(proposal, state, answer=answer, lang="en", actor=secretary)
        db.session.commit()
        return proposal.id


def test_a_vote_question_is_written_in_arabic_and_translated_from_the_worklist(
    new_page, sign_in, words, live_app
):
    """The prepare-vote form once saved an Arabic question as English (the language defaulted
    to English) and offered the item's title as the question; votes were not translatable."""
    ar, uk = words("ar"), words("uk")
    title = unique("Tram stop")
    meeting_url = published_meeting(live_app, title, days=20)
    chair = new_page(PHONE)
    sign_in(chair, "chair@demo.test", language="ar")
    chair.goto(meeting_url)
    item = f"Decide on {title}"
    chair.get_by_role("link", name=ar("Prepare a vote on “%(title)s”", title=item)).click()
    main = chair.get_by_role("main")
    expect(main.get_by_label(ar("Language of the texts below"))).to_have_value("ar")
    question = main.get_by_label(ar("Question"), exact=True)
    expect(question).to_have_value("")
    arabic = f"هل نضيف محطة ترام؟ {title[-6:]}"
    question.fill(arabic)
    main.get_by_role("button", name=ar("Prepare the vote")).click()
    expect(
        status(chair, ar("The vote is prepared. Open it when the council is ready."))
    ).to_be_visible()
    heading = chair.get_by_role("heading", level=1, name=arabic)
    expect(heading).to_have_attribute("lang", "ar")
    poll_url = re.sub(r"[?#].*", "", chair.url)

    # The translator finds the vote on the worklist, with its meeting named.
    translator = new_page(PHONE, javascript=False)
    sign_in(translator, "translator@demo.test", language="uk")
    translator.goto("/councils/demo-city/translate?to=uk")
    entry = translator.get_by_role("listitem").filter(
        has=translator.get_by_role("link", name=arabic, exact=True)
    )
    expect(entry.get_by_text(uk("Vote"), exact=False)).to_be_visible()
    expect(entry.get_by_text(re.compile(re.escape(title)))).to_be_visible()
    entry.get_by_role("link", name=arabic, exact=True).click()
    field = uk("%(field)s in %(language)s", field=uk("Question"), language=endonym("uk"))
    ukrainian = f"Чи додаємо зупинку трамвая? {title[-6:]}"
    translator.get_by_label(field, exact=True).fill(ukrainian)
    translator.get_by_role("button", name=uk("Save the translation")).click()
    expect(status(translator, uk("The translation is saved."))).to_be_visible()

    reader = new_page(PHONE)
    sign_in(reader, "secretary@demo.test", language="uk")
    reader.goto(poll_url)
    expect(reader.get_by_role("heading", level=1, name=ukrainian)).to_have_attribute("lang", "uk")


def test_a_resident_reads_the_councils_answer_in_arabic_or_knows_it_is_coming(
    new_page, sign_in, words, live_app
):
    """Answers stayed in the secretary's language on Arabic pages, with no word about it."""
    en, ar = words("en"), words("ar")
    title = f"مقاعد في الحديقة {uuid.uuid4().hex[:6]}"
    proposal_id = resident_proposal(live_app, title, "ar")
    secretary = new_page(DESKTOP)
    sign_in(secretary, "secretary@demo.test", language="en")
    secretary.goto("/councils/demo-city/proposals/review")
    card = secretary.get_by_role("listitem").filter(
        has=secretary.get_by_role("heading", name=title, exact=True)
    )
    card.get_by_role("link", name=en("Review")).click()
    main = secretary.get_by_role("main")
    # The author reads the answer first: it starts in the proposal's language.
    language = main.get_by_label(en("Language of the answer"))
    expect(language).to_have_value("ar")
    language.select_option("en")  # this secretary writes English
    answer = "Thank you: the parks team will add benches in spring."
    main.get_by_label(en("Answer from the council")).fill(answer)
    main.get_by_role("button", name=en("Accept"), exact=True).click()
    accepted = en(ProposalState.accepted.label)
    expect(
        status(secretary, en("Saved: the proposal is now “%(state)s”.", state=accepted))
    ).to_be_visible()

    resident = new_page(PHONE, javascript=False, locale="ar")
    resident.goto(f"/councils/demo-city/proposals/{proposal_id}?lang=ar")
    pending = ar.pattern(
        "Translation into %(language)s pending. This is the original, in %(original)s.",
        language=endonym("ar"),
    )
    expect(resident.get_by_text(answer)).to_be_visible()
    expect(resident.get_by_text(pending)).to_be_visible()

    translator = new_page(DESKTOP)
    sign_in(translator, "translator@demo.test", language="en")
    translator.goto("/councils/demo-city/translate?to=ar")
    # The next meeting's texts come first: other tests may have filled page 1 with them.
    entry = translator.get_by_role("link", name=en("Answer to “%(title)s”", title=title))
    while not entry.count():
        translator.get_by_role("link", name=en("Next page")).click()
    entry.click()
    field = en(
        "%(field)s in %(language)s", field=en("Answer from the council"), language=endonym("ar")
    )
    arabic = "شكرًا: سيضيف فريق الحدائق مقاعد في الربيع."
    translator.get_by_label(field, exact=True).fill(arabic)
    translator.get_by_role("button", name=en("Save the translation")).click()
    expect(status(translator, en("The translation is saved."))).to_be_visible()

    resident.reload()
    expect(resident.get_by_text(arabic)).to_be_visible()
    expect(resident.get_by_text(pending)).to_have_count(0)
    checked = new_page(PHONE, locale="ar")
    checked.goto(resident.url)
    assert axe_violations(checked) == []


def test_the_worklist_puts_the_next_meeting_first_and_leaves_out_what_is_private(
    new_page, sign_in, words, live_app
):
    en = words("en")
    soon, later = unique("Meeting in progress"), unique("Autumn plenary")
    published_meeting(live_app, soon, days=0, start=True)
    published_meeting(live_app, later, days=40)
    declined = unique("Declined after sharing")
    resident_proposal(
        live_app, declined, "en", asked=True, then=[(ProposalState.declined, "Not ours.")]
    )
    private = unique("Changes asked")
    resident_proposal(
        live_app,
        private,
        "en",
        asked=True,
        then=[(ProposalState.changes_requested, "Which street do you mean?")],
    )

    translator = new_page(DESKTOP)
    sign_in(translator, "translator@demo.test", language="en")
    translator.goto("/councils/demo-city/translate")
    entries = translator.get_by_role("main").get_by_role("listitem")
    expect(entries.first).to_be_visible()
    ranks = []
    for entry in entries.all():
        said = entry.inner_text()
        ranks.append(
            0 if en("Next meeting") in said else 1 if en("Asked by the council") in said else 2
        )
    assert ranks[0] == 0 and ranks == sorted(ranks), ranks
    later_item = entries.filter(has=translator.get_by_role("link", name=f"Decide on {later}"))
    expect(later_item).to_have_count(1)
    expect(later_item.get_by_text(en("Next meeting"))).to_have_count(0)

    # Shared, then declined: gone. Shared, then asked for changes: the text, not the answer.
    expect(translator.get_by_role("link", name=declined)).to_have_count(0)
    expect(translator.get_by_role("link", name=private, exact=True)).to_be_visible()
    answer = en("Answer to “%(title)s”", title=private)
    expect(translator.get_by_role("link", name=answer)).to_have_count(0)
