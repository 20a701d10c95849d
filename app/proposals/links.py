"""Emails a visitor asks the site to send about a proposal (a support to confirm, an address
to confirm, a tracking link sent again): the throttles that count them, and the single-use
links they carry (only the token's hash is stored)."""

import unicodedata
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select

from app.database import utcnow
from app.extensions import db
from app.proposals.models import EmailRequest, Proposal
from app.tokens import hash_token, keyed_hash

#: What email addresses are hashed for (a key of their own, derived from SECRET_KEY).
ADDRESS = "email address"
#: Requests are kept this long for the throttles, then deleted.
KEPT = timedelta(days=7)


def normalize_address(address: str) -> str:
    """One form per mailbox as people type it: compatibility characters, spaces and case."""
    return unicodedata.normalize("NFKC", address or "").strip().casefold()


def address_fingerprint(address: str) -> str:
    return keyed_hash(ADDRESS, normalize_address(address))


def throttled(purpose: str, fingerprint: str, proposal: Proposal) -> bool:
    """Whether this address, or this proposal, has had its share of such emails this hour.

    Keyed on the address and the proposal, never on the connection: residents share them."""
    config = current_app.config
    group = "SUPPORT" if purpose == "support" else "LINK"
    per_address, per_proposal = (
        config[f"{group}_EMAILS_PER_ADDRESS"],
        config[f"{group}_EMAILS_PER_PROPOSAL"],
    )
    purposes = ["support"] if purpose == "support" else ["contact", "link"]
    since = utcnow() - timedelta(hours=1)
    recent = select(
        func.count().filter(EmailRequest.address_hash == fingerprint),
        func.count().filter(EmailRequest.proposal_id == proposal.id),
    ).where(
        EmailRequest.purpose.in_(purposes),
        EmailRequest.created_at >= since,
        or_(EmailRequest.address_hash == fingerprint, EmailRequest.proposal_id == proposal.id),
    )
    by_address, by_proposal = db.session.execute(recent).one()
    return by_address >= per_address or by_proposal >= per_proposal


def record_request(
    purpose: str, proposal: Proposal, fingerprint: str, token: str | None = None, address=""
) -> EmailRequest:
    """Count an email about to be sent; with ``token``, the single-use link it carries."""
    db.session.execute(delete(EmailRequest).where(EmailRequest.created_at < utcnow() - KEPT))
    lifetime: timedelta = current_app.config["EMAIL_LINK_LIFETIME"]
    request = EmailRequest(
        purpose=purpose,
        proposal_id=proposal.id,
        address_hash=fingerprint,
        address=address,
        token_hash=hash_token(token) if token else None,
        expires_at=utcnow() + lifetime if token else None,
    )
    db.session.add(request)
    db.session.flush()
    return request


def find_request(token: str, purpose: str | None = None) -> EmailRequest | None:
    """The request whose link carries ``token``, if it is unused and unexpired."""
    if not token or len(token) > 100:
        return None
    request = db.session.scalar(
        select(EmailRequest).where(EmailRequest.token_hash == hash_token(token))
    )
    if request is None or request.used_at is not None or request.expires_at is None:
        return None
    if request.expires_at < utcnow() or (purpose and request.purpose != purpose):
        return None
    return request
