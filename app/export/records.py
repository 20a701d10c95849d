"""The public records of councils as tables: what anyone reads on the site, nothing more.

Each table is a list of rows (plain values: text, numbers, booleans, None), the same for the
CSV and the JSON files. A translated text becomes one column per language the councils work
in (``title_en``, ``title_ar`` …) and ``title_original``, the text in the language it was
written in (a proposal may be in a language the council does not offer); the record's
``original_language`` says which. People appear only as the council lists them publicly
(``Membership.listed``): no author of a proposal, no uploader, no account id, no address.

Minutes are the council's published text, and their first draft names everyone who attended;
the export withholds the names of people who did not agree to be listed (``withheld_names``)
from the minutes' text and their PDF, and keeps the numbers.
"""

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask_login import AnonymousUserMixin
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.accounts.models import User
from app.councils.models import Council
from app.extensions import db
from app.i18n import Translated
from app.meetings.models import Document, Meeting, MeetingState
from app.minutes.draft import escape as markdown_escape
from app.minutes.models import Minutes, MinutesState
from app.proposals.models import PUBLIC_STATES, Proposal
from app.urls import external_url
from app.voting import register
from app.voting.models import OutcomeKind
from app.voting.services import decided
from app.voting.tally import DEFAULT_OPTIONS


@dataclass
class Table:
    #: The file's name without extension: ``csv/<name>.csv`` and ``json/<name>.json``.
    name: str
    #: One line for the README.
    about: str
    columns: list[str]
    rows: list[dict] = field(default_factory=list)


#: What stands in the export for the name of a person who did not agree to be listed.
WITHHELD = "[name not published]"


@dataclass(frozen=True)
class Names:
    """The names to withhold in one council's texts, as one pattern."""

    pattern: re.Pattern | None

    def redact(self, text: str) -> str:
        return self.pattern.sub(WITHHELD, text) if self.pattern and text else text

    def redact_texts(self, value: Translated) -> Translated:
        data = value.to_json()
        for lang, text in value.texts.items():
            data[lang] = self.redact(text)
        return Translated(data)


def withheld_names(council: Council) -> Names:
    """Every account's name except those the council lists publicly, longest first, also
    as the minutes' draft writes them (Markdown-escaped)."""
    listed = {m.user.display_name for m in council.current_memberships if m.listed}
    names = set(db.session.scalars(select(User.display_name))) - listed
    forms = {
        form for name in names if len(name.strip()) >= 3 for form in (name, markdown_escape(name))
    }
    if not forms:
        return Names(None)
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return Names(re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"))


@dataclass
class Extract:
    """Everything the export writes besides the tables: the files to copy and to render."""

    tables: list[Table]
    #: (name in the ZIP, document) for every public document whose file is present.
    documents: list[tuple[str, Document]]
    #: (name in the ZIP, minutes, names to withhold) for every published minutes.
    minutes: list[tuple[str, Minutes, Names]]


def _time(moment: datetime | None) -> str | None:
    return moment.replace(microsecond=0).isoformat() + "Z" if moment else None


def _texts(name: str, languages: list[str]) -> list[str]:
    return [*(f"{name}_{lang}" for lang in languages), f"{name}_original"]


def _put_texts(row: dict, name: str, value: Translated | None, languages: list[str]) -> None:
    value = value or Translated()
    for lang in languages:
        row[f"{name}_{lang}"] = value.get(lang) or None
    row[f"{name}_original"] = value.get(value.original) or None


def _columns(spec: Iterable[str], languages: list[str]) -> list[str]:
    """Column names; a name ending in ``*`` is a translated text, one column per language."""
    columns: list[str] = []
    for name in spec:
        columns += _texts(name[:-1], languages) if name.endswith("*") else [name]
    return columns


def _languages(councils: list[Council]) -> list[str]:
    seen: dict[str, None] = {}
    for council in councils:
        seen.update(dict.fromkeys(council.languages))
    return list(seen)


def extract(councils: list[Council]) -> Extract:
    """The tables of these councils' public records, read in the caller's transaction."""
    languages = _languages(councils)
    ids = [council.id for council in councils]
    meetings = list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.council_id.in_(ids), Meeting.state != MeetingState.draft)
            .order_by(Meeting.council_id, Meeting.starts_at, Meeting.id)
            .options(selectinload(Meeting.attendances), selectinload(Meeting.items))
        )
    )
    withheld = {council.id: withheld_names(council) for council in councils}
    minutes = _published_minutes(ids)
    documents = _public_documents(ids)
    tables = [
        _councils(councils, languages),
        _members(councils),
        _meetings(meetings, languages),
        _agenda_items(meetings, languages),
        _proposals(ids, meetings, languages),
        _decisions(councils, languages),
        _minutes(minutes, languages, withheld),
        _documents(documents),
    ]
    return Extract(
        tables,
        [(row["file"], document) for row, document in documents if row["file"]],
        [(row["pdf"], record, withheld[record.meeting.council_id]) for row, record in minutes],
    )


