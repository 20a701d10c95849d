"""Consultations: the council asks residents questions and brings the answers to a meeting.

A consultation has translated texts (title, introduction, questions, options) like every council
text, opens and closes at set times, and collects responses: each response is anonymous (no
personal data), saved as the person goes under a private resume link, and counts once it is
sent. Responses typed in from paper or given in a live workshop say so (``channel``).
"""

from datetime import UTC, date, datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Select, String, UniqueConstraint, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth import Permission
from app.database import MULTILINE, LabelledEnum, enum_type, utcnow
from app.extensions import Model
from app.i18n import Translated, TranslatedRow, TranslatedText


class ConsultationState(LabelledEnum):
    draft = "draft"
    published = "published"

    @classmethod
    def labels(cls):
        return {
            cls.draft: _l("Draft"),
            cls.published: _l("Published"),
        }


class Audience(LabelledEnum):
    anyone = "anyone"
    confirmed_email = "confirmed_email"

    @classmethod
    def labels(cls):
        return {
            cls.anyone: _l("Anyone, without giving any personal data"),
            cls.confirmed_email: _l(
                "Residents who confirm an email address: one response per address"
            ),
        }


class QuestionKind(LabelledEnum):
    single = "single"
    multiple = "multiple"
    ranking = "ranking"
    scale = "scale"
    text = "text"

    @classmethod
    def labels(cls):
        return {
            cls.single: _l("One choice"),
            cls.multiple: _l("Several choices"),
            cls.ranking: _l("Ranking"),
            cls.scale: _l("A scale from 1 to 5"),
            cls.text: _l("Free text"),
        }


class Channel(LabelledEnum):
    online = "online"
    paper = "paper"
    workshop = "workshop"

    @classmethod
    def labels(cls):
        return {
            cls.online: _l("Online"),
            cls.paper: _l("On paper"),
            cls.workshop: _l("In a workshop"),
        }


#: A ranking question ranks at most this many options; a scale runs from 1 to SCALE_MAX.
RANKING_MAX = 5
SCALE_MAX = 5


class Consultation(TranslatedRow, Model):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    title: Mapped[Translated] = mapped_column(TranslatedText)
    intro: Mapped[Translated] = mapped_column(
        TranslatedText, info=MULTILINE, default=lambda: Translated()
    )
    state: Mapped[ConsultationState] = mapped_column(
        enum_type(ConsultationState, "consultation_state"),
        default=ConsultationState.draft,
        index=True,
    )
    audience: Mapped[Audience] = mapped_column(
        enum_type(Audience, "consultation_audience"), default=Audience.anyone
    )
    #: Responses are taken from ``opens_at`` until ``closes_at`` (UTC), once published.
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    #: The meeting item whose discussion the results are input to.
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    #: The council's public answer: what it will do with the results.
    answer: Mapped[Translated] = mapped_column(
        TranslatedText, info=MULTILINE, default=lambda: Translated()
    )
    answered_at: Mapped[datetime | None]
    #: When the officers asked the translators to translate the draft (see app.workflow).
    translators_asked_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    council = relationship("Council")
    #: The agenda item an answered consultation informs. A meeting's page asks for its items'
    #: consultations in one statement (``item_consultations``); loading an agenda item does not
    #: load them.
    agenda_item = relationship("AgendaItem")
    questions = relationship(
        "Question",
        back_populates="consultation",
        order_by="Question.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    managed_by: ClassVar = Permission.manage_consultations
    TRANSITIONS: ClassVar = {
        ConsultationState.draft: {ConsultationState.published},
        ConsultationState.published: set(),
    }
    REFUSAL: ClassVar = _l("A consultation that is “%(state)s” cannot become “%(target)s”.")

    @property
    def is_public(self) -> bool:
        return self.state is ConsultationState.published

    @property
    def is_shared(self) -> bool:
        return self.is_public or self.translators_asked_at is not None

    @classmethod
    def in_council(cls) -> Select:
        return select(cls).where(cls.council_id == bindparam("council_id"))

    def is_open(self, now: datetime) -> bool:
        """Whether it takes responses at ``now`` (naive UTC, like the stored times)."""
        return self.is_public and self.opens_at <= now < self.closes_at

    def has_closed(self, now: datetime) -> bool:
        return self.is_public and now >= self.closes_at

    @property
    def takes_workshops(self) -> bool:
        """Phones in a room cannot show a confirmed address: no workshop for those."""
        return self.audience is Audience.anyone

    @property
    def first_day(self) -> date:
        """The first day answers are taken, in the council's time zone."""
        return _local_day(self.council.timezone, self.opens_at)

    @property
    def last_day(self) -> date:
        """The last day answers are taken (it closes at the end of it)."""
        return _local_day(self.council.timezone, self.closes_at) - timedelta(days=1)


def _local_day(zone: str, moment: datetime) -> date:
    return moment.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).date()


