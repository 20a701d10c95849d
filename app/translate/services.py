"""Translations of user content: one page for any translated field of any council text."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import audit
from app.consultations.models import Answer as WrittenAnswer
from app.consultations.models import Consultation
from app.councils.models import Council
from app.errors import DomainError
from app.i18n import Translated
from app.meetings.models import AgendaItem, Meeting
from app.minutes.models import Minutes
from app.proposals.models import Proposal, ProposalEvent
from app.proposals.services import refresh_search_text
from app.translate.machine import machine_translate
from app.voting.models import Outcome, Poll


@dataclass(frozen=True)
class Text:
    """One translated text of a record: its name on the page, its label, and where it is kept
    (the record itself, or a row of its own, such as a vote's option)."""

    name: str
    label: object
    holder: Any
    attribute: str

    @property
    def value(self) -> Translated:
        return getattr(self.holder, self.attribute)

    def replace(self, value: Translated) -> None:
        setattr(self.holder, self.attribute, value)


@dataclass(frozen=True)
class Translatable:
    """A kind of council text: its model, translated fields, and the council it belongs to."""

    model: type
    fields: dict[str, object]
    #: Each kind passes records of its own model.
    council_of: Callable[[Any], Council]
    after_change: Callable[[Any], None] = field(default=lambda obj: None)
    #: Texts kept in rows of their own (a vote's options).
    more_texts: Callable[[Any], list[Text]] = field(default=lambda obj: [])

    def texts(self, obj) -> list[Text]:
        own = [Text(name, label, obj, name) for name, label in self.fields.items()]
        return own + self.more_texts(obj)


def option_texts(poll: Poll) -> list[Text]:
    """The options a council wrote for a vote (yes / no / abstain are the interface's words)."""
    return [
        Text(option.key, _("Option %(number)s", number=number), option, "label")
        for number, option in enumerate(poll.options, 1)
        if option.label
    ]


def question_texts(consultation: Consultation) -> list[Text]:
    """Each question's text and hint, and each option, numbered as residents see them."""
    texts = []
    for number, question in enumerate(consultation.questions, 1):
        texts.append(
            Text(f"q{question.id}", _("Question %(number)s", number=number), question, "text")
        )
        if question.hint.texts:
            texts.append(
                Text(
                    f"q{question.id}-hint",
                    _("Hint to question %(number)s", number=number),
                    question,
                    "hint",
                )
            )
        texts.extend(
            Text(
                f"o{option.id}",
                _("Question %(number)s, option %(option)s", number=number, option=position),
                option,
                "label",
            )
            for position, option in enumerate(question.options, 1)
        )
    return texts


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
    "poll": Translatable(
        Poll,
        {"question": _l("Question")},
        lambda poll: poll.council,
        more_texts=option_texts,
    ),
    "outcome": Translatable(
        Outcome,
        {"summary": _l("Summary of the outcome")},
        lambda outcome: outcome.council,
    ),
    "proposal": Translatable(
        Proposal,
        {"title": _l("Title"), "body": _l("Proposal")},
        lambda proposal: proposal.council,
        refresh_search_text,
    ),
    "minutes": Translatable(
        Minutes,
        {"body": _l("Minutes")},
        lambda minutes: minutes.council,
    ),
    "consultation": Translatable(
        Consultation,
        {
            "title": _l("Title"),
            "intro": _l("Introduction"),
            "answer": _l("What the council will do"),
        },
        lambda consultation: consultation.council,
        more_texts=question_texts,
    ),
    # A resident's written answer to a consultation: for the council's officers and
    # translators only, never sent to a machine (it is not public).
    "written": Translatable(
        WrittenAnswer,
        {"text": _l("Written answer")},
        lambda answer: answer.council,
    ),
    "answer": Translatable(
        ProposalEvent,
        {"answer": _l("Answer from the council")},
        lambda event: event.proposal.council,
    ),
}


def texts_of(kind: str, obj) -> list[Text]:
    """The texts that have something to translate."""
    return [text for text in KINDS[kind].texts(obj) if text.value]


def fields_of(kind: str, obj) -> list[tuple[str, object, Translated]]:
    """The fields that have text to translate: (name, label, value)."""
    return [(text.name, text.label, text.value) for text in texts_of(kind, obj)]


def _text(kind: str, obj, name: str) -> Text:
    found = next((text for text in KINDS[kind].texts(obj) if text.name == name), None)
    if found is None:
        raise DomainError(_("There is no text to translate."))
    return found


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
    field = _text(kind, obj, name)
    value = field.value
    if lang == value.original:
        raise DomainError(_("This is the original language: edit the text itself instead."))
    text = (text or "").strip()
    current = value.get(lang)
    machine = lang in value.machine and text == current
    was_checked = value.provenance(lang).get("checked", False)
    if text == current and (not machine or checked == was_checked):
        return False
    field.replace(
        value.with_translation(lang, text, by=user.display_name, machine=machine, checked=checked)
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


def may_use_machine(obj) -> bool:
    """Only public texts go to the translation service: a draft or a proposal under review may
    carry personal details, which never leave the site."""
    return bool(getattr(obj, "is_public", True))


def machine_draft(kind: str, obj, name: str, lang: str, *, user) -> None:
    """Ask the translation service for a draft of one field; stored as unchecked machine text."""
    if not may_use_machine(obj):
        raise DomainError(
            _("This text is not public yet, so it is not sent to the translation service.")
        )
    field = _text(kind, obj, name)
    value = field.value
    source = value.original
    if lang == source:
        raise DomainError(_("This is the original language: edit the text itself instead."))
    if not value.get(source):
        raise DomainError(_("There is no text to translate."))
    draft = machine_translate(value.get(source), source, lang)
    field.replace(value.with_translation(lang, draft, by="machine", machine=True, checked=False))
    KINDS[kind].after_change(obj)
    audit.record(
        "translation.machine_draft",
        obj,
        actor=user,
        council=KINDS[kind].council_of(obj),
        field=name,
        language=lang,
    )
