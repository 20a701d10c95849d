"""Answering: validation per kind of question, save as you go and resume, required
questions, closed consultations, the honeypot and the throttle; and the pages that do it."""

import re

import pytest

from app.audit import AuditEvent
from app.auth import Role
from app.consultations import answering
from app.consultations.answering import Given
from app.consultations.models import Channel, ConsultationState, Response
from app.errors import DomainError
from app.extensions import db
from app.tokens import hash_token
from app.transactions import commit_keeping_loaded
from tests.consultations.conftest import option_ids
from tests.helpers import csrf_token, sign_in

SINGLE, MULTIPLE, RANKING, SCALE, TEXT = range(5)


def started(consultation, address="192.0.2.1"):
    response, token = answering.start(consultation, lang="en", address=address)
    db.session.commit()
    return response, token


def test_the_resume_token_is_stored_only_as_its_hash(make_consultation):
    consultation = make_consultation()
    response, token = started(consultation)
    assert response.token_hash == hash_token(token) != token
    assert answering.find(consultation, token) is response
    assert answering.find(consultation, token + "x") is None
    assert response.address_hash is None and response.channel.value == "online"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (Given(choices=()), None),
        (Given(choices=(-1,)), "Choose from the options shown."),
    ],
)
def test_a_single_choice_takes_one_of_its_options(make_consultation, given, message):
    consultation = make_consultation(["single"])
    question = consultation.questions[0]
    response, _ = started(consultation)
    first, second = option_ids(question)[:2]
    assert answering.check(question, Given(choices=(first,))) == Given(choices=(first,))
    with pytest.raises(DomainError, match="Choose one option"):
        answering.check(question, Given(choices=(first, second)))
    if message:
        with pytest.raises(DomainError, match=message):
            answering.check(question, given)
    else:
        assert answering.check(question, given) is None


def test_multiple_choices_stay_within_the_maximum(make_consultation):
    consultation = make_consultation(["multiple"], max_choices={1: 2})
    question = consultation.questions[0]
    ids = option_ids(question)
    assert answering.check(question, Given(choices=(ids[0], ids[1], ids[0]))).choices == tuple(
        ids[:2]
    )
    with pytest.raises(DomainError, match="at most 2"):
        answering.check(question, Given(choices=tuple(ids)))


def test_a_ranking_takes_distinct_options_in_order_up_to_its_places(make_consultation):
    consultation = make_consultation(["ranking"], max_choices={1: 3})
    question = consultation.questions[0]
    a, b, c, d = option_ids(question)
    assert answering.ranking_places(question) == 3
    assert answering.check(question, Given(choices=(c, a, None))).choices == (c, a)
    with pytest.raises(DomainError, match="one place only"):
        answering.check(question, Given(choices=(a, a)))
    with pytest.raises(DomainError, match="in order"):
        answering.check(question, Given(choices=(None, a)))
    with pytest.raises(DomainError, match="at most 3"):
        answering.check(question, Given(choices=(a, b, c, d)))


def test_a_ranking_never_asks_for_more_than_five_places(make_consultation):
    question = make_consultation(["ranking"], max_choices={1: 9}).questions[0]
    # Four options: four places, even though the question allows more.
    assert answering.ranking_places(question) == 4


@pytest.mark.parametrize("value", [0, 6, -1])
def test_a_scale_runs_from_one_to_five(make_consultation, value):
    question = make_consultation(["scale"]).questions[0]
    assert answering.check(question, Given(number=5)) == Given(number=5)
    with pytest.raises(DomainError, match="from 1 to 5"):
        answering.check(question, Given(number=value))


def test_a_free_text_keeps_its_language_and_a_length_limit(make_consultation):
    question = make_consultation(["text"]).questions[0]
    assert answering.check(question, Given(text=" مرحبا\u202e ", lang="ar")) == Given(
        text="مرحبا", lang="ar"
    )
    assert answering.check(question, Given(text="Привіт", lang="uk")).lang == "uk"
    assert answering.check(question, Given(text="Salut", lang="fa-AF")).lang == "fa_AF"
    with pytest.raises(DomainError, match="language"):
        answering.check(question, Given(text="Hi", lang="klingon"))
    with pytest.raises(DomainError, match="under 5000"):
        answering.check(question, Given(text="x" * 5001, lang="en"))


