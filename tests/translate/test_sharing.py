"""Translators see what is public plus what the council asks them to translate."""

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth import Role
from app.extensions import db
from app.meetings.models import AgendaItem
from app.proposals import services as proposals
from app.proposals.models import Proposal, ProposalState, Topic
from tests.helpers import post, sign_in

TIGRINYA_TITLE = "ናይ ቋንቋ ትምህርቲ ንዓበይቲ"
TIGRINYA_BODY = "ምሸታዊ ትምህርቲ ቋንቋ ንወለዲ ንሓትት።"


@pytest.fixture
def world(make_council, make_user, add_member, make_meeting):
    a = make_council("Council A", languages=["en", "fr", "ar", "uk", "ti"])
    b = make_council("Council B")
    people = {}
    for role in ["secretary", "translator", "member"]:
        people[role] = make_user(f"{role}@a.example", display_name=f"{role.title()} Person")
        add_member(a, people[role], Role(role))
    people["outsider"] = make_user("translator@b.example")
    add_member(b, people["outsider"], Role.translator)
    draft = make_meeting(a, title="Budget meeting", items=["Budget 2027"])
    proposal, _token = proposals.submit(
        a,
        proposals.Submission(
            title=TIGRINYA_TITLE,
            body=TIGRINYA_BODY,
            topic=Topic.education,
            lang="ti",
            author_name="Yohannes Tesfay",
            contact_email="yohannes@example.org",
        ),
        author=None,
        address="192.0.2.7",
        submission_key="ti-1",
    )
    db.session.commit()
    return {"a": a, "people": people, "draft": draft, "proposal": proposal}


def client_of(app, world, role):
    client = app.test_client()
    sign_in(client, world["people"][role].email)
    return client


def meeting_page(world):
    return f"/councils/council-a/meetings/{world['draft'].id}"


def proposal_page(world):
    return f"/councils/council-a/proposals/{world['proposal'].id}"


def ask(client, page, record_url, asked="yes"):
    return post(client, f"{record_url}/translators", {"asked": asked}, page=page)


def translate_url(kind, obj_id, to="uk", council="council-a"):
    return f"/councils/{council}/translate/{kind}/{obj_id}?to={to}"


def test_a_translator_finds_a_draft_agenda_only_once_the_council_shares_it(app, world):
    item = world["draft"].items[0]
    translator = client_of(app, world, "translator")
    for kind, obj_id in (("meeting", world["draft"].id), ("item", item.id)):
        assert translator.get(translate_url(kind, obj_id)).status_code == 404
    assert "Budget 2027" not in translator.get("/councils/council-a/translate").get_data(
        as_text=True
    )

    secretary = client_of(app, world, "secretary")
    page = secretary.get(meeting_page(world)).get_data(as_text=True)
    assert "Ask the translators to translate this" in page
    response = ask(secretary, meeting_page(world), meeting_page(world))
    assert response.status_code == 302
    page = secretary.get(meeting_page(world)).get_data(as_text=True)
    assert "The translators can now see this draft and its agenda" in page
    assert "Stop sharing with the translators" in page
    event = db.session.scalar(select(AuditEvent).filter_by(action="meeting.translators_asked"))
    assert event.actor_id == world["people"]["secretary"].id

    worklist = translator.get("/councils/council-a/translate").get_data(as_text=True)
    assert "Budget 2027" in worklist and "Asked by the council" in worklist
    assert "Meeting: " in worklist and "Budget meeting" in worklist
    url = translate_url("item", item.id)
    assert translator.get(url).status_code == 200
    post(translator, url, {"text-title": "Бюджет 2027"}, page=url)
    assert db.session.get(AgendaItem, item.id).title.get("uk") == "Бюджет 2027"
    # Only the texts: the draft's own page stays with the officers.
    assert translator.get(meeting_page(world)).status_code == 404

    ask(secretary, meeting_page(world), meeting_page(world), asked="no")
    assert "The translators no longer see this draft." in secretary.get(
        meeting_page(world)
    ).get_data(as_text=True)
    assert translator.get(url).status_code == 404


