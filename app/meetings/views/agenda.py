from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Permission, get_in_council_or_404, requires
from app.forms import ActionForm
from app.meetings import services
from app.meetings.forms import AgendaItemForm, MoveItemForm
from app.meetings.models import AgendaItem
from app.meetings.views.common import load_meeting, meeting_url
from app.transactions import action

bp = Blueprint("agenda", __name__, url_prefix="/councils/<slug>/meetings/<int:meeting_id>/items")


def load_item(meeting_id: int, item_id: int) -> AgendaItem:
    return get_in_council_or_404(AgendaItem, item_id, meeting_id=meeting_id)


def item_fields(form: AgendaItemForm) -> dict:
    return {
        "title": form.title.data,
        "lang": form.lang.data,
        "kind": form.kind.data,
        "description": form.description.data or "",
        "duration_minutes": form.duration_minutes.data,
    }


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def new_item(slug: str, meeting_id: int):
    meeting = load_meeting(meeting_id)
    form = AgendaItemForm()
    if request.method == "GET":
        form.lang.data = meeting.title.original
    if form.validate_on_submit():
        with action(form) as done:
            services.add_item(meeting, **item_fields(form), actor=current_user)
        if done:
            flash(_("The item is added to the agenda."), "success")
            return redirect(meeting_url(meeting, _anchor="agenda"))
    return render_template(
        "meetings/item.html", form=form, meeting=meeting, council=meeting.council, item=None
    )


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def edit_item(slug: str, meeting_id: int, item_id: int):
    item = load_item(meeting_id, item_id)
    meeting = item.meeting
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
        with action(form) as done:
            services.update_item(item, **item_fields(form), actor=current_user)
        if done:
            flash(_("The agenda item is saved."), "success")
            return redirect(meeting_url(meeting, _anchor=f"item-{item.id}"))
    return render_template(
        "meetings/item.html", form=form, meeting=meeting, council=meeting.council, item=item
    )


@bp.post("/<int:item_id>/move")
@requires(Permission.manage_meetings)
def move_item(slug: str, meeting_id: int, item_id: int):
    item = load_item(meeting_id, item_id)
    form = MoveItemForm()
    if form.validate_on_submit():
        with action() as done:
            moved = services.move_item(
                item, -1 if form.direction.data == "up" else 1, actor=current_user
            )
        if done:
            flash(
                _(
                    "“%(title)s” is now item %(position)s.",
                    title=item.title.shown().text,
                    position=item.position,
                ),
                "success" if moved else "info",
            )
    return redirect(meeting_url(item.meeting, _anchor=f"item-{item.id}"))


@bp.route("/<int:item_id>/remove", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def remove_item(slug: str, meeting_id: int, item_id: int):
    item = load_item(meeting_id, item_id)
    meeting = item.meeting
    if request.method == "POST":
        with action() as done:
            services.remove_item(item, actor=current_user)
        if done:
            flash(_("The item is removed from the agenda."), "success")
        return redirect(meeting_url(meeting, _anchor="agenda"))
    return render_template(
        "meetings/confirm_remove_item.html",
        form=ActionForm(),
        meeting=meeting,
        council=meeting.council,
        item=item,
    )
