from dataclasses import dataclass

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Access, Permission, can, current_council, get_in_council_or_404, requires
from app.database import utcnow
from app.forms import ActionForm
from app.i18n import current_locale, format_local
from app.meetings.models import AgendaItem, Meeting, MeetingState
from app.transactions import action, begin_writing, reads_first
from app.urls import external_url
from app.voting import members, pending, services
from app.voting.forms import CloseMeetingForm, OpenPollForm, PollForm, VoteForm
from app.voting.models import Poll, PollMethod, PollState
from app.web import never_stored, qr_code

bp = Blueprint("voting", __name__, url_prefix="/councils/<slug>")


@bp.app_template_global()
def member_votes(meeting: Meeting) -> "MeetingVotes":
    """For a meeting's page (which the meetings domain draws without knowing about votes):
    where the person reading it stands in each of its votes."""
    membership = meeting.council.current_membership_of(current_user)
    polls = [p for item in meeting.items for p in item.polls]
    standings = members.standings(polls, [membership]) if membership else {}
    return MeetingVotes(standings, [s.poll for s in standings.values() if s.can_vote])


@dataclass(frozen=True)
class MeetingVotes:
    #: By poll id: whether the reader voted (and, in a roll call, how) and can vote now.
    standings: dict[int, members.Standing]
    #: The open votes the reader can cast now, in agenda order.
    to_cast: list[Poll]


def load_poll(poll_id: int) -> Poll:
    """The poll of the URL's council; not yet open, only for those who run meetings."""
    return get_in_council_or_404(Poll, poll_id)


def poll_url(poll: Poll, endpoint: str = "voting.poll", **kwargs) -> str:
    return url_for(endpoint, slug=poll.council.slug, poll_id=poll.id, **kwargs)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/polls/new", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def new_poll(slug: str, meeting_id: int, item_id: int):
    item = get_in_council_or_404(AgendaItem, item_id, meeting_id=meeting_id)
    form = PollForm()
    if request.method == "GET":
        # The question is written by the person, in their own language (not the item's title,
        # which would store their words under the item's language).
        form.lang.data = current_locale()
    if form.validate_on_submit():
        details = services.PollDetails(
            question=form.question.data,
            lang=form.lang.data,
            method=form.method.data,
            majority_rule=form.majority_rule.data,
            abstentions_count=form.abstentions_count.data,
            entitlement=form.entitlement.data,
            options=tuple((form.options.data or "").splitlines()),
        )
        with action(form) as done:
            poll = services.create_poll(item, details, actor=current_user)
        if done:
            flash(_("The vote is prepared. Open it when the council is ready."), "success")
            return redirect(poll_url(poll))
    return render_template(
        "voting/new.html",
        form=form,
        council=current_council(),
        item=item,
        meeting=item.meeting,
        quorum=services.meetings.quorum(item.meeting),
    )


@bp.get("/polls/<int:poll_id>")
@requires(Access.anyone)
@never_stored
def poll(slug: str, poll_id: int):
    poll = load_poll(poll_id)
    council = poll.council
    membership = council.current_membership_of(current_user)
    officer = can(current_user, Permission.manage_meetings, council)
    named = poll.method is PollMethod.named
    if officer and named:
        voted = services.voted_membership_ids(poll)
        waiting_for = [m for m in services.entitled_memberships(poll) if m.id not in voted]
    else:
        waiting_for = []
    visible = services.results_visible(poll, current_user)
    counts = services.turnout(poll, membership)
    return render_template(
        "voting/poll.html",
        poll=poll,
        council=council,
        meeting=poll.meeting,
        officer=officer,
        membership=membership,
        turnout=counts,
        needed=services.votes_needed(poll, counts),
        waiting_for=waiting_for,
        result=services.result_of(poll) if visible else None,
        roll_call=services.roll_call(poll) if visible else [],
        form=ActionForm(),
        **member_side(poll, membership, counts),
    )


