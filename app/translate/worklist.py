"""The translators' worklist: council texts missing in some language, most urgent first.

What is listed: what the public sees, plus the drafts and proposals under review the council
asked its translators to translate; never a cancelled meeting, a declined proposal or an
answer that stays between the author and the council. Urgency: the next meeting's texts
first (agenda order), then what the council asked for, then the rest, newest first.

A page is found in the database (which texts lack which language is kept on each row as it is
written, ``app.i18n.TranslatedRow``) from the urgent texts and each kind's newest, never the
whole list (``_Texts.page``); its texts are then loaded with one statement per kind, so its
cost does not grow with the number of meetings or proposals.
"""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Integer,
    Select,
    bindparam,
    case,
    exists,
    false,
    literal,
    not_,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import joinedload

from app.consultations.models import Consultation, ConsultationState, Question, QuestionOption
from app.councils.models import Council
from app.database import utcnow
from app.extensions import db
from app.i18n import Translated, lacks
from app.meetings.models import AgendaItem, Meeting, MeetingState
from app.minutes.models import Minutes, MinutesState
from app.proposals.models import PUBLIC_STATES, Proposal, ProposalEvent, ProposalState
from app.translate.services import texts_of
from app.voting.models import Outcome, Poll, PollOption

#: A row's key is its id times STRIDE plus the index of its kind here.
ORDER = ("meeting", "item", "poll", "proposal", "answer", "minutes", "outcome", "consultation")
STRIDE = 8
#: Urgency ranks.
NEXT_MEETING, ASKED, OTHER = 0, 1, 2


@dataclass(frozen=True)
class Entry:
    kind: str
    obj: Any
    title: Translated
    #: The council's languages the text lacks, in the council's order.
    languages: list[str]
    #: The meeting an agenda item or a vote belongs to.
    meeting: Meeting | None = None
    asked: bool = False
    next_meeting: bool = False


@dataclass(frozen=True)
class Kind:
    """The texts of one kind that lack a language: (key, rank, seq, at) rows, and the
    condition that makes a row urgent (rank below OTHER), on the tables' own columns."""

    statement: Select
    urgent: Any


def _key(kind: str, column):
    return (column * STRIDE + ORDER.index(kind)).label("key")


def _visible_meeting():
    """Public meetings and shared drafts; cancelled ones are left out with their agenda."""
    return (
        or_(Meeting.state != MeetingState.draft, Meeting.translators_asked_at.is_not(None)),
        Meeting.state != MeetingState.cancelled,
    )


