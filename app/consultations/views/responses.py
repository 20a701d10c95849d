"""Answering a consultation: online, one question per screen or all on one page, and typed in
from paper.

Every step works without JavaScript: "Back" and "Next" are buttons of the question's form,
which save what was given before moving on. The private resume link carries the response's
token; whoever has it can finish the answers, nobody else can find them.
"""

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.auth import Access, Permission, current_council, get_in_council_or_404, requires
from app.background import after_response
from app.consultations import answering, emails
from app.consultations import services as consultation_services
from app.consultations.forms import AnswerByEmailForm
from app.consultations.models import (
    SCALE_MAX,
    Audience,
    Channel,
    Consultation,
    Question,
    QuestionKind,
    Response,
)
from app.database import utcnow
from app.forms import ActionForm
from app.i18n import UNKNOWN, all_languages, current_locale, endonym
from app.mail import mail_enabled
from app.transactions import action
from app.urls import external_url

bp = Blueprint("responses", __name__, url_prefix="/councils/<slug>/consultations")

#: Pages that carry the private resume link: never cached, never indexed.
PRIVATE = {
    "responses.confirmed",
    "responses.resume",
    "responses.question",
    "responses.all_questions",
    "responses.review",
}


@bp.after_request
def keep_resume_links_private(response):
    if request.endpoint in PRIVATE:
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _consultation(consultation_id: int) -> Consultation:
    return get_in_council_or_404(Consultation, consultation_id)


def _response(consultation: Consultation, token: str) -> Response:
    response = answering.find(consultation, token)
    if response is None:
        abort(404)
    return response


def writing_languages(council) -> dict[str, list[tuple[str, str]]]:
    """What a free-text answer may be written in: the council's languages first, then every
    other language named in the reader's language and in itself."""
    offered = set(council.languages)
    return {
        _("Languages of the council"): [(code, endonym(code)) for code in council.languages],
        _("All languages"): [(c, label) for c, label in all_languages() if c not in offered]
        + [(UNKNOWN, _("Another language (not in the list)"))],
    }


def field_name(question: Question) -> str:
    return f"q{question.id}"


