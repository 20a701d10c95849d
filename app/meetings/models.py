import uuid
from datetime import datetime
from typing import ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Select, String, UniqueConstraint, bindparam, select
from sqlalchemy.orm import Mapped, contains_eager, mapped_column, relationship

from app.auth import Permission
from app.database import MULTILINE, LabelledEnum, enum_type, utcnow
from app.extensions import Model
from app.i18n import Translated, TranslatedRow, TranslatedText
from app.meetings.documents import EXTENSIONS


class MeetingState(LabelledEnum):
    draft = "draft"
    published = "published"
    in_progress = "in_progress"
    closed = "closed"
    cancelled = "cancelled"

    @classmethod
    def labels(cls):
        return {
            cls.draft: _l("Draft"),
            cls.published: _l("Published"),
            cls.in_progress: _l("In progress"),
            cls.closed: _l("Closed"),
            cls.cancelled: _l("Cancelled"),
        }


class ItemKind(LabelledEnum):
    information = "information"
    discussion = "discussion"
    decision = "decision"

    @classmethod
    def labels(cls):
        return {
            cls.information: _l("For information"),
            cls.discussion: _l("For discussion"),
            cls.decision: _l("For decision"),
        }


class Presence(LabelledEnum):
    present = "present"
    excused = "excused"
    absent = "absent"

    @classmethod
    def labels(cls):
        return {cls.present: _l("Present"), cls.excused: _l("Excused"), cls.absent: _l("Absent")}


class Meeting(TranslatedRow, Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    #: Stable identifier for calendars (iCalendar UID).
    uid: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: uuid.uuid4().hex)
    title: Mapped[Translated] = mapped_column(TranslatedText)
    description: Mapped[Translated] = mapped_column(
        TranslatedText, info=MULTILINE, default=lambda: Translated()
    )
    #: UTC; entered and shown in the council's time zone.
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300), default="")
    step_free: Mapped[bool] = mapped_column(default=False)
    #: Languages interpreted at the meeting (codes).
    interpretation: Mapped[list[str]] = mapped_column(JSON, default=list)
    accessibility_notes: Mapped[Translated] = mapped_column(
        TranslatedText, info=MULTILINE, default=lambda: Translated()
    )
    online_url: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[MeetingState] = mapped_column(
        enum_type(MeetingState, "meeting_state"), default=MeetingState.draft, index=True
    )
    cancel_reason: Mapped[Translated] = mapped_column(
        TranslatedText, info=MULTILINE, default=lambda: Translated()
    )
    published_at: Mapped[datetime | None]
    #: When the officers asked the council's translators to translate this draft (its agenda
    #: included); None: only the officers see the draft.
    translators_asked_at: Mapped[datetime | None]
    #: When the members' reminder for the day before was queued (once per meeting).
    reminded_at: Mapped[datetime | None]
    #: Bumped on every change calendar apps must notice (iCalendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    council = relationship("Council")
    items = relationship(
        "AgendaItem",
        back_populates="meeting",
        order_by="AgendaItem.position",
        cascade="all, delete-orphan",
    )
    attendances = relationship("Attendance", back_populates="meeting", cascade="all, delete-orphan")
    documents = relationship("Document", back_populates="meeting", order_by="Document.id")

    managed_by: ClassVar = Permission.manage_meetings
    TRANSITIONS: ClassVar = {
        MeetingState.draft: {MeetingState.published, MeetingState.cancelled},
        MeetingState.published: {MeetingState.in_progress, MeetingState.cancelled},
        MeetingState.in_progress: {MeetingState.closed},
        MeetingState.closed: set(),
        MeetingState.cancelled: set(),
    }
    REFUSAL: ClassVar = _l("A meeting that is “%(state)s” cannot become “%(target)s”.")

    @property
    def is_public(self) -> bool:
        return self.state is not MeetingState.draft

    @property
    def is_shared(self) -> bool:
        """The council asked its translators to translate it (see ``auth``, ``if_shared``)."""
        return self.translators_asked_at is not None

    @classmethod
    def in_council(cls) -> Select:
        return select(cls).where(cls.council_id == bindparam("council_id"))