class _Texts:
    """The statements that find a council's texts lacking ``languages``, the council and the
    next meeting left as parameters (``council_id``, ``next_meeting``: 0 for none), so that
    they are built once per set of languages."""

    council_id = bindparam("council_id", type_=Integer)
    next_meeting = bindparam("next_meeting", type_=Integer)

    def __init__(self, languages: tuple[str, ...]):
        self.languages = list(languages)

    def _rank(self, meeting_id, asked_at):
        return case(
            (meeting_id == self.next_meeting, NEXT_MEETING),
            (asked_at.is_not(None), ASKED),
            else_=OTHER,
        ).label("rank")

    def _urgent(self, meeting_id, asked_at):
        """The rows ``_rank`` puts first, for texts that belong to a meeting."""
        return or_(meeting_id == self.next_meeting, asked_at.is_not(None))

    def _meetings(self) -> Kind:
        return Kind(
            select(
                _key("meeting", Meeting.id),
                self._rank(Meeting.id, Meeting.translators_asked_at),
                literal(0).label("seq"),
                Meeting.starts_at.label("at"),
            ).where(
                Meeting.council_id == self.council_id,
                *_visible_meeting(),
                lacks(Meeting, self.languages),
            ),
            self._urgent(Meeting.id, Meeting.translators_asked_at),
        )

    def _items(self) -> Kind:
        return Kind(
            (
                select(
                    _key("item", AgendaItem.id),
                    self._rank(Meeting.id, Meeting.translators_asked_at),
                    (AgendaItem.position * 10).label("seq"),
                    Meeting.starts_at.label("at"),
                )
                .join(AgendaItem.meeting)
                .where(
                    Meeting.council_id == self.council_id,
                    *_visible_meeting(),
                    lacks(AgendaItem, self.languages),
                )
            ),
            self._urgent(Meeting.id, Meeting.translators_asked_at),
        )

    def _polls(self) -> Kind:
        options = exists().where(PollOption.poll_id == Poll.id, lacks(PollOption, self.languages))
        return Kind(
            (
                select(
                    _key("poll", Poll.id),
                    self._rank(Meeting.id, Meeting.translators_asked_at),
                    (AgendaItem.position * 10 + 1).label("seq"),
                    Meeting.starts_at.label("at"),
                )
                .join(Poll.item)
                .join(AgendaItem.meeting)
                .where(
                    Meeting.council_id == self.council_id,
                    *_visible_meeting(),
                    or_(lacks(Poll, self.languages), options),
                )
            ),
            self._urgent(Meeting.id, Meeting.translators_asked_at),
        )

    def _outcomes(self) -> Kind:
        """How items ended: after the item's votes, in agenda order."""
        return Kind(
            (
                select(
                    _key("outcome", Outcome.id),
                    self._rank(Meeting.id, Meeting.translators_asked_at),
                    (AgendaItem.position * 10 + 3).label("seq"),
                    Meeting.starts_at.label("at"),
                )
                .join(Outcome.item)
                .join(AgendaItem.meeting)
                .where(
                    Meeting.council_id == self.council_id,
                    *_visible_meeting(),
                    lacks(Outcome, self.languages),
                )
            ),
            self._urgent(Meeting.id, Meeting.translators_asked_at),
        )

    def _proposals(self) -> Kind:
        return Kind(
            (
                select(
                    _key("proposal", Proposal.id),
                    self._rank(AgendaItem.meeting_id, Proposal.translators_asked_at),
                    (AgendaItem.position * 10 + 2).label("seq"),
                    Proposal.created_at.label("at"),
                )
                .outerjoin(Proposal.agenda_item)
                .where(
                    Proposal.council_id == self.council_id,
                    or_(
                        Proposal.state.in_(PUBLIC_STATES),
                        (Proposal.translators_asked_at.is_not(None))
                        & (Proposal.state != ProposalState.declined),
                    ),
                    lacks(Proposal, self.languages),
                )
            ),
            # Asked for, or on the next meeting's agenda (never NULL: most have no item).
            or_(
                Proposal.translators_asked_at.is_not(None),
                Proposal.agenda_item_id.is_not(None)
                & Proposal.agenda_item_id.in_(
                    select(AgendaItem.id).where(AgendaItem.meeting_id == self.next_meeting)
                ),
            ),
        )

    def _answers(self) -> Kind:
        # Walked newest first in an index that holds what is tested here (nothing urgent).
        public = exists().where(
            Proposal.id == ProposalEvent.proposal_id,
            Proposal.council_id == self.council_id,
            Proposal.state.in_(PUBLIC_STATES),
        )
        return Kind(
            select(
                _key("answer", ProposalEvent.id),
                literal(OTHER).label("rank"),
                literal(0).label("seq"),
                ProposalEvent.at.label("at"),
            ).where(
                public,
                ProposalEvent.public.is_(True),
                lacks(ProposalEvent, self.languages),
            ),
            false(),
        )

    def _minutes(self) -> Kind:
        """Approved minutes wait for their translations to be published: asked for."""
        return Kind(
            (
                select(
                    _key("minutes", Minutes.id),
                    case((Minutes.state == MinutesState.approved, ASKED), else_=OTHER).label(
                        "rank"
                    ),
                    literal(0).label("seq"),
                    Meeting.starts_at.label("at"),
                )
                .join(Minutes.meeting)
                .where(
                    Meeting.council_id == self.council_id,
                    Minutes.state != MinutesState.draft,
                    lacks(Minutes, self.languages),
                )
            ),
            Minutes.state == MinutesState.approved,
        )

    def _consultations(self) -> Kind:
        """Published consultations and shared drafts, with their questions and options."""
        questions = exists().where(
            Question.consultation_id == Consultation.id,
            lacks(Question, self.languages),
        )
        options = exists().where(
            QuestionOption.question_id == Question.id,
            Question.consultation_id == Consultation.id,
            lacks(QuestionOption, self.languages),
        )
        return Kind(
            select(
                _key("consultation", Consultation.id),
                case((Consultation.state == ConsultationState.draft, ASKED), else_=OTHER).label(
                    "rank"
                ),
                literal(0).label("seq"),
                Consultation.opens_at.label("at"),
            ).where(
                Consultation.council_id == self.council_id,
                or_(
                    Consultation.state == ConsultationState.published,
                    Consultation.translators_asked_at.is_not(None),
                ),
                or_(
                    lacks(Consultation, self.languages),
                    questions,
                    options,
                ),
            ),
            Consultation.state == ConsultationState.draft,
        )

    def page(self) -> Select:
        """The keys of one page of texts, from ``offset``, ``limit`` of them, most urgent
        first.

        The urgent texts (the next meeting's, those the council asked for) are few and all
        read; of the others, each kind gives only its newest ``enough`` (offset + limit),
        walked in an index by date until that many are found: a page costs the same whether
        the council has a hundred texts to translate or twenty thousand (the list is not
        counted)."""
        arms = []
        for kind in (
            self._meetings(),
            self._items(),
            self._polls(),
            self._proposals(),
            self._answers(),
            self._minutes(),
            self._outcomes(),
            self._consultations(),
        ):
            arms.append(kind.statement.where(kind.urgent))
            columns = kind.statement.selected_columns
            newest = (
                kind.statement.where(not_(kind.urgent))
                .order_by(columns.at.desc(), columns.seq, columns.key.desc())
                .limit(bindparam("enough", type_=Integer))
                .subquery()
            )
            arms.append(select(newest))
        found = union_all(*arms).subquery()
        return (
            select(found.c.key)
            .order_by(
                found.c.rank,
                case((found.c.rank == NEXT_MEETING, found.c.seq), else_=0),
                found.c.at.desc(),
                found.c.seq,
                found.c.key.desc(),
            )
            .limit(bindparam("limit", type_=Integer))
            .offset(bindparam("offset", type_=Integer))
        )


