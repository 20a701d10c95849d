"""The first version of a meeting's minutes, written from what the meeting recorded.

Everything the app knows goes in (council, date, place, chair, attendance with arrivals and
departures, each agenda item with its votes and the proposals it discussed); the secretary
writes the rest. The text is Markdown in one language, the one the minutes are written in.
"""

import re
from datetime import timedelta

from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l

from app.auth import Role
from app.i18n import format_local
from app.meetings import services as meetings
from app.meetings.attendance import attendance_record
from app.meetings.models import Meeting, Presence
from app.voting import services as voting
from app.voting.models import Outcome, OutcomeKind, PollMethod, PollState
from app.voting.outcomes import hand_result

#: Where the secretary writes what was said, in items without a recorded result.
PLACEHOLDER = _l("[Summary of the discussion]")

#: Arriving this long after the first members is arriving late; leaving this long before the
#: last is leaving early.
LATE = timedelta(minutes=10)
EARLY = timedelta(minutes=5)

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def escape(text: str) -> str:
    """User text (a name, a title) shown as itself, never as Markdown, and isolated (FSI …
    PDI) so that a Latin name in Arabic minutes, or an Arabic title in English ones, keeps
    its own direction without reordering the sentence around it."""
    return "\u2068" + _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(text).split())) + "\u2069"


def draft_text(meeting: Meeting, lang: str) -> str:
    """The draft in ``lang`` (an interface language): headings, lists and figures. Its
    headings start at level 1: on the page they come under the page's own (see ``text``)."""
    with force_locale(lang):
        return "\n".join(_lines(meeting, lang)).strip() + "\n"


def _in(value, lang: str) -> str:
    return escape(value.shown_in(lang).text) if value else ""


def _lines(meeting: Meeting, lang: str):
    council = meeting.council
    zone = council.timezone
    yield "- " + gettext("Council: %(name)s", name=_in(council.name, lang))
    yield "- " + gettext(
        "Date: %(day)s, %(start)s–%(end)s",
        day=format_local(meeting.starts_at, zone, "full", "date"),
        start=format_local(meeting.starts_at, zone, "short", "time"),
        end=format_local(meeting.ends_at, zone, "short", "time"),
    )
    if meeting.place:
        yield "- " + gettext("Place: %(place)s", place=escape(meeting.place))
    chairs = [m.user.display_name for m in council.current_memberships if m.role is Role.chair]
    if chairs:
        yield "- " + gettext("Chair: %(names)s", names=", ".join(map(escape, chairs)))
    yield ""
    yield from _attendance(meeting, zone)
    yield "# " + gettext("Agenda")
    yield ""
    for item in meetings.load_agenda(meeting):
        yield from _item(item, lang, zone)


def _attendance(meeting: Meeting, zone: str):
    yield "# " + gettext("Attendance")
    yield ""
    record = attendance_record(meeting)
    by_presence: dict[Presence, list[str]] = {presence: [] for presence in Presence}
    # Times are worth a mention for those who came late, left early or left and came back:
    # the meeting began with the first arrivals and ended with the last departures.
    periods = [period for line in record for period in line.periods]
    arrivals = [p.arrived_at for p in periods]
    departures = [p.left_at for p in periods if p.left_at]
    on_time = min(arrivals) + LATE if arrivals else None
    until_the_end = max(departures) - EARLY if departures else None

    def at(moment) -> str:
        return format_local(moment, zone, "short", "time")

    unnamed = {presence: 0 for presence in Presence}
    for line in record:
        presence = line.presence or Presence.absent
        # Minutes are public: only members who agreed to be listed are named, as on the
        # meeting's page; the others are counted (absent members only ever are).
        if not line.listed or presence is Presence.absent:
            unnamed[presence] += 1
            continue
        entry = escape(line.name)
        if presence is Presence.present and len(line.periods) > 1:
            stays = [
                f"{at(p.arrived_at)}–{at(p.left_at)}" if p.left_at else at(p.arrived_at)
                for p in line.periods
            ]
            entry += " (" + gettext("in the room %(times)s", times=", ".join(stays)) + ")"
        elif presence is Presence.present and line.periods:
            stay, times = line.periods[0], []
            if on_time and stay.arrived_at > on_time:
                times.append(gettext("arrived %(time)s", time=at(stay.arrived_at)))
            if stay.left_at and until_the_end and stay.left_at < until_the_end:
                times.append(gettext("left %(time)s", time=at(stay.left_at)))
            if times:
                entry += " (" + ", ".join(times) + ")"
        elif presence is Presence.excused and line.apologised_at:
            entry += " (" + gettext("apologies sent") + ")"
        by_presence[presence].append(entry)
    headings = {
        Presence.present: lambda n: ngettext("Present (%(num)s)", "Present (%(num)s)", n),
        Presence.excused: lambda n: ngettext("Excused (%(num)s)", "Excused (%(num)s)", n),
        Presence.absent: lambda n: ngettext("Absent (%(num)s)", "Absent (%(num)s)", n),
    }
    for presence, names in by_presence.items():
        count = len(names) + unnamed[presence]
        heading = "**" + headings[presence](count) + "**"
        if unnamed[presence] and names:
            names = names + [
                ngettext("and %(num)s other member", "and %(num)s other members", unnamed[presence])
            ]
        yield heading + (": " + "; ".join(names) + "." if names else "")
        yield ""


