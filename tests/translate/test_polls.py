"""Vote questions and their options are translated like every other council text."""

import pytest

from app.auth import Role
from app.extensions import db
from app.meetings import services as meetings
from app.meetings.models import Presence
from app.voting import services as voting
from app.voting.models import Poll
from tests.helpers import post, sign_in


@pytest.fixture
def world(make_council, make_user, add_member, make_meeting):
    council = make_council("Council A", languages=["en", "ar", "uk"])
    people = {}
    for role in ["translator", "member"]:
        people[role] = make_user(f"{role}@a.example", display_name=f"{role.title()} Person")
        add_member(council, people[role], Role(role))
    meeting = make_meeting(council, items=["Playground"], start=True)
    meetings.set_presence(
        meeting, council.current_membership_of(people["member"]), Presence.present
    )
    poll = voting.create_poll(
        meeting.items[0],
        voting.PollDetails(question="Where should it go?", lang="en", options=("North", "South")),
    )
    db.session.commit()
    return {"people": people, "meeting": meeting, "poll": poll}


def client_of(app, world, role):
    client = app.test_client()
    sign_in(client, world["people"][role].email)
    return client


def test_a_translator_translates_a_question_and_its_options_before_the_vote_opens(app, world):
    poll = world["poll"]
    url = f"/councils/council-a/translate/poll/{poll.id}?to=ar"
    translator = client_of(app, world, "translator")
    html = translator.get(url).get_data(as_text=True)
    assert "Where should it go?" in html and "North" in html and "South" in html
    assert 'name="text-question"' in html and 'name="text-option-1"' in html
    post(
        translator,
        url,
        {"text-question": "أين يجب أن يكون؟", "text-option-1": "الشمال", "text-option-2": "الجنوب"},
        page=url,
    )
    poll = db.session.get(Poll, poll.id)
    assert poll.question.get("ar") == "أين يجب أن يكون؟"
    assert [option.label.get("ar") for option in poll.options][:2] == ["الشمال", "الجنوب"]
    assert poll.question.provenance("ar")["by"] == "Translator Person"

    voting.open_poll(poll)
    db.session.commit()
    member = client_of(app, world, "member")
    page = member.get(f"/councils/council-a/polls/{poll.id}?lang=ar").get_data(as_text=True)
    assert '<h1 lang="ar" dir="rtl" class="user-text ">أين يجب أن يكون؟</h1>' in page
    assert "الشمال" in page and "الجنوب" in page


def test_a_draft_vote_of_a_draft_meeting_is_not_the_translators_until_shared(
    app, world, make_meeting
):
    council = world["meeting"].council
    draft = make_meeting(council, title="Draft", items=["Budget"])
    poll = voting.create_poll(draft.items[0], voting.PollDetails(question="Adopt?", lang="en"))
    db.session.commit()
    url = f"/councils/council-a/translate/poll/{poll.id}?to=uk"
    translator = client_of(app, world, "translator")
    assert translator.get(url).status_code == 404
    draft.translators_asked_at = draft.created_at
    db.session.commit()
    assert translator.get(url).status_code == 200
