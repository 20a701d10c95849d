from functools import cache

import segno
from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager, joinedload

from app.auth import Permission, can, require, set_council
from app.councils.models import Council
from app.database import begin_writing, commit_keeping_loaded, reads_first, utcnow
from app.errors import DomainError
from app.extensions import db
from app.forms import ActionForm
from app.i18n import format_local
from app.meetings.models import AgendaItem, Meeting
from app.voting import services
from app.voting.forms import PollForm
from app.voting.models import Poll, PollMethod, PollState
from app.web import load_council

bp = Blueprint("voting", __name__, url_prefix="/councils/<slug>")


@cache
def _poll_query():
    """Built once: one query for the poll with its options, item, meeting and council, as
    every phone in the room loads polls during a vote."""
    return (
        select(Poll)
        .join(Poll.item)
        .join(AgendaItem.meeting)
        .join(Meeting.council)
        .where(Poll.id == bindparam("poll_id"), Council.slug == bindparam("slug"))
        .options(
            contains_eager(Poll.item)
            .contains_eager(AgendaItem.meeting)
            .contains_eager(Meeting.council),
            joinedload(Poll.options),
        )
    )


def load_poll(slug: str, poll_id: int) -> Poll:
    """The poll, if its meeting belongs to the council and the reader may see the meeting."""
    poll = (
        db.session.execute(_poll_query(), {"poll_id": poll_id, "slug": slug})
        .unique()
        .scalar_one_or_none()
    )
    if poll is None:
        abort(404)
    council = poll.council
    set_council(council)
    officer = can(current_user, Permission.manage_meetings, council)
    if not officer and (not poll.meeting.is_public or poll.state is PollState.draft):
        abort(404)
    return poll


def poll_url(poll: Poll, endpoint: str = "voting.poll", **kwargs) -> str:
    return url_for(endpoint, slug=poll.council.slug, poll_id=poll.id, **kwargs)


