"""Roles and permissions, checked on the server for every council route."""

from enum import StrEnum
from functools import wraps

from flask import abort, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.database import LabelledEnum


class Role(LabelledEnum):
    chair = "chair"
    secretary = "secretary"
    member = "member"
    observer = "observer"
    translator = "translator"

    @classmethod
    def labels(cls):
        return {
            cls.chair: _l("Chair"),
            cls.secretary: _l("Secretary"),
            cls.member: _l("Member"),
            cls.observer: _l("Observer"),
            cls.translator: _l("Translator"),
        }


class Permission(StrEnum):
    edit_council = "edit_council"
    manage_members = "manage_members"
    see_members = "see_members"
    manage_meetings = "manage_meetings"
    #: Mark oneself present at a meeting.
    attend = "attend"
    #: Review, answer and schedule residents' proposals.
    manage_proposals = "manage_proposals"
    #: Add and correct translations of the council's texts.
    translate = "translate"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.chair: frozenset(Permission),
    Role.secretary: frozenset(Permission),
    Role.member: frozenset({Permission.see_members, Permission.attend}),
    Role.observer: frozenset({Permission.see_members, Permission.attend}),
    Role.translator: frozenset({Permission.see_members, Permission.translate}),
}


def can(user, permission: Permission, council) -> bool:
    """Whether ``user`` holds ``permission`` in ``council`` today (instance admins always do)."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    membership = council.current_membership_of(user)
    return membership is not None and permission in ROLE_PERMISSIONS[membership.role]


def require(permission: Permission, council) -> None:
    """Stop the request unless the current user holds ``permission`` in ``council``."""
    if not current_user.is_authenticated:
        abort(401)
    if not can(current_user, permission, council):
        abort(403)


def admin_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            abort(401)
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def set_council(council) -> None:
    """Remember the council a page is about (its default language, its header)."""
    g.council = council
