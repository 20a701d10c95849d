"""How each agenda item ended, recorded by the secretary: noted, discussed, decided by
consensus or by a show of hands counted in the room, deferred, withdrawn.

A show of hands follows the rules of an electronic vote (``tally``): the same majority rules,
quorum at the count, and proposals that move on only when it decides.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from app import audit
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import Translated
from app.meetings import services as meetings
from app.meetings.models import AgendaItem, Meeting, MeetingState, Presence
from app.proposals.models import ProposalState
from app.text import clean_plain
from app.voting import tally
from app.voting.models import MajorityRule, Outcome, OutcomeKind, Poll, PollState
from app.voting.services import council_answer, decided, settle_proposals

#: An outcome is recorded once the meeting has started, and may be corrected after it closed.
RECORDABLE = {MeetingState.in_progress, MeetingState.closed}
#: No room holds more; a bigger number is a typing mistake.
MAX_HANDS = 1_000_000
K = OutcomeKind


@dataclass(frozen=True)
class OutcomeDetails:
    kind: str
    summary: str = ""
    #: The language the summary is written in.
    lang: str = "en"
    majority_rule: str = MajorityRule.simple.value
    #: A show of hands: hands per option, as typed.
    counts: dict[str, int | None] | None = None


def present_voters(meeting: Meeting) -> meetings.Quorum:
    """Voting members present, against the quorum rule: in the room while the meeting runs;
    once it is closed (closing records everyone as leaving), those who attended."""
    if meeting.state is not MeetingState.closed:
        return meetings.quorum(meeting)
    voting = meeting.council.voting_memberships
    voting_ids = {m.id for m in voting}
    present = sum(
        1
        for a in meeting.attendances
        if a.presence is Presence.present and a.membership_id in voting_ids
    )
    return meetings.Quorum(present, len(voting), meeting.council.quorum_rule.needed(len(voting)))


def _check_recordable(item: AgendaItem) -> None:
    if item.meeting.state not in RECORDABLE:
        raise DomainError(_("The outcome of an item is recorded once the meeting has started."))
    if any(poll.state is PollState.open for poll in item.polls):
        raise DomainError(_("A vote on this item is open: close it first."))
    if any(decided(poll) for poll in item.polls):
        raise DomainError(
            _("This item was decided by an electronic vote: its result is the outcome.")
        )


def alternatives(item: AgendaItem) -> Poll | None:
    """The vote prepared on the item between alternatives (not yes / no), never opened: a
    show of hands then counts the hands for each of its options."""
    return next(
        (
            poll
            for poll in reversed(item.polls)
            if poll.state is PollState.draft and set(poll.option_keys) != set(tally.DEFAULT_OPTIONS)
        ),
        None,
    )


def _hand_counts(details: OutcomeDetails, present: int, keys) -> dict[str, int]:
    counts = {}
    for key in keys:
        value = (details.counts or {}).get(key)
        if value is None:
            value = 0
        if value < 0:
            raise DomainError(_("A number of hands cannot be negative."))
        if value > MAX_HANDS:
            raise DomainError(_("This number of hands is too large."))
        counts[key] = value
    total = sum(counts.values())
    if total == 0:
        raise DomainError(_("Enter the number of hands for each option."))
    if total > present:
        raise DomainError(
            ngettext(
                "%(total)s hands were counted, but only %(num)s voting member is present.",
                "%(total)s hands were counted, but only %(num)s voting members are present.",
                present,
                total=total,
            )
        )
    return counts


def hand_result(outcome: Outcome) -> tally.Result | None:
    """The result of a show of hands, counted again from the numbers stored."""
    if outcome.kind is not K.hands or not outcome.counts or outcome.majority_rule is None:
        return None
    return tally.count(
        {key: int(outcome.counts.get(key, 0)) for key, _label in outcome.options},
        rule=outcome.majority_rule.value,
        entitled=outcome.present or 0,
    )


def record_outcome(item: AgendaItem, details: OutcomeDetails, *, actor) -> Outcome:
    """Record (or correct) how an item ended; a decision moves its proposals on."""
    _check_recordable(item)
    if details.kind not in K.__members__:
        raise DomainError(_("Choose how the item ended."))
    kind = K(details.kind)
    summary = clean_plain(details.summary, multiline=True)
    if kind is K.discussed and not summary:
        raise DomainError(_("Summarise the discussion in a few lines."))
    if len(summary) > 5000:
        raise DomainError(_("Keep the summary under 5,000 characters."))
    outcome = item.outcome
    event = "outcome.changed" if outcome is not None else "outcome.recorded"
    if outcome is None:
        outcome = Outcome(item=item, recorded_at=utcnow())
        db.session.add(outcome)
    outcome.kind = kind
    outcome.summary = _summary(outcome, summary, details.lang)
    outcome.recorded_by_id = getattr(actor, "id", None)
    outcome.majority_rule = outcome.counts = outcome.present = outcome.poll = None
    outcome.quorum = outcome.adopted = None
    result = None
    if kind is K.hands:
        result = _count_hands(outcome, details)
    db.session.flush()
    audit.record(
        event,
        outcome,
        actor=actor,
        council=item.meeting.council,
        kind=kind.value,
        counts=outcome.counts,
        adopted=outcome.adopted,
    )
    _move_proposals(outcome, result, actor=actor)
    return outcome


def _summary(outcome: Outcome, summary: str, lang: str):
    """The summary in the language it was typed in; its translations stay when it is
    unchanged, and go when it changes (they would say something else)."""
    if not summary:
        return Translated()
    if outcome.summary and outcome.summary.get(outcome.summary.original) == summary:
        return outcome.summary
    return Translated.of(summary, lang)


def _count_hands(outcome: Outcome, details: OutcomeDetails) -> tally.Result:
    if details.majority_rule not in MajorityRule.__members__:
        raise DomainError(_("Choose the majority the show of hands needed."))
    room = present_voters(outcome.item.meeting)
    outcome.poll = alternatives(outcome.item)
    outcome.counts = _hand_counts(details, room.present, [key for key, _ in outcome.options])
    outcome.majority_rule = MajorityRule(details.majority_rule)
    outcome.present = room.present
    outcome.quorum = room.reached
    result = hand_result(outcome)
    assert result is not None
    outcome.adopted = room.reached and result.passed
    return result


def _check_not_contradicted(item: AgendaItem, target: ProposalState | None) -> None:
    """A correction may not say otherwise than what a proposal of the item already became
    (``target`` None: the outcome decides nothing): a decision announced to its author is not
    taken back silently."""
    decided_states = {ProposalState.adopted, ProposalState.rejected, ProposalState.implemented}
    for proposal in item.proposals:
        if proposal.state not in decided_states:
            continue
        adopted = proposal.state is not ProposalState.rejected
        if target is None or adopted != (target is ProposalState.adopted):
            raise DomainError(
                _(
                    "A proposal discussed under this item is already “%(state)s”: this outcome "
                    "would say otherwise, and was not saved.",
                    state=proposal.state.label,
                )
            )


def _move_proposals(outcome: Outcome, result: tally.Result | None, *, actor) -> None:
    """As after a vote: a decision adopts or rejects, a deferral postpones; a show of hands
    without quorum decides nothing."""
    item = outcome.item
    target = None
    if outcome.kind is K.consensus:
        target = ProposalState.adopted
    elif outcome.kind is K.hands and result is not None and outcome.quorum:
        target = ProposalState.adopted if outcome.adopted else ProposalState.rejected
    elif outcome.kind is K.deferred:
        target = ProposalState.postponed
    _check_not_contradicted(item, target)
    if target is None:
        return

    def message() -> str:
        if outcome.kind is K.consensus:
            return _("The council adopted this proposal by consensus.")
        if outcome.kind is K.deferred:
            return _("The council deferred this proposal to a later meeting.")
        assert result is not None
        if outcome.adopted:
            return _(
                "The council adopted this proposal by a show of hands (%(cast)s votes cast).",
                cast=result.cast,
            )
        return _(
            "The council did not adopt this proposal by a show of hands (%(cast)s votes cast).",
            cast=result.cast,
        )

    settle_proposals(item, target, council_answer(item.meeting.council, message), actor=actor)
