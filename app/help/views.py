"""Plain-language help, the privacy notice and the accessibility statement: public pages
with stable addresses that name no council, linked from every page's footer."""

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

from app.auth import Access, requires
from app.proposals.models import ProposalState

bp = Blueprint("help", __name__)

#: What each step of a proposal means for the person who sent it, in the order it happens.
PROPOSAL_STEPS = {
    ProposalState.submitted: _l(
        "The council has your proposal. Someone from the council will read it soon. "
        "Only you and the council’s officers can see it now."
    ),
    ProposalState.changes_requested: _l(
        "The council asks you to change something, for example to add details. "
        "Use your tracking link to send a new version."
    ),
    ProposalState.accepted: _l(
        "The council will work on your proposal. Now everyone can read it and support it."
    ),
    ProposalState.declined: _l(
        "The council will not work on your proposal. It tells you why. "
        "The proposal is not shown to the public."
    ),
    ProposalState.scheduled: _l(
        "Your proposal is on the agenda of a meeting. The council will talk about it there."
    ),
    ProposalState.postponed: _l("The council will talk about it again at a later meeting."),
    ProposalState.adopted: _l(
        "The council voted for your proposal. It gives its advice to the city."
    ),
    ProposalState.rejected: _l("The council voted against your proposal. It says why."),
    ProposalState.implemented: _l("The city did what the proposal asked, or a part of it."),
}

#: The help pages in the order the index lists them: endpoint, title, what it answers.
TOPICS = [
    (
        "help.council",
        _l("What is a migrant consultative council?"),
        _l("What the council is and what it does."),
    ),
    (
        "help.proposals",
        _l("How to send a proposal"),
        _l("How to send your idea, and what happens next."),
    ),
    (
        "help.meetings",
        _l("How meetings and votes work"),
        _l("What happens in a meeting, and how members vote."),
    ),
    (
        "help.glossary",
        _l("Words explained"),
        _l("Quorum, roll call, majority and other words, in plain language."),
    ),
    (
        "help.membership",
        _l("How to become a member"),
        _l("Who can be a member, and other ways to take part."),
    ),
]


@bp.get("/help")
@requires(Access.anyone)
def index():
    return render_template("help/index.html", topics=TOPICS)


@bp.get("/help/council")
@requires(Access.anyone)
def council():
    return render_template("help/council.html")


@bp.get("/help/proposals")
@requires(Access.anyone)
def proposals():
    return render_template("help/proposals.html", steps=PROPOSAL_STEPS)


@bp.get("/help/meetings-and-votes")
@requires(Access.anyone)
def meetings():
    return render_template("help/meetings.html")


@bp.get("/help/glossary")
@requires(Access.anyone)
def glossary():
    return render_template("help/glossary.html")


@bp.get("/help/membership")
@requires(Access.anyone)
def membership():
    return render_template("help/membership.html")


@bp.get("/privacy")
@requires(Access.anyone)
def privacy():
    return render_template("help/privacy.html")


@bp.get("/accessibility")
@requires(Access.anyone)
def accessibility():
    return render_template("help/accessibility.html")
