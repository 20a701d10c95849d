from datetime import datetime
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Select, String, Text, UniqueConstraint, bindparam, select
from sqlalchemy.orm import Mapped, contains_eager, mapped_column, relationship

from app.auth import Permission
from app.database import MULTILINE, LabelledEnum, enum_type, utcnow
from app.extensions import Model
from app.i18n import Translated, TranslatedRow, TranslatedText
from app.proposals import search


class Topic(LabelledEnum):
    housing = "housing"
    education = "education"
    health = "health"
    work = "work"
    culture = "culture"
    public_services = "public_services"
    other = "other"

    @classmethod
    def labels(cls):
        return {
            cls.housing: _l("Housing"),
            cls.education: _l("Education"),
            cls.health: _l("Health"),
            cls.work: _l("Work and entrepreneurship"),
            cls.culture: _l("Culture"),
            cls.public_services: _l("Public services"),
            cls.other: _l("Other"),
        }


class ProposalState(LabelledEnum):
    submitted = "submitted"
    changes_requested = "changes_requested"
    accepted = "accepted"
    declined = "declined"
    scheduled = "scheduled"
    adopted = "adopted"
    rejected = "rejected"
    postponed = "postponed"
    implemented = "implemented"

    @classmethod
    def labels(cls):
        return {
            cls.submitted: _l("Waiting for review"),
            cls.changes_requested: _l("Changes requested"),
            cls.accepted: _l("Accepted"),
            cls.declined: _l("Declined"),
            cls.scheduled: _l("On a meeting agenda"),
            cls.adopted: _l("Adopted"),
            cls.rejected: _l("Rejected"),
            cls.postponed: _l("Postponed"),
            cls.implemented: _l("Implemented"),
        }


class ReceivedAs(LabelledEnum):
    """How a community mediator received a resident's proposal."""

    conversation = "conversation"
    paper = "paper"

    @classmethod
    def labels(cls):
        return {
            cls.conversation: _l("In a conversation"),
            cls.paper: _l("On paper"),
        }


#: States anyone may see; the others are between the author and the council.
PUBLIC_STATES = frozenset(
    {
        ProposalState.accepted,
        ProposalState.scheduled,
        ProposalState.adopted,
        ProposalState.rejected,
        ProposalState.postponed,
        ProposalState.implemented,
    }
)


