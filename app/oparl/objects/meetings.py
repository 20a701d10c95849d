"""Meetings, their agendas, votes and hands counted, documents and minutes."""

from app.i18n import Translated
from app.meetings.models import AgendaItem, Document, Meeting, MeetingState
from app.minutes.models import Minutes
from app.oparl.objects.common import (
    deleted,
    ids_url,
    language,
    latest,
    new,
    stamp,
    url,
    with_texts,
)
from app.oparl.queries import PUBLIC_STATE_VALUES, Public
from app.urls import external_url
from app.voting.models import OutcomeKind, Poll, PollMethod, PollState
from app.voting.services import result_of


def document_file(document: Document) -> dict:
    meeting = document.meeting
    slug = meeting.council.slug
    id = url("file", slug=slug, document_id=document.id)
    access = external_url(
        "documents.document", slug=slug, document_id=document.id, filename=document.filename
    )
    if document.removed_at is not None:
        return deleted(
            "File", id, created=document.uploaded_at, modified=document.removed_at, accessUrl=access
        )
    return new(
        "File",
        id,
        created=document.uploaded_at,
        modified=document.uploaded_at,
        name=document.shown_title,
        fileName=document.filename,
        mimeType=document.content_type,
        date=document.uploaded_at.date().isoformat(),
        size=document.size,
        accessUrl=access,
        downloadUrl=access,
        meeting=[url("meeting", slug=slug, meeting_id=meeting.id)],
        agendaItem=[url("agenda_item", slug=slug, item_id=document.agenda_item_id)]
        if document.agenda_item_id
        else None,
        web=external_url("meetings.meeting", slug=slug, meeting_id=meeting.id),
        **({"consulta:language": language(document.lang)} if document.lang else {}),
    )


def minutes_file(minutes: Minutes) -> dict:
    """Published minutes: their PDF. Not their text: the minutes name everyone who attended,
    and the API names only the members who agreed to be listed (the PDF is the council's
    own publication, as on the site)."""
    meeting = minutes.meeting
    slug = meeting.council.slug
    pdf = external_url("minutes.pdf", slug=slug, minutes_id=minutes.id)
    obj = new(
        "File",
        url("minutes_file", slug=slug, minutes_id=minutes.id),
        created=minutes.published_at or minutes.created_at,
        modified=minutes.updated_at,
        fileName=f"minutes-{meeting.starts_at:%Y-%m-%d}-{minutes.id}.pdf",
        mimeType="application/pdf",
        date=(minutes.published_at or minutes.updated_at).date().isoformat(),
        accessUrl=pdf,
        downloadUrl=pdf,
        meeting=[url("meeting", slug=slug, meeting_id=meeting.id)],
        web=external_url("minutes.minutes", slug=slug, minutes_id=minutes.id),
    )
    obj["name"] = "Minutes"
    obj["consulta:languages"] = sorted(language(lang) for lang in minutes.body.texts)
    return obj


def meeting(record: Meeting, public: Public) -> dict:
    slug = public.council.slug
    minutes = public.minutes.get(record.id)
    # Who attended is public once the meeting is closed; the API names the listed members.
    person = ids_url("person", "user_id", slug=slug)
    attended = [person(user_id) for user_id in public.participants.get(record.id, [])]
    obj = new(
        "Meeting",
        url("meeting", slug=slug, meeting_id=record.id),
        created=record.created_at,
        modified=latest(record.updated_at, minutes.updated_at if minutes else None),
        meetingState=record.state.value,
        start=stamp(record.starts_at),
        end=stamp(record.ends_at),
        organization=[url("organization", slug=slug)],
        participant=attended,
        resultsProtocol=minutes_file(minutes) if minutes else None,
        auxiliaryFile=[
            document_file(d)
            for d in record.documents
            if d.removed_at is None and d.agenda_item_id is None
        ],
        agendaItem=[agenda_item(item, public) for item in record.items],
        web=external_url("meetings.meeting", slug=slug, meeting_id=record.id),
    )
    if record.state is MeetingState.cancelled:
        obj["cancelled"] = True
    if record.place:
        obj["location"] = location(record)
    if record.online_url:
        obj["consulta:onlineUrl"] = record.online_url
    if record.interpretation:
        obj["consulta:interpretation"] = [language(code) for code in record.interpretation]
    obj["consulta:stepFree"] = record.step_free
    return with_texts(
        obj,
        {
            "name": record.title,
            "consulta:description": record.description,
            "consulta:accessibilityNotes": record.accessibility_notes,
            "consulta:cancelReason": record.cancel_reason,
        },
    )


