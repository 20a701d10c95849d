from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, Select, String, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth import Permission
from app.database import utcnow
from app.extensions import Model


class DeletionRequest(Model):
    """A resident asked the council to delete the personal data kept with their proposal.

    The proposal may be deleted when the request is completed: its reference stays here so
    that the record of the request still says what it was about."""

    __tablename__ = "deletion_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    #: None once the proposal itself was deleted (it was not public).
    proposal_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL"), index=True
    )
    #: The proposal's reference code ("K7QM4XPD"): not personal, and kept after a deletion.
    reference: Mapped[str] = mapped_column(String(8))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    completed_at: Mapped[datetime | None]
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: What completing it did: "anonymised" (the public text stays) or "deleted".
    outcome: Mapped[str] = mapped_column(String(20), default="")

    council = relationship("Council")
    proposal = relationship("Proposal")
    completed_by = relationship("User")

    managed_by: ClassVar = Permission.manage_proposals

    @property
    def is_public(self) -> bool:
        return False

    @property
    def is_open(self) -> bool:
        return self.completed_at is None

    @classmethod
    def in_council(cls) -> Select:
        return select(cls).where(cls.council_id == bindparam("council_id"))
