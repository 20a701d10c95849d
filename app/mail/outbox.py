"""What the outbox can tell: per notice, how many messages arrived, wait or failed."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.database import utcnow
from app.extensions import db
from app.mail.models import Delivery, Notice, OutboxMessage


@dataclass
class Tally:
    delivered: int = 0
    waiting: int = 0
    undeliverable: int = 0

    @property
    def total(self) -> int:
        return self.delivered + self.waiting + self.undeliverable

    def add(self, state: Delivery, count: int = 1) -> None:
        if state.delivered:
            self.delivered += count
        elif state.undeliverable:
            self.undeliverable += count
        else:
            self.waiting += count


def notices_of(council_id: int):
    """The council's notices, newest first (a select to paginate)."""
    return (
        select(Notice)
        .where(Notice.council_id == council_id)
        .order_by(Notice.created_at.desc(), Notice.id.desc())
    )


def tallies(notice_ids: list[int]) -> dict[int, Tally]:
    """Per notice, in one statement."""
    result = {notice_id: Tally() for notice_id in notice_ids}
    rows = db.session.execute(
        select(OutboxMessage.notice_id, OutboxMessage.state, func.count())
        .where(OutboxMessage.notice_id.in_(notice_ids))
        .group_by(OutboxMessage.notice_id, OutboxMessage.state)
    )
    for notice_id, state, count in rows:
        if notice_id is not None:
            result[notice_id].add(Delivery(state), count)
    return result


def recipients_of_latest(council, since: timedelta) -> int:
    """How many people the council's newest notice (of the last ``since``) goes to."""
    latest = db.session.scalar(
        select(Notice.id)
        .where(Notice.council_id == council.id, Notice.created_at >= utcnow() - since)
        .order_by(Notice.id.desc())
        .limit(1)
    )
    if latest is None:
        return 0
    return (
        db.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.notice_id == latest)
        )
        or 0
    )


@dataclass
class Backlog:
    waiting: int
    oldest: datetime | None
    failed_today: int


def backlog(now: datetime | None = None) -> Backlog:
    """For /healthz: what waits, since when, and what failed in the last day."""
    now = now or utcnow()
    waiting, oldest = db.session.execute(
        select(func.count(), func.min(OutboxMessage.created_at)).where(
            OutboxMessage.state.in_([Delivery.queued, Delivery.sending])
        )
    ).one()
    failed = db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.state.in_([Delivery.failed, Delivery.bounced]),
            OutboxMessage.created_at >= now - timedelta(days=1),
        )
    )
    return Backlog(waiting=waiting, oldest=oldest, failed_today=failed or 0)


def messages_of(notice_id: int):
    """One notice's messages, as the report lists them (a select to paginate)."""
    return (
        select(OutboxMessage)
        .where(OutboxMessage.notice_id == notice_id)
        .order_by(OutboxMessage.label, OutboxMessage.id)
    )


def forget_waiting_mail(address: str) -> int:
    """Drop what still waits for ``address`` (a person asked to be forgotten); what was sent
    keeps only a masked address already. Returns how many messages went."""
    waiting = db.session.scalars(
        select(OutboxMessage).where(
            func.lower(OutboxMessage.to_address) == address.strip().lower(),
            OutboxMessage.state.in_([Delivery.queued, Delivery.held, Delivery.sending]),
        )
    ).all()
    for message in waiting:
        db.session.delete(message)
    return len(waiting)
