"""The audit trail: an append-only record of who did what, and when."""

from datetime import datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.database import utcnow
from app.extensions import Model, db


class AuditEvent(Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    #: A dotted verb such as "account.sign_in" or "membership.ended".
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[int | None]
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"), index=True)
    #: The client address, kept for security events (sign-ins) only.
    address: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record(
    action: str,
    target: Any = None,
    *,
    actor: Any,
    council: Any = None,
    with_address: bool = False,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the current transaction. ``actor`` is who did it: a person, or
    None for the system (a command, a rule applied on its own)."""
    if council is None and target is not None:
        council = getattr(target, "council", None)
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        object_type=type(target).__name__ if target is not None else None,
        object_id=getattr(target, "id", None),
        council_id=getattr(council, "id", None),
        address=request.remote_addr if with_address and has_request_context() else None,
        details=details,
    )
    db.session.add(event)
    # What others may react to when the transaction commits (e.g. ``app.mail`` notices).
    db.session.info.setdefault("audit_trail", []).append((action, target, details))
    return event
