"""The site, the council as a body and an organization, and the members named in public."""

from datetime import datetime

from app.councils.models import Council, Membership
from app.oparl.objects.common import (
    ORGANIZATION_TYPE,
    SCHEMA,
    deleted,
    language,
    latest,
    new,
    stamp,
    url,
    with_texts,
)
from app.urls import external_url


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
