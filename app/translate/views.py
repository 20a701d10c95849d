from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import Permission, require
from app.errors import DomainError
from app.extensions import db
from app.forms import ActionForm
from app.i18n import current_locale
from app.translate import services
from app.translate.machine import machine_translation_enabled
from app.web import load_council

bp = Blueprint("translate", __name__, url_prefix="/councils/<slug>/translate")


def back_url(kind: str, obj) -> str:
    """The page where the text appears."""
    if kind == "council":
        return url_for("councils.council", slug=obj.slug)
    if kind == "meeting":
        return url_for("meetings.meeting", slug=obj.council.slug, meeting_id=obj.id)
    if kind == "item":
        meeting = obj.meeting
        return url_for(
            "meetings.meeting",
            slug=meeting.council.slug,
            meeting_id=meeting.id,
            _anchor=f"item-{obj.id}",
        )
    proposal = obj if kind == "proposal" else obj.proposal
    return url_for("proposals.proposal", slug=proposal.council.slug, proposal_id=proposal.id)


def load(slug: str, kind: str, obj_id: int):
    council = load_council(slug)
    require(Permission.translate, council)
    obj = services.load(kind, obj_id)
    if obj is None or services.KINDS[kind].council_of(obj).id != council.id:
        abort(404)
    return council, obj


def target_language(council, original_langs: set[str]) -> str:
    """The language to translate into: asked for, else the reader's, else the first missing."""
    wanted = request.values.get("to")
    if wanted in council.languages:
        return wanted
    candidates = [current_locale()] + council.languages
    for code in candidates:
        if code in council.languages and code not in original_langs:
            return code
    return council.languages[0]


@bp.get("")
@login_required
def worklist(slug: str):
    council = load_council(slug)
    require(Permission.translate, council)
    return render_template(
        "translate/worklist.html",
        council=council,
        missing=services.missing_translations(council),
    )


@bp.route("/<kind>/<int:obj_id>", methods=["GET", "POST"])
@login_required
def translate(slug: str, kind: str, obj_id: int):
    council, obj = load(slug, kind, obj_id)
    fields = services.fields_of(kind, obj)
    originals = {value.original for _name, _label, value in fields}
    lang = target_language(council, originals)
    form = ActionForm()
    if form.validate_on_submit():
        changed = 0
        try:
            for name, _label, _value in fields:
                changed += services.save(
                    kind,
                    obj,
                    name,
                    lang,
                    request.form.get(f"text-{name}", ""),
                    checked=bool(request.form.get(f"checked-{name}")),
                    user=current_user,
                )
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            if changed:
                flash(_("The translation is saved."), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(
                url_for("translate.translate", slug=slug, kind=kind, obj_id=obj_id, to=lang)
            )
    return render_template(
        "translate/translate.html",
        council=council,
        kind=kind,
        obj=obj,
        fields=fields,
        lang=lang,
        form=form,
        back=back_url(kind, obj),
        machine_enabled=machine_translation_enabled(),
        typed=request.form if request.method == "POST" else None,
    )


@bp.post("/<kind>/<int:obj_id>/machine")
@login_required
def machine(slug: str, kind: str, obj_id: int):
    council, obj = load(slug, kind, obj_id)
    lang = request.form.get("to", "")
    name = request.form.get("field", "")
    if lang not in council.languages or name not in services.KINDS[kind].fields:
        abort(400)
    if ActionForm().validate_on_submit():
        if not machine_translation_enabled():
            flash(_("Machine translation is not set up on this site."), "error")
        else:
            try:
                services.machine_draft(kind, obj, name, lang, user=current_user)
            except DomainError as error:
                db.session.rollback()
                flash(error.message, "error")
            else:
                db.session.commit()
                flash(
                    _("A machine draft is ready below. Check it, correct it and save it."),
                    "success",
                )
    return redirect(
        url_for(
            "translate.translate",
            slug=slug,
            kind=kind,
            obj_id=obj_id,
            to=lang,
            _anchor=f"field-{name}",
        )
    )
