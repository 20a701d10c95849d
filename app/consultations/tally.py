"""Counting a consultation's answers: only sent responses count, optionally only those in
one language or from one channel.

Single and multiple choice: how many responses chose each option, and the share of those
that answered the question (several choices may add up to more than 100 %).

Ranking, by the Borda count: a response that ranks options on a question of n places gives
n points to its first choice, n - 1 to its second, and so on down to 1 point for the n-th
place; an option it does not rank gets 0. The options are ordered by their points, then by
how many responses put them first.

Scale: how many responses gave each value from 1 to SCALE_MAX, and their mean.

Free text: the answers, each in its own language.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from app.consultations.answering import ranking_places
from app.consultations.models import (
    SCALE_MAX,
    Answer,
    Channel,
    Consultation,
    Question,
    QuestionKind,
    QuestionOption,
    Response,
)
from app.extensions import db
from app.i18n import Translated


@dataclass(frozen=True)
class Filters:
    #: The language the person answered in; empty for all.
    lang: str = ""
    #: A ``Channel`` value; empty for all.
    channel: str = ""


@dataclass
class OptionCount:
    option: QuestionOption
    count: int
    #: Share of the responses that answered the question, 0–100, one decimal.
    percent: Decimal
    #: Ranking only: Borda points, and how many responses ranked it first.
    points: int = 0
    first: int = 0


@dataclass
class ValueCount:
    value: int
    count: int
    percent: Decimal


@dataclass
class QuestionResult:
    question: Question
    #: Responses that answered this question.
    answered: int
    options: list[OptionCount] = field(default_factory=list)
    values: list[ValueCount] = field(default_factory=list)
    mean: Decimal | None = None
    texts: list[Translated] = field(default_factory=list)
    #: Free text only: the answers that hold one (to translate them).
    written: list[Answer] = field(default_factory=list)
    #: Ranking only: the places a response could fill (the Borda count's n).
    places: int = 0


@dataclass
class Results:
    consultation: Consultation
    responses: int
    questions: list[QuestionResult]


def percent(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def borda(rankings: list[list[int]], places: int) -> Counter:
    """Borda points per option id: ``places`` points for a first place, one fewer for each
    place below it, 0 when unranked."""
    points: Counter = Counter()
    for ranking in rankings:
        for place, option_id in enumerate(ranking[:places]):
            points[option_id] += places - place
    return points


def sent_responses(consultation: Consultation, filters: Filters):
    statement = select(Response.id).where(
        Response.consultation_id == consultation.id, Response.submitted_on.is_not(None)
    )
    if filters.lang:
        statement = statement.where(Response.lang == filters.lang)
    if filters.channel in Channel.__members__:
        statement = statement.where(Response.channel == Channel(filters.channel))
    return statement


def languages(consultation: Consultation) -> list[str]:
    """The languages sent responses were given in, for the filter."""
    statement = (
        select(Response.lang)
        .where(Response.consultation_id == consultation.id, Response.submitted_on.is_not(None))
        .distinct()
        .order_by(Response.lang)
    )
    return list(db.session.scalars(statement))


def tally(consultation: Consultation, filters: Filters = Filters()) -> Results:
    """Every question's counts over the sent responses that match ``filters``."""
    responses = sent_responses(consultation, filters)
    answers = list(db.session.scalars(select(Answer).where(Answer.response_id.in_(responses))))
    by_question: dict[int, list[Answer]] = {}
    for answer in answers:
        by_question.setdefault(answer.question_id, []).append(answer)
    count = db.session.scalar(select(db.func.count()).select_from(responses.subquery())) or 0
    return Results(
        consultation=consultation,
        responses=count,
        questions=[tally_question(q, by_question.get(q.id, [])) for q in consultation.questions],
    )


def tally_question(question: Question, answers: list[Answer]) -> QuestionResult:
    answered = len(answers)
    result = QuestionResult(question=question, answered=answered)
    if question.kind is QuestionKind.text:
        result.written = [a for a in answers if a.text]
        result.texts = [a.text for a in result.written]
    elif question.kind is QuestionKind.scale:
        numbers = Counter(a.number for a in answers if a.number is not None)
        result.values = [
            ValueCount(value, numbers[value], percent(numbers[value], answered))
            for value in range(1, SCALE_MAX + 1)
        ]
        total = sum(numbers.values())
        if total:
            mean = Decimal(sum(v * n for v, n in numbers.items())) / total
            result.mean = mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    else:
        chosen = Counter(c for a in answers for c in dict.fromkeys(a.choices or []))
        result.options = [
            OptionCount(o, chosen[o.id], percent(chosen[o.id], answered)) for o in question.options
        ]
        if question.kind is QuestionKind.ranking:
            _rank(question, answers, result)
    return result


def _rank(question: Question, answers: list[Answer], result: QuestionResult) -> None:
    rankings = [list(a.choices or []) for a in answers]
    result.places = ranking_places(question)
    points = borda(rankings, result.places)
    firsts = Counter(r[0] for r in rankings if r)
    for entry in result.options:
        entry.points = points[entry.option.id]
        entry.first = firsts[entry.option.id]
    result.options.sort(key=lambda e: (-e.points, -e.first, e.option.position))
