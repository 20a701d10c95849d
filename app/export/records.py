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

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.councils.models import Council
from app.export import consultations as consulted
from app.export.decisions import decisions_table
from app.export.rows import WITHHELD, Names, Table, columns, iso_time, put_texts, withheld_names
from app.extensions import db
from app.meetings.models import Document, Meeting, MeetingState
from app.minutes.models import Minutes, MinutesState
from app.proposals.models import PUBLIC_STATES, Proposal
from app.urls import external_url

__all__ = ["WITHHELD", "Extract", "Names", "Table", "extract", "withheld_names"]


@dataclass
class Extract:
    """Everything the export writes besides the tables: the files to copy and to render."""

    tables: list[Table]
    #: (name in the ZIP, document) for every public document whose file is present.
    documents: list[tuple[str, Document]]
    #: (name in the ZIP, minutes, names to withhold) for every published minutes.
    minutes: list[tuple[str, Minutes, Names]]


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
        decisions_table(councils, languages),
        _minutes(minutes, languages, withheld),
        _documents(documents),
    ]
    asked = consulted.published(councils)
    tables += [
        consulted.consultations_table(asked, languages),
        consulted.results_table(asked, languages),
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
    table.columns = columns(spec, languages)
    for council in councils:
        row: dict = {"id": council.id, "slug": council.slug}
        put_texts(row, "name", council.name, languages)
        put_texts(row, "description", council.description, languages)
        put_texts(row, "participation", council.participation, languages)
        row.update(
            original_language=council.name.original,
            municipality=council.municipality,
            languages=list(council.languages),
            default_language=council.default_language,
            timezone=council.timezone,
            quorum_rule=council.quorum_rule.value,
            endorsement_threshold=council.endorsement_threshold,
            created_at=iso_time(council.created_at),
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
        columns(spec, languages),
    )
    for meeting in meetings:
        row: dict = {"id": meeting.id, "council_id": meeting.council_id}
        put_texts(row, "title", meeting.title, languages)
        put_texts(row, "description", meeting.description, languages)
        put_texts(row, "accessibility_notes", meeting.accessibility_notes, languages)
        put_texts(row, "cancel_reason", meeting.cancel_reason, languages)
        held = meeting.state in (MeetingState.in_progress, MeetingState.closed)
        presence = Counter(a.presence.value for a in meeting.attendances)
        row.update(
            original_language=meeting.title.original,
            starts_at=iso_time(meeting.starts_at),
            ends_at=iso_time(meeting.ends_at),
            place=meeting.place,
            online_url=meeting.online_url or None,
            step_free=meeting.step_free,
            interpretation=list(meeting.interpretation),
            state=meeting.state.value,
            cancelled=meeting.state is MeetingState.cancelled,
            published_at=iso_time(meeting.published_at),
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
    table = Table("agenda_items", "The agenda items of those meetings.", columns(spec, languages))
    for meeting in meetings:
        for item in meeting.items:
            row: dict = {
                "id": item.id,
                "meeting_id": meeting.id,
                "council_id": meeting.council_id,
                "position": item.position,
            }
            put_texts(row, "title", item.title, languages)
            put_texts(row, "description", item.description, languages)
            row.update(
                original_language=item.title.original,
                kind=item.kind.value,
                duration_minutes=item.duration_minutes,
                added_late_at=iso_time(item.added_late_at),
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
        columns(spec, languages),
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
        put_texts(row, "title", proposal.title, languages)
        put_texts(row, "body", proposal.body, languages)
        put_texts(row, "answer", answers[-1] if answers else None, languages)
        item_id = proposal.agenda_item_id
        row.update(
            original_language=proposal.lang,
            topic=proposal.topic.value,
            state=proposal.state.value,
            supporters=proposal.endorsement_count,
            agenda_item_id=item_id if item_id in public_items else None,
            created_at=iso_time(proposal.created_at),
            url=external_url(
                "proposals.proposal", slug=proposal.council.slug, proposal_id=proposal.id
            ),
        )
        table.rows.append(row)
    return table


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
        columns(spec, languages),
    )
    for names, record in minutes:
        meeting = record.meeting
        row: dict = {"id": record.id, "meeting_id": meeting.id, "council_id": meeting.council_id}
        put_texts(row, "body", withheld[meeting.council_id].redact_texts(record.body), languages)
        row.update(
            original_language=record.body.original,
            revision=record.revision,
            approved_at=iso_time(record.approved_at),
            published_at=iso_time(record.published_at),
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
                "uploaded_at": iso_time(document.uploaded_at),
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
