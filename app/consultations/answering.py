"""Answering a consultation: a response is started, saved question by question under a
private resume link, reviewed, and sent.

Nothing here names the person. The resume link's token is kept only as its SHA-256; a
response knows the day it was started and sent, never the time; a resident's response writes
no audit event; the throttle counts a keyed hash of the connection in memory, never stored.
"""

import ipaddress
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.consultations.models import (
    RANKING_MAX,
    SCALE_MAX,
    Answer,
    Audience,
    Channel,
    Consultation,
    Question,
    QuestionKind,
    Response,
)
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.i18n import Translated, is_language
from app.text import clean_plain
from app.tokens import hash_token, keyed_hash, new_token, seal_text, unseal_text

#: A free-text answer is kept under this many characters.
TEXT_MAX = 5000
#: What connections are hashed for in the throttle (a key of its own, from SECRET_KEY).
CONNECTION = "consultation connection"


@dataclass(frozen=True)
class Given:
    """What a person gave for one question, as the form sent it.

    ``choices`` are option ids: the chosen ones, or the ranked ones first choice first, with
    None for a rank left empty."""

    choices: tuple[int | None, ...] = ()
    number: int | None = None
    text: str = ""
    lang: str = ""

    @property
    def is_empty(self) -> bool:
        return (
            not any(c is not None for c in self.choices)
            and self.number is None
            and not (self.text.strip())
        )


@dataclass
class Saved:
    """The answers saved from one form, and what was refused, by question id."""

    errors: dict[int, str] = field(default_factory=dict)


def ranking_places(question: Question) -> int:
    """How many options a ranking question asks to rank."""
    limit = min(question.max_choices or RANKING_MAX, RANKING_MAX)
    return max(1, min(limit, len(question.options)))


#: Paper sheets collected up to the last day may be typed in this long after it.
PAPER_GRACE = timedelta(days=7)


def check_open(consultation: Consultation, *, paper: bool = False) -> None:
    """Answers are taken while the consultation is open; sheets answered on paper are typed
    in by an officer until ``PAPER_GRACE`` after it closed."""
    if not consultation.is_public:
        raise DomainError(_l("This consultation is not open for answers."))
    now = utcnow()
    if now < consultation.opens_at:
        raise DomainError(_l("This consultation is not open for answers yet."))
    if paper and now < consultation.closes_at + PAPER_GRACE:
        return
    if not consultation.is_open(now):
        raise DomainError(_l("This consultation is closed: answers are no longer taken."))


def paper_deadline(consultation: Consultation) -> date | None:
    """The last day sheets may still be typed in, while that is still to come."""
    if utcnow() >= consultation.closes_at + PAPER_GRACE:
        return None
    return consultation.last_day + PAPER_GRACE


def _is_paper(response: Response) -> bool:
    """Typed in by an officer from a sheet (on paper or from a workshop)."""
    return response.entered_by_id is not None


#: Phones in a workshop share the venue's connection: from the code on its screen, a
#: connection may start this many times more responses.
WORKSHOP_SHARE = 5


class Throttle:
    """Responses started per connection and council in the last hour, counted in this
    process's memory only: nothing stored can tie a connection to a response, by order, time
    or transaction. Several app processes each count on their own, so a connection may start
    up to ``limit`` times their number: enough to stop a flood, and no row to read back."""

    def __init__(self):
        self._lock = threading.Lock()
        self._seen: dict[tuple[int, str], deque] = {}

    def check(self, council_id: int, connection: str, limit: int) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 50_000:  # forget idle connections now and then
                self._seen = {k: v for k, v in self._seen.items() if v and v[-1] > now - 3600}
            times = self._seen.setdefault((council_id, connection), deque())
            while times and times[0] <= now - 3600:
                times.popleft()
            if len(times) >= limit:
                raise DomainError(
                    _l(
                        "Too many answers were started from your connection in the last hour. "
                        "Please try again later."
                    )
                )
            times.append(now)