def location(record: Meeting) -> dict:
    """Where a meeting takes place, as its officers wrote it (one line of free text)."""
    slug = record.council.slug
    return new(
        "Location",
        url("location", slug=slug, meeting_id=record.id),
        created=record.created_at,
        modified=record.updated_at,
        description=record.place,
        locality=record.council.municipality,
        meetings=[url("meeting", slug=slug, meeting_id=record.id)],
    )


def _poll_event(poll: Poll, public: Public) -> dict | None:
    """A published vote as a Popolo VoteEvent; who voted what only for a roll call, and only
    for the members named in public (the others are in the counts)."""
    result = result_of(poll)
    if poll.state is not PollState.published or result is None:
        return None
    slug = public.council.slug
    quorum = bool(poll.quorum_at_close)
    event = {
        "identifier": f"poll-{poll.id}",
        "startDate": stamp(poll.opened_at) if poll.opened_at else None,
        "endDate": stamp(poll.closed_at) if poll.closed_at else None,
        "result": "pass" if quorum and result.passed else "fail",
        "counts": [{"option": key, "value": value} for key, value in result.counts.items()],
        "consulta:method": "roll-call" if poll.method is PollMethod.named else "pseudo-anonymous",
        "consulta:majorityRule": result.rule,
        "consulta:quorum": quorum,
        "consulta:entitled": result.entitled,
        "consulta:adoptedOption": result.adopted if quorum else None,
        "consulta:options": [
            with_texts({"option": option.key}, {"label": option.label}) for option in poll.options
        ],
        "web": external_url("voting.poll", slug=slug, poll_id=poll.id),
    }
    if poll.method is PollMethod.named:
        person = ids_url("person", "user_id", slug=slug)
        event["votes"] = [
            {"voter": person(user_id), "option": choice}
            for user_id, choice in public.ballots.get(poll.id, [])
        ]
    return with_texts(event, {"motion": poll.question})


def _hands_event(item: AgendaItem) -> dict | None:
    outcome = item.outcome
    if outcome is None or outcome.kind is not OutcomeKind.hands or not outcome.counts:
        return None
    return {
        "identifier": f"outcome-{outcome.id}",
        "motion": item.title.texts.get(item.title.original, ""),
        "startDate": stamp(outcome.recorded_at),
        "result": "pass" if outcome.adopted else "fail",
        "counts": [{"option": key, "value": value or 0} for key, value in outcome.counts.items()],
        "consulta:method": "show-of-hands",
        "consulta:countedByHand": True,
        "consulta:majorityRule": outcome.majority_rule.value if outcome.majority_rule else None,
        "consulta:quorum": bool(outcome.quorum),
        "consulta:present": outcome.present,
    }


def _result(item: AgendaItem, events: list[dict]) -> str | None:
    """How the item ended, in words other programs can match."""
    outcome = item.outcome
    if outcome is not None and outcome.kind is not OutcomeKind.hands:
        return outcome.kind.value
    if events:
        return "adopted" if events[-1]["result"] == "pass" else "not adopted"
    return None


def agenda_item(item: AgendaItem, public: Public) -> dict:
    slug = public.council.slug
    meeting_record = item.meeting
    events = [e for e in (_poll_event(p, public) for p in item.polls) if e]
    if hands := _hands_event(item):
        events.append(hands)
    discussed = [p for p in item.proposals if p.state.value in PUBLIC_STATE_VALUES]
    outcome = item.outcome
    obj = new(
        "AgendaItem",
        url("agenda_item", slug=slug, item_id=item.id),
        created=item.created_at,
        modified=latest(
            item.created_at,
            meeting_record.updated_at,
            outcome.updated_at if outcome else None,
            public.item_changes.get(item.id),
            *(p.published_at for p in item.polls),
        ),
        meeting=url("meeting", slug=slug, meeting_id=item.meeting_id),
        number=str(item.position),
        order=item.position,
        consultation=url("consultation", slug=slug, proposal_id=discussed[0].id)
        if discussed
        else None,
        result=_result(item, events),
        auxiliaryFile=[document_file(d) for d in item.documents if d.removed_at is None],
        web=external_url("meetings.meeting", slug=slug, meeting_id=item.meeting_id)
        + f"#item-{item.id}",
    )
    obj["public"] = True
    obj["consulta:kind"] = item.kind.value
    if events:
        obj["consulta:voteEvents"] = events
    if len(discussed) > 1:
        obj["consulta:consultations"] = [
            url("consultation", slug=slug, proposal_id=p.id) for p in discussed
        ]
    return with_texts(
        obj,
        {
            "name": item.title,
            "consulta:description": item.description,
            "resolutionText": outcome.summary if outcome else Translated(),
        },
    )