def _councils(councils: list[Council], languages: list[str]) -> Table:
    spec = ["id", "slug", "name*", "description*", "participation*", "original_language",
            "municipality", "languages", "default_language", "timezone", "quorum_rule",
            "endorsement_threshold", "created_at", "url"]  # fmt: skip
    table = Table("councils", "The councils: names, languages, time zone, rules.", [])
    table.columns = _columns(spec, languages)
    for council in councils:
        row: dict = {"id": council.id, "slug": council.slug}
        _put_texts(row, "name", council.name, languages)
        _put_texts(row, "description", council.description, languages)
        _put_texts(row, "participation", council.participation, languages)
        row.update(
            original_language=council.name.original,
            municipality=council.municipality,
            languages=list(council.languages),
            default_language=council.default_language,
            timezone=council.timezone,
            quorum_rule=council.quorum_rule.value,
            endorsement_threshold=council.endorsement_threshold,
            created_at=_time(council.created_at),
            url=external_url("site.council", slug=council.slug),
        )
        table.rows.append(row)
    return table


def _members(councils: list[Council]) -> Table:
    """Only the members who agreed to be named on the council's page, as that page names them."""
    table = Table(
        "members",
        "The current members who agreed to be named publicly: name, role, member since.",
        ["council_id", "name", "role", "since"],
    )
    for council in councils:
        for membership in council.current_memberships:
            if membership.listed:
                table.rows.append(
                    {
                        "council_id": council.id,
                        "name": membership.user.display_name,
                        "role": membership.role.value,
                        "since": membership.term_start.isoformat(),
                    }
                )
    return table


def _meeting_url(meeting: Meeting, **values) -> str:
    return external_url(
        "meetings.meeting", slug=meeting.council.slug, meeting_id=meeting.id, **values
    )


def _meetings(meetings: list[Meeting], languages: list[str]) -> Table:
    spec = ["id", "council_id", "title*", "description*", "original_language", "starts_at",
            "ends_at", "place", "online_url", "step_free", "interpretation",
            "accessibility_notes*", "state", "cancelled", "cancel_reason*", "published_at",
            "present", "excused", "absent", "url"]  # fmt: skip
    table = Table(
        "meetings",
        "Published, held, closed and cancelled meetings (never drafts); times in UTC; "
        "attendance as numbers only.",
        _columns(spec, languages),
    )
    for meeting in meetings:
        row: dict = {"id": meeting.id, "council_id": meeting.council_id}
        _put_texts(row, "title", meeting.title, languages)
        _put_texts(row, "description", meeting.description, languages)
        _put_texts(row, "accessibility_notes", meeting.accessibility_notes, languages)
        _put_texts(row, "cancel_reason", meeting.cancel_reason, languages)
        held = meeting.state in (MeetingState.in_progress, MeetingState.closed)
        presence = Counter(a.presence.value for a in meeting.attendances)
        row.update(
            original_language=meeting.title.original,
            starts_at=_time(meeting.starts_at),
            ends_at=_time(meeting.ends_at),
            place=meeting.place,
            online_url=meeting.online_url or None,
            step_free=meeting.step_free,
            interpretation=list(meeting.interpretation),
            state=meeting.state.value,
            cancelled=meeting.state is MeetingState.cancelled,
            published_at=_time(meeting.published_at),
            present=presence["present"] if held else None,
            excused=presence["excused"] if held else None,
            absent=presence["absent"] if held else None,
            url=_meeting_url(meeting),
        )
        table.rows.append(row)
    return table


