"""A live workshop: the screen shows a question and its code, phones in the room answer it,
the counts on the screen follow; each phone keeps one response for the session, marked as
given in a workshop. Without the code from the screen, nobody answers this way."""

import re
import time
from urllib.parse import urlsplit

import pytest

from app.auth import Role
from app.consultations.models import Channel, Response
from app.consultations.views import workshop
from app.extensions import db
from app.tokens import seal_text
from tests.consultations.conftest import option_ids
from tests.helpers import post, sign_in


@pytest.fixture
def secretary(app, council, make_user, add_member):
    user = make_user("secretary@example.org")
    add_member(council, user, Role.secretary)
    client = app.test_client()
    sign_in(client, user.email)
    return client


def screen_url(consultation, number=1) -> str:
    return f"/councils/council-a/consultations/{consultation.id}/workshop/{number}"


def code_on_screen(secretary, consultation, number=1) -> str:
    """The address the screen's QR code holds, as a phone would read it (site-relative)."""
    page = secretary.get(screen_url(consultation, number)).get_data(as_text=True)
    found = re.search(r'<a href="(https://consulta\.test/[^"]+/answer\?key=[^"]+)"', page)
    assert found, "no code on the screen"
    link = urlsplit(found.group(1).replace("&amp;", "&"))
    return f"{link.path}?{link.query}"


def test_phones_answer_from_the_code_and_the_screen_counts(app, secretary, make_consultation):
    consultation = make_consultation(("single", "scale"))
    single, scale = consultation.questions
    page = secretary.get(screen_url(consultation)).get_data(as_text=True)
    assert "Question 1 of 2" in page and "0 answers" in page and "<svg" in page

    phones = [app.test_client() for _ in range(3)]
    first = code_on_screen(secretary, consultation, 1)
    second = code_on_screen(secretary, consultation, 2)
    for n, phone in enumerate(phones):
        assert "Send my answer" in phone.get(first).get_data(as_text=True)
        choice = str(option_ids(single)[0 if n < 2 else 1])
        response = post(phone, first, {f"q{single.id}": choice}, page=first)
        assert response.status_code == 302
        thanks = phone.get(response.location).get_data(as_text=True)
        assert "Thank you: your answer counts" in thanks
    post(phones[0], second, {f"q{scale.id}": "4"}, page=second)

    counts = secretary.get(screen_url(consultation) + "/counts.json").get_json()["html"]
    assert "3 answers" in counts
    assert re.search(r"Parks</span></th>\s*<td>2 \(66[.,]7", counts), counts
    # One response per phone, all marked as given in a workshop, counting at once.
    responses = db.session.query(Response).all()
    assert len(responses) == 3
    assert all(r.channel is Channel.workshop and r.is_submitted for r in responses)
    assert sorted(len(r.answers) for r in responses) == [1, 1, 2]


def test_without_a_valid_code_nobody_answers(app, secretary, make_consultation, council):
    consultation = make_consultation(("scale",))
    other = make_consultation(("scale",))
    (scale,) = consultation.questions
    phone = app.test_client()
    base = f"/councils/council-a/consultations/{consultation.id}/workshop/1/answer"
    expired = seal_text(workshop.KEY_PURPOSE, f"{consultation.id}:{int(time.time()) - 1}")
    foreign = code_on_screen(secretary, other).split("?key=")[1]
    for key in ("", "forged", expired, foreign):
        response = phone.get(f"{base}?key={key}")
        assert response.status_code == 403
        assert "This code no longer works" in response.get_data(as_text=True)
        start = f"/councils/council-a/consultations/{consultation.id}/respond"
        answered = post(phone, base, {"key": key, f"q{scale.id}": "5"}, page=start)
        assert answered.status_code == 403
    assert db.session.query(Response).count() == 0
    # The screen is the officers': a phone cannot open it to read the code.
    assert phone.get(screen_url(consultation)).status_code == 302
