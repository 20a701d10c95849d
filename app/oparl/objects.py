"""Records as OParl 1.1 objects (https://schema.oparl.org/1.1/).

Ids are URLs built from ``CONSULTA_BASE_URL`` (``external_url``), never from the request.
OParl strings have one language: each text field holds the original, and
``consulta:translations`` holds every version; votes and hands counted on an agenda item are
``consulta:voteEvents``, shaped like Popolo's VoteEvent (docs/oparl.md).
"""

from datetime import UTC, datetime

from app.councils.models import Council, Membership
from app.i18n import Translated, bcp47
from app.meetings.models import AgendaItem, Document, Meeting, MeetingState, Presence
from app.minutes.models import Minutes
from app.oparl.queries import PUBLIC_STATE_VALUES, Public
from app.proposals.models import Proposal
from app.urls import external_url
from app.voting.models import OutcomeKind, Poll, PollMethod, PollState
from app.voting.services import result_of

SCHEMA = "https://schema.oparl.org/1.1/"
PAPER_TYPE = "resident proposal"
ORGANIZATION_TYPE = "migrant consultative council"


def stamp(moment: datetime) -> str:
    """A stored UTC time as RFC 3339."""
    return moment.replace(tzinfo=UTC).isoformat(timespec="seconds")


def latest(*moments: datetime | None) -> datetime:
    return max(moment for moment in moments if moment is not None)


def url(endpoint: str, **values) -> str:
    return external_url(f"oparl.{endpoint}", **values)


def new(kind: str, id: str, *, created: datetime, modified: datetime, **fields) -> dict:
    obj = {"id": id, "type": SCHEMA + kind}
    obj.update({name: value for name, value in fields.items() if value not in (None, "", [])})
    obj["created"] = stamp(created)
    obj["modified"] = stamp(modified)
    return obj


def language(code: str) -> str:
    return bcp47(code) or "und"


def with_texts(obj: dict, fields: dict[str, Translated]) -> dict:
    """Each field's original text, and every version of it in ``consulta:translations``:
    ``{"name": {"original": "ar", "texts": {"ar": "…", "en": "…"}, "machine": ["en"]}}``."""
    translations = obj.setdefault("consulta:translations", {})
    for name, value in fields.items():
        if not value:
            continue
        texts = value.texts
        obj[name] = texts.get(value.original) or next(iter(texts.values()))
        translations[name] = {
            "original": language(value.original),
            "texts": {language(lang): text for lang, text in texts.items()},
        }
        if value.machine:
            translations[name]["machine"] = sorted(language(lang) for lang in value.machine)
    if not translations:
        del obj["consulta:translations"]
    return obj


def deleted(kind: str, id: str, *, created: datetime, modified: datetime, **fields) -> dict:
    """What stays of a record that was public and is gone."""
    return new(kind, id, created=created, modified=modified, deleted=True, **fields)


def system(bodies: str, first: datetime | None, last: datetime | None) -> dict:
    """The site; it dates from its first council and changes with each new one."""
    obj = {
        "id": url("system"),
        "type": SCHEMA + "System",
        "oparlVersion": SCHEMA,
        "name": "Consulta",
        "body": bodies,
        "website": external_url("site.home"),
    }
    if first is not None and last is not None:
        obj["created"] = stamp(first)
        obj["modified"] = stamp(last)
    return obj


def body(council: Council, changed: datetime | None = None) -> dict:
    """A council as a body; ``changed``: its latest edit or translation (audit trail)."""
    slug = council.slug
    obj = new(
        "Body",
        url("body", slug=slug),
        created=council.created_at,
        modified=latest(council.created_at, changed),
        system=url("system"),
        shortName=council.slug,
        website=external_url("site.council", slug=slug),
        web=external_url("site.council", slug=slug),
        classification=ORGANIZATION_TYPE,
        organization=url("organizations", slug=slug),
        person=url("people", slug=slug),
        meeting=url("meetings", slug=slug),
        paper=url("papers", slug=slug),
        agendaItem=url("agenda_items", slug=slug),
        consultation=url("consultations", slug=slug),
        file=url("files", slug=slug),
        membership=url("memberships", slug=slug),
        mainOrganization=url("organization", slug=slug),
    )
    obj["legislativeTerm"] = []
    obj["consulta:languages"] = [language(code) for code in council.languages]
    return with_texts(
        obj,
        {
            "name": council.name,
            "consulta:description": council.description,
            "consulta:participation": council.participation,
        },
    )


def organization(council: Council, listed: list[Membership]) -> dict:
    slug = council.slug
    current = council.current_memberships
    obj = new(
        "Organization",
        url("organization", slug=slug),
        created=council.created_at,
        modified=latest(council.created_at, *(m.created_at for m in listed)),
        body=url("body", slug=slug),
        membership=[url("membership", slug=slug, membership_id=m.id) for m in listed],
        meeting=url("meetings", slug=slug),
        consultation=url("consultations", slug=slug),
        organizationType=ORGANIZATION_TYPE,
        classification=ORGANIZATION_TYPE,
        web=external_url("site.council", slug=slug),
    )
    obj["memberCount"] = len(current)
    obj["votingMemberCount"] = len(council.voting_memberships)
    return with_texts(obj, {"name": council.name})


