from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import Permission, can, require
from app.errors import DomainError
from app.extensions import db
from app.forms import ActionForm
from app.i18n import current_locale
from app.meetings import services
from app.meetings.calendar import council_feed, meeting_calendar
from app.meetings.forms import AgendaItemForm, CancelForm, DocumentForm, MeetingForm
from app.meetings.models import AgendaItem, Document, Meeting, Presence
from app.meetings.notifications import notify_members
from app.web import load_council

bp = Blueprint("meetings", __name__, url_prefix="/councils/<slug>")
PER_PAGE = 10


def load_meeting(slug: str, meeting_id: int) -> Meeting:
    """The meeting, if it belongs to the council and the reader may see it (drafts: officers)."""
    council = load_council(slug)
    meeting = db.get_or_404(Meeting, meeting_id)
    if meeting.council_id != council.id:
        abort(404)
    if not meeting.is_public and not can(current_user, Permission.manage_meetings, council):
        abort(404)
    return meeting


def managed_meeting(slug: str, meeting_id: int) -> Meeting:
    meeting = load_meeting(slug, meeting_id)
    require(Permission.manage_meetings, meeting.council)
    return meeting


def load_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting.id:
        abort(404)
    return item


def meeting_url(meeting: Meeting, **kwargs) -> str:
    return url_for("meetings.meeting", slug=meeting.council.slug, meeting_id=meeting.id, **kwargs)


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


def flash_notification(result) -> None:
    if result is None:
        flash(_("No email was sent to members: email is not set up on this site."), "info")
        return
    sent, failed = result
    if sent:
        flash(_("%(count)s members were emailed.", count=sent), "success")
    if failed:
        flash(_("Email could not be sent to %(count)s members.", count=failed), "error")


@bp.get("/meetings")
def meetings(slug: str):
    council = load_council(slug)
    officer = can(current_user, Permission.manage_meetings, council)
    upcoming = db.session.scalars(services.upcoming_meetings(council, include_drafts=officer)).all()
    past = db.paginate(services.past_meetings(council, include_drafts=officer), per_page=PER_PAGE)
    return render_template(
        "meetings/list.html", council=council, upcoming=upcoming, past=past, officer=officer
    )


