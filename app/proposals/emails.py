"""Emails residents ask for about a proposal, each in the language of the page they asked on.

The first two run after the response (`app.background`): whether an address already supports
a proposal, or is the author's, must not show in the page or in the time it takes.
"""

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from app.councils.models import Council
from app.extensions import db
from app.i18n import current_locale
from app.mail import queue_email
from app.proposals import supporters, tracking
from app.proposals.models import Proposal


def support_requested(proposal_id: int, address: str, token: str, link: str, locale: str):
    """After the response: the link that confirms a support, or a note that it counts already."""
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        return
    outcome = supporters.request_support(proposal, address, token)
    if outcome is None:
        db.session.rollback()
        return
    with force_locale(locale):
        title = proposal.title.shown().text
        template = "support_confirm.txt" if outcome == "new" else "support_already.txt"
        body = render_template(f"proposals/email/{template}", proposal=proposal, link=link)
        queue_email(address, _("Your support: %(title)s", title=title), body, locale=locale)
    db.session.commit()


def link_requested(
    council_id: int, reference: str, address: str, token: str, link: str, locale: str
):
    """After the response: the tracking link again, only to the author's own address."""
    council = db.session.get(Council, council_id)
    if council is None:
        return
    proposal = tracking.request_link(council, reference, address, token)
    if proposal is None:
        db.session.rollback()
        return
    with force_locale(locale):
        title = proposal.title.shown().text
        body = render_template("proposals/email/link_again.txt", proposal=proposal, link=link)
        subject = _("Your proposal: %(title)s", title=title)
        queue_email(proposal.contact_email, subject, body, locale=locale)
    db.session.commit()


def send_contact_link(proposal: Proposal, address: str, link: str) -> None:
    """The link that saves an address the author added on the tracking page."""
    body = render_template("proposals/email/contact_confirm.txt", proposal=proposal, link=link)
    title = proposal.title.shown().text
    subject = _("Confirm your email address: %(title)s", title=title)
    queue_email(address, subject, body, locale=current_locale())
