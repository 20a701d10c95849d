"""Decisions are taken on purpose: nothing is preselected, every consequential step is named
and confirmed, and what a closed meeting's votes say never changes afterwards.

Each journey sets up its own meeting or proposal (the demo's are shared by the other tests of
the process), then walks the path as the secretary or the chair would, on a desktop."""

import uuid
from datetime import time, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from playwright.sync_api import expect

from app.auth import Role
from app.database import utcnow
from app.demo import demo_council
from app.extensions import db
from app.i18n import format_local
from app.meetings import services as meetings
from app.meetings.models import Meeting, Presence
from app.proposals import services as proposals
from app.proposals.models import ProposalState
from app.voting import services as voting
from e2e.conftest import DESKTOP, PHONE, axe_violations, status

#: Screenshots a person reviews (not compared by any test); ignored by git.
ARTIFACTS = Path(__file__).parent / "artifacts"


class Setup:
    """Records one journey starts from, made through the services as the demo's are."""

    def __init__(self, app):
        self.app = app

    def _officer(self, role: Role):
        council = demo_council()
        return next(m.user for m in council.current_memberships if m.role is role)

    def meeting(self, title: str, *, days: int, start=False, present=0) -> int:
        """A published meeting of the demo council, `days` from today in the council's zone,
        started (today's only) with `present` voting members in the room."""
        with self.app.app_context():
            council = demo_council()
            secretary = self._officer(Role.secretary)
            day = meetings.to_local(council, utcnow()).date()
            details = meetings.MeetingDetails(
                title=title,
                lang="en",
                day=day + timedelta(days=days),
                starts=time(0, 0) if days == 0 else time(18, 0),
                ends=time(23, 59) if days == 0 else time(20, 0),
            )
            meeting = meetings.create_meeting(
                council, details, allow_past=days == 0, actor=secretary
            )
            meetings.add_item(
                meeting, title=f"Decide on {title}", lang="en", kind="decision", actor=secretary
            )
            meetings.publish_meeting(meeting, actor=secretary)
            if start:
                meetings.start_meeting(meeting, actor=secretary)
                for membership in council.voting_memberships[:present]:
                    meetings.set_presence(meeting, membership, Presence.present, actor=secretary)
            db.session.commit()
            return meeting.id

    def open_vote(self, meeting_id: int, question: str, *, votes: int) -> int:
        """A named vote, opened with quorum, and `votes` members' ballots in it (their
        addresses in `self.voters`)."""
        with self.app.app_context():
            meeting = db.session.get(Meeting, meeting_id)
            chair = self._officer(Role.chair)
            details = voting.PollDetails(question=question, lang="en")
            poll = voting.create_poll(meeting.items[0], details, actor=chair)
            voting.open_poll(poll, actor=chair)
            self.voters = []
            for membership in voting.entitled_memberships(poll)[:votes]:
                voting.cast_vote(poll, membership, "yes", actor=membership.user)
                self.voters.append(membership.user.email)
            db.session.commit()
            return poll.id

    def proposal(self, title: str, state: ProposalState) -> None:
        with self.app.app_context():
            council = demo_council()
            proposal, _ = proposals.submit(
                council,
                proposals.Submission(title=title, body=f"About {title}.", topic="other", lang="en"),
                author=None,
                address="e2e-decisions",
                submission_key=f"e2e-decisions-{title}",
            )
            if state is ProposalState.accepted:
                secretary = self._officer(Role.secretary)
                proposals.change_state(proposal, state, actor=secretary)
            db.session.commit()

    def local_date(self, meeting_id: int, locale: str) -> str:
        """The meeting's day as the interface says it in `locale`."""
        with self.app.test_request_context(), force_locale(locale):
            meeting = db.session.get(Meeting, meeting_id)
            return format_local(meeting.starts_at, meeting.council.timezone, "full", "date")


@pytest.fixture
def setup(live_app):
    return Setup(live_app)


def unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


def review_card(page, t, title: str):
    """The secretary's way in: the council's review queue, then the proposal's card."""
    page.goto("/councils/demo-city/proposals/review")
    heading = page.get_by_role("heading", name=title, exact=True)
    return page.get_by_role("listitem").filter(has=heading)