def test_answers_are_saved_as_one_goes_and_found_again_after_a_dropped_connection(
    make_consultation,
):
    consultation = make_consultation()
    response, token = started(consultation)
    questions = consultation.questions
    saved = answering.save(
        response,
        {
            questions[SINGLE]: Given(choices=(option_ids(questions[SINGLE])[1],)),
            questions[SCALE]: Given(number=9),
        },
    )
    db.session.commit()
    assert saved.errors == {questions[SCALE].id: "Choose a number from 1 to 5."}
    single, housing, consultation_id = (
        questions[SINGLE].id,
        option_ids(questions[SINGLE])[1],
        consultation.id,
    )
    # The connection drops; the person comes back with the link, in a new session.
    db.session.remove()
    consultation = db.session.get(type(consultation), consultation_id)
    again = answering.find(consultation, token)
    assert [(a.question_id, a.choices) for a in again.answers] == [(single, [housing])]
    # An empty answer removes the one given before.
    answering.save(again, {consultation.questions[SINGLE]: Given()})
    db.session.commit()
    assert answering.find(consultation, token).answers == []


def test_required_questions_must_be_answered_before_sending(make_consultation):
    consultation = make_consultation(["single", "text"], required=(1,))
    response, _ = started(consultation)
    with pytest.raises(DomainError, match="required"):
        answering.send(response)
    assert answering.missing(response) == [consultation.questions[0]]
    answering.save(
        response,
        {consultation.questions[0]: Given(choices=(option_ids(consultation.questions[0])[0],))},
    )
    answering.send(response)
    assert response.is_submitted
    with pytest.raises(DomainError, match="already sent"):
        answering.save(response, {consultation.questions[0]: Given()})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closes": -1, "opens": -3}, "closed"),
        ({"opens": 2}, "not open for answers yet"),
        ({"state": ConsultationState.draft}, "not open"),
    ],
)
def test_a_closed_or_unpublished_consultation_refuses_answers(make_consultation, changes, message):
    consultation = make_consultation(**changes)
    with pytest.raises(DomainError, match=message):
        answering.start(consultation, lang="en", address="192.0.2.1")


def test_answers_are_refused_once_the_consultation_closes(make_consultation):
    consultation = make_consultation(["scale"])
    response, _ = started(consultation)
    consultation.closes_at = consultation.opens_at
    with pytest.raises(DomainError, match="closed"):
        answering.save(response, {consultation.questions[0]: Given(number=3)})


def test_a_robot_filling_the_hidden_field_stores_nothing(make_consultation):
    consultation = make_consultation()
    assert answering.start(consultation, lang="en", address="x", website="http://spam") == (
        None,
        None,
    )
    assert db.session.query(Response).count() == 0


def test_a_flood_from_one_connection_is_stopped_and_others_go_on(app, make_consultation):
    app.config["CONSULTATION_RESPONSES_PER_HOUR"] = 2
    consultation = make_consultation()
    started(consultation)
    started(consultation)
    with pytest.raises(DomainError, match="Too many"):
        answering.start(consultation, lang="en", address="192.0.2.1")
    db.session.rollback()
    assert started(consultation, address="198.51.100.7")[0] is not None
    # Nothing stored counts connections: no audit event per response, nothing to pair with
    # the responses by order, time or transaction.
    events = db.session.query(AuditEvent).filter(AuditEvent.action.like("consultation.%"))
    assert events.count() == 0


def test_an_ipv6_connection_counts_as_its_network(app, make_consultation):
    """Anyone can change the last 64 bits of their IPv6 address: the network is what counts."""
    app.config["CONSULTATION_RESPONSES_PER_HOUR"] = 2
    consultation = make_consultation()
    answering.start(consultation, lang="en", address="2001:db8:1:2::1")
    answering.start(consultation, lang="en", address="2001:db8:1:2::beef")
    with pytest.raises(DomainError, match="Too many"):
        answering.start(consultation, lang="en", address="2001:db8:1:2:ffff::9")
    db.session.rollback()
    assert answering.start(consultation, lang="en", address="2001:db8:1:3::1")[0] is not None


# Pages


def url(consultation, *parts):
    return "/".join([f"/councils/council-a/consultations/{consultation.id}/respond", *parts])


