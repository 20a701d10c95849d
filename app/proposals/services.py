"""Residents' proposals: submission, moderation, the status workflow and its public answers."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.auth import ROLE_PERMISSIONS, Permission
from app.councils.models import Council, Membership
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import Translated, is_language
from app.meetings import services as meetings
from app.meetings.models import ItemKind, Meeting
from app.proposals import search, supporters, tracking
from app.proposals.links import address_fingerprint
from app.proposals.models import (
    PUBLIC_STATES,
    Endorsement,
    Proposal,
    ProposalEvent,
    ProposalState,
    ReceivedAs,
    Topic,
)
from app.text import clean_plain, fold_for_search
from app.tokens import hash_token, new_token
from app.workflow import may_become, share_with_translators, transition

S = ProposalState
TRANSITIONS = Proposal.TRANSITIONS
#: Steps that need a written answer, because the author deserves to know why.
ANSWER_REQUIRED = {S.declined, S.changes_requested, S.rejected, S.postponed}
#: Steps that stay between the author and the council.
PRIVATE_STEPS = {S.declined, S.changes_requested, S.submitted}


@dataclass(frozen=True)
class Submission:
    title: str
    body: str
    topic: Topic
    lang: str
    author_name: str = ""
    contact_email: str = ""
    contact_consent: bool = False
    #: The interface language of the form: notices to the author use it.
    contact_locale: str = ""
    #: A field people do not see: only robots fill it in.
    website: str = ""


class AlreadyReceived(DomainError):
    """The same form was sent twice (a double tap, a reload): the proposal is stored once."""

    def __init__(self, proposal: Proposal | None):
        super().__init__(_l("This proposal was already sent."))
        self.proposal = proposal


def address_key(address: str | None) -> str:
    """A keyed hash of the sender's address: enough to count, useless to identify."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, (address or "").encode(), hashlib.sha256).hexdigest()


def _check_rate(council: Council, address_hash: str) -> None:
    """A flood from one connection is stopped per council, with room for a community
    centre or a library where many residents share one connection."""
    limit = current_app.config["PROPOSALS_PER_HOUR"]
    since = utcnow() - timedelta(hours=1)
    recent = db.session.scalar(
        select(func.count())
        .select_from(Proposal)
        .where(
            Proposal.council_id == council.id,
            Proposal.address_hash == address_hash,
            Proposal.created_at >= since,
        )
    )
    if recent >= limit:
        raise DomainError(
            _(
                "Too many proposals were sent from your connection in the last hour. "
                "Please try again later; what you wrote is kept below."
            )
        )


def refresh_search_text(proposal: Proposal) -> None:
    """Keep the search column in step with every version of the title and body."""
    texts = [*proposal.title.texts.values(), *proposal.body.texts.values()]
    proposal.search_text = fold_for_search("\n".join(texts))


def by_submission_key(key: str) -> Proposal | None:
    return db.session.scalar(select(Proposal).where(Proposal.submission_key == key))


def submit(
    council: Council,
    submission: Submission,
    *,
    author,
    address: str | None,
    submission_key: str,
) -> tuple[Proposal | None, str | None]:
    """Store a proposal; returns it and its private tracking token (shown once, stored hashed).

    A robot (it filled the hidden field) gets (None, None) and nothing is stored; a form sent
    twice raises ``AlreadyReceived``."""
    if submission.website:
        return None, None
    address_hash = address_key(address)
    signed_in = author is not None and author.is_authenticated
    proposal = _new_proposal(council, submission, submission_key, check_rate=address_hash)
    if signed_in:
        proposal.author_id = author.id
        proposal.author_name = author.display_name
    proposal.address_hash = address_hash
    token = _store(proposal, submission_key)
    audit.record("proposal.submitted", proposal, actor=author if signed_in else None)
    return proposal, token


