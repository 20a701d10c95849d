"""Building a consultation: its texts, dates and questions while it is a draft, then publishing
it. Answering is in ``app.consultations.answering``, counting in ``app.consultations.tally``.

Questions and options can change only while the consultation is a draft: once residents have
answered, a changed question would make their answers mean something else. The title, the
introduction and the closing day may still change (a council extends a consultation that few
have answered), and translations are added at any time.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import defer, lazyload, selectinload

from app import audit
from app.consultations.models import (
    RANKING_MAX,
    Audience,
    Consultation,
    ConsultationState,
    Question,
    QuestionKind,
    QuestionOption,
)
from app.councils.models import Council
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import Translated
from app.meetings import services as meetings
from app.meetings.models import AgendaItem, Meeting
from app.workflow import share_with_translators, transition

#: The most options a question may offer (a phone screen of choices).
OPTIONS_MAX = 12


@dataclass
class ConsultationDetails:
    title: str
    lang: str
    opens_on: date
    closes_on: date
    intro: str = ""
    audience: Audience = Audience.anyone


@dataclass
class QuestionDetails:
    kind: QuestionKind
    text: str
    lang: str
    hint: str = ""
    required: bool = False
    max_choices: int | None = None
    options: list[str] = field(default_factory=list)


def _day_start(council: Council, day: date) -> datetime:
    """Midnight of ``day`` in the council's zone, as the naive UTC the database keeps."""
    try:
        local = datetime.combine(day, time(0), tzinfo=ZoneInfo(council.timezone))
        return local.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:  # a day such as 0001-01-01 has no UTC equivalent east of Greenwich
        raise DomainError(_("Check the dates: they are not real days.")) from None


def opens_on(consultation: Consultation) -> date:
    return consultation.first_day


def closes_on(consultation: Consultation) -> date:
    """The last day answers are taken (the consultation closes at the end of it)."""
    return consultation.last_day


def _times(council: Council, details: ConsultationDetails) -> tuple[datetime, datetime]:
    if details.closes_on < details.opens_on:
        raise DomainError(_("The last day to answer cannot be before the first."))
    if details.closes_on >= date.max - timedelta(days=2):
        raise DomainError(_("Check the dates: they are not real days."))
    opens_at = _day_start(council, details.opens_on)
    closes_at = _day_start(council, details.closes_on + timedelta(days=1))
    return opens_at, closes_at


def _editable(consultation: Consultation) -> None:
    if consultation.state is not ConsultationState.draft:
        raise DomainError(
            _("Questions can change only while the consultation is a draft: people have answered.")
        )


def create_consultation(
    council: Council, details: ConsultationDetails, *, actor=None
) -> Consultation:
    """A new consultation starts as a draft that only the council's officers see."""
    opens_at, closes_at = _times(council, details)
    consultation = Consultation(
        council=council,
        title=Translated.of(details.title.strip(), details.lang),
        intro=Translated.of(details.intro.strip(), details.lang),
        audience=details.audience,
        opens_at=opens_at,
        closes_at=closes_at,
        state=ConsultationState.draft,
    )
    db.session.add(consultation)
    db.session.flush()
    audit.record("consultation.created", consultation, actor=actor)
    return consultation


def update_consultation(
    consultation: Consultation, details: ConsultationDetails, *, actor=None
) -> None:
    """Texts in one language, dates and audience. Once published, the opening day and the
    audience stay as announced, and the closing day can only move later."""
    opens_at, closes_at = _times(consultation.council, details)
    if consultation.has_closed(utcnow()) and closes_at != consultation.closes_at:
        raise DomainError(
            _("The consultation has closed and its results are public: it cannot reopen.")
        )
    if consultation.state is ConsultationState.published:
        if opens_at != consultation.opens_at or details.audience is not consultation.audience:
            raise DomainError(
                _("Once published, only the last day to answer can change, and only to later.")
            )
        if closes_at < consultation.closes_at:
            raise DomainError(
                _("Once published, only the last day to answer can change, and only to later.")
            )
    consultation.title = consultation.title.with_text(details.lang, details.title.strip())
    consultation.intro = consultation.intro.with_text(details.lang, details.intro.strip())
    consultation.opens_at, consultation.closes_at = opens_at, closes_at
    consultation.audience = details.audience
    audit.record("consultation.updated", consultation, actor=actor, language=details.lang)


def _check_question(details: QuestionDetails) -> list[str]:
    options = [option.strip() for option in details.options if option.strip()]
    kind = details.kind
    if kind in (QuestionKind.single, QuestionKind.multiple, QuestionKind.ranking):
        if len(options) < 2:
            raise DomainError(_("Give at least two options to choose from."))
        if len(options) > OPTIONS_MAX:
            raise DomainError(_("Give at most %(count)s options.", count=OPTIONS_MAX))
        if len({option.casefold() for option in options}) < len(options):
            raise DomainError(_("Two options have the same text."))
    else:
        options = []
    chosen = details.max_choices
    if kind is QuestionKind.multiple and chosen is not None and not 1 <= chosen <= len(options):
        raise DomainError(
            _("The most choices allowed must be between 1 and the number of options.")
        )
    if kind is QuestionKind.ranking:
        limit = min(RANKING_MAX, len(options))
        if details.max_choices is not None and not 1 <= details.max_choices <= limit:
            raise DomainError(_("People can rank between 1 and %(count)s options.", count=limit))
    return options


def _max_choices(details: QuestionDetails, options: list[str]) -> int | None:
    if details.kind is QuestionKind.multiple:
        return details.max_choices
    if details.kind is QuestionKind.ranking:
        return details.max_choices or min(RANKING_MAX, len(options))
    return None