def test_putting_an_accepted_proposal_on_an_agenda_schedules_it(new_page, sign_in, words, setup):
    fr = words("fr")
    title, meeting_title = unique("Benches in the park"), unique("Plenary on benches")
    setup.proposal(title, ProposalState.accepted)
    meeting_id = setup.meeting(meeting_title, days=9)
    page = new_page(DESKTOP)
    sign_in(page, "secretary@demo.test", language="fr")
    review_card(page, fr, title).get_by_role("link", name=fr("Put on an agenda")).click()

    # Nothing is chosen for the secretary: each step is its own button, named in full.
    main = page.get_by_role("main")
    expect(main.get_by_role("radio")).to_have_count(0)
    schedule = main.get_by_role(
        "button",
        name=fr(
            "Put on the agenda of “%(meeting)s”, %(date)s",
            meeting=meeting_title,
            date=setup.local_date(meeting_id, "fr"),
        ),
    )
    expect(schedule).to_be_visible()
    expect(main.get_by_role("button", name=fr("Decline"), exact=True)).to_be_visible()
    main.get_by_label(fr("Answer from the council")).fill("Nous en discuterons en séance.")
    schedule.click()

    scheduled = fr(ProposalState.scheduled.label)
    expect(
        status(page, fr("Saved: the proposal is now “%(state)s”.", state=scheduled))
    ).to_be_visible()
    expect(page.get_by_role("main").get_by_text(scheduled, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=meeting_title)).to_be_visible()


def test_a_new_proposal_is_declined_only_after_a_confirmation(new_page, sign_in, words, setup):
    en = words("en")
    title = unique("Night bus to the port")
    setup.proposal(title, ProposalState.submitted)
    page = new_page(DESKTOP)
    sign_in(page, "secretary@demo.test", language="en")
    review_card(page, en, title).get_by_role("link", name=en("Review")).click()
    main = page.get_by_role("main")
    for name in ("Accept", "Ask for changes", "Decline"):
        expect(main.get_by_role("button", name=en(name), exact=True)).to_be_visible()
    expect(main.get_by_role("radio")).to_have_count(0)

    # Asking for changes without saying which fails, and keeps the language chosen.
    main.get_by_label(en("Language of the answer")).select_option("fr")
    main.get_by_role("button", name=en("Ask for changes"), exact=True).click()
    expect(page.get_by_role("alert", name=en("There is a problem"))).to_be_visible()
    expect(main.get_by_label(en("Language of the answer"))).to_have_value("fr")

    answer = "Ce service relève de la région."
    main.get_by_label(en("Answer from the council")).fill(answer)
    main.get_by_role("button", name=en("Decline"), exact=True).click()
    # A confirmation that repeats the answer; the way back keeps it.
    expect(page.get_by_role("heading", level=1, name=en("Decline this proposal?"))).to_be_visible()
    expect(main.get_by_text(answer)).to_be_visible()
    assert axe_violations(page) == []
    main.get_by_role("button", name=en("Change the answer")).click()
    expect(main.get_by_label(en("Answer from the council"))).to_have_value(answer)
    main.get_by_role("button", name=en("Decline"), exact=True).click()
    main.get_by_role("button", name=en("Decline the proposal")).click()

    declined = en(ProposalState.declined.label)
    expect(
        status(page, en("Saved: the proposal is now “%(state)s”.", state=declined))
    ).to_be_visible()


def test_the_answer_form_in_arabic_on_a_phone(new_page, sign_in, words, setup):
    ar = words("ar")
    title = unique("Library hours")
    setup.proposal(title, ProposalState.accepted)
    page = new_page(PHONE)
    sign_in(page, "secretary@demo.test", language="ar")
    review_card(page, ar, title).get_by_role("link", name=ar("Put on an agenda")).click()
    expect(page.get_by_role("heading", level=1, name=ar("Answer a proposal"))).to_be_visible()
    assert axe_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "answer-form-ar-360.png", full_page=True)


