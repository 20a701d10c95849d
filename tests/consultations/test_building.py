"""A secretary builds a consultation through the pages, without JavaScript: texts, dates and
questions of every kind while it is a draft; translators translate it; publishing puts it on
the council's page, and from then on its questions stay as residents answered them."""

import re
from datetime import timedelta

import pytest

from app.auth import Role
from app.consultations import services
from app.consultations.models import Consultation, ConsultationState, Question, QuestionKind
from app.database import utcnow
from app.extensions import db
from tests.helpers import post, sign_in

BASE = "/councils/riverside-migrant-council/consultations"


@pytest.fixture
def people(app, make_council, make_user, add_member):
    council = make_council()
    found = {"council": council}
    for role in (Role.secretary, Role.member, Role.translator):
        user = make_user(f"{role.value}@example.org")
        add_member(council, user, role)
        found[role.value] = user
    return found


def client_of(app, user):
    client = app.test_client()
    sign_in(client, user.email)
    return client


def days(n: int) -> str:
    return (utcnow().date() + timedelta(days=n)).isoformat()


def create(client, **fields):
    data = {
        "lang": "en",
        "title": "Which topics should the council work on next year?",
        "intro": "Tell us what matters to you.",
        "opens_on": days(0),
        "closes_on": days(14),
        "audience": "anyone",
    } | fields
    return post(client, f"{BASE}/new", data, page=f"{BASE}/new")


def add(client, consultation, **fields):
    page = f"{BASE}/{consultation.id}/questions/new"
    data = {"lang": "en", "kind": "single", "text": "Which topic first?"} | fields
    return post(client, page, data, page=page)


def test_a_secretary_builds_publishes_and_the_public_finds_it(app, people):
    secretary = client_of(app, people["secretary"])
    response = create(secretary)
    assert response.status_code == 302
    consultation = db.session.query(Consultation).one()
    assert consultation.state is ConsultationState.draft

    # A draft is the officers' only.
    public = app.test_client()
    assert public.get(f"{BASE}/{consultation.id}").status_code == 404
    assert "Which topics" not in public.get(BASE).get_data(as_text=True)

    kinds = [
        {"kind": "single", "text": "Which topic first?", "options": "Housing\nWork\nHealth"},
        {
            "kind": "multiple",
            "text": "Which services have you used?",
            "options": "Library\nHealth centre\nJob centre\nSchool",
            "max_choices": "2",
        },
        {
            "kind": "ranking",
            "text": "Rank these topics",
            "options": "Housing\nWork\nHealth\nSchools\nTransport\nSport",
        },
        {"kind": "scale", "text": "How welcome do you feel?", "required": "y"},
        {"kind": "text", "text": "What stops you from using the health centre?"},
    ]
    for fields in kinds:
        assert add(secretary, consultation, **fields).status_code == 302
    db.session.expire_all()
    questions = consultation.questions
    assert [q.kind for q in questions] == [QuestionKind(k["kind"]) for k in kinds]
    assert [o.label.get("en") for o in questions[0].options] == ["Housing", "Work", "Health"]
    assert questions[1].max_choices == 2
    assert questions[2].max_choices == 5  # a ranking ranks at most five
    assert questions[3].required and not questions[3].options

    # The last question moves up, then publishing.
    last = questions[-1]
    post(
        secretary,
        f"{BASE}/{consultation.id}/questions/{last.id}/move",
        {"direction": "up"},
        page=f"{BASE}/{consultation.id}",
    )
    db.session.expire_all()
    assert [q.kind.value for q in consultation.questions][-2:] == ["text", "scale"]
    confirm = secretary.get(f"{BASE}/{consultation.id}/publish").get_data(as_text=True)
    assert "Publish the consultation?" in confirm and "5 questions" in confirm
    post(secretary, f"{BASE}/{consultation.id}/publish", page=f"{BASE}/{consultation.id}/publish")
    db.session.expire_all()
    assert consultation.state is ConsultationState.published

    # The public finds it on the council's page and can answer.
    council_page = public.get("/councils/riverside-migrant-council").get_data(as_text=True)
    assert "Which topics should the council work on next year?" in council_page
    page = public.get(f"{BASE}/{consultation.id}").get_data(as_text=True)
    assert "Answer the questions" in page
    assert f"{BASE}/{consultation.id}/respond" in page
    assert "Change question" not in page