def add_question(consultation: Consultation, details: QuestionDetails, *, actor=None) -> Question:
    _editable(consultation)
    options = _check_question(details)
    question = Question(
        consultation=consultation,
        position=len(consultation.questions) + 1,
        kind=details.kind,
        text=Translated.of(details.text.strip(), details.lang),
        hint=Translated.of(details.hint.strip(), details.lang),
        required=details.required,
        max_choices=_max_choices(details, options),
    )
    question.options = [
        QuestionOption(position=n, label=Translated.of(label, details.lang))
        for n, label in enumerate(options, 1)
    ]
    db.session.add(question)
    db.session.flush()
    audit.record("consultation.question_added", consultation, actor=actor, question=question.id)
    return question


def update_question(question: Question, details: QuestionDetails, *, actor=None) -> None:
    """The texts in one language. Options keep their translations when their number stays the
    same (a wording fixed); a changed number of options replaces them."""
    consultation = question.consultation
    _editable(consultation)
    options = _check_question(details)
    question.kind = details.kind
    question.text = question.text.with_text(details.lang, details.text.strip())
    question.hint = question.hint.with_text(details.lang, details.hint.strip())
    question.required = details.required
    question.max_choices = _max_choices(details, options)
    if len(options) == len(question.options):
        for option, label in zip(question.options, options, strict=True):
            option.label = option.label.with_text(details.lang, label)
    else:
        question.options = [
            QuestionOption(position=n, label=Translated.of(label, details.lang))
            for n, label in enumerate(options, 1)
        ]
    audit.record("consultation.question_changed", consultation, actor=actor, question=question.id)


def remove_question(question: Question, *, actor=None) -> None:
    consultation = question.consultation
    _editable(consultation)
    consultation.questions.remove(question)
    for position, other in enumerate(consultation.questions, 1):
        other.position = position
    audit.record("consultation.question_removed", consultation, actor=actor)


def move_question(question: Question, step: int, *, actor=None) -> None:
    """One place up (-1) or down (+1)."""
    consultation = question.consultation
    _editable(consultation)
    questions = list(consultation.questions)
    index = questions.index(question)
    other = index + step
    if not 0 <= other < len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    for position, each in enumerate(questions, 1):
        each.position = position
    consultation.questions.sort(key=lambda q: q.position)


def publish_consultation(consultation: Consultation, *, actor=None) -> None:
    """Published: on the council's page, in its feeds, taking answers from the first day."""
    if not consultation.questions:
        raise DomainError(_("Add at least one question before publishing the consultation."))
    if consultation.closes_at <= utcnow():
        raise DomainError(_("The last day to answer has passed. Choose a later day first."))
    transition(consultation, ConsultationState.published, actor=actor)
    consultation.published_at = utcnow()


def share(consultation: Consultation, asked: bool, *, actor=None) -> bool:
    """Ask the translators to translate the draft before it is published (or stop)."""
    return share_with_translators(consultation, asked, actor=actor)


def answer_consultation(consultation: Consultation, text: str, lang: str, *, actor=None) -> None:
    """The council's public answer to what residents said: what it will do."""
    if consultation.state is not ConsultationState.published:
        raise DomainError(_("Publish the consultation before answering it."))
    consultation.answer = consultation.answer.with_text(lang, text.strip())
    consultation.answered_at = utcnow()
    audit.record("consultation.answered", consultation, actor=actor, language=lang)


def bring_to_item(consultation: Consultation, item: AgendaItem | None, *, actor=None) -> None:
    """The results become input to a meeting's agenda item (None: to none)."""
    if item is not None:
        if item.meeting.council_id != consultation.council_id:
            raise DomainError(_("Choose an item of one of the council’s meetings."))
        if item.meeting.state not in meetings.AGENDA_OPEN:
            raise DomainError(_("Choose an item of a meeting that has not ended."))
    consultation.agenda_item = item
    audit.record(
        "consultation.brought_to_item",
        consultation,
        actor=actor,
        item=item.id if item is not None else None,
    )


def items_to_bring_to(council: Council) -> list[AgendaItem]:
    """Agenda items of the meetings to come or under way, in the order they will be discussed."""
    found = []
    statement = meetings.open_agendas(council).options(selectinload(Meeting.items))
    for meeting in db.session.scalars(statement):
        found.extend(meeting.items)
    return found


def consultations(council: Council, *, include_drafts: bool) -> Select:
    """Open ones first (closing soonest), then upcoming, then closed (latest first); a list
    of them, without their questions."""
    statement = (
        select(Consultation)
        .where(Consultation.council_id == council.id)
        .options(lazyload(Consultation.questions))
    )
    if not include_drafts:
        statement = statement.where(Consultation.state == ConsultationState.published)
    return statement.order_by(Consultation.closes_at.desc(), Consultation.id.desc())


def public_for_items(meeting) -> Select:
    """The published consultations that inform the agenda items of ``meeting``."""
    return (
        select(Consultation)
        .join(AgendaItem, AgendaItem.id == Consultation.agenda_item_id)
        .where(
            AgendaItem.meeting_id == meeting.id,
            Consultation.state == ConsultationState.published,
        )
        .options(
            lazyload(Consultation.questions),
            defer(Consultation.intro),
            defer(Consultation.answer),
        )
        .order_by(Consultation.id)
    )


def open_consultations(council: Council) -> list[Consultation]:
    now = utcnow()
    return list(
        db.session.scalars(
            select(Consultation)
            .where(
                Consultation.council_id == council.id,
                Consultation.state == ConsultationState.published,
                Consultation.opens_at <= now,
                Consultation.closes_at > now,
            )
            .order_by(Consultation.closes_at)
        )
    )