@lru_cache(maxsize=32)
def _page(languages: tuple[str, ...]) -> Select:
    return _Texts(languages).page()


class Worklist:
    """What lacks a translation in ``council``, into ``language`` only when one is given."""

    def __init__(self, council: Council, language: str | None = None):
        self.council = council
        self.languages = [language] if language in council.languages else council.languages
        self.next_meeting_id = db.session.scalar(
            select(Meeting.id)
            .where(
                Meeting.council_id == council.id,
                *_visible_meeting(),
                Meeting.state != MeetingState.closed,
                or_(Meeting.ends_at >= utcnow(), Meeting.state == MeetingState.in_progress),
            )
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(1)
        )

    def keys(self, offset: int, limit: int) -> list[int]:
        """The keys of the texts to translate from ``offset`` on, ``limit`` of them, most
        urgent first (``_Texts.page``)."""
        parameters = {
            "council_id": self.council.id,
            "next_meeting": self.next_meeting_id or 0,
            "enough": offset + limit,
            "limit": limit,
            "offset": offset,
        }
        return list(db.session.scalars(_page(tuple(self.languages)), parameters))

    def entries(self, keys: list[int]) -> list[Entry]:
        """The texts of one page: one statement per kind of text, whatever the page holds."""
        wanted: dict[str, list[int]] = {kind: [] for kind in ORDER}
        for key in keys:
            record_id, kind = divmod(key, STRIDE)
            wanted[ORDER[kind]].append(record_id)
        loaded = {kind: self._load(kind, ids) for kind, ids in wanted.items() if ids}
        found = []
        for key in keys:
            record_id, kind = divmod(key, STRIDE)
            obj = loaded[ORDER[kind]].get(record_id)
            if obj is not None:
                found.append(self._entry(ORDER[kind], obj))
        return found

    def _load(self, kind: str, ids: list[int]) -> dict[int, Any]:
        """Records of one kind, with what their entry shows (a vote's options come with one
        more statement: ``Poll.options`` loads with "selectin")."""
        loaders: dict[str, tuple[Any, tuple]] = {
            "meeting": (Meeting, ()),
            "item": (AgendaItem, (joinedload(AgendaItem.meeting),)),
            "poll": (Poll, (joinedload(Poll.item).joinedload(AgendaItem.meeting),)),
            "proposal": (Proposal, (joinedload(Proposal.agenda_item),)),
            "answer": (ProposalEvent, (joinedload(ProposalEvent.proposal),)),
            "minutes": (Minutes, (joinedload(Minutes.meeting),)),
            "outcome": (Outcome, (joinedload(Outcome.item).joinedload(AgendaItem.meeting),)),
            "consultation": (Consultation, ()),
        }
        model, options = loaders[kind]
        statement = select(model).where(model.id.in_(ids)).options(*options)
        return {obj.id: obj for obj in db.session.scalars(statement).unique()}

    def _entry(self, kind: str, obj) -> Entry:
        meeting = obj.meeting if kind in ("item", "poll", "outcome") else None
        if kind == "proposal":
            asked = obj.translators_asked_at is not None
            meeting_id = obj.agenda_item.meeting_id if obj.agenda_item else None
        elif kind == "answer":
            asked, meeting_id = False, None
        elif kind == "minutes":
            asked, meeting_id = obj.state is MinutesState.approved, None
        elif kind == "consultation":
            asked, meeting_id = not obj.is_public, None
        else:
            owner = meeting or obj
            asked, meeting_id = owner.translators_asked_at is not None, owner.id
        titles = {
            "poll": lambda: obj.question,
            "answer": lambda: obj.proposal.title,
            "minutes": lambda: obj.meeting.title,
            "outcome": lambda: obj.item.title,
        }
        return Entry(
            kind,
            obj,
            titles.get(kind, lambda: obj.title)(),
            self._missing(kind, obj),
            meeting=meeting,
            asked=asked,
            next_meeting=meeting_id is not None and meeting_id == self.next_meeting_id,
        )

    def _missing(self, kind: str, obj) -> list[str]:
        texts = texts_of(kind, obj)
        return [lang for lang in self.languages if any(not text.value.get(lang) for text in texts)]
