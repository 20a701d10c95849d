"""Residents' proposals as papers, and the agenda items that discussed them."""

from app.oparl.objects.common import (
    PAPER_TYPE,
    deleted,
    language,
    new,
    stamp,
    url,
    with_texts,
)
from app.oparl.queries import PUBLIC_STATE_VALUES
from app.proposals.models import Proposal
from app.urls import external_url


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