def _item(item, lang: str, zone: str):
    yield f"## {item.position}. {_in(item.title, lang)}"
    yield ""
    yield "*" + str(item.kind.label) + "*"
    yield ""
    for proposal in item.proposals:
        yield "- " + gettext(
            "Proposal %(reference)s: %(title)s",
            reference=escape(proposal.reference),
            title=_in(proposal.title, lang),
        )
    if item.proposals:
        yield ""
    for poll in item.polls:
        yield from _poll(poll, lang)
    if item.outcome is not None:
        yield from _outcome(item.outcome, lang)
    elif not item.polls:
        yield str(PLACEHOLDER)
        yield ""


def _outcome(outcome: Outcome, lang: str):
    """How the secretary recorded the item's end; a show of hands with its numbers."""
    if outcome.kind is OutcomeKind.hands:
        yield "**" + str(outcome.kind.label) + "** · " + gettext("Counted in the room")
    else:
        yield "**" + str(outcome.kind.label) + "**"
    yield ""
    if outcome.summary:
        for line in outcome.summary.shown_in(lang).text.splitlines():
            yield escape(line) if line.strip() else ""
        yield ""
    result = hand_result(outcome)
    if result is None or outcome.majority_rule is None:
        return
    yield "- " + gettext("Rule: %(rule)s", rule=outcome.majority_rule.label)
    for key, label in outcome.options:
        yield f"- {escape(str(label))}: {result.counts.get(key, 0)}"
    yield "- " + gettext(
        "%(cast)s hands counted; %(present)s voting members were present.",
        cast=result.cast,
        present=outcome.present,
    )
    if not outcome.quorum:
        yield (
            "- **"
            + gettext("Quorum was not reached at the count: this show of hands does not decide.")
            + "**"
        )
    elif not result.is_motion:
        chosen = dict(outcome.options).get(result.adopted) if result.adopted else None
        yield (
            "- **"
            + (
                gettext("Chosen: %(option)s", option=escape(str(chosen)))
                if chosen is not None
                else gettext("No option reached the majority needed.")
            )
            + "**"
        )
    else:
        yield "- **" + (gettext("Adopted") if outcome.adopted else gettext("Not adopted")) + "**"
    yield ""


def _poll(poll, lang: str):
    yield "**" + gettext("Vote: %(question)s", question=_in(poll.question, lang)) + "**"
    yield ""
    result = voting.result_of(poll)
    if poll.state not in (PollState.closed, PollState.published) or result is None:
        yield gettext("This vote was not held.")
        yield ""
        return
    yield "- " + gettext("Rule: %(rule)s", rule=poll.majority_rule.label)
    labels = {option.key: str(option.text) for option in poll.options}
    for key, count in result.counts.items():
        yield f"- {escape(labels.get(key, key))}: {count}"
    yield "- " + gettext(
        "%(cast)s votes cast; %(entitled)s members entitled to vote",
        cast=result.cast,
        entitled=result.entitled,
    )
    if result.passed:
        yield "- **" + gettext("Adopted") + "**"
    else:
        yield "- **" + gettext("Not adopted") + "**"
    if poll.method is PollMethod.named:
        by_choice: dict[str, list[str]] = {}
        for entry in voting.roll_call(poll):
            by_choice.setdefault(entry.choice, []).append(escape(entry.name))
        for key, names in by_choice.items():
            yield "- " + gettext(
                "Voted %(choice)s: %(names)s",
                choice=escape(labels.get(key, key)),
                names=", ".join(names),
            )
    yield ""
