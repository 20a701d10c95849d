"""Translating council texts side by side, by people and (optionally) by a machine."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth import Role
from app.errors import DomainError
from app.extensions import db
from app.i18n import Translated, translated_note
from app.proposals import services as proposals
from app.proposals.models import Proposal, ProposalState, Topic
from app.translate import services
from app.translate.worklist import Worklist
from tests.helpers import post, sign_in

ROLES = ["chair", "secretary", "member", "observer", "translator", "outsider", "admin", "anonymous"]
TRANSLATORS = {"chair", "secretary", "translator", "admin"}


@pytest.fixture
def world(make_council, make_user, add_member):
    a = make_council("Council A", languages=["en", "ar", "uk"], default_language="en")
    b = make_council("Council B")
    people = {}
    for role in ["chair", "secretary", "member", "observer", "translator"]:
        people[role] = make_user(f"{role}@a.example", display_name=f"{role.title()} Person")
        add_member(a, people[role], Role(role))
    people["outsider"] = make_user("translator@b.example")
    add_member(b, people["outsider"], Role.translator)
    people["admin"] = make_user("admin@example.org", is_admin=True)
    proposal, _ = proposals.submit(
        a,
        proposals.Submission(
            title="مقاعد للحديقة", body="نحتاج مقاعد", topic=Topic.culture, lang="ar"
        ),
        author=None,
        address="x",
        submission_key="k",
    )
    proposals.change_state(proposal, ProposalState.accepted, actor=people["secretary"])
    db.session.commit()
    return {"a": a, "people": people, "proposal": proposal}


def page_url(world, to="en"):
    return f"/councils/council-a/translate/proposal/{world['proposal'].id}?to={to}"


def test_translation_records_who_made_it_and_whether_a_machine_did():
    value = Translated.of("مرحبا", "ar")
    value = value.with_translation("en", "Hello", by="Tariq", machine=True)
    assert value.provenance("en")["by"] == "Tariq"
    assert value.provenance("en")["checked"] is False
    assert value.shown_in("en").machine and not value.shown_in("en").checked
    checked = value.with_translation("en", "Hello", by="Rana", machine=True, checked=True)
    assert checked.shown_in("en").checked
    person = value.with_translation("en", "Hello there", by="Rana")
    assert not person.shown_in("en").machine and person.provenance("en")["checked"]
    removed = person.with_translation("en", "", by="Rana")
    assert removed.get("en") == "" and removed.provenance("en") == {}
    with pytest.raises(ValueError):
        value.with_translation("ar", "x", by="Rana")


@pytest.mark.parametrize("role", ROLES)
def test_translators_and_officers_of_the_council_may_translate(app, world, role):
    client = app.test_client()
    if role != "anonymous":
        sign_in(client, world["people"][role].email)
    response = client.get(page_url(world))
    worklist = client.get("/councils/council-a/translate")
    if role == "anonymous":
        assert response.status_code == 302 and worklist.status_code == 302
    elif role in TRANSLATORS:
        assert response.status_code == 200 and worklist.status_code == 200
        assert "مقاعد للحديقة" in response.get_data(as_text=True)
    else:
        assert response.status_code == 403 and worklist.status_code == 403
    if role == "outsider":  # not through the other council's address either
        other = f"/councils/council-b/translate/proposal/{world['proposal'].id}"
        assert client.get(other).status_code == 404


def test_a_person_translates_side_by_side_and_readers_see_it(app, world):
    client = app.test_client()
    sign_in(client, world["people"]["translator"].email)
    html = client.get(page_url(world)).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html and 'name="text-title"' in html
    post(
        client,
        page_url(world),
        {"text-title": "Benches for the park", "text-body": "We need benches"},
        page=page_url(world),
    )
    proposal = db.session.get(Proposal, world["proposal"].id)
    assert proposal.title.get("en") == "Benches for the park"
    assert proposal.title.provenance("en")["by"] == "Translator Person"
    assert "benches for the park" in proposal.search_text
    public = app.test_client().get(f"/councils/council-a/proposals/{proposal.id}?lang=en")
    html = public.get_data(as_text=True)
    assert "Benches for the park" in html and "Translated from" in html
    assert "مقاعد للحديقة" in html  # the original, one click away
    assert db.session.scalar(select(AuditEvent).filter_by(action="translation.saved"))


def test_machine_draft_through_the_translation_service_is_labelled_until_checked(
    app, world, translation_api
):
    client = app.test_client()
    sign_in(client, world["people"]["translator"].email)
    machine = f"/councils/council-a/translate/proposal/{world['proposal'].id}/machine"
    post(client, machine, {"field": "title", "to": "uk"}, page=page_url(world, "uk"))
    assert translation_api[-1] == {
        "path": "/translate",
        "q": "مقاعد للحديقة",
        "source": "ar",
        "target": "uk",
        "format": "text",
        "api_key": "test-key",
    }
    proposal = db.session.get(Proposal, world["proposal"].id)
    assert proposal.title.get("uk") == "[uk] مقاعد للحديقة"
    reader = app.test_client().get(f"/councils/council-a/proposals/{proposal.id}?lang=uk")
    with app.test_request_context(), force_locale("uk"):
        label = translated_note(proposal.title.shown_in("uk"))
    assert label and label in reader.get_data(as_text=True)
    # The translator checks it without changing it: still machine-made, now checked.
    post(
        client,
        page_url(world, "uk"),
        {"text-title": "[uk] مقاعد للحديقة", "checked-title": "y"},
        page=page_url(world, "uk"),
    )
    db.session.refresh(proposal)
    assert "uk" in proposal.title.machine and proposal.title.provenance("uk")["checked"]
    # Correcting it makes it the person's translation.
    post(
        client, page_url(world, "uk"), {"text-title": "Лавки для парку"}, page=page_url(world, "uk")
    )
    db.session.refresh(proposal)
    assert "uk" not in proposal.title.machine
    assert proposal.title.provenance("uk")["by"] == "Translator Person"


def test_a_failing_translation_service_says_so_and_changes_nothing(app, world, translation_api):
    proposal = world["proposal"]
    proposal.title = Translated.of("fail", "ar")
    db.session.commit()
    with pytest.raises(DomainError, match="did not answer"):
        services.machine_draft("proposal", proposal, "title", "en", user=world["people"]["admin"])
    app.config["TRANSLATION_API_KEY"] = "wrong"
    proposal.title = Translated.of("ok", "ar")
    with pytest.raises(DomainError):
        services.machine_draft("proposal", proposal, "title", "en", user=world["people"]["admin"])
    assert proposal.title.get("en") == ""


def test_without_a_translation_service_there_is_no_machine_button(app, world):
    client = app.test_client()
    sign_in(client, world["people"]["translator"].email)
    assert "Machine draft" not in client.get(page_url(world)).get_data(as_text=True)


def test_worklist_shows_what_is_missing_in_which_language(app, world):
    work = Worklist(world["a"])
    entries = work.entries(work.keys(0, 100))
    entry = next(e for e in entries if e.obj == world["proposal"])
    assert entry.languages == ["en", "uk"]


def test_translators_see_only_public_texts_and_send_nothing_private_to_a_machine(
    app, world, make_meeting, translation_api
):
    """A proposal under review carries the author's personal details; a draft meeting is
    the officers' work in progress. Neither is the translator's, nor the machine's."""
    private, _ = proposals.submit(
        world["a"],
        proposals.Submission(
            title="Call me on 0470 12 34 56",
            body="I live at 3 Park Lane",
            topic=Topic.other,
            lang="en",
        ),
        author=None,
        address="y",
        submission_key="private",
    )
    draft = make_meeting(world["a"], title="Draft plans")
    db.session.commit()
    translator = app.test_client()
    sign_in(translator, world["people"]["translator"].email)
    worklist = translator.get("/councils/council-a/translate").get_data(as_text=True)
    assert "0470" not in worklist and "Draft plans" not in worklist
    for kind, obj in (("proposal", private), ("meeting", draft)):
        page = f"/councils/council-a/translate/{kind}/{obj.id}"
        assert translator.get(page).status_code == 404
        response = post(translator, f"{page}/machine", {"field": "title", "to": "ar"})
        assert response.status_code == 404
    assert translation_api == []  # nothing left for the translation service
    secretary = app.test_client()
    sign_in(secretary, world["people"]["secretary"].email)
    worklist = secretary.get("/councils/council-a/translate").get_data(as_text=True)
    assert "0470" not in worklist and "Draft plans" not in worklist  # until shared
    assert secretary.get(f"/councils/council-a/translate/meeting/{draft.id}").status_code == 200


def test_a_translation_has_a_length_limit(app, world):
    client = app.test_client()
    sign_in(client, world["people"]["translator"].email)
    response = post(client, page_url(world), {"text-title": "x" * 5_000_000}, page=page_url(world))
    assert response.status_code == 200
    assert "Keep the text under 10,000 characters." in response.get_data(as_text=True)
    db.session.refresh(world["proposal"])
    assert world["proposal"].title.get("en") == ""
