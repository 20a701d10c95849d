"""Who may do what: the one place that decides access.

Every route declares its rule with ``@requires(...)``: anyone, any signed-in person, an
instance administrator, or a permission in the council named by the URL. Permissions by role
are the table below. Records are found with ``get_in_council_or_404``, which never returns a
record of another council, nor one that is not public to a reader who may not manage it.
A test walks the URL map and tries every role on every route against these declarations.
"""

from collections.abc import Callable
from enum import StrEnum
from functools import cache, wraps
from typing import Any, NoReturn, Protocol, TypeVar

from flask import abort, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select, bindparam
from werkzeug.exceptions import Forbidden

from app.database import LabelledEnum
from app.extensions import db


class Role(LabelledEnum):
    chair = "chair"
    secretary = "secretary"
    member = "member"
    observer = "observer"
    translator = "translator"
    #: A community mediator: submits proposals on behalf of residents who are hard to reach,
    #: and types in their paper answers; no vote, nothing non-public.
    mediator = "mediator"

    @classmethod
    def labels(cls):
        return {
            cls.chair: _l("Chair"),
            cls.secretary: _l("Secretary"),
            cls.member: _l("Member"),
            cls.observer: _l("Observer"),
            cls.translator: _l("Translator"),
            cls.mediator: _l("Community mediator"),
        }

    @property
    def may_vote(self) -> bool:
        """Observers and translators take part without a vote."""
        return self in (Role.chair, Role.secretary, Role.member)


class Permission(StrEnum):
    edit_council = "edit_council"
    manage_members = "manage_members"
    see_members = "see_members"
    #: Plan meetings and their agendas, record attendance, prepare and run votes.
    manage_meetings = "manage_meetings"
    #: See closed results before they are published, and unpublished decisions.
    see_results = "see_results"
    #: Mark oneself present at a meeting.
    attend = "attend"
    #: Cast one's own vote (the poll decides who is entitled: voting right, presence).
    vote = "vote"
    #: Choose whether one's own name is on the council's public page.
    set_listing = "set_listing"
    #: Review, answer and schedule residents' proposals.
    manage_proposals = "manage_proposals"
    #: Add and correct translations of the council's texts.
    translate_texts = "translate"
    #: Approve a meeting's minutes alone (otherwise the council approves them at a meeting).
    approve_minutes = "approve_minutes"
    #: Build consultations, read and publish their results.
    manage_consultations = "manage_consultations"
    #: Type in responses to a consultation given on paper or in a workshop.
    enter_paper_answers = "enter_paper_answers"
    #: Submit a proposal on behalf of a resident (typed from a conversation or from paper).
    submit_for_residents = "submit_for_residents"


class Access(StrEnum):
    """Rules that do not depend on a council."""

    anyone = "anyone"
    signed_in = "signed_in"
    admin = "admin"


Rule = Permission | Access

_EVERY_MEMBER = {
    Permission.see_members,
    Permission.see_results,
    Permission.vote,
    Permission.set_listing,
}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.chair: frozenset(Permission),
    Role.secretary: frozenset(Permission) - {Permission.approve_minutes},
    Role.member: frozenset({*_EVERY_MEMBER, Permission.attend}),
    Role.observer: frozenset({*_EVERY_MEMBER, Permission.attend}),
    Role.translator: frozenset({*_EVERY_MEMBER, Permission.translate_texts}),
    # Mediators act for residents: no vote, no members' list, no unpublished results.
    Role.mediator: frozenset({Permission.submit_for_residents, Permission.enter_paper_answers}),
}
#: What a refusal says when the generic "you do not have permission" would leave a person
#: guessing why.
REFUSALS = {
    Permission.submit_for_residents: _l(
        "Only this council's community mediators can submit proposals for residents here. "
        "If you help residents of this council, ask its secretary to add you as a mediator."
    ),
}
#: Acts on one's own seat: an instance administrator holds these only as a member.
PERSONAL = frozenset(
    {
        Permission.attend,
        Permission.vote,
        Permission.set_listing,
        # The proposal records the seat of the person who typed it in.
        Permission.submit_for_residents,
    }
)


