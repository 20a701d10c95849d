"""The sender: takes due messages from the outbox and hands them to the mail server, one
SMTP connection per batch, in a thread of each app process (no broker, no other service).

Several processes, or several servers sharing one database, may all run a sender: a message
is claimed (state ``sending`` with a lease) in a short transaction before any network talk,
so each goes once; a sender that dies mid-batch leaves its lease to expire and another takes
the message again. A server that refuses for now (4xx, no answer) gets the message again
later, further and further apart, until ``BACKOFF`` runs out; one that refuses the address
for good (5xx to the recipient) ends it as bounced.
"""

import base64
import logging
import os
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from itertools import groupby

from flask import Flask, current_app, has_app_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, delete, event, or_, select

from app.database import utcnow
from app.extensions import db
from app.mail import mail_enabled, mask_address
from app.mail.models import Delivery, Notice, OutboxMessage

log = logging.getLogger(__name__)

#: Wait before each new try of a message the server did not take.
BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360, 720, 1440)]
#: How long a sender holds the messages it claimed.
LEASE = timedelta(minutes=10)
BATCH = 100

#: Work the sender does on each round besides delivering (e.g. tomorrow's meeting reminders):
#: each callable queues what is due at ``now`` and is run in its own transaction.
PERIODIC: list[Callable[[datetime], None]] = []


@dataclass
class Round:
    sent: int = 0
    retried: int = 0
    refused: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.refused


def deliver_due(now: datetime | None = None, limit: int = BATCH) -> Round:
    """Send what is due, over one connection; returns what became of it."""
    now = now or utcnow()
    claimed = _claim(now, limit)
    result = Round()
    if not claimed:
        return result
    outcomes: dict[int, tuple[Delivery | None, str]] = {}
    try:
        smtp = _connect()
    except (smtplib.SMTPException, OSError) as error:
        outcomes = {m["id"]: (None, _reason(error)) for m in claimed}
    else:
        try:
            for message in claimed:
                try:
                    smtp.send_message(_email(message))
                except smtplib.SMTPRecipientsRefused as error:
                    codes = [code for code, _text in error.recipients.values()]
                    final = all(500 <= code < 600 for code in codes)
                    outcomes[message["id"]] = (Delivery.bounced if final else None, _reason(error))
                except smtplib.SMTPServerDisconnected as error:
                    # The connection is gone: this one and the rest wait for the next round.
                    for rest in claimed[claimed.index(message) :]:
                        outcomes[rest["id"]] = (None, _reason(error))
                    break
                except (smtplib.SMTPException, OSError) as error:
                    outcomes[message["id"]] = (None, _reason(error))
                else:
                    outcomes[message["id"]] = (Delivery.sent, "")
        finally:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    _record(outcomes, now, result)
    return result


def _claim(now: datetime, limit: int) -> list[dict]:
    """Take due messages for this sender, in a transaction of their own."""
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(
            or_(
                and_(OutboxMessage.state == Delivery.queued, OutboxMessage.due_at <= now),
                and_(OutboxMessage.state == Delivery.sending, OutboxMessage.lease_until < now),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    claimed = []
    for message in messages:
        message.state = Delivery.sending
        message.lease_until = now + LEASE
        claimed.append(
            {
                "id": message.id,
                "to": message.to_address,
                "subject": message.subject,
                "body": message.body,
                "attachments": message.attachments or [],
                "unsubscribe": message.unsubscribe_url,
            }
        )
    db.session.commit()
    return claimed


def _record(outcomes: dict, now: datetime, result: Round) -> None:
    for message in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(list(outcomes)))
    ):
        state, reason = outcomes[message.id]
        message.lease_until = None
        message.attempts += 1
        message.last_error = reason[:300]
        if state is Delivery.sent:
            message.state, message.sent_at = Delivery.sent, now
            forget_content(message)
            result.sent += 1
        elif state is Delivery.bounced or message.attempts > len(BACKOFF):
            message.state = state or Delivery.failed
            forget_content(message)
            result.refused += 1
        else:
            message.state = Delivery.queued
            message.due_at = now + BACKOFF[message.attempts - 1]
            result.retried += 1
    db.session.commit()


def forget_content(message: OutboxMessage) -> None:
    """What was said, and the full address, go once the message has gone: bodies hold
    private links, and a resident's address is kept only where they asked for it."""
    message.body = ""
    message.attachments = []
    message.to_address = mask_address(message.to_address)


