"""Support from residents without an account: an email address, confirmed by a single-use
link, counts once per proposal. Only a keyed hash of the normalised address is stored.

The rules run after the response (see the view): the page a person sees, and the time it
takes, are the same whether or not the address already supports the proposal.
"""

from typing import Literal

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.accounts.models import User
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.proposals.links import address_fingerprint, normalize_address, record_request, throttled
from app.proposals.models import (
    EmailRequest,
    EmailSupport,
    Endorsement,
    Proposal,
    ProposalState,
)

#: States in which a proposal takes support: public and not yet decided.
SUPPORTABLE = frozenset({ProposalState.accepted, ProposalState.scheduled, ProposalState.postponed})


def check_supportable(proposal: Proposal) -> None:
    if proposal.state not in SUPPORTABLE:
        raise DomainError(_("This proposal cannot be supported any more."))


def supported_by_address(proposal: Proposal, fingerprint: str) -> bool:
    """Whether this address supports the proposal already, by email or with its account."""
    by_email = select(EmailSupport.id).where(
        EmailSupport.proposal_id == proposal.id, EmailSupport.address_hash == fingerprint
    )
    if db.session.scalar(by_email) is not None:
        return True
    accounts = db.session.scalars(
        select(User.email)
        .join(Endorsement, Endorsement.user_id == User.id)
        .where(Endorsement.proposal_id == proposal.id)
    )
    return any(address_fingerprint(email) == fingerprint for email in accounts)


def request_support(
    proposal: Proposal, address: str, token: str
) -> Literal["new", "already"] | None:
    """Someone offers support with ``address``: "new" (email it the link for ``token``),
    "already" (tell it the support is counted), or None (send nothing: the proposal takes no
    support, or this address or proposal had enough emails this hour)."""
    if proposal.state not in SUPPORTABLE or not normalize_address(address):
        return None
    fingerprint = address_fingerprint(address)
    if normalize_address(proposal.contact_email) == normalize_address(address):
        return None  # the author's own address
    if throttled("support", fingerprint, proposal):
        return None
    if supported_by_address(proposal, fingerprint):
        record_request("support", proposal, fingerprint)
        return "already"
    record_request("support", proposal, fingerprint, token)
    return "new"


def confirm_support(request: EmailRequest) -> bool:
    """The link was opened and confirmed: count the support once; False if already counted."""
    proposal = request.proposal
    check_supportable(proposal)
    request.used_at = utcnow()
    if supported_by_address(proposal, request.address_hash):
        return False
    try:
        with db.session.begin_nested():
            db.session.add(EmailSupport(proposal_id=proposal.id, address_hash=request.address_hash))
            db.session.flush()
    except IntegrityError:
        return False
    proposal.endorsement_count = Proposal.endorsement_count + 1
    audit.record("proposal.endorsed_by_email", proposal, actor=None)
    return True