class AgendaItem(TranslatedRow, Model):
    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    #: 1, 2, 3 … in agenda order.
    position: Mapped[int]
    title: Mapped[Translated] = mapped_column(TranslatedText)
    description: Mapped[Translated] = mapped_column(
        TranslatedText, info=MULTILINE, default=lambda: Translated()
    )
    kind: Mapped[ItemKind] = mapped_column(enum_type(ItemKind, "item_kind"))
    duration_minutes: Mapped[int | None]
    #: Set when the item was added after the agenda was published.
    added_late_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting = relationship("Meeting", back_populates="items")
    documents = relationship("Document", back_populates="item", order_by="Document.id")
    #: Residents' proposals this item discusses.
    proposals = relationship("Proposal", viewonly=True, order_by="Proposal.id")
    #: Votes held on this item (app.voting).
    polls = relationship("Poll", back_populates="item", order_by="Poll.id")
    #: How the item ended, when recorded by hand (app.voting); a vote's result needs none.
    outcome = relationship("Outcome", back_populates="item", uselist=False)

    managed_by: ClassVar = Permission.manage_meetings

    @property
    def is_public(self) -> bool:
        return self.meeting.is_public

    @property
    def is_shared(self) -> bool:
        return self.meeting.is_shared

    @classmethod
    def in_council(cls) -> Select:
        return (
            select(cls)
            .join(cls.meeting)
            .where(Meeting.council_id == bindparam("council_id"))
            .options(contains_eager(cls.meeting))
        )


class AttendancePeriod(Model):
    """One stretch of time a member spent in the room: a member who leaves and comes back
    has two."""

    __tablename__ = "attendance_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    attendance_id: Mapped[int] = mapped_column(ForeignKey("attendances.id"), index=True)
    arrived_at: Mapped[datetime]
    #: None while the member is in the room.
    left_at: Mapped[datetime | None]

    attendance = relationship("Attendance", back_populates="periods")


class Attendance(Model):
    """One member at one meeting: present, excused or absent. ``presence``, ``arrived_at``
    (the first arrival) and ``left_at`` (the last departure, None while in the room) are the
    summary that quorum and votes read; ``periods`` keep every arrival and departure."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "membership_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    membership_id: Mapped[int] = mapped_column(ForeignKey("memberships.id"), index=True)
    presence: Mapped[Presence] = mapped_column(enum_type(Presence, "presence"))
    arrived_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]
    #: When the member sent apologies themselves, before the meeting; None when the
    #: secretary recorded the absence.
    apologised_at: Mapped[datetime | None]
    #: The member's short note with the apologies (optional).
    apology_note: Mapped[str] = mapped_column(String(300), default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    meeting = relationship("Meeting", back_populates="attendances")
    membership = relationship("Membership")
    periods = relationship(
        "AttendancePeriod",
        back_populates="attendance",
        order_by="AttendancePeriod.arrived_at",
        cascade="all, delete-orphan",
    )

    @property
    def is_in_the_room(self) -> bool:
        return self.presence is Presence.present and self.left_at is None

    def arrive(self, at: datetime) -> None:
        """Present from ``at``: a member who had left starts a new period."""
        if self.is_in_the_room and self.periods:
            return
        self.presence = Presence.present
        self.periods.append(AttendancePeriod(arrived_at=at))
        if self.arrived_at is None:
            self.arrived_at = at
        self.left_at = None

    def leave(self, at: datetime) -> None:
        """Out of the room from ``at`` (never before the open period began)."""
        for period in self.periods:
            if period.left_at is None:
                period.left_at = at = max(at, period.arrived_at)
        self.left_at = max(at, self.arrived_at or at)

    def set_periods(self, periods: list[tuple[datetime, datetime | None]]) -> None:
        """Replace the periods (a correction); the summary follows them."""
        self.periods = [AttendancePeriod(arrived_at=a, left_at=b) for a, b in periods]
        self.arrived_at = periods[0][0] if periods else None
        self.left_at = periods[-1][1] if periods else None


class Document(Model):
    """An uploaded file, stored under the instance folder with a random name."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_items.id"), index=True)
    #: The name it had on the uploader's computer, cleaned; used when it is downloaded.
    filename: Mapped[str] = mapped_column(String(200))
    #: What the list shows (the file name when none was given), in the language ``lang``.
    title: Mapped[str | None] = mapped_column(String(200))
    lang: Mapped[str | None] = mapped_column(String(35))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Removed documents stay recorded; only the file is deleted.
    removed_at: Mapped[datetime | None]

    meeting = relationship("Meeting", back_populates="documents")
    item = relationship("AgendaItem", back_populates="documents")

    managed_by: ClassVar = Permission.manage_meetings

    @property
    def shown_title(self) -> str:
        return self.title or self.filename

    @property
    def type_label(self) -> str:
        """PDF, ODT, DOCX, JPEG…: what people call the kind of file."""
        extension = EXTENSIONS.get(self.content_type, "")
        return "JPEG" if extension == "jpg" else extension.upper()

    @property
    def is_public(self) -> bool:
        return self.meeting.is_public

    @classmethod
    def in_council(cls) -> Select:
        """Removed documents are found by nobody: their file is gone."""
        return (
            select(cls)
            .join(cls.meeting)
            .where(Meeting.council_id == bindparam("council_id"), cls.removed_at.is_(None))
            .options(contains_eager(cls.meeting))
        )
