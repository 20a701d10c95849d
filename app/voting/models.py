import uuid
from datetime import datetime
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    ForeignKey,
    LargeBinary,
    Select,
    String,
    UniqueConstraint,
    bindparam,
    select,
)
from sqlalchemy.orm import (
    Mapped,
    contains_eager,
    joinedload,
    mapped_column,
    relationship,
)

from app.auth import Permission
from app.database import MULTILINE, LabelledEnum, enum_type, utcnow
from app.extensions import Model
from app.i18n import Translated, TranslatedRow, TranslatedText
from app.meetings.models import AgendaItem, Meeting


class PollMethod(LabelledEnum):
    named = "named"
    secret = "secret"  # noqa: S105 - a voting method, not a password

    @classmethod
    def labels(cls):
        return {
            cls.named: _l("Roll call: after the vote, everyone can see who voted what"),
            cls.secret: _l("Pseudo-anonymous: the council sees who voted, nobody can see how"),
        }


class MajorityRule(LabelledEnum):
    simple = "simple"
    absolute = "absolute"
    two_thirds = "two_thirds"

    @classmethod
    def labels(cls):
        return {
            cls.simple: _l("Simple majority: more votes for than against"),
            cls.absolute: _l("Absolute majority: more than half of the entitled members"),
            cls.two_thirds: _l("Two thirds of the votes cast"),
        }


class Entitlement(LabelledEnum):
    present = "present"
    all = "all"

    @classmethod
    def labels(cls):
        return {
            cls.present: _l("Voting members present at the meeting"),
            cls.all: _l("All voting members, present or not"),
        }


class PollState(LabelledEnum):
    draft = "draft"
    open = "open"
    closed = "closed"
    published = "published"

    @classmethod
    def labels(cls):
        return {
            cls.draft: _l("Not open yet"),
            cls.open: _l("Voting is open"),
            cls.closed: _l("Closed"),
            cls.published: _l("Result published"),
        }


class Poll(TranslatedRow, Model):
    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    question: Mapped[Translated] = mapped_column(TranslatedText, info=MULTILINE)
    method: Mapped[PollMethod] = mapped_column(enum_type(PollMethod, "poll_method"))
    majority_rule: Mapped[MajorityRule] = mapped_column(enum_type(MajorityRule, "majority_rule"))
    abstentions_count: Mapped[bool] = mapped_column(default=False)
    entitlement: Mapped[Entitlement] = mapped_column(enum_type(Entitlement, "entitlement"))
    state: Mapped[PollState] = mapped_column(
        enum_type(PollState, "poll_state"), default=PollState.draft, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]
    quorum_at_open: Mapped[bool | None]
    quorum_at_close: Mapped[bool | None]
    #: At close: entitled membership ids, who voted, and the result (see tally.Result.to_json).
    snapshot: Mapped[dict | None] = mapped_column(JSON)

    item = relationship("AgendaItem", back_populates="polls")
    options = relationship(
        "PollOption", back_populates="poll", order_by="PollOption.position", lazy="selectin"
    )

    managed_by: ClassVar = Permission.manage_meetings
    TRANSITIONS: ClassVar = {
        PollState.draft: {PollState.open},
        PollState.open: {PollState.closed},
        PollState.closed: {PollState.published},
        PollState.published: set(),
    }
    REFUSAL: ClassVar = _l("A vote that is “%(state)s” cannot become “%(target)s”.")

    @property
    def is_public(self) -> bool:
        return self.state is not PollState.draft and self.meeting.is_public

    @property
    def is_shared(self) -> bool:
        """A vote not open yet goes to the translators with its meeting's agenda (published, or
        a shared draft): its question must be in every language before it opens."""
        return self.meeting.is_public or self.meeting.is_shared

    @classmethod
    def in_council(cls) -> Select:
        """One query for the poll with its options, item and meeting: every phone in the room
        loads polls during a vote."""
        return (
            select(cls)
            .join(cls.item)
            .join(AgendaItem.meeting)
            .where(Meeting.council_id == bindparam("council_id"))
            .options(
                contains_eager(cls.item).contains_eager(AgendaItem.meeting),
                joinedload(cls.options),
            )
        )

    @property
    def meeting(self):
        return self.item.meeting

    @property
    def council(self):
        return self.item.meeting.council

    @property
    def option_keys(self) -> list[str]:
        return [option.key for option in self.options]

    def option(self, key: str) -> "PollOption | None":
        return next((o for o in self.options if o.key == key), None)


