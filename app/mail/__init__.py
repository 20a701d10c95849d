"""Outgoing email. A request only queues a message in the database (the outbox, committed
with the rest of its work); ``app.mail.sender`` hands it to the mail server after the
response, retries when that server is away, and records what became of it. No email at all
when no mail server is configured.

Notices (``send_notice``) go to many people, each in their own language, with a way to stop
them; a recipient who chose the weekly digest gets them in one email a week.
"""

import base64
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, has_app_context, render_template
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.database import utcnow
from app.extensions import db
from app.mail.models import Delivery, Notice, OutboxMessage

log = logging.getLogger(__name__)


def mail_enabled() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


@dataclass(frozen=True)
class Recipient:
    address: str
    locale: str
    #: Why they get it: "member", "follower" or "resident" (said at the foot of the email).
    reason: str
    #: How the delivery report names them.
    label: str = ""
    unsubscribe_url: str = ""
    weekly: bool = False
    #: The person's name, for the greeting (empty: none).
    name: str = ""


#: compose(recipient) → (subject, body, attachments); called in the recipient's language.
Compose = Callable[[Recipient], tuple[str, str, list[tuple[str, str, bytes]]]]


def queue_email(
    to: str,
    subject: str,
    body: str,
    attachments: Iterable[tuple[str, str, bytes]] = (),
    *,
    locale: str = "",
    label: str = "",
    unsubscribe_url: str = "",
    notice: Notice | None = None,
    weekly: bool = False,
) -> OutboxMessage | None:
    """Put one plain-text message in the outbox; None when email is not configured."""
    if not mail_enabled():
        return None
    message = OutboxMessage(
        to_address=to,
        label=label[:120],
        locale=locale or current_app.config["BABEL_DEFAULT_LOCALE"],
        subject=" ".join(subject.split())[:300],
        body=body,
        attachments=[
            {"filename": name, "content_type": kind, "data": base64.b64encode(data).decode()}
            for name, kind, data in attachments
        ],
        unsubscribe_url=unsubscribe_url,
        notice=notice,
    )
    if weekly:
        message.state = Delivery.held
        message.due_at = next_digest(utcnow())
    db.session.add(message)
    # The sender of this process starts on it as soon as the request's work is committed.
    db.session.info["outbox_queued"] = True
    return message


def send_notice(
    council, kind: str, recipients: Iterable[Recipient], compose: Compose
) -> Notice | None:
    """One notice to each recipient (once per address), in their language, with the foot
    that says why they get it and how to stop."""
    if not mail_enabled():
        return None
    seen: set[str] = set()
    unique = []
    for recipient in recipients:
        key = recipient.address.strip().lower()
        if key and key not in seen:
            seen.add(key)
            unique.append(recipient)
    if not unique:
        return None
    notice = Notice(council=council, kind=kind, subject="")
    db.session.add(notice)
    default = council.default_language
    for recipient in unique:
        with force_locale(recipient.locale):
            subject, body, attachments = compose(recipient)
            body += render_template("mail/footer.txt", recipient=recipient, council=council)
        queue_email(
            recipient.address,
            subject,
            body,
            attachments,
            locale=recipient.locale,
            label=recipient.label,
            unsubscribe_url=recipient.unsubscribe_url,
            notice=notice,
            weekly=recipient.weekly,
        )
        if not notice.subject or recipient.locale == default:
            notice.subject = " ".join(subject.split())[:300]
    return notice


#: Weekly digests leave on this weekday (0 = Monday) at this hour, UTC.
DIGEST_WEEKDAY = 0
DIGEST_HOUR = 6


def next_digest(now: datetime) -> datetime:
    """The next time weekly digests leave, after ``now``."""
    day = now.replace(hour=DIGEST_HOUR, minute=0, second=0, microsecond=0)
    day += timedelta(days=(DIGEST_WEEKDAY - day.weekday()) % 7)
    return day if day > now else day + timedelta(days=7)


def mask_address(address: str) -> str:
    """``amina@example.org`` → ``a…@example.org``: enough for a report, not for a list."""
    name, _, domain = address.partition("@")
    return f"{name[:1]}…@{domain}" if domain else "…"


#: action → what tells people about it: handler(action, target, details), run when the transaction
#: that recorded the audit event commits (so a change and its notices are saved together).
NOTICE_HANDLERS: dict[str, list[Callable]] = {}


def notice_for(*actions: str):
    """Register a handler for audit actions (``app.audit.record``), e.g. ``meeting.published``."""

    def register(handler):
        for action in actions:
            NOTICE_HANDLERS.setdefault(action, []).append(handler)
        return handler

    return register


@event.listens_for(Session, "before_commit")
def _notices_before_commit(session: Session) -> None:
    trail = session.info.pop("audit_trail", None)
    if not trail or not has_app_context() or not mail_enabled():
        return
    for action, target, details in trail:
        for handler in NOTICE_HANDLERS.get(action, ()):
            try:
                with session.begin_nested():
                    handler(action, target, details)
            except Exception:
                # The change itself is saved; a notice that cannot be written is logged.
                log.exception("Notice for %s could not be queued", action)


@event.listens_for(Session, "after_soft_rollback")
def _forget_trail(session: Session, _previous) -> None:
    session.info.pop("audit_trail", None)
    session.info.pop("outbox_queued", None)
