from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import LabelledEnum, enum_type, utcnow
from app.extensions import Model


class NoticeFrequency(LabelledEnum):
    """How a person wants the council's notices: as they happen, once a week, or not."""

    immediate = "immediate"
    weekly = "weekly"
    none = "none"

    @classmethod
    def labels(cls):
        return {
            cls.immediate: _l("Each notice as it happens"),
            cls.weekly: _l("One email a week with all notices"),
            cls.none: _l("No notices by email"),
        }


class User(UserMixin, Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-cased; the sign-in name.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: Preferred interface language (a UI locale code).
    locale: Mapped[str] = mapped_column(String(16), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    #: Agendas, changed or cancelled meetings, reminders and minutes of their councils.
    notices: Mapped[NoticeFrequency] = mapped_column(
        enum_type(NoticeFrequency, "notice_frequency"),
        default=NoticeFrequency.immediate,
        server_default=NoticeFrequency.immediate.value,
    )
    #: Instance administrators create councils and can act in every council.
    is_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sign_in_at: Mapped[datetime | None]

    memberships = relationship("Membership", back_populates="user", lazy="selectin")
    sessions = relationship("UserSession", back_populates="user", cascade="all, delete-orphan")

    #: The device session this request was authenticated with (not stored).
    if TYPE_CHECKING:  # declared for type checkers only: a plain annotation would be mapped
        session_token: str | None
    session_token = None

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str | None:
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserSession(Model):
    """One signed-in device. Deleting the row signs that device out."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User", back_populates="sessions")


class LoginFailure(Model):
    """A failed sign-in, counted per account and per address to throttle guessing."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Hash of the e-mail address typed, whether or not such an account exists.
    account_key: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(45), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class PasswordReset(Model):
    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    user = relationship("User", foreign_keys=[user_id])