class PollOption(TranslatedRow, Model):
    __tablename__ = "poll_options"
    __table_args__ = (UniqueConstraint("poll_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"), index=True)
    position: Mapped[int]
    #: "yes", "no", "abstain" (labels from the interface's translations), or "option-N".
    key: Mapped[str] = mapped_column(String(20))
    #: Only for custom options.
    label: Mapped[Translated] = mapped_column(TranslatedText, default=lambda: Translated())

    poll = relationship("Poll", back_populates="options")

    @property
    def text(self):
        """What the option says, in the reader's language."""
        from app.voting.labels import option_label

        return option_label(self)


class Ballot(Model):
    """A named poll's ballot: who chose what. One per member and poll, enforced here."""

    __tablename__ = "ballots"
    __table_args__ = (UniqueConstraint("poll_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    choice: Mapped[str] = mapped_column(String(20))
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)

    membership = relationship("Membership")


def _random_id() -> str:
    return uuid.uuid4().hex


class VoteRecord(Model):
    """A secret poll: the fact that a member voted, without the choice and without a time.

    The key is random and (on SQLite) the table has no rowid, so rows carry no insertion order
    that could be matched with the anonymous ballots.
    """

    __tablename__ = "vote_records"
    __table_args__ = (UniqueConstraint("poll_id", "membership_id"), {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_id)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)


class SealedBallot(Model):
    """A pseudo-anonymous choice while its poll is open: encrypted (``app.voting.seal``) with a
    key that is not in the database, all of one size; opened and deleted at the close."""

    __tablename__ = "sealed_ballots"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_id)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary(128))


class SecretBallot(Model):
    """A closed pseudo-anonymous poll's choice: no member, no time, a random key; written at
    the close, all at once and sorted by choice, so neither order nor transaction links it to
    a voter."""

    __tablename__ = "secret_ballots"
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_id)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id"), index=True)
    choice: Mapped[str] = mapped_column(String(20))


class OutcomeKind(LabelledEnum):
    noted = "noted"
    discussed = "discussed"
    consensus = "consensus"
    hands = "hands"
    deferred = "deferred"
    withdrawn = "withdrawn"

    @classmethod
    def labels(cls):
        return {
            cls.noted: _l("Noted"),
            cls.discussed: _l("Discussed"),
            cls.consensus: _l("Decided by consensus"),
            cls.hands: _l("Decided by a show of hands"),
            cls.deferred: _l("Deferred"),
            cls.withdrawn: _l("Withdrawn"),
        }


class Outcome(TranslatedRow, Model):
    """How an agenda item ended, as the secretary records it: besides the electronic votes
    (whose result is the outcome of their item), one per item."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id"), unique=True)
    kind: Mapped[OutcomeKind] = mapped_column(enum_type(OutcomeKind, "outcome_kind"), index=True)
    summary: Mapped[Translated] = mapped_column(
        TranslatedText, info=MULTILINE, default=lambda: Translated()
    )
    #: A show of hands: the rule it was counted under, the hands per option ("yes", "no",
    #: "abstain"), the voting members present when counted, whether quorum was there, and
    #: whether the motion was adopted (only ever true with quorum).
    majority_rule: Mapped[MajorityRule | None] = mapped_column(
        enum_type(MajorityRule, "majority_rule")
    )
    counts: Mapped[dict | None] = mapped_column(JSON)
    #: The vote prepared on the item whose alternatives the hands were counted for, when the
    #: room chose between alternatives rather than for or against.
    poll_id: Mapped[int | None] = mapped_column(ForeignKey("polls.id"))
    present: Mapped[int | None]
    quorum: Mapped[bool | None]
    adopted: Mapped[bool | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    item = relationship("AgendaItem", back_populates="outcome")
    poll = relationship("Poll")
    recorded_by = relationship("User")

    managed_by: ClassVar = Permission.manage_meetings

    @property
    def is_public(self) -> bool:
        return self.item.meeting.is_public

    @property
    def meeting(self):
        return self.item.meeting

    @property
    def council(self):
        return self.item.meeting.council

    @property
    def is_decision(self) -> bool:
        return self.kind in (OutcomeKind.consensus, OutcomeKind.hands)

    @property
    def options(self) -> list[tuple[str, object]]:
        """What the hands were counted for: each option's key and its words."""
        if self.poll is not None:
            return [(option.key, option.text) for option in self.poll.options]
        from app.voting.labels import DEFAULT_LABELS

        return list(DEFAULT_LABELS.items())

    @classmethod
    def in_council(cls) -> Select:
        return (
            select(cls)
            .join(cls.item)
            .join(AgendaItem.meeting)
            .where(Meeting.council_id == bindparam("council_id"))
            .options(contains_eager(cls.item).contains_eager(AgendaItem.meeting))
        )
