"""Polls on decision items: open, vote, close, publish; each step checked and recorded.

Integrity does not rest on Python checks alone: one ballot per member is a unique constraint,
and "the poll is open" is read under the write lock that stores the ballot (BEGIN IMMEDIATE on
SQLite, SELECT … FOR UPDATE on PostgreSQL).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, func, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.expression import BindParameter

from app import audit
from app.accounts.models import User
from app.auth import Permission, Role, can
from app.councils.models import Membership
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import UI_LOCALES, Translated
from app.meetings import services as meetings
from app.meetings.models import (
    AgendaItem,
    Attendance,
    ItemKind,
    Meeting,
    MeetingState,
    Presence,
)
from app.proposals import services as proposals
from app.proposals.models import ProposalState
from app.text import clean_plain
from app.transactions import after_commit
from app.voting import members, seal, tally
from app.voting.models import (
    Ballot,
    Entitlement,
    MajorityRule,
    Poll,
    PollMethod,
    PollOption,
    PollState,
    SealedBallot,
    SecretBallot,
    VoteRecord,
)
from app.workflow import may_become, transition

P = PollState


@dataclass(frozen=True)
class PollDetails:
    question: str
    lang: str
    method: PollMethod = PollMethod.named
    majority_rule: MajorityRule = MajorityRule.simple
    abstentions_count: bool = False
    entitlement: Entitlement = Entitlement.present
    #: Custom options, one per entry; empty for yes / no / abstain.
    options: tuple[str, ...] = ()


def create_poll(item: AgendaItem, details: PollDetails, *, actor=None) -> Poll:
    if item.kind is not ItemKind.decision:
        raise DomainError(_("Votes are held on agenda items “for decision” only."))
    if item.meeting.state not in meetings.AGENDA_OPEN:
        raise DomainError(_("This meeting is over: no new vote can be prepared."))
    question = clean_plain(details.question, multiline=True)
    if not question:
        raise DomainError(_("Enter the question members vote on."))
    custom = [clean_plain(o) for o in details.options if clean_plain(o)]
    if len(custom) == 1:
        raise DomainError(_("Give at least two options, or none for yes / no / abstain."))
    if len(set(custom)) != len(custom):
        raise DomainError(_("Two options have the same text."))
    poll = Poll(
        item=item,
        question=Translated.of(question, details.lang),
        method=PollMethod(details.method),
        majority_rule=MajorityRule(details.majority_rule),
        abstentions_count=details.abstentions_count,
        entitlement=Entitlement(details.entitlement),
    )
    db.session.add(poll)
    keys = [(key, Translated()) for key in tally.DEFAULT_OPTIONS]
    if custom:
        keys = [
            (f"option-{n}", Translated.of(text, details.lang)) for n, text in enumerate(custom, 1)
        ]
        keys.append((tally.ABSTAIN, Translated()))
    for position, (key, label) in enumerate(keys, 1):
        db.session.add(PollOption(poll=poll, position=position, key=key, label=label))
    db.session.flush()
    audit.record("poll.created", poll, actor=actor, council=item.meeting.council)
    return poll


# The statements below are built once per kind of poll and bound to a poll's values when run
# (see _bound): building a statement costs more than running it, and during a vote every phone
# in the room asks for them.


def _entitled_query(entitlement: Entitlement, columns):
    """Voting members with a current term and an active account, in a role that may vote, in
    the room when the poll asks for presence (the SQL of ``Membership.has_vote``)."""
    today: BindParameter[date] = bindparam("today")
    query = (
        select(*columns)
        .join(User, User.id == Membership.user_id)
        .where(User.active.is_(True), Membership.role.in_([r for r in Role if r.may_vote]))
    )
    query = query.where(
        Membership.council_id == bindparam("council_id"),
        Membership.voting_right.is_(True),
        Membership.ended_at.is_(None),
        Membership.term_start <= today,
        or_(Membership.term_end.is_(None), Membership.term_end >= today),
    )
    if entitlement is Entitlement.present:
        query = query.join(
            Attendance,
            (Attendance.membership_id == Membership.id)
            & (Attendance.meeting_id == bindparam("meeting_id")),
        ).where(Attendance.presence == Presence.present, Attendance.left_at.is_(None))
    return query


def _bound(poll: Poll, membership: Membership | None = None) -> dict:
    return {
        "poll_id": poll.id,
        "council_id": poll.meeting.council_id,
        "meeting_id": poll.meeting.id,
        "today": utcnow().date(),
        "membership_id": membership.id if membership is not None else None,
    }


def _is_entitled(entitlement: Entitlement):
    """SQL: whether the bound membership may vote now."""
    return (
        _entitled_query(entitlement, [Membership.id])
        .where(Membership.id == bindparam("membership_id"))
        .exists()
    )


def _voter_model(method: PollMethod):
    """Where the fact of voting is kept: the ballot itself in a named poll."""
    return Ballot if method is PollMethod.named else VoteRecord


def entitled_memberships(poll: Poll) -> list[Membership]:
    """Who may vote now: the council's voting members, present ones only if the poll says so."""
    query = _entitled_query(poll.entitlement, [Membership]).order_by(Membership.id)
    return list(db.session.scalars(query, _bound(poll)))