class CouncilRecord(Protocol):
    """What a model offers to be found within a council (see ``get_in_council_or_404``)."""

    id: Any
    #: The permission whose holders also see the records that are not public (drafts).
    managed_by: Permission | None
    #: Optional: ``is_public`` (default True) and ``is_shared``, whether the council shared a
    #: record that is not public with the holders of ``if_shared`` (its translators).

    @classmethod
    def in_council(cls) -> Select: ...


R = TypeVar("R")


def can(user, permission: Permission, council) -> bool:
    """Whether ``user`` holds ``permission`` in ``council`` today."""
    if not getattr(user, "is_authenticated", False) or council is None:
        return False
    membership = council.current_membership_of(user)
    if membership is not None and permission in ROLE_PERMISSIONS[membership.role]:
        return True
    return user.is_admin and permission not in PERSONAL


def allowed(rule: Rule, user, council) -> bool:
    if rule is Access.anyone:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if rule is Access.signed_in:
        return True
    if rule is Access.admin:
        return bool(user.is_admin)
    return can(user, rule, council)


def requires(rule: Rule) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Declare who may use a route. Anonymous people are asked to sign in (401); others who may
    not are refused (403). The council of the URL is loaded before (unknown: 404)."""

    def decorate(view: Callable[..., R]) -> Callable[..., R]:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not allowed(rule, current_user, current_council(required=False)):
                if not current_user.is_authenticated:
                    abort(401)
                refuse(REFUSALS.get(rule))
            return view(*args, **kwargs)

        wrapped.access = rule  # type: ignore[attr-defined]
        return wrapped

    return decorate


def refuse(message=None) -> NoReturn:
    """403, with a translated sentence saying why when there is more to say than "no"."""
    error = Forbidden()
    error.refusal = message  # type: ignore[attr-defined]
    raise error


def current_council(*, required: bool = True):
    """The council of the URL, loaded before the view runs."""
    council = g.get("council")
    if council is None and required:
        raise LookupError("this route has no council in its URL")
    return council


def set_council(council) -> None:
    """Remember the council a page is about (its default language, its header)."""
    g.council = council


@cache
def _in_council_statement(model, parents: tuple[str, ...]):
    statement = model.in_council().where(model.id == bindparam("record_id"))
    for name in parents:
        statement = statement.where(getattr(model, name) == bindparam(name))
    return statement


def get_in_council_or_404(
    model: type[R],
    record_id: int,
    *,
    also: Permission | None = None,
    if_shared: Permission | None = None,
    by_private_link: bool = False,
    **parents: int,
) -> R:
    """The record of the URL's council with this id (and these parent ids), or 404.

    A record that is not public (a draft meeting, a proposal under review) is found only by
    those who manage its kind or hold ``also``; by those holding ``if_shared`` when the
    council shared the record with them (``record.is_shared``: a draft agenda given to the
    translators); or ``by_private_link``: the reader holds the record's secret link (a
    proposal's receipt in their session)."""
    council = current_council()
    values = {"record_id": record_id, "council_id": council.id, **parents}
    record = (
        db.session.execute(
            # mypy does not count type[R] as Hashable; every class is.
            _in_council_statement(model, tuple(sorted(parents))),  # type: ignore[arg-type]
            values,
        )
        .unique()
        .scalar_one_or_none()
    )
    if record is None:
        abort(404)
    if not by_private_link and not getattr(record, "is_public", True):
        managers = {p for p in (getattr(model, "managed_by", None), also) if p is not None}
        if if_shared is not None and getattr(record, "is_shared", False):
            managers.add(if_shared)
        if not any(can(current_user, permission, council) for permission in managers):
            abort(404)
    return record
