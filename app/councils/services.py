"""Councils, memberships and invitations."""

import re
import unicodedata
from datetime import date
from typing import Any, cast
from zoneinfo import available_timezones

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, func, not_, or_, select, update
from sqlalchemy.engine import CursorResult

from app import audit
from app.accounts import services as accounts
from app.accounts.models import User
from app.auth import Role
from app.councils.models import Council, Invitation, Membership, QuorumRule
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import LANGUAGES, Translated
from app.tokens import hash_token, new_token


def council_timezones() -> list[str]:
    return sorted(z for z in available_timezones() if z.startswith("Europe/")) + ["UTC"]


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60]


def _unique_slug(wanted: str) -> str:
    base = slugify(wanted) or "council"
    slug, n = base, 1
    while db.session.scalar(select(Council.id).filter_by(slug=slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _check_languages(languages: list[str], default_language: str, timezone: str) -> None:
    if not languages or any(code not in LANGUAGES for code in languages):
        raise DomainError(_("Choose at least one language the council works in."))
    if default_language not in languages:
        raise DomainError(_("The main language must be one of the council's languages."))
    if timezone not in council_timezones():
        raise DomainError(_("Choose a time zone from the list."))


def create_council(
    *,
    name: str,
    lang: str,
    municipality: str,
    languages: list[str],
    default_language: str,
    timezone: str,
    description: str = "",
    participation: str = "",
    quorum_rule: QuorumRule = QuorumRule.majority,
    endorsement_threshold: int | None = None,
    slug: str | None = None,
    actor=None,
) -> Council:
    """Only instance administrators create councils; texts start in the language ``lang``."""
    _check_languages(languages, default_language, timezone)
    council = Council(
        slug=_unique_slug(slug or name),
        name=Translated.of(name.strip(), lang),
        description=Translated.of(description.strip(), lang)
        if description.strip()
        else Translated(),
        participation=(
            Translated.of(participation.strip(), lang) if participation.strip() else Translated()
        ),
        municipality=municipality.strip(),
        languages=languages,
        default_language=default_language,
        timezone=timezone,
        quorum_rule=QuorumRule(quorum_rule),
        endorsement_threshold=endorsement_threshold,
    )
    db.session.add(council)
    db.session.flush()
    audit.record("council.created", council, actor=actor, council=council)
    return council


def update_council(
    council: Council,
    *,
    name: str,
    lang: str,
    municipality: str,
    languages: list[str],
    default_language: str,
    timezone: str,
    description: str = "",
    participation: str = "",
    quorum_rule: QuorumRule = QuorumRule.majority,
    endorsement_threshold: int | None = None,
    actor=None,
) -> None:
    """Edits the texts in language ``lang``; versions in other languages are kept."""
    _check_languages(languages, default_language, timezone)
    council.name = council.name.with_text(lang, name.strip())
    council.description = council.description.with_text(lang, description.strip())
    council.participation = council.participation.with_text(lang, participation.strip())
    council.municipality = municipality.strip()
    council.languages = languages
    council.default_language = default_language
    council.timezone = timezone
    council.quorum_rule = QuorumRule(quorum_rule)
    council.endorsement_threshold = endorsement_threshold
    audit.record("council.updated", council, actor=actor, language=lang)


def _check_voting_right(role: Role, voting_right: bool) -> None:
    if voting_right and not Role(role).may_vote:
        raise DomainError(_("Only the chair, the secretary and members can have a vote."))


def _check_term(term_start: date, term_end: date | None) -> None:
    if term_end is not None and term_end < term_start:
        raise DomainError(_("The end of the term cannot be before its start."))


def add_membership(
    council: Council,
    user: User,
    role: Role,
    *,
    voting_right: bool = False,
    term_start: date | None = None,
    term_end: date | None = None,
    actor=None,
) -> Membership:
    """A person holds at most one current membership in a council."""
    if council.current_membership_of(user) is not None:
        raise DomainError(
            _("%(name)s is already a member of this council.", name=user.display_name)
        )
    term_start = term_start or utcnow().date()
    _check_term(term_start, term_end)
    _check_voting_right(role, voting_right)
    membership = Membership(
        council=council,
        user=user,
        role=Role(role),
        voting_right=voting_right,
        term_start=term_start,
        term_end=term_end,
    )
    db.session.add(membership)
    db.session.flush()
    audit.record(
        "membership.added", membership, actor=actor, role=str(role), voting_right=voting_right
    )
    return membership


def update_membership(
    membership: Membership,
    *,
    role: Role,
    voting_right: bool,
    term_start: date,
    term_end: date | None,
    actor=None,
) -> None:
    if membership.ended_at is not None:
        raise DomainError(_("This membership has ended and can no longer be changed."))
    _check_term(term_start, term_end)
    _check_voting_right(role, voting_right)
    before = {"role": str(membership.role), "voting_right": membership.voting_right}
    membership.role = Role(role)
    membership.voting_right = voting_right
    membership.term_start = term_start
    membership.term_end = term_end
    audit.record(
        "membership.changed",
        membership,
        actor=actor,
        before=before,
        after={"role": str(role), "voting_right": voting_right},
        term_start=term_start.isoformat(),
        term_end=term_end.isoformat() if term_end else None,
    )


def end_membership(membership: Membership, *, actor=None) -> None:
    """Ending keeps the membership as history: it is never deleted."""
    if membership.ended_at is not None:
        raise DomainError(_("This membership has already ended."))
    membership.ended_at = utcnow()
    today = utcnow().date()
    if membership.term_end is None or membership.term_end > today:
        membership.term_end = max(today, membership.term_start)
    audit.record("membership.ended", membership, actor=actor)


def set_listed(membership: Membership, listed: bool, *, actor=None) -> None:
    """Only the member decides whether their name appears on the public page."""
    membership.listed = listed
    audit.record("membership.listing_changed", membership, actor=actor, listed=listed)


def create_invitation(
    council: Council, email: str, role: Role, *, voting_right: bool, actor: User | None = None
) -> str:
    """A single-use link for ``email`` to join ``council``; returns the token for the link."""
    _check_voting_right(role, voting_right)
    token, token_hash = new_token()
    invitation = Invitation(
        token_hash=token_hash,
        council=council,
        email=accounts.normalize_email(email),
        role=Role(role),
        voting_right=voting_right,
        created_by_id=getattr(actor, "id", None),
        expires_at=utcnow() + current_app.config["INVITATION_LIFETIME"],
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        "invitation.created", invitation, actor=actor, email=invitation.email, role=str(role)
    )
    return token


def find_invitation(token: str) -> Invitation | None:
    """The pending invitation for ``token``; used, withdrawn and expired links find nothing."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    return invitation if invitation is not None and invitation.is_pending else None


def _current(today: date):
    """Membership.is_current, in SQL."""
    return and_(
        Membership.ended_at.is_(None),
        Membership.term_start <= today,
        or_(Membership.term_end.is_(None), Membership.term_end >= today),
    )


def _by_name(council: Council, *where):
    return (
        select(Membership)
        .join(Membership.user)
        .where(Membership.council_id == council.id, *where)
        .order_by(func.lower(User.display_name), Membership.id)
    )


def current_members(council: Council):
    """The council's current members, by name (a statement, for paging)."""
    return _by_name(council, _current(utcnow().date()))


def former_members(council: Council):
    """Memberships that ended or are not current, by name (a statement, for paging)."""
    return _by_name(council, not_(_current(utcnow().date())))


def pending_invitations(council: Council) -> list[Invitation]:
    query = (
        select(Invitation)
        .where(
            Invitation.council_id == council.id,
            Invitation.accepted_at.is_(None),
            Invitation.withdrawn_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
        .order_by(Invitation.created_at.desc())
    )
    return list(db.session.scalars(query))


def accept_invitation(
    invitation: Invitation,
    *,
    user: User | None = None,
    display_name: str = "",
    password: str = "",
    locale: str = "en",
) -> Membership:
    """Use the invitation once: join with an existing account or create one."""
    if user is not None and user.email != invitation.email:
        raise DomainError(_("This invitation was sent to another email address."))
    if user is None:
        accounts.check_password_rules(password)
    if not _claim(invitation):
        raise DomainError(_("This invitation has already been used or has expired."))
    if user is None:
        user = accounts.create_user(invitation.email, display_name, password, locale, actor=None)
    membership = add_membership(
        invitation.council, user, invitation.role, voting_right=invitation.voting_right, actor=user
    )
    invitation.accepted_by_id = user.id
    audit.record("invitation.accepted", invitation, actor=user)
    return membership


def _claim(invitation: Invitation) -> bool:
    """Mark the invitation used in one statement, so two clicks cannot both use it."""
    result = cast(
        CursorResult[Any],
        db.session.execute(
            update(Invitation)
            .where(
                Invitation.id == invitation.id,
                Invitation.accepted_at.is_(None),
                Invitation.withdrawn_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .values(accepted_at=utcnow())
        ),
    )
    return result.rowcount == 1


def withdraw_invitation(invitation: Invitation, *, actor=None) -> None:
    invitation.withdrawn_at = utcnow()
    audit.record("invitation.withdrawn", invitation, actor=actor)