def member_side(poll: Poll, membership, counts: services.Turnout) -> dict:
    """For the member reading an open poll: their own standing and the next vote once they
    have voted, or why they may not vote and whether "I am here" would change that."""
    side: dict = {"standing": None, "next_vote": None, "not_entitled": None, "check_in": False}
    if poll.state is not PollState.open or membership is None:
        return side
    if counts.member_voted:
        standings = members.standings(members.open_polls([poll.meeting]), [membership])
        side["standing"] = standings.get(poll.id)
        side["next_vote"] = next((s.poll for s in standings.values() if s.can_vote), None)
    elif not counts.member_entitled:
        reason = members.not_entitled(poll, membership)
        side["not_entitled"] = reason
        side["check_in"] = (
            reason is not None
            and reason.fixed_by_checking_in
            and poll.meeting.state is MeetingState.in_progress
            and can(current_user, Permission.attend, poll.council)
        )
    return side


@bp.after_request
def no_referrer(response):
    """A vote's pages tell no other site (nor this one's logs) where the member came from."""
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/polls/<int:poll_id>/confirm")
@requires(Access.signed_in)
def confirm(slug: str, poll_id: int):
    """The first screen's choice, kept sealed in the session (never in a URL) for the second
    screen, which is a page of its own: post, then redirect, then get."""
    poll = load_poll(poll_id)
    form = VoteForm()
    choice = poll.option(form.choice.data or "") if form.validate_on_submit() else None
    if choice is None:
        flash(_("Choose one of the options."), "error")
        return redirect(poll_url(poll))
    pending.remember_choice(poll, choice)
    return redirect(poll_url(poll, "voting.confirmation"), code=303)


@bp.get("/polls/<int:poll_id>/confirm")
@requires(Access.signed_in)
@never_stored
def confirmation(slug: str, poll_id: int):
    """The second screen: the choice repeated in words, and one button to make it final.

    The choice comes from the session, never from the URL; the page is as long whatever the
    choice, so that the size of the encrypted answer does not give it away. Never kept by the
    browser: going back to it after voting finds nothing pending and shows the vote as it
    stands, and a vote already cast is said to be cast, never offered again."""
    poll = load_poll(poll_id)
    choice = pending.pending_choice(poll)
    if choice is None:
        return redirect(poll_url(poll))
    membership = poll.council.current_membership_of(current_user)
    counts = services.turnout(poll, membership)
    if counts.member_voted:
        page = render_template("voting/already_voted.html", poll=poll, council=poll.council)
    elif not counts.member_entitled:
        # The poll page says why, and what the member can do about it.
        return redirect(poll_url(poll))
    else:
        page = padded_confirmation(poll, choice, VoteForm())
    return page


def padded_confirmation(poll: Poll, choice, form: VoteForm) -> str:
    pages = {
        option.key: render_template(
            "voting/confirm.html", poll=poll, council=poll.council, choice=option, form=form
        )
        for option in poll.options
    }
    longest = max(len(page.encode()) for page in pages.values())
    page = pages[choice.key]
    return page + "<!--" + " " * (longest - len(page.encode())) + "-->\n"


@bp.post("/polls/<int:poll_id>/vote")
@reads_first
@requires(Permission.vote)
def vote(slug: str, poll_id: int):
    poll = load_poll(poll_id)
    membership = poll.council.current_membership_of(current_user)
    form = VoteForm()
    url = poll_url(poll)
    pending.forget_choice()
    if not form.validate_on_submit():
        flash(_("Choose one of the options."), "error")
        return redirect(url)
    poll.option_keys  # noqa: B018 - loaded now, outside the write lock
    begin_writing()
    with action(refusal="refusal") as done:
        services.cast_vote(poll, membership, form.choice.data, actor=current_user)
        # Everything the answer needs is ready before the commit, so nothing is read again.
        recorded = format_local(utcnow(), poll.council.timezone, "medium", "time")
        message = _("Your vote was recorded at %(time)s. It is final.", time=recorded)
    if done:
        # The receipt: the first thing the page says, with focus on it and in its title.
        flash(message, "receipt")
    return redirect(url)


def confirmed_step(poll_id: int, step, template: str, done_message: str):
    """GET shows what will happen; POST does it."""
    poll = load_poll(poll_id)
    if request.method == "POST":
        with action() as done:
            step(poll, actor=current_user)
        if done:
            flash(done_message, "success")
        return redirect(poll_url(poll))
    return render_template(
        template,
        poll=poll,
        council=poll.council,
        form=ActionForm(),
        quorum=services.meetings.quorum(poll.meeting),
    )