def start_online(client, consultation, mode="steps"):
    start = url(consultation)
    reply = client.post(
        start, data={"csrf_token": csrf_token(client, start), "mode": mode, "website": ""}
    )
    assert reply.status_code == 302, reply.get_data(as_text=True)
    return reply.headers["Location"]


def test_one_question_per_screen_with_back_and_next_then_review_and_send(
    app, client, make_consultation
):
    consultation = make_consultation(["single", "text"], required=(1,))
    first = start_online(client, consultation)
    token = re.search(r"/respond/([^/]+)/1$", first).group(1)
    html = client.get(first).get_data(as_text=True)
    assert "Question 1 of 2" in html and f"/respond/{token}" in html
    assert client.get(first).headers["Cache-Control"] == "no-store"
    token_field = csrf_token(client, first)
    parks = option_ids(consultation.questions[0])[0]
    reply = client.post(
        first,
        data={
            "csrf_token": token_field,
            f"q{consultation.questions[0].id}": str(parks),
            "go": "next",
        },
    )
    assert reply.headers["Location"].endswith(f"/respond/{token}/2")
    second = reply.headers["Location"]
    name = f"q{consultation.questions[1].id}"
    # A wrong language keeps what was typed, with the error.
    reply = client.post(
        second,
        data={
            "csrf_token": token_field,
            name: "نريد حدائق",
            f"{name}-lang": "xx-bad",
            "go": "back",
        },
    )
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "There is a problem" in html and "نريد حدائق" in html
    reply = client.post(
        second,
        data={"csrf_token": token_field, name: "نريد حدائق", f"{name}-lang": "ar", "go": "back"},
    )
    assert reply.headers["Location"].endswith(f"/respond/{token}/1")
    assert "checked" in client.get(first).get_data(as_text=True)
    # Resuming goes to the summary once every question has an answer.
    assert client.get(url(consultation, token)).headers["Location"].endswith("/review")
    review = url(consultation, token, "review")
    html = client.get(review).get_data(as_text=True)
    assert "Parks" in html and 'lang="ar" dir="rtl"' in html
    reply = client.post(review, data={"csrf_token": token_field})
    assert reply.status_code == 302
    html = client.get(reply.headers["Location"]).get_data(as_text=True)
    assert "Thank you: your answers are sent" in html
    assert db.session.query(Response).one().is_submitted
    # Sent answers cannot be changed through the link.
    assert client.get(first).status_code == 302


def test_all_on_one_page_saves_what_is_right_and_keeps_what_was_typed(client, make_consultation):
    consultation = make_consultation(["single", "scale", "ranking"])
    page = start_online(client, consultation, mode="all")
    assert page.endswith("/all")
    single, scale, ranking = consultation.questions
    a, b, *_ = option_ids(ranking)
    data = {
        "csrf_token": csrf_token(client, page),
        f"q{single.id}": str(option_ids(single)[2]),
        f"q{scale.id}": "4",
        f"q{ranking.id}-rank1": str(a),
        f"q{ranking.id}-rank2": str(a),
    }
    reply = client.post(page, data=data)
    html = reply.get_data(as_text=True)
    assert reply.status_code == 200 and "Give each option one place only." in html
    assert html.count(f'value="{a}" lang="en" dir="ltr" selected') == 2
    response = db.session.query(Response).one()
    assert {answer.question_id: answer.number or answer.choices for answer in response.answers} == {
        single.id: [option_ids(single)[2]],
        scale.id: 4,
    }
    data[f"q{ranking.id}-rank2"] = str(b)
    assert client.post(page, data=data).headers["Location"].endswith("/review")


def test_the_start_page_says_when_a_consultation_is_closed(client, make_consultation):
    consultation = make_consultation(opens=-5, closes=-1)
    html = client.get(url(consultation)).get_data(as_text=True)
    assert "answers are no longer taken" in html and 'name="mode"' not in html
    reply = client.post(
        url(consultation), data={"csrf_token": csrf_token(client, "/sign-in"), "mode": "steps"}
    )
    assert "answers are no longer taken" in reply.get_data(as_text=True)
    assert db.session.query(Response).count() == 0


