from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Access, Permission, get_in_council_or_404, requires
from app.forms import ActionForm
from app.meetings import services
from app.meetings.forms import DocumentForm
from app.meetings.models import AgendaItem, Document
from app.meetings.views.common import load_meeting, meeting_url
from app.transactions import action

bp = Blueprint("documents", __name__, url_prefix="/councils/<slug>")


@bp.route("/meetings/<int:meeting_id>/documents", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def upload(slug: str, meeting_id: int):
    meeting = load_meeting(meeting_id)
    form = DocumentForm()
    form.item.choices = [(0, _("The whole meeting"))] + [
        (item.id, f"{item.position}. {item.title.shown().text}") for item in meeting.items
    ]
    limit = current_app.config["DOCUMENT_MAX_BYTES"] // (1024 * 1024)
    form.file.description = _(
        "PDF, ODT, ODS, DOCX, XLSX, PNG or JPEG. Up to %(size)s MB.", size=limit
    )
    if request.method == "GET":
        form.item.data = request.args.get("item", 0, type=int)
        form.lang.data = meeting.title.original
    if form.validate_on_submit():
        item = (
            get_in_council_or_404(AgendaItem, form.item.data, meeting_id=meeting.id)
            if form.item.data
            else None
        )
        with action() as done:
            document = services.store_document(
                meeting,
                form.file.data,
                item=item,
                title=form.title.data or "",
                lang=form.lang.data,
                actor=current_user,
            )
        if not done:
            form.file.errors.append(done.error)
        else:
            flash(_("“%(name)s” is uploaded.", name=document.shown_title), "success")
            return redirect(meeting_url(meeting, _anchor="documents"))
    return render_template(
        "meetings/upload.html", form=form, meeting=meeting, council=meeting.council
    )


@bp.get("/documents/<int:document_id>/<path:filename>")
@requires(Access.anyone)
def document(slug: str, document_id: int, filename: str):
    document = get_in_council_or_404(Document, document_id)
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
@requires(Permission.manage_meetings)
def remove_document(slug: str, document_id: int):
    document = get_in_council_or_404(Document, document_id)
    meeting = document.meeting
    if request.method == "POST":
        with action() as done:
            services.remove_document(document, actor=current_user)
        if done:
            flash(_("“%(name)s” is removed.", name=document.filename), "success")
        return redirect(meeting_url(meeting, _anchor="documents"))
    return render_template(
        "meetings/confirm_remove_document.html",
        form=ActionForm(),
        document=document,
        meeting=meeting,
        council=meeting.council,
    )
