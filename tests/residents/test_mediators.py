"""Community mediators type in proposals for residents who are hard to reach."""

import re

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth import Role
from app.extensions import db
from app.proposals import services
from app.proposals.models import Proposal, ProposalState, ReceivedAs
from tests.helpers import csrf_token, sign_in

NEW = "/councils/council-a/for-residents/new"
LINK = re.compile(r"https://consulta\.test(/councils/council-a/proposals/track/[A-Za-z0-9_-]+)")


@pytest.fixture
def world(make_council, make_user, add_member):
    a = make_council("Council A", languages=["en", "ar", "fr", "uk"], default_language="en")
    b = make_council("Council B", languages=["en", "fr"], default_language="fr")
    people = {"resident": make_user("resident@example.org")}
    for role in ("mediator", "member", "observer", "translator", "secretary"):
        people[role] = make_user(f"{role}@a.example", display_name=f"{role.title()} Person")
        add_member(a, people[role], Role(role))
    people["mediator_b"] = make_user("mediator@b.example", display_name="Bea Mediator")
    add_member(b, people["mediator_b"], Role.mediator)
    return {"a": a, "b": b, "people": people}


HELPED_BY = 'Submitted with the help of <bdi dir="auto">Mediator Person</bdi>, community mediator'


def form(client, url=NEW, **changes):
    """The mediator's form as the page gives it, filled in for a resident."""
    html = client.get(url).get_data(as_text=True)
    hidden = r'name="(submission_key|council|csrf_token)"[^>]*value="([^"]*)"'
    fields = dict(re.findall(hidden, html))
    data = {
        **fields,
        "received_as": "paper",
        "resident_lang": "ar",
        "lang": "ar",
        "title": "ملعب للأطفال",
        "body": "نحتاج إلى ملعب قريب من المدرسة.",
        "topic": "education",
        "author_name": "Hana",
        "contact_email": "hana@example.org",
        "contact_consent": "y",
    }
    data.update(changes)
    return data


def test_a_mediator_types_in_a_proposal_and_the_resident_follows_it(app, world):
    client = app.test_client()
    sign_in(client, "mediator@a.example")
    assert "A proposal for a resident" in client.get(NEW).get_data(as_text=True)

    response = client.post(NEW, data=form(client))
    assert response.status_code == 302 and "/for-residents/slip/" in response.location
    slip = client.get(response.location)
    html = slip.get_data(as_text=True)
    assert slip.headers["Cache-Control"] == "no-store"

    proposal = db.session.scalar(select(Proposal))
    assert proposal.author_id is None and proposal.author_name == "Hana"
    assert proposal.contact_email == "hana@example.org" and proposal.contact_consent
    assert proposal.received_as is ReceivedAs.paper and proposal.resident_lang == "ar"
    assert proposal.helped_by.user.email == "mediator@a.example"
    assert proposal.state is ProposalState.submitted
    # The slip is in the resident's language, with the code, the link and its QR code.
    reference = f"{proposal.reference[:4]}-{proposal.reference[4:]}"
    assert reference in html
    assert '<section class="slip" lang="ar" dir="rtl"' in html
    assert "رمزك المرجعي" in html  # "Your reference code", in Arabic
    assert 'role="img"' in html and "<svg" in html
    # The resident opens the link on the slip: their private tracking page.
    link = LINK.search(html).group(1)
    resident = app.test_client()
    page = resident.get(link)
    assert page.status_code == 200 and "ملعب للأطفال" in page.get_data(as_text=True)
    # The mediator is the actor of the audit event.
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "proposal.submitted_for_resident")
    )
    assert event.actor_id == world["people"]["mediator"].id
    assert event.details == {"received_as": "paper"}


def test_the_slip_is_in_the_council_language_when_the_site_does_not_speak_the_resident_s(
    app, world
):
    client = app.test_client()
    sign_in(client, "mediator@a.example")
    response = client.post(NEW, data=form(client, resident_lang="ti", lang="en", title="Park"))
    html = client.get(response.location).get_data(as_text=True)
    assert '<section class="slip" lang="en" dir="ltr"' in html
    assert "The slip is in English." in html


def test_sending_the_form_twice_stores_one_proposal_and_shows_the_same_slip(app, world):
    client = app.test_client()
    sign_in(client, "mediator@a.example")
    data = form(client)
    first = client.post(NEW, data=data)
    again = client.post(NEW, data=data)
    assert again.location == first.location
    assert len(db.session.scalars(select(Proposal)).all()) == 1