def _number(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    # Anything but a small number is no option and no value on the scale.
    # isdecimal: Arabic-Indic digits are numbers; superscripts and circled digits are not.
    return int(value) if value.isdecimal() and len(value) < 10 else -1


def given_in(form: MultiDict, question: Question) -> answering.Given:
    """What the form sent for ``question`` (see the field names in ``_macros.html``)."""
    name = field_name(question)
    match question.kind:
        case QuestionKind.multiple:
            return answering.Given(choices=tuple(_number(v) for v in form.getlist(name)))
        case QuestionKind.ranking:
            places = answering.ranking_places(question)
            ranks = (_number(form.get(f"{name}-rank{i}")) for i in range(1, places + 1))
            return answering.Given(choices=tuple(ranks))
        case QuestionKind.scale:
            return answering.Given(number=_number(form.get(name)))
        case QuestionKind.text:
            return answering.Given(text=form.get(name, ""), lang=form.get(f"{name}-lang", ""))
        case _:
            return answering.Given(choices=(_number(form.get(name)),))


def given_in_answer(response: Response, question: Question) -> answering.Given:
    """A saved answer, shown again in its form."""
    answer = answering.answer_of(response, question)
    if answer is None:
        return answering.Given()
    lang = answer.text.original if answer.text else ""
    return answering.Given(
        choices=tuple(answer.choices or ()),
        number=answer.number,
        text=answer.text.get(lang) if lang else "",
        lang=lang,
    )


def _default_text_language(council) -> str:
    locale = current_locale()
    return council.language_or_default(locale)


def _page(template: str, consultation: Consultation, response: Response, token: str, **context):
    council = consultation.council
    return render_template(
        template,
        council=council,
        consultation=consultation,
        response=response,
        token=token,
        questions=consultation.questions,
        link=external_url(
            "responses.resume", slug=council.slug, consultation_id=consultation.id, token=token
        ),
        text_languages=writing_languages(council),
        default_language=_default_text_language(council),
        places=answering.ranking_places,
        field_name=field_name,
        scale_max=SCALE_MAX,
        **context,
    )


@bp.route("/<int:consultation_id>/respond", methods=["GET", "POST"])
@requires(Access.anyone)
def start(slug: str, consultation_id: int):
    """The consultation's first page: what it is about, that nobody is asked who they are,
    and how to answer (one question per screen, or all on one page)."""
    consultation = _consultation(consultation_id)
    council = current_council()
    if request.method == "POST":
        with action() as done:
            response, token = answering.start(
                consultation,
                lang=current_locale(),
                address=request.remote_addr,
                website=request.form.get("website", ""),
            )
        if done and (response is None or token is None):
            # A robot filled the hidden field: it is told all went well; nothing was stored.
            return render_template(
                "consultations/responses/sent.html", council=council, consultation=consultation
            )
        if done and token:
            if request.form.get("mode") == "all":
                return _go(consultation, token, "all_questions")
            return _go(consultation, token, "question", 1)
    return _start_page(consultation)


def _start_page(consultation: Consultation, email_form=None):
    return render_template(
        "consultations/responses/start.html",
        council=consultation.council,
        consultation=consultation,
        is_open=consultation.is_open(utcnow()),
        not_yet=utcnow() < consultation.opens_at,
        last_day=consultation_services.closes_on(consultation),
        first_day=consultation_services.opens_on(consultation),
        by_email=consultation.audience is Audience.confirmed_email,
        mail=mail_enabled(),
        email_form=email_form or AnswerByEmailForm(),
    )


@bp.post("/<int:consultation_id>/respond/by-email")
@requires(Access.anyone)
def by_email(slug: str, consultation_id: int):
    """A consultation for confirmed addresses: a link to answer is emailed. Whether the
    address answered already is found out after the response: every address gets the same
    page in the same time."""
    consultation = _consultation(consultation_id)
    form = AnswerByEmailForm()
    if not mail_enabled() or consultation.audience is not Audience.confirmed_email:
        abort(404)
    if form.validate_on_submit() and consultation.is_open(utcnow()):
        link = external_url(
            "responses.confirmed",
            slug=slug,
            consultation_id=consultation.id,
            code=answering.answer_link_code(consultation, form.email.data),
        )
        after_response(
            emails.answer_link_requested,
            consultation.id,
            form.email.data,
            link,
            current_locale(),
        )
        return render_template(
            "consultations/responses/check_inbox.html",
            council=consultation.council,
            consultation=consultation,
        )
    return _start_page(consultation, email_form=form)


@bp.route("/<int:consultation_id>/respond/confirmed", methods=["GET", "POST"])
@requires(Access.anyone)
def confirmed(slug: str, consultation_id: int):
    """The emailed link: a button starts the answers (a mail scanner that opens links starts
    nothing), once per address."""
    consultation = _consultation(consultation_id)
    code = request.values.get("code", "")
    fingerprint = answering.open_link_code(consultation, code)
    if fingerprint is None:
        return (
            render_template(
                "consultations/responses/link_invalid.html",
                council=consultation.council,
                consultation=consultation,
            ),
            404,
        )
    form = ActionForm()
    if form.validate_on_submit():
        with action(form) as done:
            _response, token = answering.start_confirmed(
                consultation, fingerprint, lang=current_locale()
            )
        if done:
            return _go(consultation, token, "question", 1)
    return render_template(
        "consultations/responses/confirmed.html",
        council=consultation.council,
        consultation=consultation,
        code=code,
        form=form,
    )


@bp.get("/<int:consultation_id>/respond/<token>")
@requires(Access.anyone)
def resume(slug: str, consultation_id: int, token: str):
    """The private resume link: back to the first question without an answer, or to the
    summary; once sent, the thank-you page."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, token)
    if response.is_submitted:
        return _page("consultations/responses/sent.html", consultation, response, token)
    answered = {answer.question_id for answer in response.answers}
    questions = consultation.questions
    number = next((n for n, q in enumerate(questions, 1) if q.id not in answered), None)
    if number is None:
        return redirect(
            url_for("responses.review", slug=slug, consultation_id=consultation_id, token=token)
        )
    return redirect(
        url_for(
            "responses.question",
            slug=slug,
            consultation_id=consultation_id,
            token=token,
            number=number,
        )
    )


def _go(consultation: Consultation, token: str, target: str, number: int = 0):
    values = {"slug": consultation.council.slug, "consultation_id": consultation.id, "token": token}
    if target == "question":
        return redirect(url_for("responses.question", number=number, **values))
    return redirect(url_for(f"responses.{target}", **values))


def _refuse_when_sent(consultation, response, token):
    if response.is_submitted:
        flash(_("Your answers were already sent: they can no longer be changed."), "info")
        return _go(consultation, token, "resume")
    return None


@bp.route("/<int:consultation_id>/respond/<token>/<int:number>", methods=["GET", "POST"])
@requires(Access.anyone)
def question(slug: str, consultation_id: int, token: str, number: int):
    """One question per screen: "Next" and "Back" save the answer, then move."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, token)
    questions = consultation.questions
    if not 1 <= number <= len(questions):
        abort(404)
    if (sent := _refuse_when_sent(consultation, response, token)) is not None:
        return sent
    current = questions[number - 1]
    given, error = given_in_answer(response, current), None
    if request.method == "POST":
        given = given_in(request.form, current)
        with action() as done:
            saved = answering.save(response, {current: given})
        if not done:
            return _go(consultation, token, "resume")
        error = saved.errors.get(current.id)
        if error is None:
            go = request.form.get("go", "next")
            if go == "back" and number > 1:
                return _go(consultation, token, "question", number - 1)
            if go == "all":
                return _go(consultation, token, "all_questions")
            if number < len(questions) and go != "review":
                return _go(consultation, token, "question", number + 1)
            return _go(consultation, token, "review")
    return _page(
        "consultations/responses/question.html",
        consultation,
        response,
        token,
        number=number,
        question=current,
        given=given,
        error=error,
    )


@bp.route("/<int:consultation_id>/respond/<token>/all", methods=["GET", "POST"])
@requires(Access.anyone)
def all_questions(slug: str, consultation_id: int, token: str):
    """All questions on one page: what was given right is saved even when another answer
    needs correcting, and what was typed stays in the form."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, token)
    if (sent := _refuse_when_sent(consultation, response, token)) is not None:
        return sent
    questions = consultation.questions
    givens = {q.id: given_in_answer(response, q) for q in questions}
    errors: dict[int, str] = {}
    if request.method == "POST":
        typed = {q: given_in(request.form, q) for q in questions}
        with action() as done:
            saved = answering.save(response, typed)
        if not done:
            return _go(consultation, token, "resume")
        errors = saved.errors
        if not errors:
            return _go(consultation, token, "review")
        givens = {q.id: given for q, given in typed.items()}
    return _page(
        "consultations/responses/all.html",
        consultation,
        response,
        token,
        givens=givens,
        errors=errors,
    )


@bp.route("/<int:consultation_id>/respond/<token>/review", methods=["GET", "POST"])
@requires(Access.anyone)
def review(slug: str, consultation_id: int, token: str):
    """Check your answers, then send them: they count once sent."""
    consultation = _consultation(consultation_id)
    response = _response(consultation, token)
    if (sent := _refuse_when_sent(consultation, response, token)) is not None:
        return sent
    form = ActionForm()
    if form.validate_on_submit():
        with action(form) as done:
            answering.send(response)
        if done:
            return _go(consultation, token, "resume")
    return _page(
        "consultations/responses/review.html",
        consultation,
        response,
        token,
        answers={q.id: answering.answer_of(response, q) for q in consultation.questions},
        missing={q.id for q in answering.missing(response)},
        form=form,
    )


@bp.route("/<int:consultation_id>/paper", methods=["GET", "POST"])
@requires(Permission.enter_paper_answers)
def paper(slug: str, consultation_id: int):
    """A secretary or mediator types in the sheets of a paper or workshop session, one after
    another: all questions on one form, which comes back empty for the next sheet."""
    consultation = _consultation(consultation_id)
    council = consultation.council
    form = ActionForm()
    questions = consultation.questions
    givens = {q.id: answering.Given() for q in questions}
    errors: dict[int, str] = {}
    lang = request.form.get("sheet_lang", "")
    lang = lang if lang in council.languages else _default_text_language(council)
    channel = request.form.get("channel", Channel.paper.value)
    sheet = request.form.get("sheet", "")[:64]
    saved_sheets = list(session.get("sheets", []))
    if form.validate_on_submit() and sheet and sheet in saved_sheets:
        # "Save" pressed twice, or the page sent again: the sheet counts once.
        flash(_("This sheet was already saved. The form is ready for the next one."), "info")
        return redirect(url_for("responses.paper", slug=slug, consultation_id=consultation_id))
    if form.validate_on_submit():
        typed = {q: given_in(request.form, q) for q in questions}
        with action(form) as done:
            _response, errors = answering.enter_paper(
                consultation,
                typed,
                lang=lang,
                channel=Channel(channel) if channel in Channel.__members__ else Channel.online,
                entered_by=current_user,
            )
        if done and not errors:
            session["sheets"] = [*saved_sheets, sheet][-20:] if sheet else saved_sheets
            flash(_("Saved. The form is ready for the next sheet."), "success")
            return redirect(url_for("responses.paper", slug=slug, consultation_id=consultation_id))
        givens = {q.id: given for q, given in typed.items()}
    return render_template(
        "consultations/responses/paper.html",
        council=council,
        consultation=consultation,
        questions=questions,
        form=form,
        givens=givens,
        errors=errors,
        sheet_lang=lang,
        channel=channel,
        channels=[c for c in Channel if c is not Channel.online],
        sheet=secrets.token_urlsafe(16),
        entered=answering.entered_by(consultation, current_user),
        text_languages=writing_languages(council),
        default_language=lang,
        places=answering.ranking_places,
        field_name=field_name,
        scale_max=SCALE_MAX,
    )