def results_visible(poll: Poll) -> bool:
    """Published results are public; closed ones are seen by the council's members first."""
    if poll.state is PollState.published:
        return True
    if poll.state is not PollState.closed:
        return False
    council = poll.council
    return council.current_membership_of(current_user) is not None or can(
        current_user, Permission.manage_meetings, council
    )


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/polls/new", methods=["GET", "POST"])
@login_required
def new_poll(slug: str, meeting_id: int, item_id: int):
    council = load_council(slug)
    require(Permission.manage_meetings, council)
    item = db.get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting_id or item.meeting.council_id != council.id:
        abort(404)
    form = PollForm()
    if request.method == "GET":
        form.lang.data = item.title.original
        form.question.data = item.title.get(item.title.original)
    if form.validate_on_submit():
        try:
            poll = services.create_poll(
                item,
                services.PollDetails(
                    question=form.question.data,
                    lang=form.lang.data,
                    method=form.method.data,
                    majority_rule=form.majority_rule.data,
                    abstentions_count=form.abstentions_count.data,
                    entitlement=form.entitlement.data,
                    options=tuple((form.options.data or "").splitlines()),
                ),
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The vote is prepared. Open it when the council is ready."), "success")
            return redirect(poll_url(poll))
    return render_template(
        "voting/new.html", form=form, council=council, item=item, meeting=item.meeting
    )


@bp.get("/polls/<int:poll_id>")
def poll(slug: str, poll_id: int):
    poll = load_poll(slug, poll_id)
    council = poll.council
    membership = council.current_membership_of(current_user)
    officer = can(current_user, Permission.manage_meetings, council)
    entitled_members = services.entitled_memberships(poll) if officer else []
    voted_ids = services.voted_membership_ids(poll) if officer else set()
    return render_template(
        "voting/poll.html",
        poll=poll,
        council=council,
        meeting=poll.meeting,
        officer=officer,
        membership=membership,
        turnout=services.turnout(poll, membership),
        waiting_for=[m for m in entitled_members if m.id not in voted_ids]
        if poll.method is PollMethod.named
        else [],
        result=services.result_of(poll) if results_visible(poll) else None,
        roll_call=services.roll_call(poll) if results_visible(poll) else [],
        form=ActionForm(),
    )


@bp.get("/polls/<int:poll_id>/confirm")
@login_required
def confirm(slug: str, poll_id: int):
    """The second screen: the choice repeated in words, and one button to make it final."""
    poll = load_poll(slug, poll_id)
    choice = poll.option(request.args.get("choice", ""))
    if choice is None:
        flash(_("Choose one of the options."), "error")
        return redirect(poll_url(poll))
    return render_template(
        "voting/confirm.html", poll=poll, council=poll.council, choice=choice, form=ActionForm()
    )


@bp.post("/polls/<int:poll_id>/vote")
@reads_first
@login_required
def vote(slug: str, poll_id: int):
    poll = load_poll(slug, poll_id)
    membership = poll.council.current_membership_of(current_user)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if membership is None:
        flash(_("You are not entitled to vote in this poll."), "error")
        return redirect(poll_url(poll))
    url = poll_url(poll)
    poll.option_keys  # noqa: B018 - loaded now, outside the write lock
    begin_writing()
    try:
        services.cast_vote(poll, membership, request.form.get("choice", ""))
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        # Everything the answer needs is ready before the commit, so nothing is read again.
        recorded = format_local(utcnow(), poll.council.timezone, "medium", "time")
        message = _("Your vote was recorded at %(time)s. It is final.", time=recorded)
        commit_keeping_loaded()
        flash(message, "success")
    return redirect(url)


def _transition(slug: str, poll_id: int, action, template: str, done: str):
    poll = load_poll(slug, poll_id)
    require(Permission.manage_meetings, poll.council)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            action(poll)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(done, "success")
        return redirect(poll_url(poll))
    return render_template(
        template,
        poll=poll,
        council=poll.council,
        form=form,
        quorum=services.meetings.quorum(poll.meeting),
    )


@bp.route("/polls/<int:poll_id>/open", methods=["GET", "POST"])
@login_required
def open_poll(slug: str, poll_id: int):
    return _transition(
        slug,
        poll_id,
        services.open_poll,
        "voting/confirm_open.html",
        _("Voting is open. Members can vote now."),
    )


@bp.route("/polls/<int:poll_id>/close", methods=["GET", "POST"])
@login_required
def close_poll(slug: str, poll_id: int):
    return _transition(
        slug,
        poll_id,
        services.close_poll,
        "voting/confirm_close.html",
        _("Voting is closed and the result is counted."),
    )


@bp.route("/polls/<int:poll_id>/publish", methods=["GET", "POST"])
@login_required
def publish_poll(slug: str, poll_id: int):
    return _transition(
        slug,
        poll_id,
        services.publish_poll,
        "voting/confirm_publish.html",
        _("The result is published."),
    )


@bp.get("/polls/<int:poll_id>/projector")
def projector(slug: str, poll_id: int):
    poll = load_poll(slug, poll_id)
    qr = segno.make(poll_url(poll, _external=True), error="m")
    return render_template(
        "voting/projector.html",
        poll=poll,
        council=poll.council,
        qr=Markup(qr.svg_inline(scale=6, border=2, title=_("Scan to vote"))),  # noqa: S704
        turnout=services.turnout(poll),
        result=services.result_of(poll)
        if poll.state in (PollState.closed, PollState.published)
        else None,
    )


@bp.get("/polls/<int:poll_id>/status.json")
def status(slug: str, poll_id: int):
    """For pages that follow a poll live: its state and how many have voted."""
    poll = load_poll(slug, poll_id)
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
def meeting_polls(slug: str, meeting_id: int):
    """Which polls of a meeting are open, so a member's page notices one opening."""
    council = load_council(slug)
    meeting = db.get_or_404(Meeting, meeting_id)
    if meeting.council_id != council.id or not meeting.is_public:
        abort(404)
    polls = [p for item in meeting.items for p in item.polls if p.state is not PollState.draft]
    response = jsonify(
        polls=[{"id": p.id, "state": p.state.value, "url": poll_url(p)} for p in polls]
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/decisions")
def decisions(slug: str):
    council = load_council(slug)
    member = council.current_membership_of(current_user) is not None or can(
        current_user, Permission.manage_meetings, council
    )
    statement = services.decisions(council)
    if not member:
        statement = statement.where(Poll.state == PollState.published)
    page = db.paginate(statement, per_page=20)
    return render_template(
        "voting/decisions.html", council=council, page=page, result_of=services.result_of
    )
