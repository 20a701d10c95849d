"""The demo's history, told through the domain services so that it has an audit trail.

Each step is taken by the person who would take it in a real council: the administrator
creates the council and the accounts, the secretary prepares and runs the meetings, the chair
opens and closes votes, members vote, the translator translates. Only timestamps of the past
meeting are written directly, because services stamp everything with the present.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.models import User
from app.councils import services as councils
from app.councils.models import Council
from app.demo.consultations import seed_consultations
from app.demo.data import (
    AGENDA,
    ANSWERS,
    APOLOGY_NOTE,
    AWAY,
    COUNCIL_TEXTS,
    DEMO_AUTHORS,
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    MEDIATED_PROPOSAL,
    MEETINGS,
    MINUTES_CLOSING,
    MINUTES_SUMMARIES,
    PAST_OUTCOMES,
    PROPOSAL_QUESTION,
    PROPOSALS,
    SECRET_QUESTION,
)
from app.extensions import db
from app.meetings import attendance
from app.meetings import services as meetings
from app.meetings.models import AgendaItem, ItemKind, Meeting, MeetingState, Presence
from app.minutes import services as minutes_service
from app.minutes.draft import PLACEHOLDER, draft_text
from app.proposals import services as proposals
from app.proposals.models import Proposal, ProposalState, ReceivedAs
from app.translate import services as translate
from app.voting import outcomes
from app.voting import services as voting
from app.voting.models import MajorityRule, Poll, PollMethod

#: Residents who support the proposals the council took up.
SUPPORTERS = ["resident@demo.test", "member01@demo.test"]


def _person(email: str) -> User:
    user = accounts.find_user(email)
    if user is None:
        raise LookupError(f"The demo account {email} is missing.")
    return user


@dataclass(frozen=True)
class Officers:
    """The people who run the demo council's business."""

    secretary: User
    chair: User
    translator: User

    @classmethod
    def of_demo(cls) -> "Officers":
        return cls(
            secretary=_person("secretary@demo.test"),
            chair=_person("chair@demo.test"),
            translator=_person("translator@demo.test"),
        )


def _translate(kind: str, obj: object, texts: dict[str, dict[str, str]], *, by: User) -> None:
    """Add the versions of ``obj``'s fields ({lang: {field: text}}) in other languages than the
    one they were written in, as the translator does on the translation page."""
    for lang, fields in texts.items():
        if any(getattr(obj, name).original == lang for name in fields):
            continue
        checked = {name: (text, True) for name, text in fields.items()}
        translate.save_all(kind, obj, lang, checked, actor=by)


# Council and accounts


def demo_council() -> Council | None:
    return db.session.scalar(select(Council).filter_by(slug="demo-city"))


def _create_accounts() -> User:
    """Every demo account: the administrator's first, which then creates the others."""
    admin: User | None = None
    for email, name, locale, *_seat in DEMO_PEOPLE:
        user = accounts.find_user(email) or accounts.create_user(
            email, name, DEMO_PASSWORD, locale, is_admin=email.startswith("admin@"), actor=admin
        )
        if user.is_admin and admin is None:
            admin = user
    if admin is None:
        raise LookupError("The demo has no administrator.")
    return admin


def _create_council(admin: User) -> Council:
    name, description, participation = COUNCIL_TEXTS["en"]
    return councils.create_council(
        name=name,
        lang="en",
        description=description,
        participation=participation,
        municipality="Demo City",
        languages=["en", "ar", "uk", "fr", "es"],
        default_language="en",
        timezone="Europe/Brussels",
        slug="demo-city",
        actor=admin,
    )


def _seat_members(council: Council, admin: User) -> None:
    for email, _name, _locale, role, voting_right, listed in DEMO_PEOPLE:
        user = _person(email)
        if role is None or council.current_membership_of(user) is not None:
            continue
        membership = councils.add_membership(
            council, user, role, voting_right=voting_right, actor=admin
        )
        if listed:
            councils.set_listed(membership, True, actor=admin)
        db.session.flush()
        db.session.refresh(user)


def _translate_council(council: Council, translator: User) -> None:
    fields = ("name", "description", "participation")
    texts = {lang: dict(zip(fields, values, strict=True)) for lang, values in COUNCIL_TEXTS.items()}
    _translate("council", council, texts, by=translator)


# Meetings