class Proposal(TranslatedRow, Model):
    __tablename__ = "proposals"
    __table_args__ = (
        UniqueConstraint("council_id", "reference"),
        # The public list, newest first, walked in this index: a page's offset, the count
        # and the filters by state, topic and language are read from it, not from the rows.
        Index("ix_proposals_listing", "council_id", "created_at", "id", "state", "topic", "lang"),
        # The translators' worklist reads what it needs of a proposal here, not from the row.
        Index(
            "ix_proposals_to_translate",
            "council_id",
            "translated_into",
            "state",
            "translators_asked_at",
            "created_at",
            "agenda_item_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: For residents without an account; may be empty (anonymous).
    author_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_consent: Mapped[bool] = mapped_column(default=False)
    #: The interface language the author wrote from: their notices are in it.
    contact_locale: Mapped[str] = mapped_column(String(16), default="", server_default="")
    #: The language's code as Babel writes it (`ps`, `fa_AF`; `bcp47()` makes it `fa-AF`), or
    #: "und" when nobody named it.
    lang: Mapped[str] = mapped_column(String(16))
    #: What the author called a language before proposals named one from the full list
    #: (kept for "und" proposals of that time).
    other_language: Mapped[str] = mapped_column(String(60), default="")
    title: Mapped[Translated] = mapped_column(TranslatedText)
    body: Mapped[Translated] = mapped_column(TranslatedText, info=MULTILINE)
    topic: Mapped[Topic] = mapped_column(enum_type(Topic, "proposal_topic"), index=True)
    state: Mapped[ProposalState] = mapped_column(
        enum_type(ProposalState, "proposal_state"), default=ProposalState.submitted, index=True
    )
    #: SHA-256 of the private tracking token; the token itself is only ever shown once.
    tracking_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: A short code to quote and to type ("K7QM4XPD", shown "K7QM-4XPD"); not a secret.
    reference: Mapped[str] = mapped_column(String(8))
    #: A random key per form, so that a double click stores one proposal.
    submission_key: Mapped[str] = mapped_column(String(64), unique=True)
    #: Keyed hash of the sender's address, for the rate limit only.
    address_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    #: Every version of the title and body folded for the search box (`fold_for_search`).
    search_text: Mapped[str] = mapped_column(Text, default="")
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    #: The community mediator's seat, when a mediator typed it in for a resident.
    helped_by_id: Mapped[int | None] = mapped_column(ForeignKey("memberships.id"), index=True)
    #: How the mediator received it (None: the author sent it themselves).
    received_as: Mapped[ReceivedAs | None] = mapped_column(
        enum_type(ReceivedAs, "proposal_received_as")
    )
    #: The language the resident wrote or spoke in, when a mediator typed the text (perhaps in
    #: another language, ``lang``); "" otherwise.
    resident_lang: Mapped[str] = mapped_column(String(16), default="")
    endorsement_count: Mapped[int] = mapped_column(default=0)
    #: When the officers asked the council's translators to translate it while under review
    #: (say, to read it in their own language); None: only the officers see it until public.
    translators_asked_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    council = relationship("Council")
    author = relationship("User")
    agenda_item = relationship("AgendaItem")
    helped_by = relationship("Membership")
    events = relationship(
        "ProposalEvent",
        back_populates="proposal",
        order_by="ProposalEvent.id",
        cascade="all, delete-orphan",
    )

    managed_by: ClassVar = Permission.manage_proposals
    #: What the council can do with a proposal in each state (back to submitted: the author
    #: sends a new version after a change request).
    TRANSITIONS: ClassVar = {
        ProposalState.submitted: {
            ProposalState.accepted,
            ProposalState.declined,
            ProposalState.changes_requested,
        },
        ProposalState.changes_requested: {ProposalState.submitted, ProposalState.declined},
        ProposalState.accepted: {ProposalState.scheduled, ProposalState.declined},
        ProposalState.declined: set(),
        ProposalState.scheduled: {
            ProposalState.adopted,
            ProposalState.rejected,
            ProposalState.postponed,
        },
        ProposalState.postponed: {
            ProposalState.scheduled,
            ProposalState.adopted,
            ProposalState.rejected,
        },
        ProposalState.adopted: {ProposalState.implemented},
        ProposalState.rejected: set(),
        ProposalState.implemented: set(),
    }
    REFUSAL: ClassVar = _l("A proposal that is “%(state)s” cannot become “%(target)s”.")

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES

    @property
    def is_shared(self) -> bool:
        """The council asked its translators to translate it (a declined one stays private)."""
        return self.translators_asked_at is not None and self.state is not ProposalState.declined

    @classmethod
    def in_council(cls) -> Select:
        return select(cls).where(cls.council_id == bindparam("council_id"))

    @property
    def public_events(self) -> list["ProposalEvent"]:
        return [e for e in self.events if e.public]

    @property
    def latest_answer(self) -> "ProposalEvent | None":
        for event in reversed(self.events):
            if event.answer:
                return event
        return None


search.listen(Proposal.__table__)  # type: ignore[arg-type]


class ProposalEvent(TranslatedRow, Model):
    """One step in a proposal's history: a state change with the council's answer, or an edit."""

    __tablename__ = "proposal_events"
    # The translators' worklist walks the answers newest first here, not in the rows.
    __table_args__ = (
        Index("ix_proposal_events_to_translate", "at", "public", "translated_into", "proposal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: "state" (state change), "edit" (the council edited the text), "resubmitted".
    kind: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    #: The council's answer, public when the proposal is public.
    answer: Mapped[Translated] = mapped_column(
        TranslatedText, info=MULTILINE, default=lambda: Translated()
    )
    #: Why an edit was made (shown to the author and the public without the removed text).
    reason: Mapped[str] = mapped_column(String(500), default="")
    #: Shown on the public page (declines and change requests stay between author and council).
    public: Mapped[bool] = mapped_column(default=True)

    proposal = relationship("Proposal", back_populates="events")
    actor = relationship("User")

    managed_by: ClassVar = Permission.manage_proposals

    @property
    def is_public(self) -> bool:
        return self.public and self.proposal.is_public

    @classmethod
    def in_council(cls) -> Select:
        return (
            select(cls)
            .join(cls.proposal)
            .where(Proposal.council_id == bindparam("council_id"))
            .options(contains_eager(cls.proposal))
        )

    @property
    def target_state(self) -> ProposalState | None:
        return ProposalState(self.to_state) if self.to_state else None


class Endorsement(Model):
    __tablename__ = "endorsements"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmailSupport(Model):
    """Support from a resident without an account, counted once per address and proposal.
    Only a keyed hash of the normalised address is kept."""

    __tablename__ = "email_supports"
    __table_args__ = (UniqueConstraint("proposal_id", "address_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    #: HMAC of the normalised address under a key derived from SECRET_KEY.
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EmailRequest(Model):
    """An email someone asked the site to send about a proposal: the throttles count these,
    and a confirmation link is one of them (single use, until ``expires_at``)."""

    __tablename__ = "email_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "support" (confirm a support), "contact" (confirm the author's address), "link" (the
    #: tracking link sent again).
    purpose: Mapped[str] = mapped_column(String(20))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    #: The address itself, only for "contact": it becomes the proposal's once confirmed.
    address: Mapped[str] = mapped_column(String(254), default="")
    #: SHA-256 of the link's token; none when the email carried no link to confirm.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    expires_at: Mapped[datetime | None] = mapped_column()
    used_at: Mapped[datetime | None] = mapped_column()

    proposal = relationship("Proposal")
