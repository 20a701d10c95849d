"""Accounts: passwords, device sessions, sign-in throttling and password resets."""

import hashlib
import hmac
import math
from datetime import timedelta
from functools import cache
from typing import Any, cast

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app import audit
from app.accounts.models import LoginFailure, NoticeFrequency, PasswordReset, User, UserSession
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import UI_LOCALES
from app.tokens import hash_token, new_token
from app.transactions import begin_writing

MIN_PASSWORD_LENGTH = 10
#: Checked against when no account matches, so a wrong e-mail costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("no such account", method="scrypt")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    return generate_password_hash(
        password, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    )


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).filter_by(email=normalize_email(email)))


def create_user(
    email: str,
    display_name: str,
    password: str | None,
    locale: str = "en",
    *,
    is_admin: bool = False,
    actor=None,
) -> User:
    """Create an account; e-mail addresses are unique regardless of case."""
    if find_user(email) is not None:
        raise DomainError(_("An account with this email address already exists."))
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        password_hash=hash_password(password) if password else None,
        locale=locale if locale in UI_LOCALES else "en",
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    audit.record("account.created", user, actor=actor, is_admin=is_admin)
    return user


def _account_key(email: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, normalize_email(email).encode(), hashlib.sha256).hexdigest()


def _delay(failures: int, last) -> float:
    """Seconds still to wait after ``failures`` in a row, the last at ``last``: nothing for the
    first few, then a delay that doubles with each failure, up to the window's length."""
    config = current_app.config
    free = config["LOGIN_FAILURES_BEFORE_DELAY"]
    if failures < free:
        return 0.0
    delay = min(
        config["LOGIN_FIRST_DELAY"] * 2 ** (failures - free),
        config["LOGIN_THROTTLE_WINDOW"],
    )
    return max((last + delay - utcnow()).total_seconds(), 0.0)


def _throttle_wait(email: str, address: str | None) -> int:
    """Minutes until another attempt is allowed (0: allowed now). Counted per account and
    address, and per account from everywhere (with a much higher threshold), never per address
    alone: behind a proxy or a community centre's one connection, everybody shares one."""
    since = utcnow() - current_app.config["LOGIN_THROTTLE_WINDOW"]
    key = _account_key(email)
    waits = []
    for condition, scale in (
        ((LoginFailure.account_key == key) & (LoginFailure.address == (address or "")), 1),
        (LoginFailure.account_key == key, current_app.config["LOGIN_ACCOUNT_SCALE"]),
    ):
        count, last = db.session.execute(
            select(func.count(), func.max(LoginFailure.at)).where(
                condition, LoginFailure.at >= since
            )
        ).one()
        if last is not None:
            waits.append(_delay(count // scale, last))
    return math.ceil(max(waits, default=0.0) / 60)


def _forget_old_failures() -> None:
    since = utcnow() - current_app.config["LOGIN_THROTTLE_WINDOW"]
    db.session.execute(delete(LoginFailure).where(LoginFailure.at < since))


def authenticate(email: str, password: str, address: str) -> User:
    """Check a sign-in; throttled per account and per address, silent about which e-mails exist."""
    if minutes := _throttle_wait(email, address):
        audit.record("account.sign_in_throttled", actor=None, with_address=True)
        raise DomainError(
            _(
                "Too many failed sign-in attempts. Please wait %(minutes)s minutes and try again.",
                minutes=max(minutes, 1),
            )
        )
    user = find_user(email)
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    # Checking a hash costs a tenth of a second of CPU on purpose. End the transaction first so
    # that SQLite's write lock is not held meanwhile: a whole meeting may sign in at once.
    begin_writing()
    if not check_password_hash(stored, password) or user is None or user.password_hash is None:
        db.session.add(LoginFailure(account_key=_account_key(email), address=address or ""))
        _forget_old_failures()
        audit.record("account.sign_in_failed", actor=user, with_address=True)
        raise DomainError(_("The email address or password is not right."))
    if not user.active:
        audit.record("account.sign_in_refused_inactive", actor=user, with_address=True)
        raise DomainError(
            _("This account has been deactivated. Please contact your council's secretary.")
        )
    db.session.execute(delete(LoginFailure).where(LoginFailure.account_key == _account_key(email)))
    return user


def start_session(user: User) -> str:
    """Open a new device session for ``user``; returns the token the cookie will carry."""
    token, token_hash = new_token()
    expired = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.created_at < expired)
    )
    db.session.add(UserSession(user_id=user.id, token_hash=token_hash))
    user.session_token = token
    user.last_sign_in_at = utcnow()
    audit.record("account.sign_in", actor=user, with_address=True)
    return token