def _reason(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(error.recipients.values()))
        return f"{code} {_text(text)}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}"


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def _email(message: dict) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message["to"]
    email["Subject"] = message["subject"]
    if message["unsubscribe"]:
        email["List-Unsubscribe"] = f"<{message['unsubscribe']}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message["body"])
    for attachment in message["attachments"]:
        maintype, subtype = attachment["content_type"].split("/", 1)
        email.add_attachment(
            base64.b64decode(attachment["data"]),
            maintype=maintype,
            subtype=subtype,
            filename=attachment["filename"],
        )
    return email


def release_digests(now: datetime) -> int:
    """Each address's held notices, whose week is over, as one email per address and
    language; returns how many digests were queued."""
    held = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.state == Delivery.held, OutboxMessage.due_at <= now)
        .order_by(OutboxMessage.to_address, OutboxMessage.locale, OutboxMessage.id)
    ).all()
    count = 0
    for (_address, locale), group in groupby(held, key=lambda m: (m.to_address.lower(), m.locale)):
        notices = list(group)
        with force_locale(locale):
            digest = OutboxMessage(
                to_address=notices[0].to_address,
                label=notices[0].label,
                locale=locale,
                subject=_("Your weekly notices from the council (%(count)d)", count=len(notices)),
                body=render_template("mail/digest.txt", notices=notices),
                unsubscribe_url=notices[-1].unsubscribe_url,
                due_at=now,
            )
        db.session.add(digest)
        db.session.flush()
        for notice in notices:
            notice.state, notice.digest_id, notice.sent_at = Delivery.digested, digest.id, now
            forget_content(notice)
        count += 1
    db.session.commit()
    return count


#: How long the delivery report keeps a message that has gone (subject, day, masked address).
KEPT = timedelta(days=90)


def forget_old(now: datetime) -> None:
    """Delivery records older than ``KEPT`` go, and notices left with none."""
    gone = [Delivery.sent, Delivery.digested, Delivery.bounced, Delivery.failed]
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.state.in_(gone), OutboxMessage.created_at < now - KEPT
        )
    )
    db.session.execute(
        delete(Notice).where(
            Notice.created_at < now - KEPT,
            ~select(OutboxMessage.id).where(OutboxMessage.notice_id == Notice.id).exists(),
        )
    )


def run_round(now: datetime | None = None) -> Round:
    """Everything the sender does once: periodic work, then deliver until nothing is due."""
    now = now or utcnow()
    for job in [release_digests, forget_old, *PERIODIC]:
        try:
            job(now)
            db.session.commit()
        except Exception:
            db.session.rollback()
            log.exception("Outbox job %s failed", getattr(job, "__name__", job))
    return deliver_due_all()


class Sender:
    """The thread that sends, one per process (started again after a fork)."""

    def __init__(self, app: Flask):
        self.app = app
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        app.extensions["outbox"] = self

    def start(self) -> None:
        """Run in this process from now on (idempotent; no-op without a mail server)."""
        if not self.app.config.get("OUTBOX_SENDER") or not self.app.config.get("MAIL_SERVER"):
            return
        thread = self._thread
        if thread is not None and self._pid == os.getpid() and thread.is_alive():
            return
        with self._lock:
            if self._pid != os.getpid():
                self._thread, self._pid = None, os.getpid()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
                self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        """End this process's thread after its current round."""
        thread, self._thread = self._thread, None
        self._wake.set()
        if thread is not None:
            thread.join(timeout=30)

    def flush(self) -> Round:
        """Deliver what is due now, in the caller's thread (the test client after a request,
        ``flask outbox send``)."""
        if not mail_enabled():
            return Round()
        return deliver_due_all()

    def _run(self) -> None:
        poll = self.app.config.get("OUTBOX_POLL_SECONDS", 15)
        while self._thread is threading.current_thread():
            self._wake.clear()
            try:
                with self.app.app_context():
                    run_round()
            except Exception:
                log.exception("The outbox sender failed; it tries again")
            self._wake.wait(poll)


@event.listens_for(db.session, "after_commit")
def _wake_after_commit(session) -> None:
    """A request that queued a message wakes its process's sender once the work is saved."""
    if session.info.pop("outbox_queued", False) and has_app_context():
        sender = current_app.extensions.get("outbox")
        if sender is not None:
            sender.wake()


def deliver_due_all() -> Round:
    total = Round()
    while True:
        result = deliver_due()
        total.sent += result.sent
        total.retried += result.retried
        total.refused += result.refused
        if result.handled < BATCH:
            return total
