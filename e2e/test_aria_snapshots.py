"""What a screen reader is given during a vote, kept as files: the accessibility tree of the
vote's page, the confirmation and the receipt, in English and Arabic (Playwright's ARIA
snapshot of the page's main part, as Chromium builds it).

A change to these pages that changes what is heard fails here until the expected files are
read and written again on purpose:

    UPDATE_SNAPSHOTS=1 .venv/bin/pytest e2e/test_aria_snapshots.py

Times, ids and counts that differ from run to run are replaced by placeholders.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.meetings.models import Meeting
from app.voting import services as voting
from e2e.conftest import PHONE
from e2e.test_screen_reader_voting import a_vote_in_a_meeting

EXPECTED = Path(__file__).parent / "snapshots"
DIGITS = "0-9\u0660-\u0669"


def normalized(snapshot: str) -> str:
    """Clock times (with AM/PM or ص/م) become HH:MM:SS, and ids in addresses N: each run
    makes new records, at another time of day."""
    time = rf"[{DIGITS}]{{1,2}}:[{DIGITS}]{{2}}(:[{DIGITS}]{{2}})?(\s?(AM|PM|ص|م)(?=\W))?"
    snapshot = re.sub(time, "HH:MM:SS", snapshot)
    snapshot = re.sub(r"#item-\d+", "#item-N", snapshot)
    return re.sub(r"/(meetings|polls|items)/\d+", r"/\1/N", snapshot)


def check(page, name: str) -> None:
    snapshot = normalized(page.locator("main").aria_snapshot())
    expected = EXPECTED / f"{name}.yml"
    if os.environ.get("UPDATE_SNAPSHOTS") or not expected.exists():
        if not os.environ.get("UPDATE_SNAPSHOTS"):
            pytest.fail(f"{expected.name} is missing: run with UPDATE_SNAPSHOTS=1 and read it")
        expected.parent.mkdir(exist_ok=True)
        expected.write_text(snapshot + "\n")
    assert snapshot + "\n" == expected.read_text(), f"{expected.name} changed:\n{snapshot}"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_what_a_member_hears_while_voting(new_page, sign_in, words, live_app, language):
    said = words(language)
    meeting_id, poll_id, _members = a_vote_in_a_meeting(live_app)
    try:
        hear_a_vote(new_page, sign_in, said, language, poll_id)
    finally:  # the other tests find the demo's meetings as they were
        with live_app.app_context():
            voting.close_meeting(db.session.get(Meeting, meeting_id), close_open_votes=True)
            db.session.commit()


def hear_a_vote(new_page, sign_in, said, language: str, poll_id: int) -> None:
    page = new_page(PHONE)
    sign_in(page, "member01@demo.test", language=language)

    page.goto(f"/councils/demo-city/polls/{poll_id}")
    expect(page.get_by_role("group", name="More benches?")).to_be_visible()
    check(page, f"poll-{language}")

    page.get_by_role("button", name=said("No"), exact=True).click()
    confirm = page.get_by_role(
        "button", name=said("Confirm my vote: %(choice)s", choice=said("No"))
    )
    expect(confirm).to_be_visible()
    check(page, f"confirm-{language}")

    confirm.click()
    expect(page.locator("[data-receipt]")).to_be_focused()
    check(page, f"receipt-{language}")
