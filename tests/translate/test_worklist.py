"""The translator's worklist: most urgent first, by language, every page reachable, and cheap."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from app.auth import Role
from app.extensions import db
from app.i18n import Translated
from app.proposals import services as proposals
from app.proposals.models import ProposalState, Topic
from app.voting import services as voting
from tests.helpers import sign_in

WORKLIST = "/councils/council-a/translate"


@pytest.fixture
def council(make_council):
    return make_council("Council A", languages=["en", "ar", "uk"])


@pytest.fixture
def translator(app, council, make_user, add_member):
    user = make_user("translator@a.example")
    add_member(council, user, Role.translator)
    client = app.test_client()
    sign_in(client, user.email)
    return client


def submit(council, title, *, state=ProposalState.accepted, lang="en", key=None):
    proposal, _token = proposals.submit(
        council,
        proposals.Submission(title=title, body=f"{title}, please.", topic=Topic.other, lang=lang),
        author=None,
        address="192.0.2.1",
        submission_key=key or title,
    )
    if state is not ProposalState.submitted:
        proposals.change_state(proposal, state, answer="We will see.", lang="en")
    db.session.commit()
    return proposal


def headings(html: str) -> list[str]:
    """The titles on the worklist, in order (interface words and tags removed)."""
    return [
        re.sub(r"<[^>]+>", "", h).strip()
        for h in re.findall(r"<h2><a [^>]*>(.*?)</a></h2>", html, re.S)
    ]


def test_the_next_meeting_comes_first_then_what_the_council_asked_then_the_newest(
    app, council, translator, make_meeting
):
    older = submit(council, "Older proposal")
    older.created_at -= timedelta(days=30)
    submit(council, "Newer proposal")
    make_meeting(council, title="Later meeting", items=["Later item"], publish=True, days=20)
    make_meeting(council, title="Next meeting", items=["First item", "Second item"], publish=True)
    draft = make_meeting(council, title="Draft meeting", items=["Draft item"], days=40)
    draft.translators_asked_at = draft.created_at
    make_meeting(council, title="Private draft", items=["Private item"], days=3)
    db.session.commit()

    html = translator.get(WORKLIST).get_data(as_text=True)
    order = headings(html)
    assert order[:3] == ["Next meeting", "First item", "Second item"]
    assert order[3:5] == ["Draft meeting", "Draft item"]
    assert order.index("Newer proposal") < order.index("Older proposal")
    assert "Private draft" not in html and "Private item" not in html
    assert "Next meeting" in html and "Asked by the council" in html
    # Each agenda item says which meeting it belongs to.
    assert "Meeting: <span" in html and "Later meeting" in html


def test_declined_cancelled_and_private_records_are_left_out_public_answers_are_in(
    app, council, translator, make_meeting
):
    from app.meetings import services as meetings

    submit(council, "Declined one", state=ProposalState.declined)
    submit(council, "Waiting one", state=ProposalState.submitted)
    cancelled = make_meeting(council, title="Called off", items=["Gone item"], publish=True)
    meetings.cancel_meeting(cancelled, "The hall is flooded.", "en")
    answered = submit(council, "Answered one")
    db.session.commit()
    html = translator.get(WORKLIST).get_data(as_text=True)
    for hidden in ("Declined one", "Waiting one", "Called off", "Gone item", "Not ours"):
        assert hidden not in html
    answer = answered.events[-1]
    assert f"/translate/answer/{answer.id}?" in html
    assert 'Answer to “<bdi lang="en" dir="ltr">Answered one</bdi>”' in html


def test_a_language_filter_that_works_without_javascript(app, council, translator):
    both = submit(council, "Needs both")
    ukrainian = submit(council, "Needs Ukrainian")
    ukrainian.title = ukrainian.title.with_translation("ar", "يحتاج", by="x")
    ukrainian.body = ukrainian.body.with_translation("ar", "يحتاج", by="x")
    db.session.commit()
    html = translator.get(WORKLIST).get_data(as_text=True)
    assert '<form action="/councils/council-a/translate" method="get"' in html
    assert '<select class="input" id="to" name="to">' in html
    arabic = translator.get(f"{WORKLIST}?to=ar").get_data(as_text=True)
    assert "Needs both" in headings(arabic) and "Needs Ukrainian" not in headings(arabic)
    assert f"/translate/proposal/{both.id}?to=ar" in arabic
    assert '<option value="ar" lang="ar" selected>' in arabic
    assert "Needs Ukrainian" in headings(translator.get(f"{WORKLIST}?to=uk").get_data(as_text=True))
    # A language the council does not offer filters nothing.
    assert "Needs Ukrainian" in headings(translator.get(f"{WORKLIST}?to=xx").get_data(as_text=True))


def test_older_texts_stay_reachable_page_by_page(app, council, translator):
    for number in range(25):
        proposal = submit(council, f"Proposal number {number:02d}")
        proposal.created_at -= timedelta(hours=100 - number)
        for step in proposal.events:  # the answers are not what this test counts
            step.answer = Translated()
    db.session.commit()
    first = translator.get(WORKLIST).get_data(as_text=True)
    assert "Proposal number 24" in first and "Proposal number 00" not in first
    assert 'rel="next"' in first
    second = translator.get(f"{WORKLIST}?page=2").get_data(as_text=True)
    assert "Proposal number 00" in second and "Proposal number 24" not in second


def test_votes_are_on_the_worklist_with_their_options(app, council, translator, make_meeting):
    meeting = make_meeting(council, title="Vote meeting", items=["Playground"], publish=True)
    poll = voting.create_poll(
        meeting.items[0],
        voting.PollDetails(question="Which site?", lang="en", options=("North", "South")),
    )
    meeting.items[0].title = meeting.items[0].title.with_translation("ar", "ملعب", by="x")
    meeting.items[0].title = meeting.items[0].title.with_translation("uk", "Майданчик", by="x")
    poll.question = poll.question.with_translation("ar", "أي موقع؟", by="x")
    poll.question = poll.question.with_translation("uk", "Яке місце?", by="x")
    db.session.commit()
    html = translator.get(WORKLIST).get_data(as_text=True)
    assert "Which site?" in html  # its options still lack Arabic and Ukrainian
    assert f"/translate/poll/{poll.id}?to=ar" in html


def statements_for(app, client, url) -> int:
    count = 0

    def counted(*_args):
        nonlocal count
        count += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", counted)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return count


def test_the_worklist_costs_the_same_number_of_statements_for_any_number_of_meetings(
    app, council, translator, make_meeting
):
    def add_meeting(number):
        meeting = make_meeting(
            council, title=f"Meeting {number}", items=["One", "Two"], publish=True, days=number
        )
        voting.create_poll(meeting.items[0], voting.PollDetails(question="Agree?", lang="en"))
        submit(council, f"Proposal {number}")

    add_meeting(1)
    db.session.commit()
    few = statements_for(app, translator, WORKLIST)
    for number in range(2, 9):
        add_meeting(number)
    db.session.commit()
    many = statements_for(app, translator, WORKLIST)
    assert many <= few, (few, many)  # one statement per kind of text on the page, at most


def test_an_outcomes_summary_is_on_the_worklist_and_translated_beside_its_original(
    app, council, translator, make_meeting
):
    from app.voting import outcomes

    meeting = make_meeting(council, items=["Parks"], start=True)
    outcome = outcomes.record_outcome(
        meeting.items[0],
        outcomes.OutcomeDetails(kind="discussed", summary="More benches, fewer cars.", lang="en"),
        actor=None,
    )
    db.session.commit()
    html = translator.get(WORKLIST).get_data(as_text=True)
    assert "Outcome" in html and f"/translate/outcome/{outcome.id}" in html
    url = f"/councils/council-a/translate/outcome/{outcome.id}?to=ar"
    page = translator.get(url).get_data(as_text=True)
    assert "More benches, fewer cars." in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    translator.post(url, data={"csrf_token": token, "text-summary": "مقاعد أكثر، سيارات أقل."})
    db.session.expire_all()
    assert outcome.summary.get("ar") == "مقاعد أكثر، سيارات أقل."
    shown = app.test_client().get(f"/councils/council-a/meetings/{meeting.id}?lang=ar")
    assert "مقاعد أكثر، سيارات أقل." in shown.get_data(as_text=True)


def test_a_text_leaves_the_worklist_once_translated_into_every_language(app, council, translator):
    proposal = submit(council, "Bike racks")
    for step in proposal.events:  # only the proposal itself counts here
        step.answer = Translated()
    db.session.commit()
    url = f"/councils/council-a/translate/proposal/{proposal.id}"
    for lang, title, body in (
        ("ar", "رفوف الدراجات", "رفوف، من فضلكم."),
        ("uk", "Велосипеди", "Так."),
    ):
        assert "Bike racks" in headings(translator.get(WORKLIST).get_data(as_text=True))
        page = translator.get(f"{url}?to={lang}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = {"csrf_token": token, "text-title": title, "text-body": body}
        assert translator.post(f"{url}?to={lang}", data=data).status_code == 302
    assert "Bike racks" not in headings(translator.get(WORKLIST).get_data(as_text=True))
    # Removing a translation puts the text back, for that language only.
    db.session.expire_all()
    proposal.body = proposal.body.with_translation("uk", "", by="x")
    db.session.commit()
    assert "Bike racks" in headings(translator.get(f"{WORKLIST}?to=uk").get_data(as_text=True))
    assert "Bike racks" not in headings(translator.get(f"{WORKLIST}?to=ar").get_data(as_text=True))


def test_pages_go_back_and_forth_without_counting_the_list(app, council, translator):
    for number in range(23):
        submit(council, f"Proposal {number}")
    db.session.commit()
    # 23 proposals and their 23 public answers: three pages of twenty.
    second = translator.get(f"{WORKLIST}?page=2").get_data(as_text=True)
    assert "Page 2</span>" in second and 'rel="prev"' in second and 'rel="next"' in second
    last = translator.get(f"{WORKLIST}?page=3").get_data(as_text=True)
    assert "Page 3</span>" in last and 'rel="prev"' in last and 'rel="next"' not in last
    assert len(headings(last)) == 6
    assert translator.get(f"{WORKLIST}?page=4").status_code == 404


def test_every_page_holds_the_same_texts_in_the_same_order_as_the_whole_list(
    app, council, translator, make_meeting
):
    """A page reads each kind's newest texts only: cut anywhere, it must be the slice of the
    whole list (urgent texts, then every kind mixed by date)."""
    from app.translate.worklist import Worklist

    make_meeting(council, title="Next", items=["Budget", "Parks"], publish=True, days=2)
    asked = make_meeting(council, title="Asked draft", items=["Draft item"], days=30)
    asked.translators_asked_at = asked.created_at
    for number in range(6):
        meeting = make_meeting(
            council, title=f"Later {number}", items=["One", "Two"], publish=True, days=5 + number
        )
        voting.create_poll(meeting.items[0], voting.PollDetails(question="Agree?", lang="en"))
        proposal = submit(council, f"Proposal {number}")
        proposal.created_at -= timedelta(days=number * 3)
    db.session.commit()
    work = Worklist(council)
    whole = work.keys(0, 10_000)
    assert len(whole) > 30
    for per_page in (1, 4, 7):
        for offset in range(0, len(whole), per_page):
            assert work.keys(offset, per_page) == whole[offset : offset + per_page]
