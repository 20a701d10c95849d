"""The outbox: every email waits here until the sender has handed it to the mail server.

A ``Notice`` is one thing the council told people (an agenda, a cancelled meeting, a new
state of a proposal); its ``OutboxMessage`` rows are the emails, one per recipient, each in
the recipient's language. Transactional emails (a password link, an invitation) are messages
without a notice. A delivered message keeps its recipient, subject and time, not its body:
bodies carry private links.
"""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import LabelledEnum, enum_type, utcnow
from app.extensions import Model


class Delivery(LabelledEnum):
    #: Waiting for its (next) turn.
    queued = "queued"
    #: Taken by a sender; back to queued if that sender stops before it is done.
    sending = "sending"
    sent = "sent"
    #: Kept for the recipient's weekly digest.
    held = "held"
    #: Sent inside a digest (``digest_id``).
    digested = "digested"
    #: The mail server refused the address for good.
    bounced = "bounced"
    #: Still refused after every retry.
    failed = "failed"

    @classmethod
    def labels(cls):
        return {
            cls.queued: _l("Waiting"),
            cls.sending: _l("Being sent"),
            cls.sent: _l("Delivered"),
            cls.held: _l("In the weekly digest"),
            cls.digested: _l("Delivered in a digest"),
            cls.bounced: _l("Address refused"),
            cls.failed: _l("Not delivered"),
        }

    @property
    def delivered(self) -> bool:
        return self in (Delivery.sent, Delivery.digested)

    @property
    def undeliverable(self) -> bool:
        return self in (Delivery.bounced, Delivery.failed)


class Notice(Model):
    """One thing told to several people at once, for the secretaries' delivery report."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    #: What happened, e.g. ``meeting.published`` (see ``app.mail.KINDS``).
    kind: Mapped[str] = mapped_column(String(40))
    #: The subject in the council's default language, to name the notice in the report.
    subject: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    council = relationship("Council")
    messages = relationship("OutboxMessage", back_populates="notice", order_by="OutboxMessage.id")


class OutboxMessage(Model):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("notices.id", ondelete="CASCADE"), index=True
    )
    to_address: Mapped[str] = mapped_column(String(254))
    #: How the report names the recipient (a member's name, or a masked address).
    label: Mapped[str] = mapped_column(String(120), default="")
    locale: Mapped[str] = mapped_column(String(16), default="en")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    #: ``[{"filename", "content_type", "data" (base64)}]``.
    attachments: Mapped[list] = mapped_column(JSON, default=list)
    #: The recipient's one-click way out (notices only): a ``List-Unsubscribe`` header.
    unsubscribe_url: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[Delivery] = mapped_column(
        enum_type(Delivery, "delivery"), default=Delivery.queued
    )
    #: When it may be (re)tried, or released into a digest.
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    #: Until when a sender holds it (state ``sending``).
    lease_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    digest_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    notice = relationship("Notice", back_populates="messages")