@pytest.mark.parametrize("role", ["translator", "member"])
def test_only_the_officers_share_a_draft(app, world, role):
    client = client_of(app, world, role)
    response = ask(client, "/profile", meeting_page(world))
    assert response.status_code == 403
    db.session.refresh(world["draft"])
    assert not world["draft"].is_shared


def test_a_translator_of_another_council_never_sees_a_shared_draft(app, world):
    world["draft"].translators_asked_at = world["draft"].created_at
    db.session.commit()
    outsider = client_of(app, world, "outsider")
    item = world["draft"].items[0]
    assert outsider.get(translate_url("item", item.id, council="council-b")).status_code == 404
    assert outsider.get(translate_url("item", item.id)).status_code == 403


def test_a_proposal_under_review_is_shared_without_who_sent_it(app, world):
    proposal_id = world["proposal"].id
    translator = client_of(app, world, "translator")
    assert translator.get(translate_url("proposal", proposal_id, "fr")).status_code == 404

    secretary = client_of(app, world, "secretary")
    assert "Ask the translators to translate this" in secretary.get(proposal_page(world)).get_data(
        as_text=True
    )
    ask(secretary, proposal_page(world), proposal_page(world))
    assert db.session.scalar(select(AuditEvent).filter_by(action="proposal.translators_asked"))

    worklist = translator.get("/councils/council-a/translate").get_data(as_text=True)
    page = translator.get(translate_url("proposal", proposal_id, "fr")).get_data(as_text=True)
    for html in (worklist, page):
        assert TIGRINYA_TITLE in html
        assert "Yohannes" not in html and "yohannes@example.org" not in html
    assert TIGRINYA_BODY in page
    url = translate_url("proposal", proposal_id, "fr")
    post(translator, url, {"text-title": "Cours de langue pour adultes"}, page=url)
    assert db.session.get(Proposal, proposal_id).title.get("fr") == "Cours de langue pour adultes"
    # The proposal's page, with its author, stays with the officers.
    assert translator.get(proposal_page(world)).status_code == 404
    french = secretary.get(proposal_page(world) + "?lang=fr").get_data(as_text=True)
    assert "Cours de langue pour adultes" in french


def test_public_and_declined_records_are_not_shared(app, world, make_meeting):
    secretary = client_of(app, world, "secretary")
    public = make_meeting(world["a"], title="Open meeting", items=["Parks"], publish=True)
    url = f"/councils/council-a/meetings/{public.id}"
    ask(secretary, url, url)
    assert "already see it" in secretary.get(url).get_data(as_text=True)
    proposals.change_state(world["proposal"], ProposalState.declined, answer="Not ours.", lang="en")
    db.session.commit()
    ask(secretary, proposal_page(world), proposal_page(world))
    assert not db.session.get(Proposal, world["proposal"].id).is_shared
    assert not db.session.scalar(select(AuditEvent).filter(AuditEvent.action.like("%translators%")))


def test_no_machine_draft_for_a_text_that_is_not_public_even_when_posted(
    app, world, translation_api
):
    """Personal details never leave for the translation service: not through the page, not
    through a crafted request, not even from an officer."""
    world["draft"].translators_asked_at = world["draft"].created_at
    world["proposal"].translators_asked_at = world["proposal"].created_at
    db.session.commit()
    item = world["draft"].items[0]
    translator = client_of(app, world, "translator")
    page = translator.get(translate_url("proposal", world["proposal"].id, "fr")).get_data(
        as_text=True
    )
    assert "Machine draft" not in page and "translate it by hand" in page
    secretary = client_of(app, world, "secretary")
    for client in (translator, secretary):
        for kind, obj_id in (("proposal", world["proposal"].id), ("item", item.id)):
            url = translate_url(kind, obj_id, "fr")
            response = post(
                client,
                f"/councils/council-a/translate/{kind}/{obj_id}/machine",
                {"field": "title", "to": "fr"},
                page=url,
                follow_redirects=True,
            )
            assert "not sent to the translation service" in response.get_data(as_text=True)
    assert translation_api == []
    assert db.session.get(Proposal, world["proposal"].id).title.get("fr") == ""
