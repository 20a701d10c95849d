"""The translators' worklist: council texts missing in some language, most urgent first.

What is listed: what the public sees, plus the drafts and proposals under review the council
asked its translators to translate; never a cancelled meeting, a declined proposal or an
answer that stays between the author and the council. Urgency: the next meeting's texts
first (agenda order), then what the council asked for, then the rest, newest first.

The list is found and paged in the database (which texts lack which language is kept on each
row as it is written, ``app.i18n.TranslatedRow``), and a page is loaded with one statement per
kind of text, so its cost does not grow with the number of meetings or proposals.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, case, exists, func, literal, or_, select, union_all
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


def _key(kind: str, column):
    return (column * STRIDE + ORDER.index(kind)).label("key")


def _visible_meeting():
    """Public meetings and shared drafts; cancelled ones are left out with their agenda."""
    return (
        or_(Meeting.state != MeetingState.draft, Meeting.translators_asked_at.is_not(None)),
        Meeting.state != MeetingState.cancelled,
    )


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

    def _rank(self, meeting_id, asked_at):
        return case(
            (meeting_id == (self.next_meeting_id or 0), NEXT_MEETING),
            (asked_at.is_not(None), ASKED),
            else_=OTHER,
        ).label("rank")

    def _meetings(self) -> Select:
        return select(
            _key("meeting", Meeting.id),
            self._rank(Meeting.id, Meeting.translators_asked_at),
            literal(0).label("seq"),
            Meeting.starts_at.label("at"),
        ).where(
            Meeting.council_id == self.council.id,
            *_visible_meeting(),
            lacks(Meeting, self.languages),
        )

    def _items(self) -> Select:
        return (
            select(
                _key("item", AgendaItem.id),
                self._rank(Meeting.id, Meeting.translators_asked_at),
                (AgendaItem.position * 10).label("seq"),
                Meeting.starts_at.label("at"),
            )
            .join(AgendaItem.meeting)
            .where(
                Meeting.council_id == self.council.id,
                *_visible_meeting(),
                lacks(AgendaItem, self.languages),
            )
        )

    def _polls(self) -> Select:
        options = exists().where(PollOption.poll_id == Poll.id, lacks(PollOption, self.languages))
        return (
            select(
                _key("poll", Poll.id),
                self._rank(Meeting.id, Meeting.translators_asked_at),
                (AgendaItem.position * 10 + 1).label("seq"),
                Meeting.starts_at.label("at"),
            )
            .join(Poll.item)
            .join(AgendaItem.meeting)
            .where(
                Meeting.council_id == self.council.id,
                *_visible_meeting(),
                or_(lacks(Poll, self.languages), options),
            )
        )

    def _outcomes(self) -> Select:
        """How items ended: after the item's votes, in agenda order."""
        return (
            select(
                _key("outcome", Outcome.id),
                self._rank(Meeting.id, Meeting.translators_asked_at),
                (AgendaItem.position * 10 + 3).label("seq"),
                Meeting.starts_at.label("at"),
            )
            .join(Outcome.item)
            .join(AgendaItem.meeting)
            .where(
                Meeting.council_id == self.council.id,
                *_visible_meeting(),
                lacks(Outcome, self.languages),
            )
        )

    def _proposals(self) -> Select:
        return (
            select(
                _key("proposal", Proposal.id),
                self._rank(AgendaItem.meeting_id, Proposal.translators_asked_at),
                (AgendaItem.position * 10 + 2).label("seq"),
                Proposal.created_at.label("at"),
            )
            .outerjoin(Proposal.agenda_item)
            .where(
                Proposal.council_id == self.council.id,
                or_(
                    Proposal.state.in_(PUBLIC_STATES),
                    (Proposal.translators_asked_at.is_not(None))
                    & (Proposal.state != ProposalState.declined),
                ),
                lacks(Proposal, self.languages),
            )
        )

    def _answers(self) -> Select:
        # The public proposals' ids first (from an index), then their answers (from another):
        # neither table's rows are read.
        public = select(Proposal.id).where(
            Proposal.council_id == self.council.id, Proposal.state.in_(PUBLIC_STATES)
        )
        return select(
            _key("answer", ProposalEvent.id),
            literal(OTHER).label("rank"),
            literal(0).label("seq"),
            ProposalEvent.at.label("at"),
        ).where(
            ProposalEvent.proposal_id.in_(public),
            ProposalEvent.public.is_(True),
            lacks(ProposalEvent, self.languages),
        )

    def _minutes(self) -> Select:
        """Approved minutes wait for their translations to be published: asked for."""
        return (
            select(
                _key("minutes", Minutes.id),
                case((Minutes.state == MinutesState.approved, ASKED), else_=OTHER).label("rank"),
                literal(0).label("seq"),
                Meeting.starts_at.label("at"),
            )
            .join(Minutes.meeting)
            .where(
                Meeting.council_id == self.council.id,
                Minutes.state != MinutesState.draft,
                lacks(Minutes, self.languages),
            )
        )

    def _consultations(self) -> Select:
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
        return select(
            _key("consultation", Consultation.id),
            case((Consultation.state == ConsultationState.draft, ASKED), else_=OTHER).label("rank"),
            literal(0).label("seq"),
            Consultation.opens_at.label("at"),
        ).where(
            Consultation.council_id == self.council.id,
            or_(
                Consultation.state == ConsultationState.published,
                Consultation.translators_asked_at.is_not(None),
            ),
            or_(
                lacks(Consultation, self.languages),
                questions,
                options,
            ),
        )

    def statement(self) -> Select:
        """The keys of the texts to translate, most urgent first, each with the list's total
        (page it with ``paginate(one_pass=True)``). The texts are found once, into a
        materialized table that is both counted and sorted."""
        rows = (
            union_all(
                self._meetings(),
                self._items(),
                self._polls(),
                self._proposals(),
                self._answers(),
                self._minutes(),
                self._outcomes(),
                self._consultations(),
            )
            .cte("texts")
            .prefix_with("MATERIALIZED")
        )
        total = select(func.count()).select_from(rows).scalar_subquery()
        return select(rows.c.key, total.label("total")).order_by(
            rows.c.rank,
            case((rows.c.rank == NEXT_MEETING, rows.c.seq), else_=0),
            rows.c.at.desc(),
            rows.c.seq,
            rows.c.key.desc(),
        )

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