@dataclass(frozen=True)
class Turnout:
    ballots: int
    entitled: int
    #: For the member reading the page, if any.
    member_entitled: bool = False
    member_voted: bool = False


@cache
def _turnout_query(method: PollMethod, entitlement: Entitlement, for_member: bool):
    voter = _voter_model(method)
    columns = [
        select(func.count()).where(voter.poll_id == bindparam("poll_id")).scalar_subquery(),
        _entitled_query(entitlement, [func.count(Membership.id)]).scalar_subquery(),
    ]
    if for_member:
        voted = select(voter.id).where(
            voter.poll_id == bindparam("poll_id"),
            voter.membership_id == bindparam("membership_id"),
        )
        columns += [_is_entitled(entitlement), voted.exists()]
    return select(*columns)


def turnout(poll: Poll, membership: Membership | None = None) -> Turnout:
    """How many have voted of how many may, and whether ``membership`` may and did: one
    statement, as every phone in the room asks every few seconds during a vote. Once closed,
    the snapshot taken at the close says it: later departures or memberships change nothing."""
    if poll.snapshot:
        entitled, voted = poll.snapshot["entitled"], poll.snapshot["voted"]
        member = membership.id if membership is not None else None
        return Turnout(len(voted), len(entitled), member in entitled, member in voted)
    query = _turnout_query(poll.method, poll.entitlement, membership is not None)
    return Turnout(*db.session.execute(query, _bound(poll, membership)).one())


def poll_states(meeting: Meeting) -> list[tuple[int, PollState]]:
    """The meeting's votes that are not drafts, in agenda order: one statement."""
    query = (
        select(Poll.id, Poll.state)
        .join(AgendaItem, Poll.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting.id, Poll.state != P.draft)
        .order_by(AgendaItem.position, Poll.id)
    )
    return [(poll_id, state) for poll_id, state in db.session.execute(query)]


def votes_needed(poll: Poll, counts: Turnout) -> int | None:
    """While a poll is open, the votes that carry it when the rule fixes them in advance (an
    absolute majority of the entitled members); None when they depend on the votes cast."""
    if poll.majority_rule is not MajorityRule.absolute:
        return None
    return tally.needed(poll.majority_rule.value, counted=0, entitled=counts.entitled)


def open_poll(poll: Poll, *, actor=None, without_quorum: bool = False) -> None:
    """Voting opens during the meeting; without quorum only when the person opening it said
    so (``without_quorum``), having been shown who is present and how many are needed."""
    if poll.meeting.state is not MeetingState.in_progress:
        raise DomainError(_("Votes can be opened once the meeting has started."))
    quorum = meetings.quorum(poll.meeting)
    if not quorum.reached and not without_quorum:
        raise DomainError(
            _(
                "Quorum is not reached (%(present)s present, %(needed)s needed): the vote was "
                "not opened.",
                present=quorum.present,
                needed=quorum.needed,
            )
        )
    transition(poll, P.open, actor=actor, quorum=quorum.reached)
    poll.opened_at = utcnow()
    poll.quorum_at_open = quorum.reached