def _meeting_times(now: datetime, days: int, hour: int | None) -> tuple[datetime, datetime]:
    if hour is None:  # today's meeting started up to an hour ago, and ends today
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        start = max(now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1), midnight)
    else:
        start = (now + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    end = min(start + timedelta(hours=2), start.replace(hour=23, minute=59, second=59))
    return start, end


def _draft_meeting(
    council: Council,
    start: datetime,
    end: datetime,
    titles: dict[str, str],
    place: str,
    *,
    by: Officers,
) -> Meeting:
    """The secretary prepares the meeting and its agenda; the translator translates them."""
    details = meetings.MeetingDetails(
        title=titles["en"],
        lang="en",
        day=start.date(),
        starts=start.time(),
        ends=end.time(),
        place=place,
        step_free=True,
        interpretation=("ar", "uk"),
        accessibility_notes="Lift at the main entrance. Hearing loop in the room.",
    )
    meeting = meetings.create_meeting(council, details, allow_past=True, actor=by.secretary)
    _translate("meeting", meeting, _field_texts("title", titles), by=by.translator)
    for kind, minutes, item_titles in AGENDA:
        item = meetings.add_item(
            meeting,
            title=item_titles["en"],
            lang="en",
            kind=kind,
            duration_minutes=minutes,
            actor=by.secretary,
        )
        _translate("item", item, _field_texts("title", item_titles), by=by.translator)
    return meeting


def _field_texts(field: str, texts: dict[str, str]) -> dict[str, dict[str, str]]:
    return {lang: {field: text} for lang, text in texts.items()}


def _open_meeting(meeting: Meeting, secretary: User) -> None:
    """Publish and start the meeting; all but two voting members came, one sent apologies."""
    meetings.publish_meeting(meeting, actor=secretary)
    voters = meeting.council.voting_memberships
    attendance.send_apologies(meeting, voters[-1], APOLOGY_NOTE, actor=voters[-1].user)
    # Staged history: the past meeting is started weeks after its day.
    meetings.start_meeting(meeting, actor=secretary, day_confirmed=meetings.scheduled_day(meeting))
    for membership in voters[:-2]:
        meetings.set_presence(meeting, membership, Presence.present, actor=secretary)


def seed_meetings(council: Council, now: datetime | None = None) -> None:
    """A past, a today's (in progress) and an upcoming meeting, with agendas and attendance.

    The past meeting stays a draft until ``seed_proposals()`` has completed its agenda.
    ``now`` (the council's local time) is for tests: the demo must work at any hour."""
    if db.session.scalar(select(Meeting.id).filter_by(council_id=council.id).limit(1)):
        return
    now = now or datetime.now(ZoneInfo(council.timezone))
    officers = Officers.of_demo()
    for days, hour, titles, place in MEETINGS:
        start, end = _meeting_times(now, days, hour)
        meeting = _draft_meeting(council, start, end, titles, place, by=officers)
        if days == 0:
            _open_meeting(meeting, officers.secretary)
        elif days > 0:
            meetings.publish_meeting(meeting, actor=officers.secretary)


def _past_and_today(council: Council) -> tuple[Meeting, Meeting]:
    by_time = db.session.scalars(
        select(Meeting).filter_by(council_id=council.id).order_by(Meeting.starts_at)
    ).all()
    return by_time[0], by_time[1]


# Proposals


def _submit(council: Council, number: int, officers: Officers) -> Proposal:
    """A resident's proposal, sent without an account; the translator translates it."""
    lang, topic, title, body, _steps, translations = PROPOSALS[number]
    submission = proposals.Submission(
        title=title,
        body=body,
        topic=topic,
        lang=lang,
        author_name=DEMO_AUTHORS[number % len(DEMO_AUTHORS)],
    )
    key = f"demo-{number}"
    proposal, _token = proposals.submit(
        council, submission, author=None, address=key, submission_key=key
    )
    if proposal is None:
        raise LookupError(f"The demo proposal {number} was not stored.")
    texts = {target: {"title": t, "body": b} for target, (t, b) in translations.items()}
    _translate("proposal", proposal, texts, by=officers.translator)
    return proposal


def _schedule_in_the_past(proposal: Proposal, meeting: Meeting, officers: Officers) -> None:
    """History: the proposal was on the agenda of a meeting that has since closed (which
    ``proposals.schedule()`` refuses, as it offers coming meetings only)."""
    original = proposal.title.original
    item = meetings.add_item(
        meeting,
        title=proposal.title.get(original),
        description=proposal.body.get(original),
        lang=original,
        kind=ItemKind.decision,
        actor=officers.secretary,
    )
    texts = {
        lang: {"title": text, "description": proposal.body.get(lang)}
        for lang, text in proposal.title.texts.items()
    }
    _translate("item", item, texts, by=officers.translator)
    proposals.link_to_item(proposal, item, actor=officers.secretary)


def _take_step(
    proposal: Proposal, step: str, past_and_today: tuple[Meeting, Meeting], officers: Officers
) -> None:
    past, today = past_and_today
    if step == "today":
        proposals.schedule(proposal, today.id, actor=officers.secretary)
    elif step == "past":
        _schedule_in_the_past(proposal, past, officers)
    elif step.startswith("vote:"):
        if proposal.agenda_item is None:
            raise LookupError("The demo votes on proposals that are on an agenda.")
        _hold_vote(proposal.agenda_item, officers, in_favour=step == "vote:yes")
    else:
        proposals.change_state(
            proposal,
            ProposalState(step),
            answer=ANSWERS.get(step, ""),
            lang="en",
            actor=officers.secretary,
        )


def _before_the_past_meeting(steps: list[str]) -> int:
    """How many of the steps happened before the past meeting was published."""
    return steps.index("past") + 1 if "past" in steps else len(steps)


def seed_proposals(council: Council) -> None:
    """Proposals in five languages and several states: three were on the past meeting's
    agenda (which is then published and held), one is on today's."""
    if db.session.scalar(select(Proposal.id).filter_by(council_id=council.id).limit(1)):
        return
    officers = Officers.of_demo()
    past_and_today = _past_and_today(council)
    submitted = [
        (_submit(council, number, officers), entry[4]) for number, entry in enumerate(PROPOSALS)
    ]
    for proposal, steps in submitted:
        for step in steps[: _before_the_past_meeting(steps)]:
            _take_step(proposal, step, past_and_today, officers)
    # Published with a complete agenda, so its proposals are not marked as added late.
    _open_meeting(past_and_today[0], officers.secretary)
    supporters = [_person(email) for email in SUPPORTERS]
    for proposal, steps in submitted:
        for step in steps[_before_the_past_meeting(steps) :]:
            _take_step(proposal, step, past_and_today, officers)
        if proposal.state in (ProposalState.accepted, ProposalState.scheduled):
            for user in supporters:
                proposals.endorse(proposal, user)
    _submit_through_a_mediator(council, officers)


def _submit_through_a_mediator(council: Council, officers: Officers) -> None:
    """A resident's paper, typed in by the council's community mediator; the council took it up."""
    resident_lang, lang, topic, title, body, name, received_as = MEDIATED_PROPOSAL
    mediator = council.current_membership_of(_person("mediator@demo.test"))
    if mediator is None:
        raise LookupError("The demo council has no community mediator.")
    proposal, _token = proposals.submit_for_resident(
        council,
        proposals.Submission(title=title, body=body, topic=topic, lang=lang, author_name=name),
        mediator=mediator,
        received_as=ReceivedAs(received_as),
        resident_lang=resident_lang,
        submission_key="demo-mediated",
    )
    proposals.change_state(proposal, ProposalState.accepted, actor=officers.secretary)


# Votes


def _hold_vote(
    item: AgendaItem,
    officers: Officers,
    *,
    in_favour: bool,
    voters: int | None = None,
    close: bool = True,
) -> Poll:
    """A named vote on ``item`` by the members present, with the result published."""
    lang = next(iter(PROPOSAL_QUESTION))  # written first, in the secretary's language
    details = voting.PollDetails(question=PROPOSAL_QUESTION[lang], lang=lang)
    poll = voting.create_poll(item, details, actor=officers.secretary)
    questions = {code: {"question": text} for code, text in PROPOSAL_QUESTION.items()}
    _translate("poll", poll, questions, by=officers.translator)
    voting.open_poll(poll, actor=officers.chair)
    for number, membership in enumerate(voting.entitled_memberships(poll)[:voters]):
        agrees = number % 3 != 0  # two in three follow the intended outcome; one abstains
        choice = "abstain" if number == 0 else ("yes" if agrees == in_favour else "no")
        voting.cast_vote(poll, membership, choice, actor=membership.user)
    if close:
        voting.close_poll(poll, actor=officers.chair)
        voting.publish_poll(poll, actor=officers.secretary)
    return poll


def _open_secret_poll(item: AgendaItem, officers: Officers) -> Poll:
    details = voting.PollDetails(
        question=SECRET_QUESTION["en"],
        lang="en",
        method=PollMethod.secret,
        majority_rule=MajorityRule.absolute,
    )
    poll = voting.create_poll(item, details, actor=officers.secretary)
    questions = {code: {"question": text} for code, text in SECRET_QUESTION.items()}
    _translate("poll", poll, questions, by=officers.translator)
    voting.open_poll(poll, actor=officers.chair)
    return poll


def _close_past_meeting(past: Meeting, secretary: User) -> None:
    meetings.close_meeting(past, actor=secretary)
    # Back-dating: services stamp the present, but this meeting took place weeks ago and
    # everyone stayed until the end, but one member who was called away and came back.
    email, left, back = AWAY
    for record in past.attendances:
        if record.arrived_at:
            periods = [(past.starts_at, past.ends_at)]
            if record.membership.user.email == email:
                periods = [
                    (past.starts_at, past.starts_at + timedelta(minutes=left)),
                    (past.starts_at + timedelta(minutes=back), past.ends_at),
                ]
            record.set_periods(periods)
    for item in past.items:
        for poll in item.polls:
            poll.opened_at = poll.closed_at = poll.published_at = past.ends_at


def _record_past_outcomes(past: Meeting, officers: Officers) -> None:
    """The agenda approved by consensus, and the advice voted by a show of hands of the
    members in the room; summaries written in English, translated by the translator."""
    present = meetings.quorum(past).present
    for position, (kind, summaries) in PAST_OUTCOMES.items():
        item = next(i for i in past.items if i.position == position)
        details = outcomes.OutcomeDetails(
            kind=kind,
            summary=summaries["en"],
            lang="en",
            counts={"yes": present - 2, "no": 1, "abstain": 1},
        )
        outcome = outcomes.record_outcome(item, details, actor=officers.secretary)
        for lang, text in summaries.items():
            if lang != "en":
                outcome.summary = outcome.summary.with_translation(
                    lang, text, by=officers.translator.display_name, checked=True
                )
        outcome.recorded_at = outcome.updated_at = past.ends_at


def seed_polls(council: Council) -> None:
    """Today: one open named and one open secret vote. The past meeting: closed after its votes."""
    past, today = _past_and_today(council)
    if past.state is not MeetingState.in_progress:
        return
    officers = Officers.of_demo()
    decision = next(i for i in today.items if i.kind is ItemKind.decision and not i.proposals)
    scheduled = next(i for i in today.items if i.proposals)
    _hold_vote(scheduled, officers, in_favour=True, voters=3, close=False)  # still open
    _open_secret_poll(decision, officers)
    _record_past_outcomes(past, officers)
    _close_past_meeting(past, officers.secretary)


def _written_minutes(past: Meeting, lang: str) -> str:
    """The draft as the secretary completed it: a summary where the draft left room for one."""
    with force_locale(lang):
        placeholder = str(PLACEHOLDER)
    text = draft_text(past, lang).replace(placeholder, MINUTES_SUMMARIES[lang])
    return text + "\n" + MINUTES_CLOSING[lang] + "\n"


def seed_minutes(council: Council) -> None:
    """The past meeting's minutes: written in Arabic, translated into English, approved by the
    chair a week after the meeting and published."""
    past, _today = _past_and_today(council)
    if past.state is not MeetingState.closed or minutes_service.minutes_of(past) is not None:
        return
    officers = Officers.of_demo()
    record = minutes_service.start_draft(past, "ar", actor=officers.secretary)
    minutes_service.save_text(
        record, _written_minutes(past, "ar"), base=record.revision, actor=officers.secretary
    )
    minutes_service.approve(record, actor=officers.chair)
    _translate(
        "minutes", record, {"en": {"body": _written_minutes(past, "en")}}, by=officers.translator
    )
    minutes_service.publish(record, actor=officers.secretary)
    week_later = past.ends_at + timedelta(days=7)
    record.approved_at = record.published_at = week_later
    for revision in record.revisions:
        revision.created_at = past.ends_at + timedelta(days=revision.number)


def seed_demo(now: datetime | None = None) -> Council:
    """Create the demo council, its accounts and its history; running it again changes nothing.

    ``now`` (local time in the demo council's zone) is for tests."""
    admin = _create_accounts()
    council = demo_council()
    created = council is None
    if council is None:
        council = _create_council(admin)
    _seat_members(council, admin)
    if created:
        _translate_council(council, _person("translator@demo.test"))
    seed_meetings(council, now)
    seed_proposals(council)
    seed_polls(council)
    seed_minutes(council)
    seed_consultations(council, _person("secretary@demo.test"), _person("translator@demo.test"))
    return council
