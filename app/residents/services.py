"""What the council keeps about a resident, and deleting it when they ask.

A tracking link proves that its holder sent the proposal, and nothing more: it shows that
proposal's personal data (the name, the address, the consent given with it). Supports given
by email and answers to consultations are kept without a name or an address (supports as a
keyed fingerprint of the address, answers with no link to any person), so a tracking link
cannot, and must not, find them.
"""

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app import audit
from app.councils.models import Council, Membership
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.mail.outbox import forget_waiting_mail
from app.proposals.models import EmailRequest, EmailSupport, Endorsement, Proposal
from app.proposals.tracking import format_reference
from app.residents.models import DeletionRequest
from app.tokens import new_token


def personal_data(proposal: Proposal) -> dict:
    """Everything the council keeps about the author of ``proposal``, as plain data (the JSON
    download, and the page shows the same)."""
    helper = proposal.helped_by
    return {
        "council": proposal.council.name.get(proposal.council.default_language),
        "proposals": [
            {
                "reference": format_reference(proposal.reference),
                "submitted_at": proposal.created_at.isoformat(timespec="seconds") + "Z",
                "state": proposal.state.value,
                "language": proposal.lang,
                "title": proposal.title.get(proposal.title.original),
                "text": proposal.body.get(proposal.body.original),
                "name": proposal.author_name,
                "email": proposal.contact_email,
                "contact_consent": proposal.contact_consent,
                "with_an_account": proposal.author_id is not None,
                "submitted_with_the_help_of": helper.user.display_name if helper else None,
                "supporters": proposal.endorsement_count,
                "public": proposal.is_public,
                "addresses_to_confirm": addresses_to_confirm(proposal),
            }
        ],
        "deletion_requested_at": (
            request.requested_at.isoformat(timespec="seconds") + "Z"
            if (request := open_request(proposal))
            else None
        ),
    }


def addresses_to_confirm(proposal: Proposal) -> list[str]:
    """Addresses the author added on the tracking page, kept a few days with their link."""
    return list(
        db.session.scalars(
            select(EmailRequest.address)
            .where(EmailRequest.proposal_id == proposal.id, EmailRequest.purpose == "contact")
            .order_by(EmailRequest.id)
        )
    )


def keeps_public_text(proposal: Proposal) -> bool:
    """A public proposal is part of the council's public record (its agenda, its decisions):
    its text stays, without the author's personal data. One that was never public goes."""
    return proposal.is_public or proposal.agenda_item_id is not None


def open_request(proposal: Proposal) -> DeletionRequest | None:
    return db.session.scalar(
        select(DeletionRequest).where(
            DeletionRequest.proposal_id == proposal.id, DeletionRequest.completed_at.is_(None)
        )
    )


def request_deletion(proposal: Proposal) -> DeletionRequest:
    """The author asks for their personal data to be deleted; once is enough."""
    if open_request(proposal) is not None:
        raise DomainError(_("You have already asked for this: the council's secretary will do it."))
    request = DeletionRequest(
        council_id=proposal.council_id, proposal_id=proposal.id, reference=proposal.reference
    )
    db.session.add(request)
    db.session.flush()
    # The resident is not known by name: the request is theirs, made with the tracking link.
    audit.record("data.deletion_requested", request, actor=None, council=proposal.council)
    return request


def open_requests(council: Council):
    return (
        select(DeletionRequest)
        .where(DeletionRequest.council_id == council.id, DeletionRequest.completed_at.is_(None))
        .order_by(DeletionRequest.requested_at, DeletionRequest.id)
    )


def complete_deletion(request: DeletionRequest, *, actor) -> str:
    """The secretary completes a request: the name, address, consent, pending email links
    and supporters' address fingerprints go; a public proposal keeps its text in the public
    record, one that never was public is deleted with its history. Returns what was done."""
    if not request.is_open:
        raise DomainError(_("This request was already completed."))
    proposal = request.proposal
    outcome = "deleted"
    if proposal is not None:
        if proposal.contact_email:
            # Emails still waiting for them carry the address: they go too.
            forget_waiting_mail(proposal.contact_email)
        db.session.execute(delete(EmailRequest).where(EmailRequest.proposal_id == proposal.id))
        db.session.execute(delete(EmailSupport).where(EmailSupport.proposal_id == proposal.id))
        if keeps_public_text(proposal):
            outcome = "anonymised"
            proposal.author_id = None
            proposal.author_name = ""
            proposal.contact_email = ""
            proposal.contact_consent = False
            # The old tracking link would show the proposal as its author's: it stops working.
            proposal.tracking_hash = new_token()[1]
        else:
            db.session.execute(delete(Endorsement).where(Endorsement.proposal_id == proposal.id))
            request.proposal_id = None
            db.session.flush()
            db.session.delete(proposal)
    request.completed_at = utcnow()
    request.completed_by_id = actor.id
    request.outcome = outcome
    db.session.flush()
    audit.record("data.deleted", request, actor=actor, outcome=outcome)
    return outcome


def helped_with(membership: Membership):
    """The proposals a mediator typed in for residents, newest first."""
    return (
        select(Proposal)
        .where(Proposal.helped_by_id == membership.id)
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
    )
