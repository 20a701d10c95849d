"""Translations of user content: one page for any translated field of any council text."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, true

from app import audit
from app.councils.models import Council
from app.errors import DomainError
from app.extensions import db
from app.i18n import Translated
from app.meetings.models import AgendaItem, Meeting, MeetingState
from app.proposals.models import PUBLIC_STATES, Proposal, ProposalEvent
from app.proposals.services import refresh_search_text
from app.translate.machine import machine_translate


@dataclass(frozen=True)
class Translatable:
    """A kind of council text: its model, translated fields, and the council it belongs to."""

    model: type
    fields: dict[str, object]
    #: Each kind passes records of its own model.
    council_of: Callable[[Any], Council]
    after_change: Callable[[Any], None] = field(default=lambda obj: None)


KINDS: dict[str, Translatable] = {
    "council": Translatable(
        Council,
        {
            "name": _l("Name"),
            "description": _l("Description"),
            "participation": _l("How to take part"),
        },
        lambda council: council,
    ),
    "meeting": Translatable(
        Meeting,
        {
            "title": _l("Title"),
            "description": _l("Description"),
            "accessibility_notes": _l("Notes on access"),
            "cancel_reason": _l("Why the meeting is cancelled"),
        },
        lambda meeting: meeting.council,
    ),
    "item": Translatable(
        AgendaItem,
        {"title": _l("Title"), "description": _l("Description")},
        lambda item: item.meeting.council,
    ),
    "proposal": Translatable(
        Proposal,
        {"title": _l("Title"), "body": _l("Proposal")},
        lambda proposal: proposal.council,
        refresh_search_text,
    ),
    "answer": Translatable(
        ProposalEvent,
        {"answer": _l("Answer from the council")},
        lambda event: event.proposal.council,
    ),
}


def fields_of(kind: str, obj) -> list[tuple[str, object, Translated]]:
    """The fields that have text to translate: (name, label, value)."""
    values = [(name, label, getattr(obj, name)) for name, label in KINDS[kind].fields.items()]
    return [(name, label, value) for name, label, value in values if value]


def save_all(kind: str, obj, lang: str, texts: dict[str, tuple[str, bool]], *, actor) -> int:
    """Store a person's translation of several fields (name: (text, checked)); returns how
    many changed."""
    return sum(
        save(kind, obj, name, lang, text, checked=checked, user=actor)
        for name, (text, checked) in texts.items()
    )


def save(kind: str, obj, name: str, lang: str, text: str, *, checked: bool, user) -> bool:
    """Store a person's translation of one field; returns whether anything changed.

    Text identical to a machine draft stays marked as machine-made (and checked when the person
    says so); any other text is the person's own translation.
    """
    value: Translated = getattr(obj, name)
    if lang == value.original:
        raise DomainError(_("This is the original language: edit the text itself instead."))
    text = (text or "").strip()
    current = value.get(lang)
    machine = lang in value.machine and text == current
    was_checked = value.provenance(lang).get("checked", False)
    if text == current and (not machine or checked == was_checked):
        return False
    setattr(
        obj,
        name,
        value.with_translation(lang, text, by=user.display_name, machine=machine, checked=checked),
    )
    KINDS[kind].after_change(obj)
    audit.record(
        "translation.saved",
        obj,
        actor=user,
        council=KINDS[kind].council_of(obj),
        field=name,
        language=lang,
        machine=machine,
        checked=checked or not machine,
        removed=not text,
    )
    return True


def machine_draft(kind: str, obj, name: str, lang: str, *, user) -> None:
    """Ask the translation service for a draft of one field; stored as unchecked machine text."""
    value: Translated = getattr(obj, name)
    source = value.original
    if lang == source:
        raise DomainError(_("This is the original language: edit the text itself instead."))
    if not value.get(source):
        raise DomainError(_("There is no text to translate."))
    draft = machine_translate(value.get(source), source, lang)
    setattr(
        obj,
        name,
        value.with_translation(lang, draft, by="machine", machine=True, checked=False),
    )
    KINDS[kind].after_change(obj)
    audit.record(
        "translation.machine_draft",
        obj,
        actor=user,
        council=KINDS[kind].council_of(obj),
        field=name,
        language=lang,
    )


@dataclass(frozen=True)
class Missing:
    kind: str
    obj: object
    title: Translated
    languages: list[str]


def missing_translations(
    council: Council, *, drafts: bool, under_review: bool, limit: int = 50
) -> list[Missing]:
    """Recent council texts that lack a version in some of the council's languages; draft
    meetings and proposals under review only for those who may see them."""
    found = []

    def check(kind, obj, title):
        missing = {
            lang
            for _name, _label, value in fields_of(kind, obj)
            for lang in council.languages
            if not value.get(lang)
        }
        if missing:
            found.append(Missing(kind, obj, title, [c for c in council.languages if c in missing]))

    proposals = db.session.scalars(
        select(Proposal)
        .where(
            Proposal.council_id == council.id,
            true() if under_review else Proposal.state.in_(PUBLIC_STATES),
        )
        .order_by(Proposal.created_at.desc())
        .limit(limit)
    )
    for proposal in proposals:
        check("proposal", proposal, proposal.title)
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.council_id == council.id,
            true() if drafts else Meeting.state != MeetingState.draft,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(limit)
    )
    for meeting in meetings:
        check("meeting", meeting, meeting.title)
        for item in meeting.items:
            check("item", item, item.title)
    return found