def _agenda_items(meetings: list[Meeting], languages: list[str]) -> Table:
    spec = ["id", "meeting_id", "council_id", "position", "title*", "description*",
            "original_language", "kind", "duration_minutes", "added_late_at", "url"]  # fmt: skip
    table = Table("agenda_items", "The agenda items of those meetings.", _columns(spec, languages))
    for meeting in meetings:
        for item in meeting.items:
            row: dict = {
                "id": item.id,
                "meeting_id": meeting.id,
                "council_id": meeting.council_id,
                "position": item.position,
            }
            _put_texts(row, "title", item.title, languages)
            _put_texts(row, "description", item.description, languages)
            row.update(
                original_language=item.title.original,
                kind=item.kind.value,
                duration_minutes=item.duration_minutes,
                added_late_at=_time(item.added_late_at),
                url=_meeting_url(meeting, _anchor=f"item-{item.id}"),
            )
            table.rows.append(row)
    return table


def _proposals(ids: list[int], meetings: list[Meeting], languages: list[str]) -> Table:
    spec = ["id", "council_id", "reference", "title*", "body*", "original_language", "topic",
            "state", "supporters", "answer*", "agenda_item_id", "created_at", "url"]  # fmt: skip
    table = Table(
        "proposals",
        "Residents' proposals in public states, with the council's latest public answer; "
        "never who sent them.",
        _columns(spec, languages),
    )
    public_items = {item.id for meeting in meetings for item in meeting.items}
    proposals = db.session.scalars(
        select(Proposal)
        .where(Proposal.council_id.in_(ids), Proposal.state.in_(PUBLIC_STATES))
        .order_by(Proposal.council_id, Proposal.created_at, Proposal.id)
        .options(selectinload(Proposal.events), selectinload(Proposal.council))
    ).all()
    for proposal in proposals:
        answers = [event.answer for event in proposal.public_events if event.answer]
        row: dict = {
            "id": proposal.id,
            "council_id": proposal.council_id,
            "reference": proposal.reference,  # not a secret: the minutes cite proposals by it
        }
        _put_texts(row, "title", proposal.title, languages)
        _put_texts(row, "body", proposal.body, languages)
        _put_texts(row, "answer", answers[-1] if answers else None, languages)
        item_id = proposal.agenda_item_id
        row.update(
            original_language=proposal.lang,
            topic=proposal.topic.value,
            state=proposal.state.value,
            supporters=proposal.endorsement_count,
            agenda_item_id=item_id if item_id in public_items else None,
            created_at=_time(proposal.created_at),
            url=external_url(
                "proposals.proposal", slug=proposal.council.slug, proposal_id=proposal.id
            ),
        )
        table.rows.append(row)
    return table


def _decisions(councils: list[Council], languages: list[str]) -> Table:
    spec = ["id", "council_id", "meeting_id", "agenda_item_id", "kind", "text*",
            "original_language", "counted", "majority_rule", "yes", "no", "abstain",
            "other_options", "entitled", "cast", "quorum", "adopted", "decided_at",
            "url"]  # fmt: skip
    table = Table(
        "decisions",
        "How agenda items ended, newest meeting first: electronic votes whose result is "
        "published, and outcomes "
        "recorded by the secretary (show of hands counted in the room, consensus, noted …); "
        "numbers only, never who voted what.",
        _columns(spec, languages),
    )
    anyone = AnonymousUserMixin()
    for council in councils:
        items = db.session.scalars(register.register(council, anyone, register.Filters()))
        entries = register.entries(items.unique().all(), council, anyone)
        for decision in register.decisions_of(entries):
            table.rows.append(_decision(council, decision, languages))
    return table


def _decision(council: Council, decision: register.Decision, languages: list[str]) -> dict:
    item, result = decision.entry.item, decision.result
    row: dict = {"council_id": council.id, "meeting_id": item.meeting_id, "agenda_item_id": item.id}
    counts = dict(result.counts) if result else {}
    if decision.poll is not None:
        poll = decision.poll
        labels = {option.key: option.label.get(option.label.original) for option in poll.options}
        _put_texts(row, "text", poll.question, languages)
        row.update(
            id=f"poll-{poll.id}",
            kind="vote",
            original_language=poll.question.original,
            counted="electronic",
            majority_rule=poll.majority_rule.value,
            quorum=poll.quorum_at_close,
            adopted=(result.passed if result and decided(poll) else None),
            decided_at=_time(poll.closed_at),
            url=external_url("voting.poll", slug=council.slug, poll_id=poll.id),
        )
    else:
        outcome = decision.outcome
        assert outcome is not None
        labels = {key: str(text) for key, text in outcome.options}
        _put_texts(row, "text", outcome.summary, languages)
        adopted = None
        if outcome.kind is OutcomeKind.consensus:
            adopted = True
        elif outcome.kind is OutcomeKind.hands and outcome.quorum:
            adopted = bool(outcome.adopted)
        row.update(
            id=f"outcome-{outcome.id}",
            kind=outcome.kind.value,
            original_language=outcome.summary.original if outcome.summary else None,
            counted="hand" if outcome.kind is OutcomeKind.hands else None,
            majority_rule=outcome.majority_rule.value if outcome.majority_rule else None,
            quorum=outcome.quorum,
            adopted=adopted,
            decided_at=_time(outcome.recorded_at),
            url=_meeting_url(item.meeting, _anchor=f"item-{item.id}"),
        )
    row.update({key: counts.pop(key, None) for key in DEFAULT_OPTIONS})
    row["other_options"] = {labels.get(key) or key: number for key, number in counts.items()}
    row["entitled"] = result.entitled if result else None
    row["cast"] = result.cast if result else None
    return row