def connection_of(address: str | None) -> str:
    """A keyed fingerprint of where a request came from: the address, or for IPv6 its /64
    (one household's or one phone's network), which anyone can change the rest of."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return keyed_hash(CONNECTION, address or "")
    if ip.version == 6:
        return keyed_hash(CONNECTION, str(ipaddress.ip_network(f"{ip}/64", strict=False)))
    return keyed_hash(CONNECTION, str(ip))


def _check_rate(consultation: Consultation, connection: str, *, share: int = 1) -> None:
    """A flood from one connection is stopped per council, with room for a community centre
    where many residents share one connection."""
    limit = current_app.config["CONSULTATION_RESPONSES_PER_HOUR"] * share
    throttle = current_app.extensions.setdefault("consultation_throttle", Throttle())
    throttle.check(consultation.council_id, connection, limit)


def start(
    consultation: Consultation,
    *,
    lang: str,
    address: str | None,
    website: str = "",
    channel: Channel = Channel.online,
    entered_by=None,
    address_hash: str | None = None,
) -> tuple[Response | None, str | None]:
    """Start a response; returns it and its private resume token (stored only hashed).

    A robot (it filled the hidden field) gets (None, None) and nothing is stored."""
    if website:
        return None, None
    check_open(consultation, paper=entered_by is not None)
    if (
        consultation.audience is Audience.confirmed_email
        and entered_by is None
        and address_hash is None
    ):
        raise DomainError(_l("Confirm your email address first: we send you a link to answer."))
    # A confirmed address answers once: its email link is the limit.
    if entered_by is None and address_hash is None:
        _check_rate(
            consultation,
            connection_of(address),
            share=WORKSHOP_SHARE if channel is Channel.workshop else 1,
        )
    token, token_hash = new_token()
    response = Response(
        consultation=consultation,
        channel=channel,
        lang=lang[:16],
        token_hash=token_hash,
        entered_by_id=getattr(entered_by, "id", None),
        address_hash=address_hash,
    )
    db.session.add(response)
    db.session.flush()
    # No audit event for a resident's response: one row per response, with its time, is what
    # would let someone pair responses with the server's logs.
    return response, token


def find(consultation: Consultation, token: str) -> Response | None:
    """The response whose resume link carries ``token``, in this consultation."""
    if not token or len(token) > 100:
        return None
    response = db.session.scalar(
        select(Response).where(
            Response.token_hash == hash_token(token),
            Response.consultation_id == consultation.id,
        )
    )
    return response


def answer_of(response: Response, question: Question) -> Answer | None:
    return next((a for a in response.answers if a.question_id == question.id), None)


def check(question: Question, given: Given) -> Given | None:
    """``given`` made valid for ``question`` (None: no answer), or a DomainError saying why."""
    if given.is_empty:
        return None
    option_ids = {option.id for option in question.options}
    chosen = [c for c in given.choices if c is not None]
    if question.has_options and not set(chosen) <= option_ids:
        raise DomainError(_("Choose from the options shown."))
    match question.kind:
        case QuestionKind.single:
            if len(chosen) != 1:
                raise DomainError(_("Choose one option."))
            return Given(choices=(chosen[0],))
        case QuestionKind.multiple:
            chosen = list(dict.fromkeys(chosen))
            if question.max_choices and len(chosen) > question.max_choices:
                raise DomainError(
                    ngettext(
                        "Choose at most %(num)s option.",
                        "Choose at most %(num)s options.",
                        question.max_choices,
                    )
                )
            return Given(choices=tuple(chosen))
        case QuestionKind.ranking:
            return Given(choices=_check_ranking(question, given.choices))
        case QuestionKind.scale:
            if given.number is None or not 1 <= given.number <= SCALE_MAX:
                raise DomainError(_("Choose a number from 1 to %(max)s.", max=SCALE_MAX))
            return Given(number=given.number)
        case _:
            return _check_text(given)


def _check_ranking(question: Question, ranks: tuple[int | None, ...]) -> tuple[int, ...]:
    places = ranking_places(question)
    while ranks and ranks[-1] is None:
        ranks = ranks[:-1]
    if None in ranks:
        raise DomainError(_("Fill in the places in order, from the first one."))
    chosen = tuple(c for c in ranks if c is not None)
    if len(chosen) > places:
        raise DomainError(
            ngettext("Rank at most %(num)s option.", "Rank at most %(num)s options.", places)
        )
    if len(set(chosen)) != len(chosen):
        raise DomainError(_("Give each option one place only."))
    return chosen


def _check_text(given: Given) -> Given | None:
    text = clean_plain(given.text, multiline=True)
    if not text:
        return None
    if len(text) > TEXT_MAX:
        raise DomainError(_("Keep your answer under %(count)s characters.", count=TEXT_MAX))
    lang = given.lang.replace("-", "_")
    if not is_language(lang):
        raise DomainError(_("Choose the language you write in from the list."))
    return Given(text=text, lang=lang)


def _check_changeable(response: Response) -> None:
    # A workshop's answers count as they come, and go on with each question on the screen.
    if response.is_submitted and response.channel is not Channel.workshop:
        raise DomainError(_l("Your answers were already sent: they can no longer be changed."))
    check_open(response.consultation, paper=_is_paper(response))


def save(response: Response, givens: dict[Question, Given]) -> Saved:
    """Save each valid answer (an empty one removes the answer) and say which were refused:
    what a person got right is kept even when something else needs correcting."""
    _check_changeable(response)
    saved = Saved()
    for question, given in givens.items():
        if question.consultation_id != response.consultation_id:
            raise DomainError(_l("This question is not part of this consultation."))
        try:
            valid = check(question, given)
        except DomainError as error:
            saved.errors[question.id] = error.message
            continue
        _store(response, question, valid)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # The same form sent twice at once (a double tap on a slow connection): one is kept.
        raise DomainError(_l("Your answers were being saved twice at once: check them.")) from None
    return saved


def _store(response: Response, question: Question, valid: Given | None) -> None:
    answer = answer_of(response, question)
    if valid is None:
        if answer is not None:
            response.answers.remove(answer)
        return
    if answer is None:
        answer = Answer(question=question, question_id=question.id)
        response.answers.append(answer)
    answer.choices = list(valid.choices) if question.has_options else None
    answer.number = valid.number
    answer.text = Translated.of(valid.text, valid.lang) if valid.text else Translated()


def missing(response: Response) -> list[Question]:
    """Required questions still without an answer."""
    answered = {answer.question_id for answer in response.answers}
    return [q for q in response.consultation.questions if q.required and q.id not in answered]


def send(response: Response) -> None:
    """Send the answers: the required questions must be answered; then they count, once."""
    _check_changeable(response)
    if missing(response):
        raise DomainError(_l("Answer the questions marked “required” before sending."))
    response.submitted_on = utcnow().date()
    db.session.flush()


def enter_paper(
    consultation: Consultation,
    givens: dict[Question, Given],
    *,
    lang: str,
    channel: Channel,
    entered_by,
) -> tuple[Response | None, dict[int, str]]:
    """Type in a response given on paper or in a workshop, whole: it is sent at once and
    marked with its channel and who typed it. A required question left blank on the sheet
    stays blank (the sheet is what counts); an answer the sheet cannot hold is refused, and
    then nothing is stored."""
    if channel is Channel.online:
        raise DomainError(_l("Say whether the response was given on paper or in a workshop."))
    if all(given.is_empty for given in givens.values()):
        raise DomainError(_l("This sheet has no answer: nothing was saved."))
    errors = {}
    for question, given in givens.items():
        try:
            check(question, given)
        except DomainError as error:
            errors[question.id] = error.message
    if errors:
        return None, errors
    response, _token = start(
        consultation, lang=lang, address=None, channel=channel, entered_by=entered_by
    )
    assert response is not None  # no honeypot on the officers' page
    save(response, givens)
    response.submitted_on = utcnow().date()
    db.session.flush()
    audit.record("consultation.response_entered", consultation, actor=entered_by)
    return response, {}


def entered_by(consultation: Consultation, user) -> int:
    """How many responses ``user`` has typed in for this consultation."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(Response)
            .where(
                Response.consultation_id == consultation.id,
                Response.entered_by_id == user.id,
            )
        )
        or 0
    )


