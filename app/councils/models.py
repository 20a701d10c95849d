import math
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Select, String, UniqueConstraint, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth import Role
from app.database import MULTILINE, LabelledEnum, enum_type, utcnow
from app.extensions import Model
from app.i18n import Translated, TranslatedText

role_type = enum_type(Role, "role")


class QuorumRule(LabelledEnum):
    """How many voting members must be present for the council to decide."""

    majority = "majority"
    one_third = "one_third"
    two_thirds = "two_thirds"
    none = "none"

    @classmethod
    def labels(cls):
        return {
            cls.majority: _l("More than half of the voting members"),
            cls.one_third: _l("At least a third of the voting members"),
            cls.two_thirds: _l("At least two thirds of the voting members"),
            cls.none: _l("No quorum"),
        }

    def needed(self, voting_members: int) -> int:
        """Voting members who must be present: the rule as arithmetic."""
        if self is QuorumRule.majority:
            return voting_members // 2 + 1
        if self is QuorumRule.one_third:
            return math.ceil(voting_members / 3)
        if self is QuorumRule.two_thirds:
            return math.ceil(2 * voting_members / 3)
        return 0


class Council(Model):
    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The council's part of every URL: /councils/<slug>.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[Translated] = mapped_column(TranslatedText)
    description: Mapped[Translated] = mapped_column(
        TranslatedText, info=MULTILINE, default=lambda: Translated()
    )
    #: How residents can take part (open sessions, proposals, contact).
    participation: Mapped[Translated] = mapped_column(
        TranslatedText, info=MULTILINE, default=lambda: Translated()
    )
    municipality: Mapped[str] = mapped_column(String(120))
    #: Language codes the council works in, in the order it prefers them.
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    default_language: Mapped[str] = mapped_column(String(16))
    #: IANA zone; meeting times are entered and shown in it.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Brussels")
    quorum_rule: Mapped[QuorumRule] = mapped_column(
        enum_type(QuorumRule, "quorum_rule"),
        default=QuorumRule.majority,
        server_default=QuorumRule.majority.value,
    )
    #: Supporters after which an accepted proposal must be put on an agenda (None: no rule).
    endorsement_threshold: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships = relationship("Membership", back_populates="council", order_by="Membership.id")

    def language_or_default(self, lang: str) -> str:
        """``lang`` when the council works in it, else its default language: what a form
        written by a reader in ``lang`` starts in."""
        return lang if lang in self.languages else self.default_language

    def current_membership_of(self, user) -> "Membership | None":
        if not getattr(user, "is_authenticated", False):
            return None
        for membership in user.memberships:
            if membership.council_id == self.id and membership.is_current:
                return membership
        return None

    @property
    def current_memberships(self) -> list["Membership"]:
        return [m for m in self.memberships if m.is_current]

    @property
    def voting_memberships(self) -> list["Membership"]:
        """Who counts for quorum: current members with a vote, in a role that may hold one,
        whose account is active."""
        return [m for m in self.memberships if m.is_current and m.has_vote]

    def __repr__(self) -> str:
        return f"<Council {self.slug}>"

    @classmethod
    def in_council(cls) -> Select:
        return select(cls).where(cls.id == bindparam("council_id"))


class Membership(Model):
    """A person's seat in a council for a term. Ended memberships stay as history."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[Role] = mapped_column(role_type)
    voting_right: Mapped[bool] = mapped_column(default=False)
    term_start: Mapped[date] = mapped_column(default=lambda: utcnow().date())
    term_end: Mapped[date | None]
    #: Set when the council ended the membership before or at the end of its term.
    ended_at: Mapped[datetime | None]
    #: The member agreed to be named on the council's public page.
    listed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    council = relationship("Council", back_populates="memberships")
    user = relationship("User", back_populates="memberships", lazy="joined")

    @classmethod
    def in_council(cls) -> Select:
        return select(cls).where(cls.council_id == bindparam("council_id"))

    @property
    def has_vote(self) -> bool:
        """The right to vote counts only in a role that may hold it, for an active account."""
        return self.voting_right and self.role.may_vote and self.user.active

    @property
    def is_current(self) -> bool:
        today = utcnow().date()
        return (
            self.ended_at is None
            and self.term_start <= today
            and (self.term_end is None or self.term_end >= today)
        )


class Invitation(Model):
    """A single-use, expiring link that makes the person who opens it a council member."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(role_type)
    voting_right: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None]

    council = relationship("Council")
    created_by = relationship("User", foreign_keys=[created_by_id])

    @classmethod
    def in_council(cls) -> Select:
        return select(cls).where(cls.council_id == bindparam("council_id"))

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None and self.expires_at > utcnow()


class Follower(Model):
    """Someone who follows a council by email: new meetings, decisions and minutes. Counted
    only once they have opened the link sent to the address."""

    __tablename__ = "followers"
    __table_args__ = (UniqueConstraint("council_id", "address_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    address: Mapped[str] = mapped_column(String(254))
    #: Keyed hash of the lower-cased address: one follow per address and council.
    address_hash: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(16))
    weekly: Mapped[bool] = mapped_column(default=False)
    #: SHA-256 of the confirmation link's token (None once confirmed).
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    token_expires_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    council = relationship("Council")