def test_a_form_that_fails_keeps_what_was_typed(app, people):
    secretary = client_of(app, people["secretary"])
    response = create(secretary, closes_on=days(-3), title="Health centre survey")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The last day to answer cannot be before the first." in page
    assert 'value="Health centre survey"' in page
    assert db.session.query(Consultation).count() == 0

    create(secretary)
    consultation = db.session.query(Consultation).one()
    response = add(secretary, consultation, options="Housing", text="Which one?")
    page = response.get_data(as_text=True)
    assert "Give at least two options to choose from." in page
    assert "Which one?" in page
    response = add(secretary, consultation, options="Housing\nhousing", text="Which one?")
    assert "Two options have the same text." in response.get_data(as_text=True)
    response = add(secretary, consultation, kind="multiple", options="A\nB\nC", max_choices="4")
    assert "between 1 and the number of options" in response.get_data(as_text=True)
    assert db.session.query(Question).count() == 0
    # Publishing with no question is refused with the reason.
    post(secretary, f"{BASE}/{consultation.id}/publish", page=f"{BASE}/{consultation.id}/publish")
    page = secretary.get(f"{BASE}/{consultation.id}").get_data(as_text=True)
    assert "Add at least one question before publishing the consultation." in page
    db.session.expire_all()
    assert consultation.state is ConsultationState.draft


def test_published_questions_cannot_change_but_the_closing_day_can_move_later(app, people):
    secretary = client_of(app, people["secretary"])
    create(secretary)
    consultation = db.session.query(Consultation).one()
    add(secretary, consultation, options="Housing\nWork")
    question = consultation.questions[0]
    post(secretary, f"{BASE}/{consultation.id}/publish", page=f"{BASE}/{consultation.id}/publish")

    edit = f"{BASE}/{consultation.id}/questions/{question.id}/edit"
    response = post(
        secretary,
        edit,
        {"lang": "en", "kind": "single", "text": "Changed?", "options": "A\nB"},
        page=f"{BASE}/{consultation.id}",
    )
    assert "Questions can change only while the consultation is a draft" in response.get_data(
        as_text=True
    )
    remove = f"{BASE}/{consultation.id}/questions/{question.id}/remove"
    post(secretary, remove, page=f"{BASE}/{consultation.id}")
    db.session.expire_all()
    assert question.text.get("en") == "Which topic first?"
    assert len(consultation.questions) == 1

    settings = f"{BASE}/{consultation.id}/edit"
    base = {"lang": "en", "title": "Topics", "opens_on": days(0), "audience": "anyone"}
    response = post(secretary, settings, base | {"closes_on": days(7)}, page=settings)
    assert "only the last day to answer can change, and only to later" in response.get_data(
        as_text=True
    )
    response = post(secretary, settings, base | {"closes_on": days(30)}, page=settings)
    assert response.status_code == 302
    db.session.expire_all()
    assert services.closes_on(consultation) == utcnow().date() + timedelta(days=30)


def test_only_officers_build_and_a_question_of_another_consultation_is_not_found(
    app, people, make_council, make_user, add_member
):
    member = client_of(app, people["member"])
    assert member.get(f"{BASE}/new").status_code == 403
    assert create(member).status_code == 403
    secretary = client_of(app, people["secretary"])
    create(secretary, title="First")
    create(secretary, title="Second")
    first, second = db.session.query(Consultation).order_by(Consultation.id).all()
    add(secretary, first, options="A\nB")
    question = first.questions[0]
    # Another consultation's id in the URL: not found, and nothing removed.
    wrong = f"{BASE}/{second.id}/questions/{question.id}"
    assert secretary.get(wrong + "/edit").status_code == 404
    assert post(secretary, wrong + "/remove", page=f"{BASE}/{second.id}").status_code == 404
    # Another council's secretary cannot reach it at all.
    other = make_council("Hillside Council")
    outsider = make_user("outsider@example.org")
    add_member(other, outsider, Role.secretary)
    stranger = client_of(app, outsider)
    assert stranger.get(f"{BASE}/{first.id}").status_code in (403, 404)
    assert post(stranger, f"{BASE}/{first.id}/publish", page="/profile").status_code in (403, 404)
    assert db.session.query(Question).count() == 1


def test_translators_translate_a_shared_draft_question_by_question(app, people):
    secretary = client_of(app, people["secretary"])
    create(secretary)
    consultation = db.session.query(Consultation).one()
    add(secretary, consultation, options="Housing\nWork", hint="Choose one")
    translator = client_of(app, people["translator"])
    page = f"/councils/riverside-migrant-council/translate/consultation/{consultation.id}"
    assert translator.get(page).status_code == 404  # not shared yet
    post(
        secretary,
        f"{BASE}/{consultation.id}/translators",
        {"asked": "yes"},
        page=f"{BASE}/{consultation.id}",
    )
    worklist = translator.get("/councils/riverside-migrant-council/translate").get_data(
        as_text=True
    )
    assert "Which topics should the council work on next year?" in worklist
    form = translator.get(page + "?to=ar").get_data(as_text=True)
    for label in ("Question 1", "Hint to question 1", "Question 1, option 2"):
        assert label in form
    question = consultation.questions[0]
    options = question.options
    fields = {
        "lang": "ar",
        "title": "ما المواضيع التي يجب أن يعمل عليها المجلس؟",
        "intro": "أخبرونا بما يهمكم.",
        f"q{question.id}": "أي موضوع أولاً؟",
        f"q{question.id}-hint": "اختر واحداً",
        f"o{options[0].id}": "السكن",
        f"o{options[1].id}": "العمل",
    }
    names = re.findall(r'name="([^"]+)"', form)
    data = {
        name: fields[name.removeprefix("text-")]
        for name in names
        if name.removeprefix("text-") in fields
    }
    data |= {n: "y" for n in names if n.startswith("checked-")}
    response = post(translator, page + "?to=ar", data | {"lang": "ar", "to": "ar"}, page=page)
    assert response.status_code in (200, 302)
    db.session.expire_all()
    assert options[1].label.get("ar") == "العمل", names
    assert question.text.get("ar") == "أي موضوع أولاً؟"


