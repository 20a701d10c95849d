"""What a member hears during a vote: the count stays quiet, the page says once that everyone
has voted and once that the vote has closed, and never reloads under their finger."""

import time as clock
from datetime import time

from playwright.sync_api import expect

from app.auth import Role
from app.database import utcnow
from app.demo import demo_council
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Meeting, Presence
from app.voting import services as voting
from app.voting.models import Poll
from e2e.conftest import PHONE

#: Every change of text in the page's live regions, as a screen reader would hear it.
LISTEN = """
window.heard = [];
new MutationObserver(function (changes) {
  changes.forEach(function (change) {
    var region = (change.target.nodeType === 1 ? change.target : change.target.parentElement)
      .closest("[role=status], [role=alert], [aria-live]");
    if (region && region.textContent.trim()) window.heard.push(region.textContent.trim());
  });
}).observe(document.body, { subtree: true, childList: true, characterData: true });
window.notReloaded = true;
"""


def a_vote_in_a_meeting(live_app) -> tuple[int, int, list[int]]:
    """A meeting under way today with every voting member present, and an open named vote."""
    with live_app.app_context():
        council = demo_council()
        secretary = next(m.user for m in council.current_memberships if m.role is Role.secretary)
        day = meetings.to_local(council, utcnow()).date()
        details = meetings.MeetingDetails(
            title="Listening session", lang="en", day=day, starts=time(0, 0), ends=time(23, 59)
        )
        meeting = meetings.create_meeting(council, details, allow_past=True, actor=secretary)
        meetings.add_item(meeting, title="Benches", lang="en", kind="decision", actor=secretary)
        meetings.publish_meeting(meeting, actor=secretary)
        meetings.start_meeting(
            meeting, actor=secretary, day_confirmed=meetings.scheduled_day(meeting)
        )
        for membership in council.voting_memberships:
            meetings.set_presence(meeting, membership, Presence.present, actor=secretary)
        poll = voting.create_poll(
            meeting.items[0], voting.PollDetails(question="More benches?", lang="en")
        )
        voting.open_poll(poll, actor=secretary)
        db.session.commit()
        members = [m.id for m in voting.entitled_memberships(poll)]
        return meeting.id, poll.id, members


def vote(live_app, poll_id: int, membership_id: int) -> None:
    with live_app.app_context():
        poll = db.session.get(Poll, poll_id)
        membership = next(m for m in voting.entitled_memberships(poll) if m.id == membership_id)
        voting.cast_vote(poll, membership, "yes", actor=membership.user)
        db.session.commit()


def test_only_what_matters_is_announced_and_the_page_stays(new_page, sign_in, words, live_app):
    en = words("en")
    meeting_id, poll_id, members = a_vote_in_a_meeting(live_app)
    page = new_page(PHONE)
    sign_in(page, "translator@demo.test", language="en")  # follows the vote, has none
    page.goto(f"/councils/demo-city/polls/{poll_id}")
    page.evaluate(LISTEN)
    where = page.get_by_role("link", name="Benches")  # where the member was reading
    where.focus()

    started = clock.monotonic()
    for membership_id in members:  # everyone votes over about ten seconds
        vote(live_app, poll_id, membership_id)
        clock.sleep(10 / len(members))
    expect(page.locator("[data-poll-announce]")).to_contain_text(en("Everyone has voted."))
    clock.sleep(max(0.0, 12 - (clock.monotonic() - started)))
    heard = page.evaluate("window.heard")
    assert len(heard) == 1 and heard[0].startswith(en("Everyone has voted.")), heard
    total = len(members)
    count = en("%(ballots)s of %(entitled)s have voted.", ballots=total, entitled=total)
    expect(page.get_by_text(count)).to_be_visible()  # the count is there, just not spoken

    with live_app.app_context():
        poll = db.session.get(Poll, poll_id)
        voting.close_poll(poll)
        db.session.commit()
    notice = page.locator("[data-poll-announce]")
    expect(notice).to_contain_text(en("The vote has closed."))
    expect(notice.get_by_role("link", name=en("Show the vote as it is now"))).to_be_visible()
    assert page.evaluate("window.notReloaded") is True
    expect(where).to_be_focused()  # focus stayed where the member left it

    with live_app.app_context():
        voting.close_meeting(db.session.get(Meeting, meeting_id), close_open_votes=True)
        db.session.commit()