def test_closing_a_meeting_settles_its_open_vote_first(new_page, sign_in, words, setup):
    en = words("en")
    meeting_title, question = unique("Evening meeting"), unique("Adopt the budget?")
    meeting_id = setup.meeting(meeting_title, days=0, start=True, present=8)
    poll_id = setup.open_vote(meeting_id, question, votes=5)
    chair = new_page(DESKTOP)
    sign_in(chair, "chair@demo.test", language="en")
    chair.goto(f"/councils/demo-city/meetings/{meeting_id}")
    main = chair.get_by_role("main")

    # Closing is not one more big button next to the attendance sheet.
    attendance = main.get_by_role("link", name=en("Record attendance"))
    beside = attendance.locator("xpath=..").get_by_role("link", name=en("Close the meeting"))
    expect(beside).to_have_count(0)
    main.get_by_role("link", name=en("Close the meeting")).click()

    # The open vote is named, with the two ways on.
    expect(main.get_by_text(question)).to_be_visible()
    expect(main.get_by_role("link", name=en("Go back to the meeting"))).to_be_visible()
    main.get_by_role("button", name=en("Close the open votes and the meeting")).click()
    expect(status(chair, en("The meeting is closed."))).to_be_visible()

    # The vote closed with the room as it was: 5 of 8 present voted, quorum was there.
    chair.goto(f"/councils/demo-city/polls/{poll_id}")
    result = chair.get_by_role("main")
    entitled = en(
        "%(cast)s votes cast; %(entitled)s members were entitled to vote.", cast=5, entitled=8
    )
    expect(result.get_by_text(entitled)).to_be_visible()
    not_reached = en("Quorum was not reached when the vote closed: this vote does not decide.")
    expect(result.get_by_text(not_reached)).to_have_count(0)
    said = chair.request.get(f"/councils/demo-city/polls/{poll_id}/status.json").json()
    assert (said["ballots"], said["entitled"]) == (5, 8)

    # A member who voted is not told afterwards that they were never entitled.
    member = new_page(PHONE)
    sign_in(member, setup.voters[-1], language="en")
    member.goto(f"/councils/demo-city/polls/{poll_id}")
    expect(member.get_by_role("main").get_by_text(entitled)).to_be_visible()
    not_entitled = en("You are not entitled to vote in this poll.")
    expect(member.get_by_role("main").get_by_text(not_entitled)).to_have_count(0)


def test_starting_a_meeting_on_another_day_asks_first(new_page, sign_in, words, setup):
    en = words("en")
    meeting_title = unique("Spring plenary")
    meeting_id = setup.meeting(meeting_title, days=3)
    chair = new_page(DESKTOP)
    sign_in(chair, "chair@demo.test", language="en")
    chair.goto(f"/councils/demo-city/meetings/{meeting_id}")
    chair.get_by_role("link", name=en("Start the meeting")).click()
    main = chair.get_by_role("main")
    day = setup.local_date(meeting_id, "en")
    question = en("This meeting is scheduled for %(date)s. Start it today anyway?", date=day)
    expect(main.get_by_text(question)).to_be_visible()
    main.get_by_role("button", name=en("Start it today anyway")).click()
    started = en("The meeting has started. You can now record attendance.")
    expect(status(chair, started)).to_be_visible()


def test_opening_a_vote_without_quorum_warns_and_asks(new_page, sign_in, words, setup):
    en = words("en")
    meeting_title = unique("Short meeting")
    meeting_id = setup.meeting(meeting_title, days=0, start=True, present=2)
    chair = new_page(DESKTOP)
    sign_in(chair, "chair@demo.test", language="en")
    chair.goto(f"/councils/demo-city/meetings/{meeting_id}")
    item = f"Decide on {meeting_title}"
    chair.get_by_role("link", name=en("Prepare a vote on “%(title)s”", title=item)).click()
    main = chair.get_by_role("main")
    no_quorum = en.pattern(
        "No quorum yet: %(present)s of %(total)s voting members present (%(needed)s needed).",
        present=2,
    )
    expect(main.get_by_text(no_quorum)).to_be_visible()
    main.get_by_label(en("Question"), exact=True).fill(f"Do we adopt {item}?")
    main.get_by_role("button", name=en("Prepare the vote")).click()
    chair.get_by_role("link", name=en("Open the vote")).click()

    warning = en.pattern(
        "Quorum is not reached: %(present)s voting members are present, %(needed)s are needed.",
        present=2,
    )
    expect(main.get_by_text(warning)).to_be_visible()
    expect(main.get_by_role("button", name=en("Open the vote"), exact=True)).to_have_count(0)
    main.get_by_role("button", name=en("Open the vote without quorum")).click()
    expect(status(chair, en("Voting is open. Members can vote now."))).to_be_visible()
