"""The OParl 1.1 read API: the same answer for everyone, with no cookie and open to any site.

Whoever asks reads what an anonymous visitor reads (a signed-in secretary's drafts never
appear), so answers can be cached and shared. Records are found with the statements of
``queries``, scoped to the council of the URL, which also find what was public and is gone
(``deleted: true``).
"""

import json
from collections import defaultdict
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, g, request
from sqlalchemy import func
from werkzeug.exceptions import HTTPException

from app.auth import Access, current_council, requires
from app.councils.models import Council, Membership
from app.errors import ERROR_CODES
from app.extensions import db, login_manager
from app.meetings.models import AgendaItem, Document, Meeting
from app.oparl import objects, queries
from app.oparl.queries import Kind
from app.proposals.models import Proposal
from app.urls import external_url
from app.web import paginate, stateless

bp = Blueprint("oparl", __name__, url_prefix="/oparl/v1")
PER_PAGE = 100
#: A meeting carries its agenda, its participants and its roll calls: fewer fit in a page.
MEETINGS_PER_PAGE = 10
FILTERS = ("created_since", "created_until", "modified_since", "modified_until")


@bp.before_request
def read_as_anyone() -> None:
    """Answer as to an anonymous visitor, whatever cookie came along (Flask-Login reads the
    user from ``g``): nothing private, and the session is never read or written."""
    g._login_user = login_manager.anonymous_user()


