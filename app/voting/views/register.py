"""The register of decisions: a page to read and filter, a CSV file and an Atom feed."""

import csv
import io
from datetime import UTC
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from flask import Response, current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Access, current_council, requires
from app.extensions import db
from app.proposals.models import Topic
from app.text import spreadsheet_cell
from app.urls import external_url
from app.voting import register, services, tally
from app.voting.models import OutcomeKind
from app.voting.views.polls import bp
from app.web import paginate

PER_PAGE = 20
#: The feed's newest entries: months of a council's record; a feed reader keeps what it read.
FEED_SIZE = 20
ATOM = "http://www.w3.org/2005/Atom"


@bp.get("/decisions")
@requires(Access.anyone)
def decisions(slug: str):
    council = current_council()
    filters = register.Filters.from_args(request.args)
    page = paginate(register.register(council, current_user, filters), per_page=PER_PAGE)
    return render_template(
        "voting/decisions.html",
        council=council,
        page=page,
        entries=_entries(page.items, council),
        filters=filters,
        years=register.years(council),
        kinds=[(register.VOTE, _("Decided by an electronic vote")), *OutcomeKind.choices()],
        topics=Topic,
        result_of=services.result_of,
    )


def _minutes():
    return current_app.extensions.get(register.MINUTES)


def _entries(items, council) -> list[register.Entry]:
    """The entries of loaded items, each with the link to its meeting's published minutes."""
    entries = register.entries(items, council, current_user)
    minutes = _minutes()
    if minutes is not None and entries:
        links = minutes.links({entry.meeting.id for entry in entries})
        for entry in entries:
            entry.minutes_url = links.get(entry.meeting.id)
    return entries


def _all_decisions(council, filters, limit=None) -> list[register.Decision]:
    statement = register.register(council, current_user, filters)
    if limit:
        statement = statement.limit(limit)
    items = db.session.scalars(statement).unique().all()
    return register.decisions_of(_entries(items, council))


def _counts(decision: register.Decision) -> tuple[str, str, str, str]:
    """Yes, no, abstain, and any other options as "option: number"."""
    result = decision.result
    if result is None:
        return ("", "", "", "")
    counts = dict(result.counts)
    default = [str(counts.pop(key, "")) for key in tally.DEFAULT_OPTIONS]
    if decision.poll is not None:
        labels = {option.key: option.text for option in decision.poll.options}
    else:
        assert decision.outcome is not None
        labels = dict(decision.outcome.options)
    others = [f"{labels.get(key, key)}: {number}" for key, number in counts.items()]
    return (default[0], default[1], default[2], "; ".join(others))


def _adopted(decision: register.Decision) -> str:
    if decision.poll is not None:
        if decision.result is None or not services.decided(decision.poll):
            return ""
        return _("Yes") if decision.result.passed else _("No")
    outcome = decision.outcome
    assert outcome is not None
    if outcome.kind is OutcomeKind.consensus:
        return _("Yes")
    if outcome.kind is OutcomeKind.hands and outcome.quorum:
        return _("Yes") if outcome.adopted else _("No")
    return ""


def _row(council, decision: register.Decision) -> list[str]:
    entry = decision.entry
    meeting = entry.meeting
    if decision.poll is not None:
        kind = _("Decided by an electronic vote")
        text = decision.poll.question.shown().text
        rule = decision.poll.majority_rule.label
        how = _("Electronic vote")
        poll_link = external_url("voting.poll", slug=council.slug, poll_id=decision.poll.id)
    else:
        outcome = decision.outcome
        assert outcome is not None
        kind = outcome.kind.label
        text = outcome.summary.shown().text if outcome.summary else ""
        rule = outcome.majority_rule.label if outcome.majority_rule else ""
        how = _("Counted in the room") if outcome.kind is OutcomeKind.hands else ""
        poll_link = ""
    proposals = " ".join(
        external_url("proposals.proposal", slug=council.slug, proposal_id=p.id)
        for p in entry.proposals
    )
    return [
        services.meetings.to_local(council, meeting.starts_at).date().isoformat(),
        meeting.title.shown().text,
        entry.item.title.shown().text,
        kind,
        text,
        rule,
        *_counts(decision),
        _adopted(decision),
        how,
        external_url(
            "meetings.meeting",
            slug=council.slug,
            meeting_id=meeting.id,
            _anchor=f"item-{entry.item.id}",
        ),
        poll_link,
        proposals,
        entry.minutes_url or "",
    ]


