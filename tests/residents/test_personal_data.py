"""A resident's own data, found with their tracking link: see it, download it, ask for it to
be deleted; the secretary completes the request."""

import json
import re

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth import Role
from app.extensions import db
from app.proposals import links, services, supporters
from app.proposals.models import EmailRequest, EmailSupport, Proposal, ProposalState
from app.residents.models import DeletionRequest
from tests.helpers import csrf_token, sign_in


@pytest.fixture
def council(make_council):
    return make_council("Council A", languages=["en", "ar", "fr", "uk"], default_language="en")


@pytest.fixture
def secretary(council, make_user, add_member):
    user = make_user("secretary@a.example", display_name="Sam Secretary")
    add_member(council, user, Role.secretary)
    return user


def submit(council, **kwargs):
    proposal, token = services.submit(
        council,
        services.Submission(
            title="Benches in the park",
            body="Older people need to rest.",
            topic="culture",
            lang="en",
            author_name=kwargs.pop("author_name", "Hana Ali"),
            contact_email=kwargs.pop("contact_email", "hana@example.org"),
            contact_consent=kwargs.pop("contact_consent", True),
        ),
        author=None,
        address="192.0.2.1",
        submission_key=kwargs.pop("key", "k1"),
    )
    db.session.commit()
    return proposal, token


def supported_twice(proposal, make_user):
    """Support with an account and by a confirmed email address."""
    services.endorse(proposal, make_user("friend@example.org"))
    supporters.request_support(proposal, "neighbour@example.org", "support-token")
    supporters.confirm_support(links.find_request("support-token"))
    db.session.commit()


def on_a_published_agenda(proposal, make_meeting, secretary):
    meeting = make_meeting(proposal.council, items=["Welcome"], publish=True)
    services.accept_and_schedule(proposal, meeting.id, actor=secretary)
    db.session.commit()


def test_the_data_download_holds_what_the_council_keeps(app, council, secretary, make_user):
    proposal, token = submit(council)
    services.change_state(proposal, ProposalState.accepted, actor=secretary)
    db.session.commit()
    supported_twice(proposal, make_user)
    client = app.test_client()
    page = client.get(f"/councils/council-a/my-data/{token}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "hana@example.org" in page.get_data(as_text=True)

    download = client.get(f"/councils/council-a/my-data/{token}/data.json")
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="consulta-{proposal.reference}.json"'
    )
    data = json.loads(download.get_data(as_text=True))
    reference = f"{proposal.reference[:4]}-{proposal.reference[4:]}"
    assert data == {
        "council": "Council A",
        "proposals": [
            {
                "reference": reference,
                "submitted_at": proposal.created_at.isoformat(timespec="seconds") + "Z",
                "state": "accepted",
                "language": "en",
                "title": "Benches in the park",
                "text": "Older people need to rest.",
                "name": "Hana Ali",
                "email": "hana@example.org",
                "contact_consent": True,
                "with_an_account": False,
                "submitted_with_the_help_of": None,
                "supporters": 2,
                "public": True,
                "addresses_to_confirm": [],
            }
        ],
        "deletion_requested_at": None,
    }


def test_a_wrong_or_foreign_link_finds_nothing(app, council, make_council):
    _proposal, token = submit(council)
    make_council("Council B")
    client = app.test_client()
    assert client.get("/councils/council-a/my-data/not-a-token").status_code == 404
    assert client.get(f"/councils/council-b/my-data/{token}").status_code == 404
    assert client.get(f"/councils/council-b/my-data/{token}/data.json").status_code == 404


def ask_for_deletion(client, token):
    url = f"/councils/council-a/my-data/{token}/delete"
    token = csrf_token(client, "/sign-in")  # the page has no form once asked
    first = client.post(url, data={"csrf_token": token})
    return first, client.post(url, data={"csrf_token": token, "confirmed": "yes"})


def complete(app, request_id, secretary_email="secretary@a.example"):
    officer = app.test_client()
    sign_in(officer, secretary_email)
    listing = officer.get("/councils/council-a/data-requests").get_data(as_text=True)
    url = f"/councils/council-a/data-requests/{request_id}"
    assert url in listing
    question = officer.get(url).get_data(as_text=True)
    done = officer.post(url, data={"csrf_token": csrf_token(officer, url)})
    return listing, question, done, officer