def _lock(poll_id: int) -> Poll:
    """The poll, read under the write lock (FOR UPDATE on PostgreSQL; SQLite's transaction
    already began with BEGIN IMMEDIATE)."""
    return db.session.execute(
        select(Poll)
        .where(Poll.id == poll_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def voted_membership_ids(poll: Poll) -> set[int]:
    voter = _voter_model(poll.method)
    return set(db.session.scalars(select(voter.membership_id).where(voter.poll_id == poll.id)))


@cache
def _state_and_entitlement_query(entitlement: Entitlement):
    """A shared lock (FOR SHARE on PostgreSQL): votes do not wait for each other, and closing
    the poll (FOR UPDATE, ``_lock``) waits for the votes that read "open" to be stored."""
    return (
        select(Poll.state, _is_entitled(entitlement))
        .where(Poll.id == bindparam("poll_id"))
        .with_for_update(of=Poll, read=True)
    )


def cast_vote(poll: Poll, membership: Membership | None, choice: str, *, actor=None) -> None:
    """Store one member's final vote, or refuse with a reason the member can act on (the
    caller then rolls the transaction back)."""
    if membership is None:
        raise DomainError(_("You are not entitled to vote in this poll."))
    if choice not in poll.option_keys:
        raise DomainError(_("Choose one of the options."))
    # The state is read under the lock that also covers the inserts below (shared with the
    # other voters, exclusive of the close); entitlement in the same statement (a whole
    # meeting votes at once, so every statement counts).
    state, is_entitled_now = db.session.execute(
        _state_and_entitlement_query(poll.entitlement), _bound(poll, membership)
    ).one()
    if state is not P.open:
        raise DomainError(_("This vote is not open: your vote was not recorded."))
    if not is_entitled_now:
        raise DomainError(_("You are not entitled to vote in this poll."))
    try:
        if poll.method is PollMethod.named:
            db.session.execute(
                insert(Ballot).values(poll_id=poll.id, membership_id=membership.id, choice=choice)
            )
        else:
            db.session.execute(
                insert(VoteRecord).values(poll_id=poll.id, membership_id=membership.id)
            )
            db.session.execute(
                insert(SealedBallot).values(poll_id=poll.id, sealed=seal.seal(poll.id, choice))
            )
    except IntegrityError:
        # Lazy: translated once the caller has rolled back (on PostgreSQL the transaction is
        # unusable until then, and translating may read the session).
        raise DomainError(_l("You have already voted. Each vote is final.")) from None
    # The audit trail shows that a member voted, never how; in a pseudo-anonymous poll, not
    # even who: only that the poll received a ballot.
    named = poll.method is PollMethod.named
    audit.record("poll.voted", poll, actor=actor if named else None, council=poll.council)


def _unseal_ballots(poll: Poll) -> None:
    """Open the sealed ballots and store them as plain anonymous ones, sorted by choice, all
    in the closing transaction: neither their order nor their transaction follows the votes.
    The sealed rows go; their pages are wiped once the close is committed."""
    sealed = db.session.scalars(select(SealedBallot.sealed).where(SealedBallot.poll_id == poll.id))
    # Plain ballots stored while open by an older version are mixed in, and re-sorted too.
    earlier = db.session.scalars(select(SecretBallot.choice).where(SecretBallot.poll_id == poll.id))
    choices = sorted([seal.unseal(poll.id, blob) for blob in sealed] + list(earlier))
    db.session.execute(delete(SealedBallot).where(SealedBallot.poll_id == poll.id))
    db.session.execute(delete(SecretBallot).where(SecretBallot.poll_id == poll.id))
    if choices:
        db.session.execute(
            insert(SecretBallot), [{"poll_id": poll.id, "choice": choice} for choice in choices]
        )
    after_commit(_wipe_deleted_pages)


def _wipe_deleted_pages() -> None:
    """Leave no copy of the sealed ballots behind: PostgreSQL keeps deleted rows until a
    VACUUM; SQLite (secure_delete is on) keeps old page images in its log until a checkpoint,
    done here without waiting for readers (a vote's pages are being read all the time)."""
    connection = db.engine.raw_connection()
    try:
        driver = connection.driver_connection
        if db.engine.dialect.name == "postgresql" and driver is not None:
            driver.autocommit = True  # VACUUM runs outside transactions
            try:
                connection.cursor().execute("VACUUM sealed_ballots")
            finally:
                driver.autocommit = False
        elif db.engine.dialect.name == "sqlite":
            connection.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)")
    finally:
        connection.close()


def stored_choices(poll: Poll) -> list[str]:
    model = Ballot if poll.method is PollMethod.named else SecretBallot
    return list(db.session.scalars(select(model.choice).where(model.poll_id == poll.id)))


def recount(poll: Poll, entitled: int | None = None) -> tally.Result:
    """The result, computed again from the stored ballots."""
    if entitled is None:
        entitled = (
            len(poll.snapshot["entitled"]) if poll.snapshot else len(entitled_memberships(poll))
        )
    return tally.tally(
        stored_choices(poll),
        poll.option_keys,
        rule=poll.majority_rule.value,
        entitled=entitled,
        abstentions_count=poll.abstentions_count,
    )


def close_poll(poll: Poll, *, actor=None) -> tally.Result:
    """Stop voting, keep a snapshot of who was entitled and of the result, apply the outcome."""
    poll = _lock(poll.id)
    if poll.state is not P.open:
        raise DomainError(Poll.REFUSAL % {"state": poll.state.label, "target": P.closed.label})
    poll.closed_at = utcnow()
    poll.quorum_at_close = meetings.quorum(poll.meeting).reached
    if poll.method is PollMethod.secret:
        _unseal_ballots(poll)
    voted = voted_membership_ids(poll)
    entitled = {m.id for m in entitled_memberships(poll)} | voted
    result = recount(poll, entitled=len(entitled))
    snapshot = {
        "entitled": sorted(entitled),
        "voted": sorted(voted),
        "result": result.to_json(),
    }
    if poll.method is PollMethod.named:
        # Names as they were at the vote: renaming oneself later does not rewrite the record.
        snapshot["roll_call"] = [[b.membership.user.display_name, b.choice] for b in _ballots(poll)]
    poll.snapshot = snapshot
    transition(poll, P.closed, actor=actor, result=result.to_json(), quorum=poll.quorum_at_close)
    return result


def open_polls(meeting: Meeting) -> list[Poll]:
    return members.open_polls([meeting])


def close_meeting(meeting: Meeting, *, actor=None, close_open_votes: bool = False) -> None:
    """Close a meeting; its open votes first, with the room as it is (who is entitled, whether
    quorum is there), when the person closing was told of them and said so."""
    still_open = open_polls(meeting)
    if still_open and not close_open_votes:
        raise DomainError(
            ngettext(
                "%(num)s vote is still open: the meeting was not closed.",
                "%(num)s votes are still open: the meeting was not closed.",
                len(still_open),
            )
        )
    for poll in still_open:
        close_poll(poll, actor=actor)
    meetings.close_meeting(meeting, actor=actor)


def _apply_outcome(poll: Poll, result: tally.Result, *, actor) -> None:
    """A decided vote moves the proposals discussed under the item to adopted or rejected."""
    if not decided(poll):
        return
    target = ProposalState.adopted if result.passed else ProposalState.rejected

    def message() -> str:
        if result.passed:
            return _(
                "The council adopted this proposal by vote (%(cast)s votes cast).",
                cast=result.cast,
            )
        return _(
            "The council did not adopt this proposal by vote (%(cast)s votes cast).",
            cast=result.cast,
        )

    settle_proposals(poll.item, target, council_answer(poll.council, message), actor=actor)


def settle_proposals(item: AgendaItem, target: ProposalState, answer: Translated, *, actor) -> None:
    """The proposals discussed under ``item`` move on as the council decided (a vote, a show
    of hands, a consensus, a deferral); those already past that step keep their state."""
    for proposal in item.proposals:
        if proposal.state in (ProposalState.scheduled, ProposalState.postponed) and may_become(
            proposal, target
        ):
            proposals.change_state(proposal, target, answer=answer, actor=actor)


def council_answer(council, message: Callable[[], str]) -> Translated:
    """The council's answer to the authors, ``message()`` said in each of the council's
    languages the interface speaks."""
    answer = Translated()
    # English last: the answer is never empty, even for a council none of whose languages the
    # interface speaks yet.
    for lang in [council.default_language, *council.languages, "en"]:
        if lang not in UI_LOCALES or answer.get(lang):
            continue
        with force_locale(lang):
            text = message()
        if text not in answer.texts.values():  # a language without a catalog adds nothing
            answer = answer.with_text(lang, text)
    return answer


def decided(poll: Poll) -> bool:
    """A closed vote decides only when quorum was there at its close."""
    return poll.state in (P.closed, P.published) and bool(poll.quorum_at_close)


def publish_poll(poll: Poll, *, actor=None) -> None:
    """The result becomes public, and only then does it move the proposals it decided."""
    transition(poll, P.published, actor=actor)
    poll.published_at = utcnow()
    result = result_of(poll)
    if result is not None:
        _apply_outcome(poll, result, actor=actor)


def results_public(poll: Poll) -> bool:
    """What the public and the room's screen see: a result once the chair publishes it."""
    return poll.state is P.published


def results_visible(poll: Poll, user) -> bool:
    """Published results are public; closed ones are seen by the council's members first."""
    if results_public(poll):
        return True
    return poll.state is P.closed and can(user, Permission.see_results, poll.council)


def result_of(poll: Poll) -> tally.Result | None:
    """The stored result of a closed poll."""
    if not poll.snapshot:
        return None
    data = poll.snapshot["result"]
    return tally.Result(
        counts=data["counts"],
        cast=data["cast"],
        counted=data["counted"],
        entitled=data["entitled"],
        rule=data["rule"],
        adopted=data["adopted"],
    )


@dataclass(frozen=True)
class RollCallEntry:
    name: str
    choice: str


def _ballots(poll: Poll) -> list[Ballot]:
    return list(
        db.session.scalars(select(Ballot).where(Ballot.poll_id == poll.id).order_by(Ballot.id))
    )


def roll_call(poll: Poll) -> list[RollCallEntry]:
    """Who voted what in a closed named poll, with the names they had at the close."""
    if poll.method is not PollMethod.named or poll.state not in (P.closed, P.published):
        return []
    if poll.snapshot and "roll_call" in poll.snapshot:
        return [RollCallEntry(name, choice) for name, choice in poll.snapshot["roll_call"]]
    return [RollCallEntry(b.membership.user.display_name, b.choice) for b in _ballots(poll)]


def ballot_count(poll: Poll) -> int:
    return turnout(poll).ballots