def submit_for_resident(
    council: Council,
    submission: Submission,
    *,
    mediator: Membership,
    received_as: ReceivedAs,
    resident_lang: str,
    submission_key: str,
) -> tuple[Proposal, str]:
    """A community mediator types in a resident's proposal (from a conversation or a paper):
    the resident is its author and gets its tracking token; the mediator's seat is recorded,
    and the mediator is the actor of the audit event. No rate limit per connection: the
    mediator is signed in and accountable, and may type in a whole stack of papers."""
    if (
        mediator.council_id != council.id
        or Permission.submit_for_residents not in ROLE_PERMISSIONS[mediator.role]
        or not mediator.is_current
    ):
        raise DomainError(_("Only this council's community mediators can do this."))
    if resident_lang not in council.languages and not is_language(resident_lang):
        raise DomainError(_("Choose the language the resident wrote or spoke in."))
    proposal = _new_proposal(council, submission, submission_key)
    proposal.helped_by_id = mediator.id
    proposal.received_as = ReceivedAs(received_as)
    proposal.resident_lang = resident_lang
    token = _store(proposal, submission_key)
    audit.record(
        "proposal.submitted_for_resident",
        proposal,
        actor=mediator.user,
        received_as=str(proposal.received_as),
    )
    return proposal, token


def _new_proposal(
    council: Council, submission: Submission, submission_key: str, check_rate: str | None = None
) -> Proposal:
    if (earlier := by_submission_key(submission_key)) is not None:
        raise AlreadyReceived(earlier)
    if submission.lang not in council.languages and not is_language(submission.lang):
        raise DomainError(_("Choose the language you write in from the list."))
    title, body = clean_plain(submission.title), clean_plain(submission.body, multiline=True)
    if not title:
        raise DomainError(_("Enter a title for your proposal."))
    if not body:
        raise DomainError(_("Describe your proposal."))
    if check_rate is not None:
        _check_rate(council, check_rate)
    lang = submission.lang
    proposal = Proposal(
        council=council,
        author_name=clean_plain(submission.author_name)[:120],
        contact_email=submission.contact_email.strip() if submission.contact_email else "",
        contact_consent=bool(submission.contact_email) and submission.contact_consent,
        contact_locale=submission.contact_locale,
        lang=lang,
        title=Translated.of(title, lang),
        body=Translated.of(body, lang),
        topic=Topic(submission.topic),
        reference=tracking.new_reference(council),
        submission_key=submission_key,
    )
    refresh_search_text(proposal)
    return proposal


def _store(proposal: Proposal, submission_key: str) -> str:
    """Give the proposal its tracking token and store it once (a form sent twice at the same
    moment meets the unique key)."""
    token, proposal.tracking_hash = new_token()
    db.session.add(proposal)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise AlreadyReceived(by_submission_key(submission_key)) from None
    return token


def find_by_token(token: str) -> Proposal | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Proposal).where(Proposal.tracking_hash == hash_token(token)))


def allowed_steps(proposal: Proposal) -> list[ProposalState]:
    """The states the council can move the proposal to, in workflow order."""
    targets = TRANSITIONS[proposal.state] - {S.submitted}
    return [state for state in ProposalState if state in targets]


def _as_answer(proposal: Proposal, answer: "str | Translated", lang: str) -> Translated:
    """An answer typed in one language, or already in several (e.g. after a vote)."""
    if isinstance(answer, Translated):
        return answer
    text = clean_plain(answer, multiline=True)
    return Translated.of(text, lang or proposal.council.default_language) if text else Translated()


def check_step(
    proposal: Proposal, target: ProposalState, *, answer: "str | Translated" = "", lang: str = ""
) -> Translated:
    """Whether the council may take this step now, with this answer; changes nothing (a
    confirmation page asks before a final step). Returns the answer as stored."""
    target = ProposalState(target)
    # Back to "submitted" is the author's step (a new version), never the council's.
    if target is S.submitted or not may_become(proposal, target):
        raise DomainError(
            Proposal.REFUSAL % {"state": proposal.state.label, "target": target.label}
        )
    answer = _as_answer(proposal, answer, lang)
    if target in ANSWER_REQUIRED and not answer:
        raise DomainError(_("Write an answer that explains this to the author."))
    return answer


