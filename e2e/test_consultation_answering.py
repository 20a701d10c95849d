"""A resident answers a consultation in Arabic on a 360 px phone with JavaScript off: one
question per screen, leaves half-way, comes back with the private link, checks the answers
and sends them. Every screen has no axe violations (checked in a JavaScript-enabled copy of
the page, since axe runs inside it)."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.consultations.models import (
    Answer,
    Consultation,
    ConsultationState,
    Question,
    QuestionKind,
    QuestionOption,
    Response,
)
from app.database import utcnow
from app.demo import demo_council
from app.extensions import db
from app.i18n import Translated
from e2e.conftest import ARTIFACTS, DESKTOP, PHONE, axe_violations

BORDA = (
    "Counted by the Borda count: on a ranking of %(places)s places, a first choice gets "
    "%(places)s points, the next one point less, down to 1 point for the last place; an option "
    "not ranked gets 0."
)
OPTIONS = [("Parks", "الحدائق"), ("Housing", "السكن"), ("Jobs", "العمل")]


def text(en: str, ar: str) -> Translated:
    return Translated.of(en, "en").with_text("ar", ar)


@pytest.fixture
def consultation(live_app):
    """An open consultation of the demo council."""
    return add_consultation(live_app, days_open=1, days_left=14)


def add_consultation(live_app, *, days_open: int, days_left: int) -> tuple[int, str]:
    """A consultation of the demo council: a choice, a ranking and a free text."""
    with live_app.app_context():
        now = utcnow()
        record = Consultation(
            council=demo_council(),
            title=text("Next year's topics", "مواضيع السنة القادمة"),
            intro=text("Tell the council what matters to you.", "أخبروا المجلس بما يهمكم."),
            state=ConsultationState.published,
            opens_at=now - timedelta(days=days_open),
            closes_at=now + timedelta(days=days_left),
        )
        questions = [
            (QuestionKind.single, "Which topic matters most?", "ما الموضوع الأهم؟", True),
            (QuestionKind.ranking, "Rank these topics.", "رتّبوا هذه المواضيع.", False),
            (QuestionKind.text, "What else should we know?", "ماذا يجب أن نعرف أيضاً؟", False),
        ]
        for position, (kind, en, ar, required) in enumerate(questions, 1):
            question = Question(
                position=position, kind=kind, text=text(en, ar), required=required, max_choices=2
            )
            if kind is not QuestionKind.text:
                question.options = [
                    QuestionOption(position=n, label=text(o_en, o_ar))
                    for n, (o_en, o_ar) in enumerate(OPTIONS, 1)
                ]
            record.questions.append(question)
        db.session.add(record)
        db.session.commit()
        return record.id, demo_council().slug


@pytest.fixture
def closed_consultation(live_app):
    """A closed consultation with answers online and on paper, in Arabic and English."""
    consultation_id, slug = add_consultation(live_app, days_open=20, days_left=-1)
    with live_app.app_context():
        record = db.session.get(Consultation, consultation_id)
        single, ranking, free = record.questions
        for n, (lang, channel) in enumerate([("ar", "online"), ("en", "paper"), ("ar", "online")]):
            response = Response(
                consultation=record,
                lang=lang,
                channel=channel,
                token_hash=f"{consultation_id:032d}{n:032d}",
                submitted_on=utcnow().date(),
            )
            response.answers = [
                Answer(question=single, choices=[single.options[n % 2].id]),
                Answer(question=ranking, choices=[o.id for o in ranking.options[n % 3 :][:2]]),
                Answer(question=free, text=Translated.of("ملاعب للأطفال", "ar")),
            ]
            db.session.add(response)
        db.session.commit()
    return consultation_id, slug


@pytest.mark.parametrize(("locale", "viewport"), [("ar", PHONE), ("en", DESKTOP)])
def test_the_results_of_a_closed_consultation_are_accessible(
    new_page, words, closed_consultation, locale, viewport
):
    said = words(locale)
    consultation_id, slug = closed_consultation
    page = new_page(viewport, locale=locale)
    page.goto(f"/councils/{slug}/consultations/{consultation_id}/results?lang={locale}")
    expect(page.get_by_role("heading", level=2).first).to_be_visible()
    expect(page.get_by_text(said(BORDA, places=2))).to_be_visible()
    charts = page.get_by_role("main").get_by_role("img")
    expect(charts).to_have_count(2)
    expect(page.get_by_role("table")).to_have_count(2)
    assert axe_violations(page) == []
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"consultation-results-{locale}.png", full_page=True)
    page.get_by_label(said("How the response was given")).select_option("paper")
    page.get_by_role("button", name=said("Show")).click()
    expect(page).to_have_url(re.compile("channel=paper"))
    expect(page.get_by_label(said("How the response was given"))).to_have_value("paper")
    assert axe_violations(page) == []


def test_a_resident_answers_in_arabic_one_question_per_screen_leaves_and_resumes(
    new_page, words, live_app, consultation
):
    ar = words("ar")
    consultation_id, slug = consultation
    page = new_page(PHONE, javascript=False, locale="ar")
    page.goto(f"/councils/{slug}/consultations/{consultation_id}/respond?lang=ar")
    checker = new_page(PHONE, locale="ar", signed_in_as=page)

    def accessible():
        checker.goto(page.url)
        assert checker.evaluate("document.documentElement.dir") == "rtl"
        assert axe_violations(checker) == []
        assert checker.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    expect(page.get_by_role("heading", level=1, name="مواضيع السنة القادمة")).to_be_visible()
    accessible()
    page.get_by_role("button", name=ar("Start: one question per screen")).click()

    # Question 1: a single choice, required.
    expect(page.get_by_role("heading", level=1, name="ما الموضوع الأهم؟")).to_be_visible()
    expect(
        page.get_by_text(ar("Question %(number)s of %(count)s", number=1, count=3))
    ).to_be_visible()
    accessible()
    page.get_by_label("السكن").check()
    page.get_by_role("button", name=ar("Next"), exact=True).click()

    # Question 2: a ranking of two places; the same option twice is refused, what was chosen stays.
    expect(page.get_by_role("heading", level=1, name="رتّبوا هذه المواضيع.")).to_be_visible()
    accessible()
    first = page.get_by_label(ar("Place %(number)s", number=1), exact=True)
    second = page.get_by_label(ar("Place %(number)s", number=2), exact=True)
    first.select_option(label="الحدائق")
    second.select_option(label="الحدائق")
    page.get_by_role("button", name=ar("Next"), exact=True).click()
    expect(
        page.get_by_role("alert").filter(has_text=ar("Give each option one place only."))
    ).to_be_visible()
    expect(first).to_have_value(re.compile(r"\d+"))
    second.select_option(label="العمل")
    page.get_by_role("button", name=ar("Next"), exact=True).click()

    # Question 3: the resident leaves, keeping the link the page shows.
    expect(page.get_by_role("heading", level=1, name="ماذا يجب أن نعرف أيضاً؟")).to_be_visible()
    link = page.get_by_role("region", name=ar("Finish later")).get_by_role("link").inner_text()
    page.context.close()

    # Later, on a fresh phone session: the link leads back to the first unanswered question.
    page = new_page(PHONE, javascript=False, locale="ar")
    page.goto(link + "?lang=ar")
    expect(page.get_by_role("heading", level=1, name="ماذا يجب أن نعرف أيضاً؟")).to_be_visible()
    checker = new_page(PHONE, locale="ar", signed_in_as=page)
    accessible()
    page.get_by_label(ar("Your answer")).fill("نحتاج إلى ملاعب للأطفال")
    page.get_by_role("button", name=ar("Check my answers")).click()

    # The summary repeats every answer in words, then the answers are sent.
    expect(
        page.get_by_role("heading", level=1, name=ar("Check your answers before sending them"))
    ).to_be_visible()
    accessible()
    summary = page.locator("dl")
    expect(summary).to_contain_text("السكن")
    expect(summary).to_contain_text("نحتاج إلى ملاعب للأطفال")
    expect(summary.get_by_role("listitem")).to_have_text(["السكن", "الحدائق", "العمل"])
    page.get_by_role("button", name=ar("Send my answers")).click()
    expect(
        page.get_by_role("heading", level=1, name=ar("Thank you: your answers are sent"))
    ).to_be_visible()
    accessible()

    with live_app.app_context():
        response = db.session.query(Response).filter_by(consultation_id=consultation_id).one()
        assert response.is_submitted and response.lang == "ar"
        answers = {a.question.position: a for a in response.answers}
        assert answers[3].text.original == "ar"
        assert len(answers[2].choices) == 2


def test_a_secretary_types_in_a_paper_sheet_and_reads_the_results_while_open(
    new_page, words, sign_in, live_app, consultation
):
    ar = words("ar")
    consultation_id, slug = consultation
    page = new_page(PHONE, locale="ar")
    sign_in(page, "secretary@demo.test", language="ar")
    page.goto(f"/councils/{slug}/consultations/{consultation_id}/paper")
    expect(page.get_by_role("heading", level=1, name=ar("Type in paper responses"))).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_label("العمل").first.check()
    page.get_by_label(ar("Your answer")).fill("نريد مكتبة في الحي")
    page.get_by_role("button", name=ar("Save and type the next sheet")).click()
    expect(
        page.get_by_role("status").filter(
            has_text=ar("Saved. The form is ready for the next sheet.")
        )
    ).to_be_visible()
    assert axe_violations(page) == []

    page.goto(f"/councils/{slug}/consultations/{consultation_id}/results")
    answers = page.get_by_role("main").locator("[lang=ar]").filter(has_text="نريد مكتبة في الحي")
    expect(answers).to_have_attribute("dir", "rtl")
    assert axe_violations(page) == []
    with live_app.app_context():
        sheet = db.session.query(Response).filter_by(consultation_id=consultation_id).all()[-1]
        assert sheet.channel.value == "paper" and sheet.entered_by_id is not None


def test_all_questions_on_one_page_is_accessible(new_page, words, consultation):
    en = words("en")
    consultation_id, slug = consultation
    page = new_page(PHONE, locale="en")
    page.goto(f"/councils/{slug}/consultations/{consultation_id}/respond?lang=en")
    page.get_by_role("button", name=en("Answer all questions on one page")).click()
    page.get_by_role("button", name=en("Check my answers")).click()
    # Nothing given is no error; the required question is asked for at sending.
    expect(
        page.get_by_role("heading", level=1, name=en("Check your answers before sending them"))
    ).to_be_visible()
    page.get_by_role("button", name=en("Send my answers")).click()
    expect(page.get_by_role("alert").get_by_role("link")).to_have_text(
        [en("Answer question %(number)s", number=1)]
    )
    assert axe_violations(page) == []
    page.get_by_role("alert").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1, name="Which topic matters most?")).to_be_visible()
    page.get_by_role("button", name=en("Show all questions on one page")).click()
    expect(page.get_by_role("heading", level=1, name="Next year's topics")).to_be_visible()
    assert axe_violations(page) == []
