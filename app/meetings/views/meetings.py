from flask import Blueprint, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Access, Permission, can, current_council, requires
from app.extensions import db
from app.forms import ActionForm, AskTranslatorsForm
from app.i18n import current_locale
from app.meetings import attendance, services
from app.meetings.forms import CancelForm, MeetingForm, StartForm
from app.meetings.models import MeetingState, Presence
from app.meetings.views.common import flash_notification, load_meeting, meeting_url
from app.transactions import action
from app.web import paginate

bp = Blueprint("meetings", __name__, url_prefix="/councils/<slug>")
PER_PAGE = 10


def details_from(form: MeetingForm) -> services.MeetingDetails:
    return services.MeetingDetails(
        title=form.title.data,
        lang=form.lang.data,
        day=form.day.data,
        starts=form.starts.data,
        ends=form.ends.data,
        description=form.description.data or "",
        place=form.place.data or "",
        step_free=form.step_free.data,
        interpretation=tuple(form.interpretation.data or ()),
        accessibility_notes=form.accessibility_notes.data or "",
        online_url=form.online_url.data or "",
    )


@bp.get("/meetings")
@requires(Access.anyone)
def meetings(slug: str):
    council = current_council()
    officer = can(current_user, Permission.manage_meetings, council)
    upcoming = db.session.scalars(services.upcoming_meetings(council, include_drafts=officer)).all()
    past = paginate(services.past_meetings(council, include_drafts=officer), per_page=PER_PAGE)
    return render_template(
        "meetings/list.html", council=council, upcoming=upcoming, past=past, officer=officer
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def new_meeting(slug: str):
    council = current_council()
    form = MeetingForm()
    if request.method == "GET":
        form.lang.data = council.default_language
    if form.validate_on_submit():
        with action(form) as done:
            meeting = services.create_meeting(council, details_from(form), actor=current_user)
        if done:
            flash(_("The meeting is saved as a draft. Now add the agenda items."), "success")
            return redirect(meeting_url(meeting))
    return render_template("meetings/edit.html", form=form, council=council, meeting=None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def edit_meeting(slug: str, meeting_id: int):
    meeting = load_meeting(meeting_id)
    council = meeting.council
    lang = request.args.get("lang_edit") or meeting.title.original
    form = MeetingForm()
    if request.method == "GET":
        local_start = services.to_local(council, meeting.starts_at)
        form.process(
            data={
                "lang": lang,
                "title": meeting.title.get(lang),
                "description": meeting.description.get(lang),
                "accessibility_notes": meeting.accessibility_notes.get(lang),
                "day": local_start.date(),
                "starts": local_start.time(),
                "ends": services.to_local(council, meeting.ends_at).time(),
                "place": meeting.place,
                "step_free": meeting.step_free,
                "interpretation": meeting.interpretation,
                "online_url": meeting.online_url,
            }
        )
    if form.validate_on_submit():
        with action(form) as done:
            services.update_meeting(meeting, details_from(form), actor=current_user)
        if done:
            flash(_("The meeting is saved."), "success")
            return redirect(meeting_url(meeting))
    return render_template("meetings/edit.html", form=form, council=council, meeting=meeting)


@bp.get("/meetings/<int:meeting_id>")
@requires(Access.anyone)
def meeting(slug: str, meeting_id: int):
    meeting = load_meeting(meeting_id)
    council = meeting.council
    membership = council.current_membership_of(current_user)
    services.load_agenda(meeting)
    return render_template(
        "meetings/meeting.html",
        meeting=meeting,
        council=council,
        officer=can(current_user, Permission.manage_meetings, council),
        # Shown before the meeting and during it only.
        quorum=services.quorum(meeting)
        if meeting.state in (MeetingState.published, MeetingState.in_progress)
        else None,
        my_attendance=services.attendance_for(meeting, membership) if membership else None,
        can_attend=can(current_user, Permission.attend, council),
        documents=[d for d in meeting.documents if d.removed_at is None],
        public_attendance=attendance.public_attendance(meeting)
        if meeting.state is MeetingState.closed
        else None,
        Presence=Presence,
    )


@bp.get("/meetings/<int:meeting_id>/quorum.json")
@requires(Access.anyone)
def quorum_json(slug: str, meeting_id: int):
    result = services.quorum(load_meeting(meeting_id))
    return jsonify(
        present=result.present,
        voting_members=result.voting_members,
        needed=result.needed,
        reached=result.reached,
        text=render_template("meetings/_quorum_text.html", quorum=result),
    )


def confirmed_step(meeting_id: int, step, template: str, done_message: str, notify=False):
    """GET shows what will happen; POST does it."""
    meeting = load_meeting(meeting_id)
    if request.method == "POST":
        with action() as done:
            step(meeting, actor=current_user)
        if done:
            flash(done_message, "success")
            if notify:
                flash_notification(meeting)
        return redirect(meeting_url(meeting))
    return render_template(template, form=ActionForm(), meeting=meeting, council=meeting.council)


@bp.route("/meetings/<int:meeting_id>/publish", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def publish(slug: str, meeting_id: int):
    return confirmed_step(
        meeting_id,
        services.publish_meeting,
        "meetings/confirm_publish.html",
        _("The meeting and its agenda are published."),
        notify=True,
    )


@bp.route("/meetings/<int:meeting_id>/start", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def start(slug: str, meeting_id: int):
    """Asks first; on another day than planned, names the planned day and asks again."""
    meeting = load_meeting(meeting_id)
    form = StartForm()
    if request.method == "POST":
        day = form.scheduled_day.data if form.validate() else None
        with action() as done:
            services.start_meeting(meeting, actor=current_user, day_confirmed=day)
        if done:
            flash(_("The meeting has started. You can now record attendance."), "success")
        if done or meeting.state is not MeetingState.published:
            return redirect(meeting_url(meeting))
    day = services.scheduled_day(meeting)
    return render_template(
        "meetings/confirm_start.html",
        form=form,
        meeting=meeting,
        council=meeting.council,
        scheduled_day=day,
        other_day=day != services.council_today(meeting.council),
    )


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def cancel(slug: str, meeting_id: int):
    meeting = load_meeting(meeting_id)
    council = meeting.council
    form = CancelForm()
    if request.method == "GET":
        locale = current_locale()
        form.lang.data = council.language_or_default(locale)
    if form.validate_on_submit():
        with action(form) as done:
            services.cancel_meeting(meeting, form.reason.data, form.lang.data, actor=current_user)
        if done:
            flash(_("The meeting is cancelled."), "success")
            flash_notification(meeting)
            return redirect(meeting_url(meeting))
    return render_template("meetings/cancel.html", form=form, meeting=meeting, council=council)


@bp.post("/meetings/<int:meeting_id>/translators")
@requires(Permission.manage_meetings)
def ask_translators(slug: str, meeting_id: int):
    """A draft agenda in every language before it is published: the translators see it."""
    meeting = load_meeting(meeting_id)
    form = AskTranslatorsForm()
    if form.validate_on_submit():
        asked = form.asked.data == "yes"
        with action() as done:
            changed = services.ask_translators(meeting, asked, actor=current_user)
        if done and asked:
            flash(
                _("The translators can now see this draft and its agenda, and translate them."),
                "success" if changed else "info",
            )
        elif done:
            flash(_("The translators no longer see this draft."), "success" if changed else "info")
    return redirect(meeting_url(meeting))