def test_the_questionnaire_prints_in_each_language_right_to_left_included(app, people):
    secretary = client_of(app, people["secretary"])
    create(secretary)
    consultation = db.session.query(Consultation).one()
    add(secretary, consultation, options="Housing\nWork", text="Which topic first?")
    add(secretary, consultation, kind="text", text="What stops you?")
    question = consultation.questions[0]
    question.text = question.text.with_text("ar", "أي موضوع أولاً؟")
    db.session.commit()
    post(secretary, f"{BASE}/{consultation.id}/publish", page=f"{BASE}/{consultation.id}/publish")

    public = app.test_client()
    page = public.get(f"{BASE}/{consultation.id}").get_data(as_text=True)
    assert f'{BASE}/{consultation.id}/paper.pdf?lang=ar"' in page

    from io import BytesIO

    from pypdf import PdfReader

    for lang, expected in (("ar", "أي موضوع أولاً؟"), ("en", "Tick one box.")):
        response = public.get(f"{BASE}/{consultation.id}/paper.pdf?lang={lang}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages)
        assert expected in text, text[:500]
        assert "What stops you?" in text
    # The address to answer online is the configured one, not the request's host.
    assert f"https://consulta.test{BASE}/{consultation.id}/respond" in text.replace("\n", "")


def test_the_results_are_brought_to_an_item_of_a_meeting_to_come(
    app, people, make_meeting, make_council
):
    secretary = client_of(app, people["secretary"])
    create(secretary)
    consultation = db.session.query(Consultation).one()
    add(secretary, consultation, options="Housing\nWork")
    post(secretary, f"{BASE}/{consultation.id}/publish", page=f"{BASE}/{consultation.id}/publish")
    meeting = make_meeting(people["council"], items=["Health centre", "Budget"], publish=True)
    item = meeting.items[0]
    other = make_meeting(make_council("Hillside Council"), items=["Elsewhere"], publish=True)

    url = f"{BASE}/{consultation.id}/agenda-item"
    page = secretary.get(f"{BASE}/{consultation.id}").get_data(as_text=True)
    assert "Bring the results to a meeting" in page and "Health centre" in page
    assert "Elsewhere" not in page
    post(secretary, url, {"item": str(other.items[0].id)}, page=f"{BASE}/{consultation.id}")
    db.session.expire_all()
    assert consultation.agenda_item_id is None  # another council's item is refused
    post(secretary, url, {"item": str(item.id)}, page=f"{BASE}/{consultation.id}")
    db.session.expire_all()
    assert consultation.agenda_item_id == item.id

    public = app.test_client()
    agenda = public.get(f"/councils/riverside-migrant-council/meetings/{meeting.id}")
    text = agenda.get_data(as_text=True)
    title = '<bdi lang="en" dir="ltr">Which topics should the council work on next year?</bdi>'
    assert f"Input from the consultation: {title}" in text
    assert f"{BASE}/{consultation.id}/results" in text
    page = public.get(f"{BASE}/{consultation.id}").get_data(as_text=True)
    assert "The results are input to the meeting of" in page


def test_a_published_consultation_is_in_the_councils_feed_drafts_are_not(app, people):
    secretary = client_of(app, people["secretary"])
    create(secretary, title="Draft survey")
    create(secretary)
    draft, published = db.session.query(Consultation).order_by(Consultation.id).all()
    add(secretary, published, options="Housing\nWork")
    post(secretary, f"{BASE}/{published.id}/publish", page=f"{BASE}/{published.id}/publish")
    feed = app.test_client().get("/councils/riverside-migrant-council/decisions.atom")
    body = feed.get_data(as_text=True)
    assert feed.mimetype == "application/atom+xml"
    assert "Consultation: Which topics should the council work on next year?" in body
    assert f"https://consulta.test{BASE}/{published.id}" in body
    assert "Draft survey" not in body
    page = app.test_client().get(BASE).get_data(as_text=True)
    assert 'type="application/atom+xml"' in page
