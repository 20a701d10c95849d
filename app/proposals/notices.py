"""Notices to a resident who left an email address and agreed to hear about their proposal:
each step the council takes with it (accepted, on an agenda, decided…) with the council's
answer, in the language the resident wrote from. A stop link in each ends them."""

from flask import render_template
from flask_babel import gettext as _

from app import audit
from app.councils.notices import unsubscribe_url
from app.i18n import UI_LOCALES
from app.mail import Recipient, mask_address, notice_for, send_notice
from app.proposals.models import Proposal, ProposalState
from app.proposals.tracking import format_reference

#: The steps a resident hears about (not their own new version).
TOLD = [state for state in ProposalState if state is not ProposalState.submitted]


def resident_locale(proposal: Proposal) -> str:
    for code in (proposal.contact_locale, proposal.lang):
        if code in UI_LOCALES:
            return code
    return proposal.council.default_language


def resident(proposal: Proposal) -> Recipient | None:
    if not proposal.contact_email or not proposal.contact_consent:
        return None
    return Recipient(
        address=proposal.contact_email,
        locale=resident_locale(proposal),
        reason="resident",
        label=mask_address(proposal.contact_email),
        unsubscribe_url=unsubscribe_url("resident", proposal.id),
        name=proposal.author_name,
    )


@notice_for(*(f"proposal.{state.value}" for state in TOLD))
def _proposal_step(action: str, proposal: Proposal, details: dict) -> None:
    recipient = resident(proposal)
    if recipient is None:
        return
    event = proposal.events[-1] if proposal.events else None

    def compose(recipient: Recipient):
        title = proposal.title.shown().text
        subject = _("Your proposal: %(title)s", title=title)
        body = render_template(
            "proposals/email/notice.txt",
            proposal=proposal,
            event=event,
            recipient=recipient,
            reference=format_reference(proposal.reference),
        )
        return subject, body, []

    send_notice(proposal.council, action, [recipient], compose)


def stop_resident(proposal: Proposal) -> None:
    """The author wants no more notices (the tracking link keeps working)."""
    proposal.contact_consent = False
    audit.record("proposal.notices_stopped", proposal, actor=None)