def test_a_draft_consultation_is_not_found_by_the_public(client, make_consultation):
    consultation = make_consultation(state=ConsultationState.draft)
    assert client.get(url(consultation)).status_code == 404


def test_a_wrong_link_is_not_found(client, make_consultation):
    consultation = make_consultation()
    assert client.get(url(consultation, "not-a-token")).status_code == 404


def test_the_honeypot_page_looks_like_success(client, make_consultation):
    consultation = make_consultation()
    start = url(consultation)
    reply = client.post(
        start, data={"csrf_token": csrf_token(client, start), "mode": "steps", "website": "x"}
    )
    assert "Thank you" in reply.get_data(as_text=True)
    assert db.session.query(Response).count() == 0


# Paper and workshop sheets, typed in by an officer


def test_a_paper_sheet_is_entered_whole_sent_and_marked(make_consultation, make_user):
    consultation = make_consultation(["single", "scale"], required=(1,))
    secretary = make_user()
    single, scale = consultation.questions
    response, errors = answering.enter_paper(
        consultation,
        {single: Given(), scale: Given(number=3)},
        lang="ar",
        channel=Channel.paper,
        entered_by=secretary,
    )
    db.session.commit()
    assert errors == {}
    # The blank required question stays blank: the sheet is what counts.
    assert response.is_submitted and response.channel is Channel.paper
    assert response.entered_by_id == secretary.id and response.lang == "ar"
    assert [a.number for a in response.answers] == [3]
    assert answering.entered_by(consultation, secretary) == 1
    event = db.session.query(AuditEvent).filter_by(action="consultation.response_entered").one()
    assert event.actor_id == secretary.id


def test_a_paper_sheet_with_a_wrong_answer_stores_nothing(make_consultation, make_user):
    consultation = make_consultation(["single", "scale"])
    single, scale = consultation.questions
    response, errors = answering.enter_paper(
        consultation,
        {single: Given(choices=(option_ids(single)[0],)), scale: Given(number=7)},
        lang="en",
        channel=Channel.workshop,
        entered_by=make_user(),
    )
    assert response is None and errors == {scale.id: "Choose a number from 1 to 5."}
    assert db.session.query(Response).count() == 0
    with pytest.raises(DomainError, match="paper or in a workshop"):
        answering.enter_paper(
            consultation, {}, lang="en", channel=Channel.online, entered_by=make_user()
        )


def test_officers_type_in_sheets_one_after_another(
    client, make_consultation, make_user, council, add_member
):
    consultation = make_consultation(["single", "text"])
    secretary = make_user("secretary@a.example")
    add_member(council, secretary, Role.secretary)
    page = f"/councils/council-a/consultations/{consultation.id}/paper"
    assert client.get(page).status_code == 302  # sign in first
    sign_in(client, secretary.email)
    single, free = consultation.questions
    data = {
        "csrf_token": csrf_token(client, page),
        "sheet_lang": "ar",
        "channel": "workshop",
        f"q{single.id}": str(option_ids(single)[1]),
        f"q{free.id}": "نريد مكتبة",
        f"q{free.id}-lang": "ar",
    }
    reply = client.post(page, data=data)
    assert reply.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "You have typed in 1 response." in html and "نريد مكتبة" not in html
    data[f"q{free.id}-lang"] = "nonsense"
    html = client.post(page, data=data).get_data(as_text=True)
    assert "There is a problem" in html and "نريد مكتبة" in html
    assert 'value="workshop" checked' in html
    stored = db.session.query(Response).one()
    assert stored.channel is Channel.workshop and stored.lang == "ar" and stored.is_submitted


def test_the_same_answer_saved_twice_at_once_is_kept_once(make_consultation):
    consultation = make_consultation(["scale"])
    response, token = started(consultation)
    question = consultation.questions[0]
    assert response.answers == []  # read by this request...
    commit_keeping_loaded()
    # ...then another request (the same form, tapped twice) stores its answer first.
    with db.engine.begin() as other:
        other.execute(
            answering.Answer.__table__.insert().values(
                response_id=response.id, question_id=question.id, number=2, text={}
            )
        )
    with pytest.raises(DomainError, match="twice"):
        answering.save(response, {question: Given(number=4)})
    db.session.rollback()
    assert [a.number for a in answering.find(consultation, token).answers] == [2]