def change_state(
    proposal: Proposal,
    target: ProposalState,
    *,
    answer: "str | Translated" = "",
    lang: str = "",
    actor=None,
) -> ProposalEvent:
    """Move the proposal one step, with the council's answer to the author and the public."""
    target = ProposalState(target)
    if target is S.scheduled and proposal.agenda_item_id is None:
        raise DomainError(_("Choose the meeting that will discuss the proposal."))
    answer = check_step(proposal, target, answer=answer, lang=lang)
    return _step(proposal, target, answer=answer, actor=actor)


def _step(proposal, target, *, answer=None, actor=None, kind="state") -> ProposalEvent:
    """A step of the workflow, with its place in the proposal's own history."""
    from_state = proposal.state
    transition(proposal, target, actor=actor)
    event = ProposalEvent(
        proposal=proposal,
        actor_id=getattr(actor, "id", None),
        kind=kind,
        from_state=from_state.value,
        to_state=target.value,
        answer=answer or Translated(),
        public=target not in PRIVATE_STEPS,
    )
    db.session.add(event)
    return event


def resubmit(proposal: Proposal, *, title: str, body: str) -> None:
    """The author answers a change request with a new version."""
    if proposal.state is not S.changes_requested:
        raise DomainError(_("This proposal cannot be changed now."))
    title, body = clean_plain(title), clean_plain(body, multiline=True)
    if not title or not body:
        raise DomainError(_("Enter a title and a text."))
    proposal.title = Translated.of(title, proposal.lang)
    proposal.body = Translated.of(body, proposal.lang)
    refresh_search_text(proposal)
    _step(proposal, S.submitted, kind="resubmitted")


def edit_for_privacy(proposal: Proposal, *, title: str, body: str, reason: str, actor) -> None:
    """The council removes personal details; who and why are recorded, the change is shown."""
    reason = clean_plain(reason)
    if not reason:
        raise DomainError(_("Say why the text is edited: the author and the public will see it."))
    title, body = clean_plain(title), clean_plain(body, multiline=True)
    if not title or not body:
        raise DomainError(_("Enter a title and a text."))
    lang = proposal.title.original
    before = {"title": proposal.title.get(lang), "body": proposal.body.get(lang)}
    # Translations were made from the old text: they are dropped rather than left to contradict.
    proposal.title = Translated.of(title, lang)
    proposal.body = Translated.of(body, lang)
    refresh_search_text(proposal)
    db.session.add(
        ProposalEvent(
            proposal=proposal,
            actor_id=actor.id,
            kind="edit",
            reason=reason[:500],
            public=proposal.is_public,
        )
    )
    # The removed text stays in the audit trail, readable by administrators only.
    audit.record("proposal.edited", proposal, actor=actor, reason=reason, before=before)


def schedule(
    proposal: Proposal, meeting_id: int | None, *, answer: str = "", lang: str = "", actor
):
    """Put the proposal on the agenda of a coming meeting as a new decision item, in one step."""
    meeting = _schedulable_meeting(proposal, meeting_id)
    _check_schedulable(proposal)
    original = proposal.title.original
    item = meetings.add_item(
        meeting,
        title=proposal.title.get(original),
        lang=original,
        kind=ItemKind.decision,
        actor=actor,
    )
    item.title = proposal.title
    item.description = proposal.body
    return link_to_item(proposal, item, answer=answer, lang=lang, actor=actor)


def accept_and_schedule(
    proposal: Proposal, meeting_id: int | None, *, answer: str = "", lang: str = "", actor
):
    """Accept a new proposal and put it on a meeting's agenda in one go: both steps show in
    its history, the answer with the second."""
    if proposal.state is S.submitted:
        _schedulable_meeting(proposal, meeting_id)
        _step(proposal, S.accepted, actor=actor)
    return schedule(proposal, meeting_id, answer=answer, lang=lang, actor=actor)


def _schedulable_meeting(proposal: Proposal, meeting_id: int | None) -> Meeting:
    meeting = next((m for m in schedulable_meetings(proposal.council) if m.id == meeting_id), None)
    if meeting is None:
        raise DomainError(_("Choose the meeting that will discuss the proposal."))
    return meeting