def workshop_response(
    consultation: Consultation, token: str | None, *, lang: str, address: str | None
) -> tuple[Response, str]:
    """The response a phone gives in a live workshop: the one its ``token`` finds, or a new
    one (marked as given in a workshop)."""
    if token:
        found = find(consultation, token)
        if found is not None and found.channel is Channel.workshop:
            return found, token
    response, new = start(consultation, lang=lang, address=address, channel=Channel.workshop)
    assert response is not None and new is not None  # noqa: S101 - no honeypot: website=""
    return response, new


def workshop_answer(response: Response, question: Question, given: Given) -> Saved:
    """One question of the workshop, answered: it counts at once."""
    saved = save(response, {question: given})
    if question.id not in saved.errors and response.submitted_on is None:
        response.submitted_on = utcnow().date()
        db.session.flush()
    return saved


#: What confirmed addresses are fingerprinted for, and how long an emailed link works.
ADDRESS_PURPOSE = "consultation address"
LINK_PURPOSE = "consultation answer link"
LINK_DAYS = 7


def address_hash(consultation: Consultation, address: str) -> str:
    """A fingerprint of the address, for this consultation only: it tells that the address has
    answered, and cannot be matched with the same address elsewhere or be read back."""
    return keyed_hash(ADDRESS_PURPOSE, f"{consultation.id}:{address.strip().casefold()}")