@bp.after_request
def open_to_every_site(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def error(exception: HTTPException):
    return answer({"error": exception.name, "code": exception.code}, exception.code or 500)


# By code: Flask prefers the site's handler for a code to a blueprint's for a class.
for code in ERROR_CODES:
    bp.register_error_handler(code, error)


def answer(data: dict, status: int = 200):
    return current_app.response_class(
        json.dumps(data, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def requested_filters() -> dict[str, datetime]:
    """OParl's date filters, RFC 3339 (a time without a zone is UTC); a wrong one is a 400."""
    values = {}
    for name in FILTERS:
        raw = request.args.get(name)
        if raw is None:
            continue
        try:
            moment = datetime.fromisoformat(raw.strip())
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC).replace(tzinfo=None)
        except (ValueError, OverflowError):
            abort(400)
        values[name] = moment
    return values


def page_url(number: int) -> str:
    kept = {k: v for k, v in request.args.items() if k in (*FILTERS, "omit_internal")}
    return external_url(request.endpoint or "", **(request.view_args or {}), **kept, page=number)


def listing(statement, kind: Kind | None, serialize, per_page: int | None = None):
    """One page of a list, as OParl wraps it: ``data``, ``pagination``, ``links``."""
    per_page = per_page or PER_PAGE
    filters = requested_filters()
    if kind is not None:
        statement = kind.filtered(statement, filters)
    page = paginate(statement, per_page=per_page)
    pages = max(page.pages, 1)
    links = {"first": page_url(1), "last": page_url(pages), "self": page_url(page.page)}
    if page.has_prev:
        links["prev"] = page_url(page.page - 1)
    if page.has_next:
        links["next"] = page_url(page.page + 1)
    return answer(
        {
            "data": serialize(list(page.items)),
            "pagination": {
                "totalElements": page.total,
                "elementsPerPage": per_page,
                "currentPage": page.page,
                "totalPages": pages,
            },
            "links": links,
        }
    )


def one(statement):
    record = db.session.scalars(statement).unique().one_or_none()
    if record is None:
        abort(404)
    return record


@bp.get("/system")
@requires(Access.anyone)
@stateless
def system():
    first, last = db.session.execute(
        db.select(func.min(Council.created_at), func.max(Council.created_at))
    ).one()
    return answer(objects.system(objects.url("bodies"), first, last))


@bp.get("/bodies")
@requires(Access.anyone)
@stateless
def bodies():
    def serialize(councils: list[Council]) -> list[dict]:
        changes = queries.latest_changes(Council, [c.id for c in councils])
        return [objects.body(c, changes.get(c.id)) for c in councils]

    return listing(db.select(Council).order_by(Council.id), queries.BODY, serialize)


@bp.get("/bodies/<slug>")
@requires(Access.anyone)
@stateless
def body(slug: str):
    council = current_council()
    changed = queries.latest_changes(Council, [council.id]).get(council.id)
    return answer(objects.body(council, changed))


@bp.get("/bodies/<slug>/organizations")
@requires(Access.anyone)
@stateless
def organizations(slug: str):
    council = current_council()
    statement = db.select(Council).where(Council.id == council.id)
    listed = list(db.session.scalars(queries.memberships(council)))
    return listing(statement, None, lambda found: [objects.organization(council, listed)])


@bp.get("/bodies/<slug>/organization")
@requires(Access.anyone)
@stateless
def organization(slug: str):
    council = current_council()
    listed = list(db.session.scalars(queries.memberships(council)))
    return answer(objects.organization(council, listed))


@bp.get("/bodies/<slug>/people")
@requires(Access.anyone)
@stateless
def people(slug: str):
    council = current_council()

    def serialize(firsts: list[Membership]) -> list[dict]:
        seats = defaultdict(list)
        users = {m.user_id for m in firsts}
        statement = queries.seats(council).where(Membership.user_id.in_(users))
        for seat in db.session.scalars(statement):
            seats[seat.user_id].append(seat)
        ids = [seat.id for group in seats.values() for seat in group]
        changes = queries.latest_changes(Membership, ids)
        return [objects.person(seats[m.user_id], changes) for m in firsts]

    return listing(queries.people(council), queries.person_kind(council), serialize)


@bp.get("/bodies/<slug>/people/<int:user_id>")
@requires(Access.anyone)
@stateless
def person(slug: str, user_id: int):
    seats = queries.seats_of(current_council(), user_id)
    if not seats:
        abort(404)
    return answer(objects.person(seats, queries.latest_changes(Membership, [s.id for s in seats])))


@bp.get("/bodies/<slug>/memberships")
@requires(Access.anyone)
@stateless
def memberships(slug: str):
    def serialize(seats: list[Membership]) -> list[dict]:
        changes = queries.latest_changes(Membership, [m.id for m in seats])
        return [objects.membership(m, changes.get(m.id)) for m in seats]

    return listing(queries.seats(current_council()), queries.MEMBERSHIP, serialize)


@bp.get("/bodies/<slug>/memberships/<int:membership_id>")
@requires(Access.anyone)
@stateless
def membership(slug: str, membership_id: int):
    statement = queries.seats(current_council()).where(Membership.id == membership_id)
    seat = one(statement)
    changed = queries.latest_changes(Membership, [seat.id]).get(seat.id)
    return answer(objects.membership(seat, changed))


@bp.get("/bodies/<slug>/meetings")
@requires(Access.anyone)
@stateless
def meetings(slug: str):
    council = current_council()

    def serialize(found: list[Meeting]) -> list[dict]:
        public = queries.public_context(council, meetings=found)
        return [objects.meeting(m, public) for m in found]

    return listing(queries.meetings(council), queries.MEETING, serialize, MEETINGS_PER_PAGE)


@bp.get("/bodies/<slug>/meetings/<int:meeting_id>")
@requires(Access.anyone)
@stateless
def meeting(slug: str, meeting_id: int):
    council = current_council()
    record = one(queries.meetings(council).where(Meeting.id == meeting_id))
    return answer(objects.meeting(record, queries.public_context(council, meetings=[record])))


@bp.get("/bodies/<slug>/meetings/<int:meeting_id>/location")
@requires(Access.anyone)
@stateless
def location(slug: str, meeting_id: int):
    record = one(queries.meetings(current_council()).where(Meeting.id == meeting_id))
    if not record.place:
        abort(404)
    return answer(objects.location(record))


@bp.get("/bodies/<slug>/agenda-items")
@requires(Access.anyone)
@stateless
def agenda_items(slug: str):
    council = current_council()

    def serialize(found: list[AgendaItem]) -> list[dict]:
        public = queries.public_context(council, items=found)
        return [objects.agenda_item(item, public) for item in found]

    return listing(queries.agenda_items(council), queries.AGENDA_ITEM, serialize)


@bp.get("/bodies/<slug>/agenda-items/<int:item_id>")
@requires(Access.anyone)
@stateless
def agenda_item(slug: str, item_id: int):
    council = current_council()
    item = one(queries.agenda_items(council).where(AgendaItem.id == item_id))
    return answer(objects.agenda_item(item, queries.public_context(council, items=[item])))


@bp.get("/bodies/<slug>/papers")
@requires(Access.anyone)
@stateless
def papers(slug: str):
    return listing(
        queries.papers(current_council()),
        queries.PAPER,
        lambda found: [objects.paper(p) for p in found],
    )


@bp.get("/bodies/<slug>/papers/<int:proposal_id>")
@requires(Access.anyone)
@stateless
def paper(slug: str, proposal_id: int):
    statement = queries.papers(current_council()).where(Proposal.id == proposal_id)
    return answer(objects.paper(one(statement)))


@bp.get("/bodies/<slug>/consultations")
@requires(Access.anyone)
@stateless
def consultations(slug: str):
    return listing(
        queries.consultations(current_council()),
        queries.PAPER,
        lambda found: [objects.consultation(p) for p in found],
    )


@bp.get("/bodies/<slug>/consultations/<int:proposal_id>")
@requires(Access.anyone)
@stateless
def consultation(slug: str, proposal_id: int):
    statement = queries.consultations(current_council()).where(Proposal.id == proposal_id)
    return answer(objects.consultation(one(statement)))


@bp.get("/bodies/<slug>/files")
@requires(Access.anyone)
@stateless
def files(slug: str):
    return listing(
        queries.files(current_council()),
        queries.FILE,
        lambda found: [objects.document_file(d) for d in found],
    )


@bp.get("/bodies/<slug>/files/<int:document_id>")
@requires(Access.anyone)
@stateless
def file(slug: str, document_id: int):
    statement = queries.files(current_council()).where(Document.id == document_id)
    return answer(objects.document_file(one(statement)))


@bp.get("/bodies/<slug>/minutes/<int:minutes_id>/file")
@requires(Access.anyone)
@stateless
def minutes_file(slug: str, minutes_id: int):
    minutes = queries.published_minutes(current_council(), minutes_id)
    if minutes is None:
        abort(404)
    return answer(objects.minutes_file(minutes))
