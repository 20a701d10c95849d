from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Permission, current_council, get_in_council_or_404, requires
from app.i18n import current_locale
from app.transactions import action
from app.translate import services
from app.translate.forms import MachineDraftForm, translation_form
from app.translate.machine import machine_translation_enabled
from app.translate.worklist import Worklist
from app.web import paginate_open

bp = Blueprint("translate", __name__, url_prefix="/councils/<slug>/translate")


PER_PAGE = 20


def back_url(kind: str, obj) -> str:
    """The page where the text appears; the worklist for what only the officers see."""
    if kind == "written":
        consultation = obj.question.consultation
        return url_for(
            "results.results",
            slug=consultation.council.slug,
            consultation_id=consultation.id,
            _anchor=f"result-{obj.question_id}",
        )
    if not getattr(obj, "is_public", True):
        return url_for("translate.worklist", slug=current_council().slug)
    if kind == "council":
        return url_for("site.council", slug=obj.slug)
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
    if kind == "minutes":
        return url_for("minutes.minutes", slug=obj.council.slug, minutes_id=obj.id)
    if kind == "poll":
        return url_for("voting.poll", slug=obj.council.slug, poll_id=obj.id)
    if kind == "outcome":
        return back_url("item", obj.item)
    if kind == "consultation":
        return url_for("consultations.consultation", slug=obj.council.slug, consultation_id=obj.id)
    proposal = obj if kind == "proposal" else obj.proposal
    return url_for("proposals.proposal", slug=proposal.council.slug, proposal_id=proposal.id)


def load(kind: str, obj_id: int):
    """A council text the reader may see: what is public, and what the council shared with its
    translators (a draft agenda, a proposal under review: its texts only, never its author)."""
    if kind not in services.KINDS:
        abort(404)
    return get_in_council_or_404(
        services.KINDS[kind].model, obj_id, if_shared=Permission.translate_texts
    )


def target_language(council, original_langs: set[str]) -> str:
    """The language to translate into: asked for, else the reader's, else the first missing."""
    wanted = request.values.get("to")
    if wanted is not None and wanted in council.languages:
        return wanted
    candidates = [current_locale()] + council.languages
    for code in candidates:
        if code in council.languages and code not in original_langs:
            return code
    return council.languages[0]


def translate_url(kind: str, obj_id: int, lang: str, **kwargs) -> str:
    return url_for(
        "translate.translate",
        slug=current_council().slug,
        kind=kind,
        obj_id=obj_id,
        to=lang,
        **kwargs,
    )


@bp.get("")
@requires(Permission.translate_texts)
def worklist(slug: str):
    """What waits for the translators, most urgent first; ?to= keeps one language."""
    council = current_council()
    language = request.args.get("to")
    language = language if language in council.languages else None
    work = Worklist(council, language)
    page = paginate_open(work.keys, per_page=PER_PAGE)
    return render_template(
        "translate/worklist.html",
        council=council,
        language=language,
        page=page,
        entries=work.entries(page.items),
    )


@bp.route("/<kind>/<int:obj_id>", methods=["GET", "POST"])
@requires(Permission.translate_texts)
def translate(slug: str, kind: str, obj_id: int):
    council = current_council()
    obj = load(kind, obj_id)
    fields = services.fields_of(kind, obj)
    names = [name for name, _label, _value in fields]
    lang = target_language(council, {value.original for _name, _label, value in fields})
    form = translation_form(names)
    if form.validate_on_submit():
        with action() as done:
            changed = services.save_all(kind, obj, lang, form.texts(names), actor=current_user)
        if done:
            if changed:
                flash(_("The translation is saved."), "success")
            else:
                flash(_("Nothing was changed."), "info")
            return redirect(translate_url(kind, obj_id, lang))
    for errors in form.errors.values():
        flash(errors[0], "error")
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
        machine_allowed=services.may_use_machine(obj),
        typed=form.typed(names) if request.method == "POST" else None,
    )


@bp.post("/<kind>/<int:obj_id>/machine")
@requires(Permission.translate_texts)
def machine(slug: str, kind: str, obj_id: int):
    council = current_council()
    obj = load(kind, obj_id)
    form = MachineDraftForm()
    form.to.choices = council.languages
    form.field.choices = [text.name for text in services.KINDS[kind].texts(obj)]
    if not form.validate_on_submit():
        abort(400)
    lang, name = form.to.data, form.field.data
    if not machine_translation_enabled():
        flash(_("Machine translation is not set up on this site."), "error")
    else:
        with action() as done:
            services.machine_draft(kind, obj, name, lang, user=current_user)
        if done:
            flash(_("A machine draft is ready below. Check it, correct it and save it."), "success")
    return redirect(translate_url(kind, obj_id, lang, _anchor=f"field-{name}"))
