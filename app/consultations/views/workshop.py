"""Workshop mode: a live session where the room's screen shows one question at a time with a
QR code, people answer on their phones, and the counts on the screen follow.

The code on the screen carries a key sealed with the site's secret, valid for three hours:
people in the room answer this way. Their answers are marked as given in a workshop, and
each phone keeps one response for the whole session (its token sealed in the phone's cookie).
"""

import time

from flask import Blueprint, abort, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.auth import Access, Permission, get_in_council_or_404, requires
from app.consultations import answering, tally
from app.consultations.models import SCALE_MAX, Consultation, Question
from app.consultations.views.responses import field_name, given_in, writing_languages
from app.consultations.views.results import bar_width, percent
from app.database import utcnow
from app.i18n import current_locale
from app.tokens import seal_text, unseal_text
from app.transactions import action
from app.urls import external_url
from app.web import qr_code

bp = Blueprint("workshop", __name__, url_prefix="/councils/<slug>/consultations")

#: How long the code on the screen lets phones answer: a workshop's session. Anyone who sees
#: the code may answer while it lasts, as anyone in the room may: the counts of a workshop are
#: those of the people in it, and are marked as such in the results.
KEY_SECONDS = 3 * 3600
KEY_PURPOSE = "consultation workshop"
RESPONSE_PURPOSE = "consultation workshop response"


def workshop_key(consultation: Consultation) -> str:
    return seal_text(KEY_PURPOSE, f"{consultation.id}:{int(time.time()) + KEY_SECONDS}")


def key_opens(consultation: Consultation, key: str) -> bool:
    opened = unseal_text(KEY_PURPOSE, key) if key and len(key) < 200 else None
    if opened is None:
        return False
    consultation_id, _, until = opened.partition(":")
    return consultation_id == str(consultation.id) and until.isdigit() and int(until) > time.time()


def _question(consultation_id: int, number: int) -> tuple[Consultation, Question]:
    consultation = get_in_council_or_404(Consultation, consultation_id)
    if not 1 <= number <= len(consultation.questions):
        abort(404)
    return consultation, consultation.questions[number - 1]


def _counts(consultation: Consultation, question: Question) -> str:
    """The live counts of the question, among the answers given in the workshop."""
    results = tally.tally(consultation, tally.Filters(channel="workshop"))
    result = next(r for r in results.questions if r.question.id == question.id)
    return render_template(
        "consultations/workshop/_counts.html",
        result=result,
        percent=percent,
        bar_width=bar_width,
    )


@bp.get("/<int:consultation_id>/workshop/<int:number>")
@requires(Permission.manage_consultations)
def screen(slug: str, consultation_id: int, number: int):
    """The room's screen: the question, its code, and the answers as they come."""
    consultation, question = _question(consultation_id, number)
    if not consultation.takes_workshops:
        return render_template(
            "consultations/workshop/not_for_confirmed.html",
            council=consultation.council,
            consultation=consultation,
        )
    answer_url = external_url(
        "workshop.answer",
        slug=slug,
        consultation_id=consultation.id,
        number=number,
        key=workshop_key(consultation),
    )
    return render_template(
        "consultations/workshop/screen.html",
        council=consultation.council,
        consultation=consultation,
        question=question,
        number=number,
        count=len(consultation.questions),
        qr=qr_code(answer_url, _("Scan to answer"), scale=6),
        answer_url=answer_url,
        counts=Markup(_counts(consultation, question)),  # noqa: S704 - our own template
        is_open=consultation.is_open(utcnow()),
    )


@bp.get("/<int:consultation_id>/workshop/<int:number>/counts.json")
@requires(Permission.manage_consultations)
def counts(slug: str, consultation_id: int, number: int):
    consultation, question = _question(consultation_id, number)
    response = jsonify(html=_counts(consultation, question))
    response.headers["Cache-Control"] = "no-store"
    return response


def _token(consultation: Consultation) -> str | None:
    sealed = session.get("workshop", {}).get(str(consultation.id))
    return unseal_text(RESPONSE_PURPOSE, sealed) if isinstance(sealed, str) else None


def _keep_token(consultation: Consultation, token: str) -> None:
    kept = dict(session.get("workshop", {}))
    kept[str(consultation.id)] = seal_text(RESPONSE_PURPOSE, token)
    session["workshop"] = dict(list(kept.items())[-5:])  # the last few workshops only


@bp.route("/<int:consultation_id>/workshop/<int:number>/answer", methods=["GET", "POST"])
@requires(Access.anyone)
def answer(slug: str, consultation_id: int, number: int):
    """A phone in the room answers the question on the screen."""
    consultation, question = _question(consultation_id, number)
    key = request.values.get("key", "")
    council = consultation.council
    context = {
        "council": council,
        "consultation": consultation,
        "question": question,
        "number": number,
        "key": key,
        "text_languages": writing_languages(council),
        "default_language": council.language_or_default(current_locale()),
        "places": answering.ranking_places,
        "field_name": field_name,
        "scale_max": SCALE_MAX,
    }
    if not key_opens(consultation, key) or not consultation.takes_workshops:
        return render_template("consultations/workshop/expired.html", **context), 403
    given, error = answering.Given(), None
    existing = answering.find(consultation, _token(consultation) or "")
    if existing is not None:
        given_answer = answering.answer_of(existing, question)
        if given_answer is not None and request.method == "GET":
            return render_template("consultations/workshop/answered.html", **context)
    if request.method == "POST":
        given = given_in(request.form, question)
        with action() as done:
            response, token = answering.workshop_response(
                consultation,
                _token(consultation),
                lang=current_locale(),
                address=request.remote_addr,
            )
            saved = answering.workshop_answer(response, question, given)
        if done:
            _keep_token(consultation, token)
            error = saved.errors.get(question.id)
            if error is None:
                return redirect(
                    url_for(
                        "workshop.answer",
                        slug=slug,
                        consultation_id=consultation.id,
                        number=number,
                        key=key,
                    )
                )
    return render_template(
        "consultations/workshop/answer.html", given=given, error=error, **context
    )