def membership(
    seat: Membership, changed: datetime | None = None, *, embedded: bool = False
) -> dict:
    """A listed seat; ``changed``: its latest change (audit trail). A seat no longer listed
    is deleted: nothing about it is public any more."""
    slug = seat.council.slug
    id = url("membership", slug=slug, membership_id=seat.id)
    modified = latest(seat.created_at, changed)
    if not seat.listed:
        return deleted("Membership", id, created=seat.created_at, modified=modified)
    end = seat.ended_at.date() if seat.ended_at else seat.term_end
    obj = new(
        "Membership",
        id,
        created=seat.created_at,
        modified=modified,
        organization=url("organization", slug=slug),
        role=seat.role.value,
        startDate=seat.term_start.isoformat(),
        endDate=end.isoformat() if end else None,
    )
    if not embedded:
        obj["person"] = url("person", slug=slug, user_id=seat.user_id)
    obj["votingRight"] = bool(seat.voting_right and seat.role.may_vote)
    return obj


def person(seats: list[Membership], changes: dict[int, datetime]) -> dict:
    """A person named in public: their name and their listed seats, nothing else; deleted
    when none of their seats is listed any more."""
    first = seats[0]
    slug = first.council.slug
    id = url("person", slug=slug, user_id=first.user_id)
    created = min(seat.created_at for seat in seats)
    modified = latest(*(latest(seat.created_at, changes.get(seat.id)) for seat in seats))
    listed = [seat for seat in seats if seat.listed]
    if not listed:
        return deleted("Person", id, created=created, modified=modified)
    return new(
        "Person",
        id,
        created=created,
        modified=modified,
        body=url("body", slug=slug),
        name=first.user.display_name,
        membership=[membership(seat, changes.get(seat.id), embedded=True) for seat in listed],
    )


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
    attended = (
        [
            url("person", slug=slug, user_id=a.membership.user_id)
            for a in record.attendances
            if a.presence is Presence.present and a.membership.listed
        ]
        if record.state is MeetingState.closed
        else []
    )
    obj = new(
        "Meeting",
        url("meeting", slug=slug, meeting_id=record.id),
        created=record.created_at,
        modified=latest(record.updated_at, minutes.updated_at if minutes else None),
        meetingState=record.state.value,
        start=stamp(record.starts_at),
        end=stamp(record.ends_at),
        organization=[url("organization", slug=slug)],
        participant=sorted(set(attended)),
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
    return with_texts(obj, {"name": record.title, "consulta:cancelReason": record.cancel_reason})


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
        event["votes"] = [
            {
                "voter": url("person", slug=slug, user_id=ballot.membership.user_id),
                "option": ballot.choice,
            }
            for ballot in public.ballots.get(poll.id, [])
            if ballot.membership.listed
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


def paper(proposal: Proposal) -> dict:
    """A resident's proposal: its text, state and council answer, never who wrote it."""
    slug = proposal.council.slug
    id = url("paper", slug=slug, proposal_id=proposal.id)
    if proposal.state.value not in PUBLIC_STATE_VALUES:
        return deleted("Paper", id, created=proposal.created_at, modified=proposal.updated_at)
    item = proposal.agenda_item
    consulted = item is not None and item.meeting.is_public
    obj = new(
        "Paper",
        id,
        created=proposal.created_at,
        modified=proposal.updated_at,
        body=url("body", slug=slug),
        reference=proposal.reference,
        date=proposal.created_at.date().isoformat(),
        paperType=PAPER_TYPE,
        consultation=[consultation(proposal)] if consulted else None,
        web=external_url("proposals.proposal", slug=slug, proposal_id=proposal.id),
    )
    obj["consulta:state"] = proposal.state.value
    obj["consulta:topic"] = proposal.topic.value
    obj["consulta:language"] = language(proposal.lang)
    obj["consulta:supporters"] = proposal.endorsement_count
    answers = [
        with_texts({"state": event.to_state, "date": stamp(event.at)}, {"text": event.answer})
        for event in proposal.public_events
        if event.answer
    ]
    if answers:
        obj["consulta:answers"] = answers
    return with_texts(obj, {"name": proposal.title, "consulta:text": proposal.body})


def consultation(proposal: Proposal) -> dict:
    slug = proposal.council.slug
    item = proposal.agenda_item
    obj = new(
        "Consultation",
        url("consultation", slug=slug, proposal_id=proposal.id),
        created=proposal.created_at,
        modified=proposal.updated_at,
        paper=url("paper", slug=slug, proposal_id=proposal.id),
        agendaItem=url("agenda_item", slug=slug, item_id=item.id),
        meeting=url("meeting", slug=slug, meeting_id=item.meeting_id),
        organization=[url("organization", slug=slug)],
        role=item.kind.value,
    )
    obj["authoritative"] = proposal.state.value in ("adopted", "rejected", "implemented")
    return obj