@bp.get("/decisions.csv")
@requires(Access.anyone)
def decisions_csv(slug: str):
    """The filtered register as a spreadsheet: UTF-8 with a byte order mark, which Excel needs
    to read anything but ASCII."""
    council = current_council()
    filters = register.Filters.from_args(request.args)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("Date"),
            _("Meeting"),
            _("Agenda item"),
            _("Outcome"),
            _("Question or summary"),
            _("Majority rule"),
            _("Yes"),
            _("No"),
            _("Abstain"),
            _("Other options"),
            _("Adopted"),
            _("How it was counted"),
            _("Meeting link"),
            _("Vote link"),
            _("Proposal links"),
            _("Minutes link"),
        ]
    )
    for decision in _all_decisions(council, filters):
        writer.writerow([spreadsheet_cell(value) for value in _row(council, decision)])
    response = Response("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{council.slug}-decisions.csv"'
    return response


def _tag(council, decision: register.Decision) -> str:
    """A stable id (RFC 4151): the site's host, the day the record was made, and the record."""
    host = urlsplit(external_url("site.home")).hostname or "localhost"
    day = decision.created.date().isoformat()
    if decision.poll is not None:
        return f"tag:{host},{day}:{council.slug}/polls/{decision.poll.id}"
    assert decision.outcome is not None
    return f"tag:{host},{day}:{council.slug}/outcomes/{decision.outcome.id}"


def _atom_time(moment) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


@bp.get("/decisions.atom")
@requires(Access.anyone)
def decisions_atom(slug: str):
    council = current_council()
    filters = register.Filters.from_args(request.args)
    lines = _all_decisions(council, filters, limit=FEED_SIZE)
    feed = ET.Element("feed", xmlns=ATOM)
    ET.SubElement(feed, "title").text = _(
        "Decisions, minutes and consultations of %(council)s", council=council.name.shown().text
    )
    here = external_url("voting.decisions", slug=council.slug, **filters.args())
    ET.SubElement(feed, "id").text = here
    ET.SubElement(feed, "link", rel="alternate", type="text/html", href=here)
    ET.SubElement(
        feed,
        "link",
        rel="self",
        href=external_url("voting.decisions_atom", slug=council.slug, **filters.args()),
    )
    entries = [(line.updated, _atom_entry(council, line)) for line in lines]
    if not filters.args():
        # The unfiltered feed is the council's record: its published minutes and
        # consultations too.
        for source in current_app.extensions.get(register.FEED_SOURCES, []):
            entries += [(extra.updated, _feed_entry(extra)) for extra in source(council, FEED_SIZE)]
    entries.sort(key=lambda pair: pair[0], reverse=True)
    updated = entries[0][0] if entries else council.created_at
    ET.SubElement(feed, "updated").text = _atom_time(updated)
    ET.SubElement(ET.SubElement(feed, "author"), "name").text = council.name.shown().text
    for _updated, element in entries[:FEED_SIZE]:
        feed.append(element)
    body = ET.tostring(feed, encoding="unicode", xml_declaration=True)
    # Feed readers ask every hour: at most twenty entries are sent, and a reader that has
    # them is answered "not modified" without the body.
    response = Response(body, mimetype="application/atom+xml")
    response.add_etag()
    response.last_modified = updated.replace(tzinfo=UTC)
    response.headers["Cache-Control"] = "public, no-cache"
    return response.make_conditional(request)


def _feed_entry(extra: register.FeedEntry) -> ET.Element:
    entry = ET.Element("entry")
    ET.SubElement(entry, "title").text = extra.title
    ET.SubElement(entry, "id").text = extra.id
    ET.SubElement(entry, "updated").text = _atom_time(extra.updated)
    ET.SubElement(entry, "link", rel="alternate", type="text/html", href=extra.link)
    ET.SubElement(entry, "summary").text = extra.summary
    return entry


def _atom_entry(council, decision: register.Decision) -> ET.Element:
    row = _row(council, decision)
    entry = ET.Element("entry")
    item_title = decision.entry.item.title.shown()
    ET.SubElement(entry, "title").text = f"{item_title.text} – {row[3]}"
    ET.SubElement(entry, "id").text = _tag(council, decision)
    ET.SubElement(entry, "updated").text = _atom_time(decision.updated)
    link = row[12] if decision.poll is None else row[13]
    ET.SubElement(entry, "link", rel="alternate", type="text/html", href=link)
    lines = [decision.entry.meeting.title.shown().text + " · " + row[0]]
    if row[4]:
        lines.append(row[4])
    if decision.result is not None:
        lines.append(
            _(
                "Yes: %(yes)s · No: %(no)s · Abstain: %(abstain)s",
                yes=row[6] or 0,
                no=row[7] or 0,
                abstain=row[8] or 0,
            )
        )
    if row[10]:
        lines.append(_("Adopted: %(answer)s", answer=row[10]))
    ET.SubElement(entry, "summary").text = "\n".join(lines)
    return entry