def test_a_public_proposal_on_a_published_agenda_keeps_its_text_without_the_personal_data(
    app, council, secretary, make_user, make_meeting
):
    proposal, token = submit(council)
    on_a_published_agenda(proposal, make_meeting, secretary)
    supported_twice(proposal, make_user)
    proposal_id = proposal.id
    client = app.test_client()

    mine = client.get(f"/councils/council-a/my-data/{token}").get_data(as_text=True)
    assert "Its text stays public" in mine
    first, second = ask_for_deletion(client, token)
    assert first.status_code == 200, "the first press asks again, and changes nothing"
    assert "Yes, ask for my data to be deleted" in first.get_data(as_text=True)
    assert second.status_code == 302
    request = db.session.scalar(select(DeletionRequest))
    assert request.proposal_id == proposal_id and request.completed_at is None
    requested = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "data.deletion_requested")
    )
    assert requested.actor_id is None
    page = client.get(f"/councils/council-a/my-data/{token}").get_data(as_text=True)
    assert "You asked for this on" in page

    listing, question, done, officer = complete(app, request.id)
    assert "The proposal is public: its text" in question
    assert done.status_code == 302
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal_id)
    assert (proposal.author_name, proposal.contact_email, proposal.contact_consent) == (
        "",
        "",
        False,
    )
    assert proposal.title.get("en") == "Benches in the park"
    assert proposal.state is ProposalState.scheduled and proposal.endorsement_count == 2
    assert db.session.scalars(select(EmailSupport)).all() == []
    assert db.session.scalars(select(EmailRequest)).all() == []
    public = app.test_client().get(f"/councils/council-a/proposals/{proposal_id}")
    assert "Benches in the park" in public.get_data(as_text=True)
    assert "Hana" not in public.get_data(as_text=True)
    assert app.test_client().get(f"/councils/council-a/my-data/{token}").status_code == 404
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "data.deleted"))
    assert event.actor_id == secretary.id and event.details == {"outcome": "anonymised"}
    assert "hana" not in json.dumps(event.details).lower()
    assert "No request is waiting." in officer.get("/councils/council-a/data-requests").get_data(
        as_text=True
    )


def test_a_proposal_never_public_is_deleted_entirely(app, council, secretary):
    proposal, token = submit(council)
    proposal_id, reference = proposal.id, proposal.reference
    client = app.test_client()
    assert "it is deleted entirely" in client.get(f"/councils/council-a/my-data/{token}").get_data(
        as_text=True
    )
    ask_for_deletion(client, token)
    request = db.session.scalar(select(DeletionRequest))
    _listing, question, _done, _officer = complete(app, request.id)
    assert "never public: it is deleted entirely" in question
    db.session.expire_all()
    assert db.session.get(Proposal, proposal_id) is None
    request = db.session.get(DeletionRequest, request.id)
    assert request.proposal_id is None and request.outcome == "deleted"
    assert request.reference == reference


def test_asking_twice_says_it_is_already_asked(app, council):
    _proposal, token = submit(council)
    client = app.test_client()
    ask_for_deletion(client, token)
    _first, again = ask_for_deletion(client, token)
    assert again.status_code == 302
    page = client.get(again.location).get_data(as_text=True)
    assert re.search(r"already asked for this", page.replace("&#39;", "'"))
    assert len(db.session.scalars(select(DeletionRequest)).all()) == 1


def test_a_completed_request_is_not_completed_twice(app, council, secretary, make_meeting):
    proposal, token = submit(council)
    on_a_published_agenda(proposal, make_meeting, secretary)
    ask_for_deletion(app.test_client(), token)
    request = db.session.scalar(select(DeletionRequest))
    _listing, _question, _done, officer = complete(app, request.id)
    url = f"/councils/council-a/data-requests/{request.id}"
    again = officer.post(url, data={"csrf_token": csrf_token(officer, "/profile")})
    assert again.status_code == 302
    assert (
        db.session.scalar(
            select(AuditEvent.id).where(AuditEvent.action == "data.deleted").offset(1)
        )
        is None
    )


def test_the_secretary_reaches_the_requests_from_the_review_queue(app, council, secretary):
    client = app.test_client()
    sign_in(client, "secretary@a.example")
    queue = client.get("/councils/council-a/proposals/review").get_data(as_text=True)
    assert "/councils/council-a/data-requests" in queue


def test_mail_still_waiting_for_the_resident_goes_with_their_data(app, council, secretary):
    from app.mail.models import OutboxMessage
    from tests.mail.conftest import free_port

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens
    proposal, token = submit(council)
    services.change_state(proposal, ProposalState.accepted, actor=secretary)
    db.session.commit()
    client = app.test_client()
    ask_for_deletion(client, token)
    waiting = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert "hana@example.org" in waiting
    request = db.session.scalar(select(DeletionRequest))
    complete(app, request.id)
    db.session.expire_all()
    assert "hana@example.org" not in db.session.scalars(select(OutboxMessage.to_address)).all()
