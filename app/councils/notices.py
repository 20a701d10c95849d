"""Who hears from a council by email, and how each of them stops: its members (as their
profile says) and the people who follow it (once their address is confirmed).

Every notice carries a link that stops it. The link is signed, names what it stops
(``member``, ``follower`` or ``resident``, and which), works as often as it is opened, and
changes nothing until the person presses the button on its page.
"""

from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from app import audit
from app.accounts.models import NoticeFrequency, User
from app.councils.models import Council, Follower
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.mail import Recipient, mask_address
from app.text import clean_plain
from app.tokens import hash_token, keyed_hash
from app.urls import external_url

FOLLOW_LINK_LIFETIME = timedelta(days=7)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="consulta unsubscribe")


def unsubscribe_url(kind: str, record_id: int) -> str:
    return external_url("site.unsubscribe", token=_serializer().dumps([kind, record_id]))


def read_unsubscribe(token: str) -> tuple[str, int] | None:
    try:
        kind, record_id = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if kind not in ("member", "follower", "resident") or not isinstance(record_id, int):
        return None
    return kind, record_id


def members(council: Council, *, immediate_only: bool = False) -> list[Recipient]:
    """The council's current members who take notices, each in their own language."""
    recipients = []
    for membership in council.current_memberships:
        user = membership.user
        if not user.active or user.notices is NoticeFrequency.none:
            continue
        weekly = user.notices is NoticeFrequency.weekly
        if weekly and immediate_only:
            continue
        recipients.append(
            Recipient(
                address=user.email,
                locale=user.locale,
                reason="member",
                label=user.display_name,
                unsubscribe_url=unsubscribe_url("member", user.id),
                weekly=weekly,
                name=user.display_name,
            )
        )
    return recipients


def followers(council: Council) -> list[Recipient]:
    rows = db.session.scalars(
        select(Follower)
        .where(Follower.council_id == council.id, Follower.confirmed_at.is_not(None))
        .order_by(Follower.id)
    )
    return [
        Recipient(
            address=follower.address,
            locale=follower.locale,
            reason="follower",
            label=mask_address(follower.address),
            unsubscribe_url=unsubscribe_url("follower", follower.id),
            weekly=follower.weekly,
        )
        for follower in rows
    ]


def address_hash(address: str) -> str:
    return keyed_hash("follower", address.strip().lower())


#: An address gets one confirmation link per this long (a form cannot flood someone's inbox).
FOLLOW_LINK_PAUSE = timedelta(minutes=15)


def follow(
    council: Council, address: str, locale: str, weekly: bool, token: str
) -> Follower | None:
    """Start (or start again) following ``council``; counted once the link is opened.
    Returns the follow whose link to send, or None when this address had one a moment ago
    (the page says the same either way). A confirmed follow keeps its language and
    frequency: anyone can type someone else's address."""
    address = clean_plain(address).strip()
    if "@" not in address:
        raise DomainError(_("Enter an email address, like name@example.org."))
    now = utcnow()
    recent = now + FOLLOW_LINK_LIFETIME - timedelta(hours=1)
    asked = db.session.scalar(
        select(func.count())
        .select_from(Follower)
        .where(Follower.council_id == council.id, Follower.token_expires_at > recent)
    )
    if (asked or 0) >= current_app.config["FOLLOW_LINKS_PER_HOUR"]:
        raise DomainError(
            _("Many people asked to follow the council in the last hour: try again later.")
        )
    follower = db.session.scalar(
        select(Follower).where(
            Follower.council_id == council.id, Follower.address_hash == address_hash(address)
        )
    )
    if follower is None:
        follower = Follower(council=council, address=address, address_hash=address_hash(address))
        db.session.add(follower)
    elif (follower.token_expires_at or now) > now + FOLLOW_LINK_LIFETIME - FOLLOW_LINK_PAUSE:
        return None
    if follower.confirmed_at is None:
        follower.locale = locale
        follower.weekly = weekly
    follower.token_hash = hash_token(token)
    follower.token_expires_at = now + FOLLOW_LINK_LIFETIME
    return follower


def follower_by_token(token: str) -> Follower | None:
    follower = db.session.scalar(select(Follower).where(Follower.token_hash == hash_token(token)))
    if (
        follower is None
        or follower.token_expires_at is None
        or follower.token_expires_at < utcnow()
    ):
        return None
    return follower


def confirm_follower(follower: Follower) -> None:
    follower.confirmed_at = follower.confirmed_at or utcnow()
    follower.token_hash = None
    follower.token_expires_at = None
    audit.record("follower.confirmed", follower, actor=None)


def unsubscribe_record(kind: str, record_id: int):
    """The person or follow a stop link names, if it still takes notices (else None)."""
    if kind == "member":
        user = db.session.get(User, record_id)
        return user if user is not None and user.notices is not NoticeFrequency.none else None
    if kind == "follower":
        return db.session.get(Follower, record_id)
    return None


def stop(record) -> None:
    """No more notices for this member or follow."""
    if isinstance(record, User):
        record.notices = NoticeFrequency.none
        audit.record("account.notices_stopped", record, actor=None)
    elif isinstance(record, Follower):
        audit.record("follower.stopped", record, actor=None, council=record.council)
        db.session.delete(record)