@bp.route("/meetings/new", methods=["GET", "POST"])
@login_required
def new_meeting(slug: str):
    council = load_council(slug)
    require(Permission.manage_meetings, council)
    form = MeetingForm()
    if request.method == "GET":
        form.lang.data = council.default_language
    if form.validate_on_submit():
        try:
            meeting = services.create_meeting(council, details_from(form))
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The meeting is saved as a draft. Now add the agenda items."), "success")
            return redirect(meeting_url(meeting))
    return render_template("meetings/edit.html", form=form, council=council, meeting=None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(slug: str, meeting_id: int):
    meeting = managed_meeting(slug, meeting_id)
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
        try:
            services.update_meeting(meeting, details_from(form))
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The meeting is saved."), "success")
            return redirect(meeting_url(meeting))
    return render_template("meetings/edit.html", form=form, council=council, meeting=meeting)


@bp.get("/meetings/<int:meeting_id>")
def meeting(slug: str, meeting_id: int):
    meeting = load_meeting(slug, meeting_id)
    council = meeting.council
    membership = council.current_membership_of(current_user)
    return render_template(
        "meetings/meeting.html",
        meeting=meeting,
        council=council,
        officer=can(current_user, Permission.manage_meetings, council),
        quorum=services.quorum(meeting),
        my_attendance=services.attendance_for(meeting, membership) if membership else None,
        can_attend=membership is not None and can(current_user, Permission.attend, council),
        documents=[d for d in meeting.documents if d.removed_at is None],
    )


@bp.get("/meetings/<int:meeting_id>/quorum.json")
def quorum_json(slug: str, meeting_id: int):
    result = services.quorum(load_meeting(slug, meeting_id))
    return jsonify(
        present=result.present,
        voting_members=result.voting_members,
        needed=result.needed,
        reached=result.reached,
        text=render_template("meetings/_quorum_text.html", quorum=result),
    )


def confirmed_transition(
    slug: str, meeting_id: int, action, template: str, done: str, notify=False
):
    """GET shows what will happen; POST does it."""
    meeting = managed_meeting(slug, meeting_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            action(meeting)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(done, "success")
            if notify:
                flash_notification(notify_members(meeting))
        return redirect(meeting_url(meeting))
    return render_template(template, form=form, meeting=meeting, council=meeting.council)


@bp.route("/meetings/<int:meeting_id>/publish", methods=["GET", "POST"])
@login_required
def publish(slug: str, meeting_id: int):
    return confirmed_transition(
        slug,
        meeting_id,
        services.publish_meeting,
        "meetings/confirm_publish.html",
        _("The meeting and its agenda are published."),
        notify=True,
    )


@bp.route("/meetings/<int:meeting_id>/start", methods=["GET", "POST"])
@login_required
def start(slug: str, meeting_id: int):
    return confirmed_transition(
        slug,
        meeting_id,
        services.start_meeting,
        "meetings/confirm_start.html",
        _("The meeting has started. You can now record attendance."),
    )


@bp.route("/meetings/<int:meeting_id>/close", methods=["GET", "POST"])
@login_required
def close(slug: str, meeting_id: int):
    return confirmed_transition(
        slug,
        meeting_id,
        services.close_meeting,
        "meetings/confirm_close.html",
        _("The meeting is closed."),
    )


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@login_required
def cancel(slug: str, meeting_id: int):
    meeting = managed_meeting(slug, meeting_id)
    form = CancelForm()
    if request.method == "GET":
        form.lang.data = (
            current_locale()
            if current_locale() in meeting.council.languages
            else meeting.council.default_language
        )
    if form.validate_on_submit():
        try:
            services.cancel_meeting(meeting, form.reason.data, form.lang.data)
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The meeting is cancelled."), "success")
            flash_notification(notify_members(meeting))
            return redirect(meeting_url(meeting))
    return render_template(
        "meetings/cancel.html", form=form, meeting=meeting, council=meeting.council
    )


@bp.route("/meetings/<int:meeting_id>/items/new", methods=["GET", "POST"])
@login_required
def new_item(slug: str, meeting_id: int):
    meeting = managed_meeting(slug, meeting_id)
    form = AgendaItemForm()
    if request.method == "GET":
        form.lang.data = meeting.title.original
    if form.validate_on_submit():
        try:
            services.add_item(
                meeting,
                title=form.title.data,
                lang=form.lang.data,
                kind=form.kind.data,
                description=form.description.data or "",
                duration_minutes=form.duration_minutes.data,
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The item is added to the agenda."), "success")
            return redirect(meeting_url(meeting, _anchor="agenda"))
    return render_template(
        "meetings/item.html", form=form, meeting=meeting, council=meeting.council, item=None
    )


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(slug: str, meeting_id: int, item_id: int):
    meeting = managed_meeting(slug, meeting_id)
    item = load_item(meeting, item_id)
    lang = request.args.get("lang_edit") or item.title.original
    form = AgendaItemForm()
    if request.method == "GET":
        form.process(
            data={
                "lang": lang,
                "title": item.title.get(lang),
                "description": item.description.get(lang),
                "kind": item.kind.value,
                "duration_minutes": item.duration_minutes,
            }
        )
    if form.validate_on_submit():
        try:
            services.update_item(
                item,
                title=form.title.data,
                lang=form.lang.data,
                kind=form.kind.data,
                description=form.description.data or "",
                duration_minutes=form.duration_minutes.data,
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The agenda item is saved."), "success")
            return redirect(meeting_url(meeting, _anchor=f"item-{item.id}"))
    return render_template(
        "meetings/item.html", form=form, meeting=meeting, council=meeting.council, item=item
    )


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/move")
@login_required
def move_item(slug: str, meeting_id: int, item_id: int):
    meeting = managed_meeting(slug, meeting_id)
    item = load_item(meeting, item_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.move_item(item, -1 if request.form.get("direction") == "up" else 1)
    except DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(
            _(
                "“%(title)s” is now item %(position)s.",
                title=item.title.shown().text,
                position=item.position,
            ),
            "success",
        )
    return redirect(meeting_url(meeting, _anchor=f"item-{item.id}"))


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/remove", methods=["GET", "POST"])
@login_required
def remove_item(slug: str, meeting_id: int, item_id: int):
    meeting = managed_meeting(slug, meeting_id)
    item = load_item(meeting, item_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.remove_item(item)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("The item is removed from the agenda."), "success")
        return redirect(meeting_url(meeting, _anchor="agenda"))
    return render_template(
        "meetings/confirm_remove_item.html",
        form=form,
        meeting=meeting,
        council=meeting.council,
        item=item,
    )


@bp.route("/meetings/<int:meeting_id>/documents", methods=["GET", "POST"])
@login_required
def upload(slug: str, meeting_id: int):
    meeting = managed_meeting(slug, meeting_id)
    form = DocumentForm()
    form.item.choices = [(0, _("The whole meeting"))] + [
        (item.id, f"{item.position}. {item.title.shown().text}") for item in meeting.items
    ]
    if request.method == "GET":
        form.item.data = request.args.get("item", 0, type=int)
    if form.validate_on_submit():
        item = load_item(meeting, form.item.data) if form.item.data else None
        try:
            document = services.store_document(
                meeting, form.file.data, item=item, user=current_user
            )
        except DomainError as error:
            form.file.errors.append(error.message)
        else:
            db.session.commit()
            flash(_("“%(name)s” is uploaded.", name=document.filename), "success")
            return redirect(meeting_url(meeting, _anchor="documents"))
    return render_template(
        "meetings/upload.html", form=form, meeting=meeting, council=meeting.council
    )


def load_document(slug: str, document_id: int) -> Document:
    council = load_council(slug)
    document = db.get_or_404(Document, document_id)
    meeting = document.meeting
    if meeting.council_id != council.id or document.removed_at is not None:
        abort(404)
    if not meeting.is_public and not can(current_user, Permission.manage_meetings, council):
        abort(404)
    return document


@bp.get("/documents/<int:document_id>/<path:filename>")
def document(slug: str, document_id: int, filename: str):
    document = load_document(slug, document_id)
    response = send_file(
        services.document_path(document),
        mimetype=document.content_type,
        as_attachment=True,
        download_name=document.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/documents/<int:document_id>/remove", methods=["GET", "POST"])
@login_required
def remove_document(slug: str, document_id: int):
    document = load_document(slug, document_id)
    meeting = document.meeting
    require(Permission.manage_meetings, meeting.council)
    form = ActionForm()
    if form.validate_on_submit():
        services.remove_document(document)
        db.session.commit()
        flash(_("“%(name)s” is removed.", name=document.filename), "success")
        return redirect(meeting_url(meeting, _anchor="documents"))
    return render_template(
        "meetings/confirm_remove_document.html",
        form=form,
        document=document,
        meeting=meeting,
        council=meeting.council,
    )


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["GET", "POST"])
@login_required
def attendance(slug: str, meeting_id: int):
    """One screen, one tap per member: each button records one member's presence."""
    meeting = managed_meeting(slug, meeting_id)
    council = meeting.council
    form = ActionForm()
    if form.validate_on_submit():
        membership_id, _sep, value = request.form.get("record", "").partition(":")
        membership = next(
            (m for m in council.current_memberships if str(m.id) == membership_id), None
        )
        if membership is None or value not in {*Presence, "left"}:
            abort(400)
        try:
            if value == "left":
                services.record_departure(meeting, membership)
            else:
                services.set_presence(meeting, membership, Presence(value))
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s: %(state)s.",
                    name=membership.user.display_name,
                    state=Presence(value).label if value != "left" else _("Left the meeting"),
                ),
                "success",
            )
        return redirect(
            url_for(
                "meetings.attendance",
                slug=slug,
                meeting_id=meeting_id,
                _anchor=f"member-{membership.id}",
            )
        )
    members = sorted(council.current_memberships, key=lambda m: m.user.display_name.lower())
    return render_template(
        "meetings/attendance.html",
        meeting=meeting,
        council=council,
        members=[(m, services.attendance_for(meeting, m)) for m in members],
        quorum=services.quorum(meeting),
        form=form,
    )


@bp.post("/meetings/<int:meeting_id>/presence")
@login_required
def mark_present(slug: str, meeting_id: int):
    meeting = load_meeting(slug, meeting_id)
    council = meeting.council
    require(Permission.attend, council)
    membership = council.current_membership_of(current_user)
    if membership is None or not ActionForm().validate_on_submit():
        abort(403)
    try:
        services.set_presence(meeting, membership, Presence.present)
    except DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("You are marked present. Welcome!"), "success")
    return redirect(meeting_url(meeting))


@bp.get("/meetings/<int:meeting_id>.ics")
def meeting_ics(slug: str, meeting_id: int):
    meeting = load_meeting(slug, meeting_id)
    return Response(
        meeting_calendar(meeting),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'},
    )


@bp.get("/calendar.ics")
def calendar_feed(slug: str):
    council = load_council(slug)
    meetings = db.session.scalars(services.public_meetings(council)).all()
    return Response(council_feed(council, meetings), mimetype="text/calendar")