class Question(TranslatedRow, Model):
    __tablename__ = "consultation_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    position: Mapped[int]
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind, "question_kind"))
    text: Mapped[Translated] = mapped_column(TranslatedText, info=MULTILINE)
    #: A line under the question (what is meant, an example); may be empty.
    hint: Mapped[Translated] = mapped_column(
        TranslatedText, info=MULTILINE, default=lambda: Translated()
    )
    required: Mapped[bool] = mapped_column(default=False)
    #: Multiple choice: at most this many options; ranking: rank this many (≤ RANKING_MAX).
    max_choices: Mapped[int | None]

    consultation = relationship("Consultation", back_populates="questions")
    options = relationship(
        "QuestionOption",
        back_populates="question",
        order_by="QuestionOption.position",
        cascade="all, delete-orphan",
        lazy="selectin",
    )

    managed_by: ClassVar = Permission.manage_consultations

    @property
    def council(self):
        return self.consultation.council

    @property
    def is_public(self) -> bool:
        return self.consultation.is_public

    @property
    def is_shared(self) -> bool:
        return self.consultation.is_shared

    @classmethod
    def in_council(cls) -> Select:
        return (
            select(cls)
            .join(cls.consultation)
            .where(Consultation.council_id == bindparam("council_id"))
        )

    @property
    def has_options(self) -> bool:
        return self.kind in (QuestionKind.single, QuestionKind.multiple, QuestionKind.ranking)


class QuestionOption(TranslatedRow, Model):
    __tablename__ = "consultation_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("consultation_questions.id"), index=True)
    position: Mapped[int]
    label: Mapped[Translated] = mapped_column(TranslatedText)

    question = relationship("Question", back_populates="options")


class Response(Model):
    """One person's answers. Nothing in it names the person: the resume link's token and a
    confirmed address are kept only as keyed hashes, and times are kept to the day."""

    __tablename__ = "consultation_responses"
    __table_args__ = (UniqueConstraint("consultation_id", "address_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    channel: Mapped[Channel] = mapped_column(
        enum_type(Channel, "response_channel"), default=Channel.online, index=True
    )
    #: The interface language the person answered in (Babel's code).
    lang: Mapped[str] = mapped_column(String(16))
    #: SHA-256 of the private resume link's token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: Keyed hash of the confirmed address, for "one response per address"; else None.
    address_hash: Mapped[str | None] = mapped_column(String(64))
    #: The day the response was started and sent (no time of day: nothing to match it by).
    started_on: Mapped[date] = mapped_column(default=lambda: utcnow().date())
    submitted_on: Mapped[date | None] = mapped_column(index=True)
    #: Who typed in a paper response (a secretary or mediator); None for residents' own.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    consultation = relationship("Consultation")
    entered_by = relationship("User")
    answers = relationship(
        "Answer", back_populates="response", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_submitted(self) -> bool:
        return self.submitted_on is not None


class Answer(Model):
    """One question's answer in a response.

    ``choices`` holds option ids: the chosen one (single), the chosen ones (multiple), or the
    ranked ones, first choice first (ranking). ``number`` is a scale's value; ``text`` a free
    text in the language its writer named."""

    __tablename__ = "consultation_answers"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("consultation_responses.id"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("consultation_questions.id"), index=True)
    choices: Mapped[list | None] = mapped_column(JSON)
    number: Mapped[int | None]
    text: Mapped[Translated] = mapped_column(
        TranslatedText, info=MULTILINE, default=lambda: Translated()
    )

    response = relationship("Response", back_populates="answers")
    question = relationship("Question")

    managed_by: ClassVar = Permission.manage_consultations

    @property
    def council(self):
        return self.question.consultation.council

    @property
    def is_public(self) -> bool:
        """Never: written answers stay with the council (its officers read and translate them;
        the results publish counts only)."""
        return False

    @property
    def is_shared(self) -> bool:
        """Never: written answers are read and translated by the council's officers only."""
        return False

    @classmethod
    def in_council(cls) -> Select:
        return (
            select(cls)
            .join(cls.question)
            .join(Question.consultation)
            .where(Consultation.council_id == bindparam("council_id"))
        )