@bp.route("/polls/<int:poll_id>/open", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def open_poll(slug: str, poll_id: int):
    """Shows the quorum first; without it, opening is a separate, named choice."""
    poll = load_poll(poll_id)
    form = OpenPollForm()
    if request.method == "POST":
        with action() as done:
            services.open_poll(
                poll, actor=current_user, without_quorum=form.without_quorum.data == "yes"
            )
        if done:
            flash(_("Voting is open. Members can vote now."), "success")
        if done or poll.state is not PollState.draft:
            return redirect(poll_url(poll))
    return render_template(
        "voting/confirm_open.html",
        poll=poll,
        council=poll.council,
        form=form,
        quorum=services.meetings.quorum(poll.meeting),
    )


@bp.route("/polls/<int:poll_id>/close", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def close_poll(slug: str, poll_id: int):
    return confirmed_step(
        poll_id,
        services.close_poll,
        "voting/confirm_close.html",
        _("Voting is closed and the result is counted."),
    )


@bp.route("/polls/<int:poll_id>/publish", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def publish_poll(slug: str, poll_id: int):
    return confirmed_step(
        poll_id,
        services.publish_poll,
        "voting/confirm_publish.html",
        _("The result is published."),
    )


@bp.route("/meetings/<int:meeting_id>/close", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def close_meeting(slug: str, meeting_id: int):
    """Closing a meeting settles its open votes, so it lives with the votes: the page names
    them and offers to close them with the meeting, or to go back."""
    meeting = get_in_council_or_404(Meeting, meeting_id)
    form = CloseMeetingForm()
    meeting_page = url_for("meetings.meeting", slug=slug, meeting_id=meeting.id)
    if request.method == "POST":
        with action() as done:
            services.close_meeting(
                meeting, actor=current_user, close_open_votes=form.open_votes.data == "close"
            )
        if done:
            flash(_("The meeting is closed."), "success")
        if done or meeting.state is not MeetingState.in_progress:
            return redirect(meeting_page)
    return render_template(
        "meetings/confirm_close.html",
        form=form,
        meeting=meeting,
        council=meeting.council,
        open_polls=services.open_polls(meeting),
    )


@bp.get("/polls/<int:poll_id>/projector")
@requires(Access.anyone)
def projector(slug: str, poll_id: int):
    poll = load_poll(poll_id)
    scan_url = scan_to_vote_url(poll)
    counts = services.turnout(poll)
    return render_template(
        "voting/projector.html",
        poll=poll,
        council=poll.council,
        qr=qr_code(scan_url, _("Scan to vote"), scale=6),
        scan_url=scan_url,
        turnout=counts,
        needed=services.votes_needed(poll, counts),
        # The room's screen, whoever is signed in on it: the public rule, not the member's.
        result=services.result_of(poll) if services.results_public(poll) else None,
    )


def scan_to_vote_url(poll: Poll) -> str:
    """What the projector's QR code opens: the sign-in page, which sends a phone that is
    already signed in straight on to the vote, and any other back to it after signing in."""
    return external_url("accounts.sign_in_page", next=poll_url(poll))


@bp.get("/polls/<int:poll_id>/status.json")
@requires(Access.anyone)
def status(slug: str, poll_id: int):
    """For pages that follow a poll live: its state and how many have voted."""
    poll = load_poll(poll_id)
    counts = services.turnout(poll)
    response = jsonify(
        state=poll.state.value,
        ballots=counts.ballots,
        entitled=counts.entitled,
        text=_(
            "%(ballots)s of %(entitled)s have voted.",
            ballots=counts.ballots,
            entitled=counts.entitled,
        ),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/meetings/<int:meeting_id>/polls.json")
@requires(Access.anyone)
def meeting_polls(slug: str, meeting_id: int):
    """Which polls of a meeting are open, so a member's page notices one opening."""
    meeting = get_in_council_or_404(Meeting, meeting_id)
    response = jsonify(
        polls=[
            {
                "id": poll_id,
                "state": state.value,
                "url": url_for("voting.poll", slug=slug, poll_id=poll_id),
            }
            for poll_id, state in services.poll_states(meeting)
        ]
    )
    response.headers["Cache-Control"] = "no-store"
    return response
