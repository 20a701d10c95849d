"""Keeping hold of a proposal without an account: its reference code, the tracking link sent
again to the author's address, an address added later, and what to expect next.

A reference code is short enough to copy onto paper, so it is not a secret: it opens nothing
by itself. With the address the author gave, it has the tracking link emailed to that
address, and only there; the page answers the same for every code and address.
"""

import math
import re
import secrets
import statistics

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import audit
from app.councils.models import Council
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.proposals.links import address_fingerprint, normalize_address, record_request, throttled
from app.proposals.models import EmailRequest, Proposal, ProposalEvent
from app.text import clean_plain
from app.tokens import hash_token

#: Letters and digits nobody confuses when reading or typing them (no 0/O, 1/I/L, U/V).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
#: Answer times looked at for the usual one, newest first.
ANSWERS_CONSIDERED = 50
#: Fewer answers than this say nothing usual: the council's setting is used instead.
ANSWERS_NEEDED = 3


def new_reference(council: Council) -> str:
    """A code no other proposal of the council has (30⁸ codes: a clash is rare, and checked;
    the database's unique constraint has the last word)."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        taken = select(Proposal.id).where(
            Proposal.council_id == council.id, Proposal.reference == code
        )
        if db.session.scalar(taken) is None:
            return code


def format_reference(code: str) -> str:
    """ "K7QM4XPD" as people read it: "K7QM-4XPD"."""
    return f"{code[:4]}-{code[4:]}" if len(code) > 4 else code


def normalize_reference(typed: str) -> str:
    """What was typed, without spaces, dashes or case: "k7qm 4xpd" is "K7QM4XPD"."""
    return re.sub(r"[^0-9A-Z]", "", (typed or "").upper())[: LENGTH * 2]


def request_link(council: Council, reference: str, address: str, token: str) -> Proposal | None:
    """Someone asks for a proposal's tracking link again: the proposal whose link is now
    ``token`` when ``address`` is the author's and it had not had enough links this hour,
    else None. The new link replaces the old one, which may be where someone else found it."""
    code = normalize_reference(reference)
    if len(code) != LENGTH or not normalize_address(address):
        return None
    proposal = db.session.scalar(
        select(Proposal).where(Proposal.council_id == council.id, Proposal.reference == code)
    )
    if proposal is None or not proposal.contact_email:
        return None
    if normalize_address(proposal.contact_email) != normalize_address(address):
        return None
    fingerprint = address_fingerprint(address)
    if throttled("link", fingerprint, proposal):
        return None
    record_request("link", proposal, fingerprint)
    proposal.tracking_hash = hash_token(token)
    audit.record("proposal.link_sent_again", proposal, actor=None)
    return proposal


def request_contact(proposal: Proposal, address: str, token: str) -> None:
    """The author adds an address from the tracking page: it gets a link (for ``token``) that
    saves it once opened, unless it or the proposal had enough such emails this hour."""
    address = clean_plain(address)[:254]
    fingerprint = address_fingerprint(address)
    if not address:
        raise DomainError(_("Enter your email address."))
    if throttled("contact", fingerprint, proposal):
        raise DomainError(
            _("We sent enough emails for this proposal in the last hour: please try later.")
        )
    record_request("contact", proposal, fingerprint, token, address=address)


def confirm_contact(request: EmailRequest) -> None:
    """The link sent to the new address was opened: it is the proposal's address from now."""
    request.used_at = utcnow()
    request.proposal.contact_email = request.address
    audit.record("proposal.contact_added", request.proposal, actor=None)


def usual_answer_days(council: Council) -> int:
    """How many days the council usually takes to first answer a proposal: the median of its
    latest answers (one slow answer is not usual), or the site's setting until it has a few."""
    first_answer = (
        select(Proposal.created_at, func.min(ProposalEvent.at))
        .join(ProposalEvent, ProposalEvent.proposal_id == Proposal.id)
        .where(
            Proposal.council_id == council.id,
            ProposalEvent.kind == "state",
            ProposalEvent.from_state == "submitted",
        )
        .group_by(Proposal.id, Proposal.created_at)
        .order_by(Proposal.created_at.desc())
        .limit(ANSWERS_CONSIDERED)
    )
    rows = db.session.execute(first_answer)
    days = [(answered - sent).total_seconds() / 86400 for sent, answered in rows]
    if len(days) < ANSWERS_NEEDED:
        return current_app.config["PROPOSAL_ANSWER_DAYS"]
    return max(1, math.ceil(statistics.median(days)))