def _check_schedulable(proposal: Proposal) -> None:
    if not may_become(proposal, S.scheduled):
        raise DomainError(_("Only an accepted or postponed proposal can be put on an agenda."))


def link_to_item(proposal: Proposal, item, *, answer: str = "", lang: str = "", actor):
    """The proposal is discussed under an existing agenda item."""
    _check_schedulable(proposal)
    proposal.agenda_item = item
    proposal.agenda_item_id = item.id
    return _step(proposal, S.scheduled, answer=_as_answer(proposal, answer, lang), actor=actor)


def schedulable_meetings(council: Council) -> list[Meeting]:
    """Meetings whose agenda can still take the proposal: coming ones, or the one under way."""
    return list(db.session.scalars(meetings.open_agendas(council)))


def ask_translators(proposal: Proposal, asked: bool, *, actor) -> bool:
    """Share a proposal under review with the council's translators (its text only, never
    who sent it), or stop sharing it; returns whether anything changed."""
    if proposal.is_public:
        raise DomainError(_("This proposal is public: the translators already see it."))
    if proposal.state is S.declined:
        raise DomainError(
            _("This proposal is declined: it stays between its author and the council.")
        )
    return share_with_translators(proposal, asked, actor=actor)


def endorse(proposal: Proposal, user) -> bool:
    """Support a proposal once; returns False when the person already did (with their account,
    or by email with their account's address)."""
    supporters.check_supportable(proposal)
    if proposal.author_id == user.id:
        raise DomainError(_("You cannot support your own proposal."))
    if supporters.supported_by_address(proposal, address_fingerprint(user.email)):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Endorsement(proposal_id=proposal.id, user_id=user.id))
            db.session.flush()
    except IntegrityError:
        return False
    proposal.endorsement_count = Proposal.endorsement_count + 1
    audit.record("proposal.endorsed", proposal, actor=user)
    return True


def has_endorsed(proposal: Proposal, user) -> bool:
    if not user.is_authenticated:
        return False
    return (
        db.session.scalar(
            select(Endorsement.id).where(
                Endorsement.proposal_id == proposal.id, Endorsement.user_id == user.id
            )
        )
        is not None
    )


def needs_agenda(proposal: Proposal) -> bool:
    """Whether enough residents support it that the council must put it on an agenda."""
    threshold = proposal.council.endorsement_threshold
    return (
        bool(threshold) and proposal.state is S.accepted and proposal.endorsement_count >= threshold
    )


#: The list's filter for proposals written in a language the council does not offer.
OTHER_LANGUAGES = "other"


@dataclass(frozen=True)
class Filters:
    topic: str = ""
    state: str = ""
    lang: str = ""
    query: str = ""


def public_proposals(council: Council, filters: Filters):
    statement = select(Proposal).where(
        Proposal.council_id == council.id, Proposal.state.in_(PUBLIC_STATES)
    )
    if filters.topic in Topic.__members__:
        statement = statement.where(Proposal.topic == Topic(filters.topic))
    if filters.state in ProposalState.__members__ and ProposalState(filters.state) in PUBLIC_STATES:
        statement = statement.where(Proposal.state == ProposalState(filters.state))
    if filters.lang == OTHER_LANGUAGES:
        statement = statement.where(Proposal.lang.not_in(council.languages))
    elif filters.lang:
        statement = statement.where(Proposal.lang == filters.lang)
    # Folded like the stored column: "sante" finds "santé", "الايجار" finds "الإيجار".
    words = fold_for_search(filters.query).split()[:8]
    if words:
        statement = statement.where(
            search.contains_words(Proposal.id, Proposal.search_text, words, db.engine)
        )
    return statement.order_by(Proposal.created_at.desc(), Proposal.id.desc())


def moderation_queue(council: Council):
    """What waits for the council: new proposals first, then accepted ones to schedule."""
    return (
        select(Proposal)
        .where(
            Proposal.council_id == council.id,
            or_(Proposal.state == S.submitted, Proposal.state == S.accepted),
        )
        .order_by(Proposal.state.desc(), Proposal.created_at)
    )