def _of_address(consultation: Consultation, fingerprint: str) -> Response | None:
    return db.session.scalar(
        select(Response).where(
            Response.consultation_id == consultation.id,
            Response.address_hash == fingerprint,
        )
    )


def has_answered(consultation: Consultation, fingerprint: str) -> bool:
    """Whether the address has sent its answers (started and left unsent does not count)."""
    found = _of_address(consultation, fingerprint)
    return found is not None and found.is_submitted


def answer_link_code(consultation: Consultation, address: str) -> str:
    """What the emailed link carries: the consultation, the address's fingerprint and when
    the link stops working, sealed with the site's secret (nothing of it is stored)."""
    until = (utcnow() + timedelta(days=LINK_DAYS)).date().isoformat()
    fingerprint = address_hash(consultation, address)
    return seal_text(LINK_PURPOSE, f"{consultation.id}|{fingerprint}|{until}")


def open_link_code(consultation: Consultation, code: str) -> str | None:
    """The address fingerprint the code was made for, or None (forged, expired, another
    consultation's)."""
    opened = unseal_text(LINK_PURPOSE, code) if code and len(code) < 400 else None
    if opened is None:
        return None
    consultation_id, fingerprint, until = (opened.split("|") + ["", "", ""])[:3]
    if consultation_id != str(consultation.id) or until < utcnow().date().isoformat():
        return None
    return fingerprint


def start_confirmed(
    consultation: Consultation, fingerprint: str, *, lang: str
) -> tuple[Response, str]:
    """The response of a confirmed address: one sent per address, ever. Answers started from
    the link and never sent are put aside, and the person starts again (their resume link may
    be lost: only its hash is kept)."""
    unsent = _of_address(consultation, fingerprint)
    if unsent is not None and unsent.is_submitted:
        raise DomainError(
            _l("This email address has already answered this consultation: it counts once.")
        )
    if unsent is not None:
        db.session.delete(unsent)
        db.session.flush()
    try:
        with db.session.begin_nested():
            response, token = start(consultation, lang=lang, address=None, address_hash=fingerprint)
    except IntegrityError:  # the same link opened twice at the same moment
        raise DomainError(
            _l("This email address has already answered this consultation: it counts once.")
        ) from None
    assert response is not None and token is not None  # noqa: S101 - no honeypot here
    return response, token
