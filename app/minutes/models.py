from datetime import datetime
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Select, String, Text, UniqueConstraint, bindparam, select
from sqlalchemy.orm import Mapped, contains_eager, mapped_column, relationship

from app.auth import Permission
from app.database import MULTILINE, LabelledEnum, enum_type, utcnow
from app.extensions import Model
from app.i18n import Translated, TranslatedRow, TranslatedText
from app.meetings.models import Meeting


class MinutesState(LabelledEnum):
    draft = "draft"
    approved = "approved"
    published = "published"

    @classmethod
    def labels(cls):
        return {
            cls.draft: _l("Draft"),
            cls.approved: _l("Approved"),
            cls.published: _l("Published"),
        }


class Minutes(TranslatedRow, Model):
    """The written record of one meeting: Markdown in its original language plus translations.

    Every change to the original text is a numbered ``MinutesRevision``; ``revision`` is the
    number of the current one, which a save must name (a stale save is refused)."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), unique=True)
    body: Mapped[Translated] = mapped_column(TranslatedText, info=MULTILINE)
    state: Mapped[MinutesState] = mapped_column(
        enum_type(MinutesState, "minutes_state"), default=MinutesState.draft
    )
    revision: Mapped[int] = mapped_column(default=1)
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: Approved by the council itself, at this item of a later meeting.
    approved_in_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"))
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    meeting = relationship("Meeting")
    approved_by = relationship("User")
    approved_in = relationship("AgendaItem")
    revisions = relationship(
        "MinutesRevision",
        back_populates="minutes",
        order_by="MinutesRevision.number",
        cascade="all, delete-orphan",
    )

    managed_by: ClassVar = Permission.manage_meetings
    TRANSITIONS: ClassVar = {
        MinutesState.draft: {MinutesState.approved},
        MinutesState.approved: {MinutesState.draft, MinutesState.published},
        MinutesState.published: set(),
    }
    REFUSAL: ClassVar = _l("Minutes that are “%(state)s” cannot become “%(target)s”.")

    @property
    def is_public(self) -> bool:
        return self.state is MinutesState.published

    @property
    def is_shared(self) -> bool:
        """Approved minutes wait for their translations before they are published."""
        return self.state is not MinutesState.draft

    @property
    def council(self):
        return self.meeting.council

    @property
    def corrections(self) -> list["MinutesRevision"]:
        return [revision for revision in self.revisions if revision.correction]

    @classmethod
    def in_council(cls) -> Select:
        return (
            select(cls)
            .join(cls.meeting)
            .where(Meeting.council_id == bindparam("council_id"))
            .options(contains_eager(cls.meeting))
        )


class MinutesRevision(Model):
    """One saved version of the original text: who, when, and for a correction, why."""

    __tablename__ = "minutes_revisions"
    __table_args__ = (UniqueConstraint("minutes_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id"), index=True)
    number: Mapped[int]
    lang: Mapped[str] = mapped_column(String(35))
    text: Mapped[str] = mapped_column(Text, info=MULTILINE)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set on a change made after publication: what changed and why, shown to readers.
    note: Mapped[str] = mapped_column(String(500), default="")
    correction: Mapped[bool] = mapped_column(default=False)

    minutes = relationship("Minutes", back_populates="revisions")
    author = relationship("User")