def test_officers_see_who_helped_and_how_and_the_public_sees_who_helped(app, world):
    client = app.test_client()
    sign_in(client, "mediator@a.example")
    client.post(NEW, data=form(client))
    proposal = db.session.scalar(select(Proposal))
    url = f"/councils/council-a/proposals/{proposal.id}"

    officer = app.test_client()
    sign_in(officer, "secretary@a.example")
    html = officer.get(url).get_data(as_text=True)
    assert HELPED_BY in html
    assert "On paper" in html

    # Accepted, it is public: the help is shown as the author's name is, without the channel.
    services.change_state(proposal, ProposalState.accepted)
    db.session.commit()
    html = app.test_client().get(url).get_data(as_text=True)
    assert HELPED_BY in html
    assert "On paper" not in html


@pytest.mark.parametrize("role", ["member", "observer", "translator", "resident"])
def test_other_roles_cannot_use_the_mediators_form(app, world, role):
    client = app.test_client()
    sign_in(client, world["people"][role].email)
    assert client.get(NEW).status_code == 403
    token = csrf_token(client, "/profile")
    refused = client.post(NEW, data={"csrf_token": token, "title": "x", "body": "y"})
    assert refused.status_code == 403
    assert "community mediators" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Proposal)) is None


def test_a_mediator_of_another_council_is_refused_by_url(app, world):
    client = app.test_client()
    sign_in(client, "mediator@b.example")
    page = client.get(NEW)
    assert page.status_code == 403
    assert "Only this council's community mediators" in page.get_data(as_text=True).replace(
        "&#39;", "'"
    )
    # With the form of their own council, sent to council A's address:
    own = form(client, url="/councils/council-b/for-residents/new")
    assert client.post(NEW, data=own).status_code == 403
    assert db.session.scalar(select(Proposal)) is None


def test_a_forged_council_in_the_form_is_refused(app, world):
    client = app.test_client()
    sign_in(client, "mediator@a.example")
    forged = form(client, council=str(world["b"].id))
    refused = client.post(NEW, data=forged)
    assert refused.status_code == 403
    assert "opened for another council" in refused.get_data(as_text=True)
    # Council B's address, with council A's form, is refused before anything is read.
    other = "/councils/council-b/for-residents/new"
    assert client.post(other, data=form(client)).status_code == 403
    assert db.session.scalar(select(Proposal)) is None


def test_the_refusal_is_translated(app, world):
    client = app.test_client()
    sign_in(client, "member@a.example")
    html = client.get(NEW + "?lang=fr").get_data(as_text=True)
    assert "médiateur·rices de quartier de ce conseil" in html


def test_a_mediator_sees_what_they_typed_in_and_nothing_else_that_is_not_public(app, world):
    client = app.test_client()
    sign_in(client, "mediator@a.example")
    client.post(NEW, data=form(client, title="Swings"))
    services.submit(
        world["a"],
        services.Submission(title="Private", body="Under review", topic="other", lang="en"),
        author=None,
        address="192.0.2.9",
        submission_key="someone-else",
    )
    db.session.commit()
    html = client.get("/councils/council-a/for-residents").get_data(as_text=True)
    assert "Swings" in html and "Private" not in html
    other = db.session.scalar(select(Proposal).where(Proposal.submission_key == "someone-else"))
    assert client.get(f"/councils/council-a/proposals/{other.id}").status_code == 404
    assert client.get("/councils/council-a/members").status_code == 403
    assert client.get("/councils/council-a/proposals/review").status_code == 403


def test_a_mediator_types_in_paper_answers_to_a_consultation(app, world):
    from tests.test_access import open_consultation

    consultation = open_consultation(world["a"])
    question = consultation.questions[0]
    client = app.test_client()
    sign_in(client, "mediator@a.example")
    url = f"/councils/council-a/consultations/{consultation.id}/paper"
    assert client.get(url).status_code == 200
    token = csrf_token(client, url)
    saved = client.post(
        url,
        data={"csrf_token": token, "sheet": "s1", "channel": "paper", f"q{question.id}": "4"},
    )
    assert saved.status_code == 302
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "consultation.response_entered")
    )
    assert event.actor_id == world["people"]["mediator"].id


def test_a_resident_who_gave_an_address_also_gets_the_link_by_email_in_their_language(
    app, world, smtp
):
    client = app.test_client()
    sign_in(client, "mediator@a.example")
    response = client.post(NEW, data=form(client))
    slip = client.get(response.location).get_data(as_text=True)
    [message] = smtp.to("hana@example.org")
    body = message.get_content()
    assert LINK.search(slip).group(0) in body
    assert "رمزك المرجعي" in body  # "Your reference code", in the resident's Arabic
