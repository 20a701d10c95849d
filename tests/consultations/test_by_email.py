"""A consultation that takes one response per confirmed email address: the link is emailed,
the address answers once, and nothing of the address is kept beyond a fingerprint that only
says "this address has answered this consultation"."""

import re
from datetime import timedelta

import pytest

from app.consultations import answering
from app.consultations.models import Audience, Response
from app.database import utcnow
from app.extensions import db
from app.tokens import seal_text
from tests.helpers import post

ADDRESS = "Amal.Resident@example.org"


@pytest.fixture
def consultation(make_consultation):
    made = make_consultation(("scale",))
    made.audience = Audience.confirmed_email
    db.session.commit()
    return made


def start_url(consultation) -> str:
    return f"/councils/council-a/consultations/{consultation.id}/respond"


def ask_for_link(app, client, consultation, address: str):
    url = start_url(consultation)
    response = post(client, url + "/by-email", {"email": address}, page=url)
    app.extensions["background"].wait()
    return response


def emailed_path(message) -> str:
    link = re.search(r"https://consulta\.test(/\S+)", message.get_content()).group(1)
    return link


def test_an_address_answers_once_and_is_not_kept(app, smtp, consultation):
    (scale,) = consultation.questions
    resident = app.test_client()
    page = ask_for_link(app, resident, consultation, ADDRESS).get_data(as_text=True)
    assert "Check your inbox" in page
    (message,) = smtp.to(ADDRESS)
    link = emailed_path(message)
    confirm = resident.get(link).get_data(as_text=True)
    assert "Start answering" in confirm
    started = post(resident, link, page=link)
    assert started.status_code == 302 and "/respond/" in started.location
    question = started.location.removeprefix("https://consulta.test")
    post(resident, question, {f"q{scale.id}": "4"}, page=question)
    review = question.rsplit("/", 1)[0] + "/review"
    post(resident, review, page=review)

    response = db.session.query(Response).one()
    assert response.is_submitted and response.address_hash
    # The same address, written differently, gets an email saying it has answered; the old
    # link starts nothing more.
    ask_for_link(app, app.test_client(), consultation, ADDRESS.upper())
    assert "has already answered" in smtp.to(ADDRESS.upper())[-1].get_content()
    again = post(resident, link, page=link)
    assert "already answered this consultation" in again.get_data(as_text=True)
    assert db.session.query(Response).count() == 1
    # Nothing in the database holds the address.
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            assert "amal" not in str(tuple(row)).lower(), table.name


def test_a_link_that_is_forged_expired_or_for_another_consultation_starts_nothing(
    app, consultation, make_consultation
):
    other = make_consultation(("scale",))
    other.audience = Audience.confirmed_email
    db.session.commit()
    client = app.test_client()
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    fingerprint = answering.address_hash(consultation, ADDRESS)
    codes = [
        "forged",
        seal_text(answering.LINK_PURPOSE, f"{consultation.id}|{fingerprint}|{yesterday}"),
    ]
    with app.test_request_context():
        codes.append(answering.answer_link_code(other, ADDRESS))
    for code in codes:
        response = client.get(f"{start_url(consultation)}/confirmed?code={code}")
        assert response.status_code == 404
        assert "This link does not work" in response.get_data(as_text=True)
    assert db.session.query(Response).count() == 0


def test_without_email_the_page_says_so_and_no_one_answers_online(app, consultation):
    client = app.test_client()
    page = client.get(start_url(consultation)).get_data(as_text=True)
    assert "this site cannot send email yet" in page
    assert "Start: one question per screen" not in page
    response = post(client, start_url(consultation), {"mode": "steps"}, page="/sign-in")
    assert db.session.query(Response).count() == 0
    assert response.status_code in (200, 302)
    by_email = post(
        client, start_url(consultation) + "/by-email", {"email": ADDRESS}, page="/sign-in"
    )
    assert by_email.status_code == 404