@cache
def _signed_in_user_query():
    """Built once: the statement runs on every signed-in request."""
    return (
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == bindparam("token_hash"),
            UserSession.created_at >= bindparam("since"),
            User.active.is_(True),
        )
        .options(joinedload(User.memberships).lazyload("*"))
    )


def load_session(token: str) -> User | None:
    """The active user signed in on this device, with their memberships: one query, as it
    runs on every signed-in request (and a whole meeting votes at once)."""
    since = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    user = (
        db.session.execute(
            _signed_in_user_query(), {"token_hash": hash_token(token), "since": since}
        )
        .unique()
        .scalar_one_or_none()
    )
    if user is not None:
        user.session_token = token
    return user


def end_session(token: str | None, *, actor=None) -> None:
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == hash_token(token)))
        audit.record("account.sign_out", actor, actor=actor)


def end_all_sessions(user: User, *, keep: str | None = None) -> None:
    """Sign ``user`` out everywhere, except the device holding ``keep``."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep:
        query = query.where(UserSession.token_hash != hash_token(keep))
    db.session.execute(query)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _("Use at least %(count)s characters for your password.", count=MIN_PASSWORD_LENGTH)
        )


def change_password(user: User, current: str, new: str) -> None:
    """A password change needs the current password and signs out every other device."""
    if not user.password_hash or not check_password_hash(user.password_hash, current):
        raise DomainError(_("Your current password is not right."))
    check_password_rules(new)
    user.password_hash = hash_password(new)
    end_all_sessions(user, keep=user.session_token)
    cancel_password_resets(user)
    audit.record("account.password_changed", user, actor=user)


def update_profile(
    user: User, display_name: str, locale: str, notices: NoticeFrequency | None = None
) -> None:
    user.display_name = display_name.strip()
    if locale in UI_LOCALES:
        user.locale = locale
    if notices is not None:
        user.notices = notices
    audit.record("account.profile_updated", user, actor=user)


def check_deactivation(user: User, *, actor=None) -> None:
    """Nobody deactivates their own account: an instance must keep an administrator."""
    if actor is not None and user.id == actor.id:
        raise DomainError(_("You cannot deactivate your own account."))


def set_active(user: User, active: bool, *, actor=None) -> None:
    """Deactivating an account signs it out on every device; nothing it did is removed."""
    if not active:
        check_deactivation(user, actor=actor)
        end_all_sessions(user)
    user.active = active
    audit.record("account.activated" if active else "account.deactivated", user, actor=actor)


def create_password_reset(
    user: User, *, actor: User | None = None, token: str | None = None
) -> str:
    """A single-use link to choose a new password; returns the token for the link (``token``
    when the link was made before the account was looked up)."""
    token = token or new_token()[0]
    token_hash = hash_token(token)
    lifetime: timedelta = current_app.config["PASSWORD_RESET_LIFETIME"]
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=token_hash,
            expires_at=utcnow() + lifetime,
            created_by_id=getattr(actor, "id", None),
        )
    )
    audit.record("account.password_reset_created", user, actor=actor)
    return token


def request_password_reset(email: str, token: str) -> User | None:
    """Someone asked for a link by email: the account that ``token`` now resets, or None (no
    such active account, or already enough links this hour: a mailbox is not to be flooded)."""
    user = find_user(email)
    if user is None or not user.active:
        return None
    since = utcnow() - timedelta(hours=1)
    recent = db.session.scalar(
        select(func.count())
        .select_from(PasswordReset)
        .where(
            PasswordReset.user_id == user.id,
            PasswordReset.created_by_id.is_(None),
            PasswordReset.created_at >= since,
        )
    )
    if recent >= current_app.config["PASSWORD_RESETS_PER_HOUR"]:
        return None
    create_password_reset(user, actor=None, token=token)
    return user


def cancel_password_resets(user: User) -> None:
    """Once a password is chosen, no older link may choose another (one may sit in a mailbox
    someone else reads)."""
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
        .values(used_at=utcnow())
    )


def find_password_reset(token: str) -> PasswordReset | None:
    """The reset for ``token`` if it is unused, unexpired and its account active."""
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )
    if reset is None or reset.used_at is not None or reset.expires_at < utcnow():
        return None
    return reset if reset.user.active else None


def reset_password(reset: PasswordReset, new: str) -> User:
    check_password_rules(new)
    used = cast(
        CursorResult[Any],
        db.session.execute(
            update(PasswordReset)
            .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
            .values(used_at=utcnow())
        ),
    )
    if used.rowcount != 1:
        raise DomainError(_("This link has already been used."))
    user = reset.user
    user.password_hash = hash_password(new)
    end_all_sessions(user)
    cancel_password_resets(user)
    audit.record("account.password_reset_used", user, actor=user)
    return user
