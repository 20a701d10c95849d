"""What a review of consultations as an attacker found, each reproduced: digits that are not
ASCII, a confirmed address locked out by an unsent start, workshops for confirmed addresses,
a closed consultation reopened, blank and doubled paper sheets, dates beyond the calendar,
results whose counts could still grow without saying so, private pages' headers, written
answers open to translators."""

import re
from datetime import timedelta

import pytest

from app.auth import Role
from app.consultations import answering
from app.consultations.models import Audience, Response
from app.database import utcnow
from app.extensions import db
from tests.consultations.conftest import option_ids
from tests.helpers import csrf_token, post, sign_in

BASE = "/councils/council-a/consultations"


@pytest.fixture
def officer(app, council, make_user, add_member):
    user = make_user("secretary@example.org")
    add_member(council, user, Role.secretary)
    client = app.test_client()
    sign_in(client, user.email)
    return client


def test_superscript_and_circled_digits_are_refused_not_a_server_error(
    app, officer, make_consultation
):
    consultation = make_consultation(("single", "ranking", "scale"))
    single, ranking, scale = consultation.questions
    client = app.test_client()
    start = f"{BASE}/{consultation.id}/respond"
    reply = client.post(start, data={"csrf_token": csrf_token(client, start), "mode": "all"})
    page = reply.headers["Location"]
    for fields in ({f"q{single.id}": "²"}, {f"q{ranking.id}-rank1": "¹"}, {f"q{scale.id}": "①"}):
        response = post(client, page, fields, page=page)
        assert response.status_code == 200, fields
        assert "There is a problem" in response.get_data(as_text=True)
    # Arabic-Indic digits are numbers.
    response = post(client, page, {f"q{scale.id}": "٣"}, page=page)
    assert response.status_code == 302
    paper = f"{BASE}/{consultation.id}/paper"
    assert post(officer, paper, {f"q{scale.id}": "²"}, page=paper).status_code == 200


def test_a_confirmed_address_that_started_and_left_can_start_again(app, make_consultation):
    consultation = make_consultation(("scale",))
    consultation.audience = Audience.confirmed_email
    db.session.commit()
    with app.test_request_context():
        code = answering.answer_link_code(consultation, "amal@example.org")
    link = f"{BASE}/{consultation.id}/respond/confirmed?code={code}"
    first = app.test_client()
    assert post(first, link, page=link).status_code == 302  # started, then the tab is closed
    assert first.get(link).headers["Cache-Control"] == "no-store"
    again = app.test_client()
    started = post(again, link, page=link)
    assert started.status_code == 302
    question = started.location.removeprefix("https://consulta.test")
    (scale,) = consultation.questions
    post(again, question, {f"q{scale.id}": "4"}, page=question)
    review = question.rsplit("/", 1)[0] + "/review"
    post(again, review, page=review)
    responses = db.session.query(Response).all()
    assert len(responses) == 1 and responses[0].is_submitted
    # Sent: the address answers no more.
    refused = post(app.test_client(), link, page=link)
    assert "already answered this consultation" in refused.get_data(as_text=True)


def test_a_consultation_for_confirmed_addresses_runs_no_workshop(app, officer, make_consultation):
    consultation = make_consultation(("scale",))
    consultation.audience = Audience.confirmed_email
    db.session.commit()
    page = officer.get(f"{BASE}/{consultation.id}/workshop/1").get_data(as_text=True)
    assert "takes one answer per confirmed email address" in page and "<svg" not in page
    from app.consultations.views import workshop

    with app.test_request_context():
        key = workshop.workshop_key(consultation)
    phone = app.test_client()
    assert phone.get(f"{BASE}/{consultation.id}/workshop/1/answer?key={key}").status_code == 403


def test_a_closed_consultation_does_not_reopen(officer, make_consultation):
    consultation = make_consultation(("scale",), opens=-20, closes=-2)
    settings = f"{BASE}/{consultation.id}/edit"
    last_day = consultation.last_day
    response = post(
        officer,
        settings,
        {
            "lang": "en",
            "title": "Topics",
            "opens_on": consultation.first_day.isoformat(),
            "closes_on": (last_day + timedelta(days=30)).isoformat(),
            "audience": "anyone",
        },
        page=settings,
    )
    assert "it cannot reopen" in response.get_data(as_text=True)
    db.session.expire_all()
    assert consultation.last_day == last_day


def test_results_say_while_paper_sheets_may_still_come(app, make_consultation):
    consultation = make_consultation(("scale",), opens=-20, closes=-2)
    page = app.test_client().get(f"{BASE}/{consultation.id}/results").get_data(as_text=True)
    assert "may still be typed in until" in page
    consultation.closes_at = utcnow() - timedelta(days=10)
    db.session.commit()
    page = app.test_client().get(f"{BASE}/{consultation.id}/results").get_data(as_text=True)
    assert "may still be typed in" not in page


def test_a_blank_sheet_is_refused_and_a_sheet_saved_twice_counts_once(officer, make_consultation):
    consultation = make_consultation(("single",))
    (single,) = consultation.questions
    paper = f"{BASE}/{consultation.id}/paper"
    blank = post(officer, paper, {}, page=paper)
    assert "This sheet has no answer: nothing was saved." in blank.get_data(as_text=True)
    form = officer.get(paper).get_data(as_text=True)
    sheet = re.search(r'name="sheet" value="([^"]+)"', form).group(1)
    fields = {"sheet": sheet, f"q{single.id}": str(option_ids(single)[0])}
    assert post(officer, paper, fields, page=paper).status_code == 302
    again = post(officer, paper, fields, page=paper)
    assert again.status_code == 302
    assert "This sheet was already saved" in officer.get(again.location).get_data(as_text=True)
    assert db.session.query(Response).count() == 1


def test_a_day_beyond_the_calendar_is_refused_with_a_message(officer):
    new = f"{BASE}/new"
    response = post(
        officer,
        new,
        {"lang": "en", "title": "Far", "opens_on": "2030-01-01", "closes_on": "9999-12-31"},
        page=new,
    )
    assert response.status_code == 200
    assert "Check the dates" in response.get_data(as_text=True)


def test_the_last_day_is_the_day_people_read_everywhere(app, make_consultation):
    consultation = make_consultation(("scale",))
    last = consultation.last_day
    client = app.test_client()
    start = client.get(f"{BASE}/{consultation.id}/respond?lang=en").get_data(as_text=True)
    results = client.get(f"{BASE}/{consultation.id}/results?lang=en").get_data(as_text=True)
    shown = f"{last:%B} {last.day}, {last.year}"
    assert shown in start and shown in results
    assert not re.search(r"\d:\d\d:\d\d", results)


def test_written_answers_stay_with_the_officers(
    app, make_consultation, council, make_user, add_member
):
    consultation = make_consultation(("text",), opens=-20, closes=-2)
    (question,) = consultation.questions
    from app.consultations.models import Answer
    from app.i18n import Translated

    response = Response(consultation=consultation, lang="ar", token_hash="w" * 64)
    response.submitted_on = utcnow().date()
    response.answers = [Answer(question=question, text=Translated.of("نص خاص", "ar"))]
    db.session.add(response)
    db.session.commit()
    translator = make_user("translator@example.org")
    add_member(council, translator, Role.translator)
    client = app.test_client()
    sign_in(client, translator.email)
    written = f"/councils/council-a/translate/written/{response.answers[0].id}"
    assert client.get(written).status_code in (403, 404)