def _published_minutes(ids: list[int]) -> list[tuple[dict, Minutes]]:
    found = db.session.scalars(
        select(Minutes)
        .join(Minutes.meeting)
        .where(Meeting.council_id.in_(ids), Minutes.state == MinutesState.published)
        .order_by(Meeting.council_id, Meeting.starts_at, Minutes.id)
    ).all()
    return [
        (
            {"pdf": f"minutes/{m.meeting.council.slug}-{m.meeting.starts_at:%Y-%m-%d}-{m.id}.pdf"},
            m,
        )
        for m in found
    ]


def _minutes(
    minutes: list[tuple[dict, Minutes]], languages: list[str], withheld: dict[int, Names]
) -> Table:
    spec = ["id", "meeting_id", "council_id", "body*", "original_language", "revision",
            "approved_at", "published_at", "pdf", "url"]  # fmt: skip
    table = Table(
        "minutes",
        "Published minutes (Markdown), each with its PDF in minutes/; names of people who "
        "did not agree to be listed are replaced by “" + WITHHELD + "”.",
        _columns(spec, languages),
    )
    for names, record in minutes:
        meeting = record.meeting
        row: dict = {"id": record.id, "meeting_id": meeting.id, "council_id": meeting.council_id}
        _put_texts(row, "body", withheld[meeting.council_id].redact_texts(record.body), languages)
        row.update(
            original_language=record.body.original,
            revision=record.revision,
            approved_at=_time(record.approved_at),
            published_at=_time(record.published_at),
            pdf=names["pdf"],
            url=external_url("minutes.minutes", slug=meeting.council.slug, minutes_id=record.id),
        )
        table.rows.append(row)
    return table


def _public_documents(ids: list[int]) -> list[tuple[dict, Document]]:
    from app.meetings.services import document_path

    found = db.session.scalars(
        select(Document)
        .join(Document.meeting)
        .where(
            Meeting.council_id.in_(ids),
            Meeting.state != MeetingState.draft,
            Document.removed_at.is_(None),
        )
        .order_by(Meeting.council_id, Document.id)
    ).all()
    listed = []
    for document in found:
        safe = document.filename.replace("/", "_").replace("\\", "_").strip(". ") or "file"
        present = document_path(document).is_file()
        listed.append(({"file": f"documents/{document.id}-{safe}" if present else None}, document))
    return listed


def _documents(documents: list[tuple[dict, Document]]) -> Table:
    table = Table(
        "documents",
        "Documents of public meetings and their items; the files are in documents/.",
        [
            "id",
            "council_id",
            "meeting_id",
            "agenda_item_id",
            "title",
            "language",
            "filename",
            "content_type",
            "size",
            "uploaded_at",
            "file",
            "url",
        ],  # fmt: skip
    )
    for names, document in documents:
        meeting = document.meeting
        table.rows.append(
            {
                "id": document.id,
                "council_id": meeting.council_id,
                "meeting_id": meeting.id,
                "agenda_item_id": document.agenda_item_id,
                "title": document.shown_title,
                "language": document.lang,
                "filename": document.filename,
                "content_type": document.content_type,
                "size": document.size,
                "uploaded_at": _time(document.uploaded_at),
                "file": names["file"],
                "url": external_url(
                    "documents.document",
                    slug=meeting.council.slug,
                    document_id=document.id,
                    filename=document.filename,
                ),
            }
        )
    return table
