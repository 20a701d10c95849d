from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Permission, get_in_council_or_404, requires
from app.forms import ActionForm
from app.meetings import services
from app.meetings.forms import AgendaItemForm
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
    del form.position
    if request.method == "GET":
        form.lang.data = request.args.get("lang_edit") or meeting.title.original
    if form.validate_on_submit():
        with action(form) as done:
            services.add_item(meeting, **item_fields(form), actor=current_user)
        if done:
            flash(_("The item is added to the agenda."), "success")
            if request.form.get("then") == "another":
                # The next item is most likely in the same language.
                return redirect(
                    url_for(
                        "agenda.new_item",
                        slug=slug,
                        meeting_id=meeting.id,
                        lang_edit=form.lang.data,
                    )
                )
            return redirect(meeting_url(meeting, _anchor="agenda"))
    return render_template(
        "meetings/item.html", form=form, meeting=meeting, council=meeting.council, item=None
    )


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def edit_item(slug: str, meeting_id: int, item_id: int):
    """Everything about one item on one page: its texts, its place, its documents."""
    item = load_item(meeting_id, item_id)
    meeting = item.meeting
    lang = request.args.get("lang_edit") or item.title.original
    form = AgendaItemForm()
    form.position.choices = [(n, str(n)) for n in range(1, len(meeting.items) + 1)]
    if request.method == "GET":
        form.process(
            data={
                "lang": lang,
                "title": item.title.get(lang),
                "description": item.description.get(lang),
                "kind": item.kind.value,
                "duration_minutes": item.duration_minutes,
                "position": item.position,
            }
        )
    if form.validate_on_submit():
        with action(form) as done:
            services.update_item(item, **item_fields(form), actor=current_user)
            if form.position.data:
                services.place_item(item, form.position.data, actor=current_user)
        if done:
            flash(
                _(
                    "The agenda item is saved: it is item %(position)s.",
                    position=item.position,
                ),
                "success",
            )
            return redirect(meeting_url(meeting, _anchor=f"item-{item.id}"))
    return render_template(
        "meetings/item.html", form=form, meeting=meeting, council=meeting.council, item=item
    )


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
