"""Consultations as the council builds and publishes them, and as the public finds them."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import defer

from app.auth import Access, Permission, can, current_council, get_in_council_or_404, requires
from app.consultations import models, services  # noqa: F401 - models: the tables exist
from app.consultations.forms import ConsultationForm, CouncilAnswerForm, QuestionForm
from app.consultations.models import Audience, Consultation, Question, QuestionKind
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db
from app.forms import ActionForm, AskTranslatorsForm
from app.i18n import current_locale
from app.minutes.pdf import pdf_response, stylesheet
from app.transactions import action
from app.urls import external_url
from app.voting.register import FEED_SOURCES, FeedEntry
from app.web import paginate

bp = Blueprint("consultations", __name__, url_prefix="/councils/<slug>/consultations")
PER_PAGE = 10


@bp.record_once
def offer_to_the_feed(state) -> None:
    state.app.extensions.setdefault(FEED_SOURCES, []).append(feed_entries)


@bp.app_template_global()
def item_consultations(meeting) -> dict[int, list[Consultation]]:
    """For a meeting's page (drawn by the meetings domain, which does not know this one): the
    published consultations that inform its agenda items, by item id."""
    found: dict[int, list[Consultation]] = {}
    for consultation in db.session.scalars(services.public_for_items(meeting)):
        found.setdefault(consultation.agenda_item_id, []).append(consultation)
    return found


def feed_entries(council, limit: int) -> list[FeedEntry]:
    """The council's published consultations in its feed (``app.voting.register``): news
    when one opens for answers, again when the council answers it."""
    host = urlsplit(external_url("site.home")).hostname or "localhost"
    found = []
    for consultation in db.session.scalars(
        services.consultations(council, include_drafts=False)
        .options(defer(Consultation.intro), defer(Consultation.answer))
        .limit(limit)
    ):
        published = consultation.published_at or consultation.created_at
        summary = _(
            "Answers from %(first)s to %(last)s",
            first=format_date(services.opens_on(consultation), "long"),
            last=format_date(services.closes_on(consultation), "long"),
        )
        found.append(
            FeedEntry(
                id=f"tag:{host},{published.date().isoformat()}:{council.slug}/consultations/"
                f"{consultation.id}",
                title=_("Consultation: %(title)s", title=consultation.title.shown().text),
                updated=max(published, consultation.answered_at or published),
                link=external_url(
                    "consultations.consultation", slug=council.slug, consultation_id=consultation.id
                ),
                summary=summary,
            )
        )
    return found


def load(consultation_id: int) -> Consultation:
    """The consultation of the URL's council; drafts only for those who run consultations
    (and, once shared, the translators)."""
    return get_in_council_or_404(
        Consultation, consultation_id, if_shared=Permission.translate_texts
    )


def load_question(consultation_id: int, question_id: int) -> Question:
    question = get_in_council_or_404(Question, question_id)
    if question.consultation_id != consultation_id:
        abort(404)
    return question


def consultation_url(consultation: Consultation, **kwargs) -> str:
    return url_for(
        "consultations.consultation",
        slug=consultation.council.slug,
        consultation_id=consultation.id,
        **kwargs,
    )


def details_from(form: ConsultationForm) -> services.ConsultationDetails:
    return services.ConsultationDetails(
        title=form.title.data,
        lang=form.lang.data,
        opens_on=form.opens_on.data,
        closes_on=form.closes_on.data,
        intro=form.intro.data or "",
        audience=Audience(form.audience.data),
    )


def question_from(form: QuestionForm) -> services.QuestionDetails:
    return services.QuestionDetails(
        kind=QuestionKind(form.kind.data),
        text=form.text.data,
        lang=form.lang.data,
        hint=form.hint.data or "",
        required=form.required.data,
        max_choices=form.max_choices.data,
        options=form.option_lines(),
    )


@bp.get("")
@requires(Access.anyone)
def consultations(slug: str):
    council = current_council()
    officer = can(current_user, Permission.manage_consultations, council)
    page = paginate(services.consultations(council, include_drafts=officer), per_page=PER_PAGE)
    return render_template(
        "consultations/list.html",
        council=council,
        page=page,
        officer=officer,
        now=utcnow(),
        last_days={c.id: services.closes_on(c) for c in page.items},
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.manage_consultations)
def new(slug: str):
    council = current_council()
    form = ConsultationForm()
    if request.method == "GET":
        form.lang.data = council.language_or_default(current_locale())
    if form.validate_on_submit():
        with action(form) as done:
            consultation = services.create_consultation(
                council, details_from(form), actor=current_user
            )
        if done:
            flash(_("The consultation is saved as a draft. Now add its questions."), "success")
            return redirect(consultation_url(consultation))
    return render_template("consultations/edit.html", form=form, council=council, consultation=None)


@bp.route("/<int:consultation_id>/edit", methods=["GET", "POST"])
@requires(Permission.manage_consultations)
def edit(slug: str, consultation_id: int):
    consultation = load(consultation_id)
    council = consultation.council
    lang = request.args.get("lang_edit") or consultation.title.original
    form = ConsultationForm()
    if request.method == "GET":
        form.process(
            data={
                "lang": lang,
                "title": consultation.title.get(lang),
                "intro": consultation.intro.get(lang),
                "opens_on": services.opens_on(consultation),
                "closes_on": services.closes_on(consultation),
                "audience": consultation.audience.value,
            }
        )
    if form.validate_on_submit():
        with action(form) as done:
            services.update_consultation(consultation, details_from(form), actor=current_user)
        if done:
            flash(_("The consultation is saved."), "success")
            return redirect(consultation_url(consultation))
    return render_template(
        "consultations/edit.html", form=form, council=council, consultation=consultation
    )


@bp.get("/<int:consultation_id>")
@requires(Access.anyone)
def consultation(slug: str, consultation_id: int):
    consultation = load(consultation_id)
    council = consultation.council
    officer = can(current_user, Permission.manage_consultations, council)
    now = utcnow()
    return render_template(
        "consultations/consultation.html",
        consultation=consultation,
        council=council,
        officer=officer,
        now=now,
        is_open=consultation.is_open(now),
        has_closed=consultation.has_closed(now),
        opens_on=services.opens_on(consultation),
        closes_on=services.closes_on(consultation),
        items=services.items_to_bring_to(council) if officer else [],
        form=ActionForm(),
    )


@bp.get("/<int:consultation_id>/paper.pdf")
@requires(Access.anyone)
def paper(slug: str, consultation_id: int):
    """The questionnaire to print, in the reader's language (``?lang=``), right-to-left
    included: boxes to tick, numbers to circle, lines to write on."""
    consultation = load(consultation_id)
    page = render_template(
        "consultations/paper.html",
        consultation=consultation,
        council=consultation.council,
        opens_on=services.opens_on(consultation),
        closes_on=services.closes_on(consultation),
        online=external_url("responses.start", slug=slug, consultation_id=consultation.id),
        stylesheet=stylesheet(current_app.static_folder or ""),
    )
    return pdf_response(page, f"consultation-{consultation.id}-{current_locale()}.pdf")


@bp.route("/<int:consultation_id>/questions/new", methods=["GET", "POST"])
@requires(Permission.manage_consultations)
def new_question(slug: str, consultation_id: int):
    consultation = load(consultation_id)
    form = QuestionForm()
    if request.method == "GET":
        form.lang.data = consultation.title.original
        form.kind.data = QuestionKind.single.value
    if form.validate_on_submit():
        with action(form) as done:
            services.add_question(consultation, question_from(form), actor=current_user)
        if done:
            flash(_("The question is added."), "success")
            if request.form.get("then") == "another":
                return redirect(
                    url_for(
                        "consultations.new_question",
                        slug=slug,
                        consultation_id=consultation.id,
                    )
                )
            return redirect(consultation_url(consultation, _anchor="questions"))
    return render_template(
        "consultations/question.html",
        form=form,
        council=consultation.council,
        consultation=consultation,
        question=None,
    )


@bp.route("/<int:consultation_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@requires(Permission.manage_consultations)
def edit_question(slug: str, consultation_id: int, question_id: int):
    consultation = load(consultation_id)
    question = load_question(consultation.id, question_id)
    lang = request.args.get("lang_edit") or question.text.original
    form = QuestionForm()
    if request.method == "GET":
        form.process(
            data={
                "lang": lang,
                "kind": question.kind.value,
                "text": question.text.get(lang),
                "hint": question.hint.get(lang),
                "options": "\n".join(option.label.get(lang) for option in question.options),
                "max_choices": question.max_choices,
                "required": question.required,
            }
        )
    if form.validate_on_submit():
        with action(form) as done:
            services.update_question(question, question_from(form), actor=current_user)
        if done:
            flash(_("The question is saved."), "success")
            return redirect(consultation_url(consultation, _anchor=f"question-{question.id}"))
    return render_template(
        "consultations/question.html",
        form=form,
        council=consultation.council,
        consultation=consultation,
        question=question,
    )


@bp.route("/<int:consultation_id>/questions/<int:question_id>/remove", methods=["GET", "POST"])
@requires(Permission.manage_consultations)
def remove_question(slug: str, consultation_id: int, question_id: int):
    consultation = load(consultation_id)
    question = load_question(consultation.id, question_id)
    form = ActionForm()
    if form.validate_on_submit():
        with action() as done:
            services.remove_question(question, actor=current_user)
        if done:
            flash(_("The question is removed."), "success")
        return redirect(consultation_url(consultation, _anchor="questions"))
    return render_template(
        "consultations/confirm_remove_question.html",
        form=form,
        council=consultation.council,
        consultation=consultation,
        question=question,
    )


@bp.post("/<int:consultation_id>/questions/<int:question_id>/move")
@requires(Permission.manage_consultations)
def move_question(slug: str, consultation_id: int, question_id: int):
    consultation = load(consultation_id)
    question = load_question(consultation.id, question_id)
    form = ActionForm()
    if form.validate_on_submit():
        step = -1 if request.form.get("direction") == "up" else 1
        with action():
            services.move_question(question, step, actor=current_user)
    return redirect(consultation_url(consultation, _anchor=f"question-{question.id}"))


@bp.route("/<int:consultation_id>/publish", methods=["GET", "POST"])
@requires(Permission.manage_consultations)
def publish(slug: str, consultation_id: int):
    consultation = load(consultation_id)
    form = ActionForm()
    if form.validate_on_submit():
        with action() as done:
            services.publish_consultation(consultation, actor=current_user)
        if done:
            flash(
                _("The consultation is published: it is on the council’s page and in its feeds."),
                "success",
            )
        return redirect(consultation_url(consultation))
    return render_template(
        "consultations/confirm_publish.html",
        form=form,
        council=consultation.council,
        consultation=consultation,
        opens_on=services.opens_on(consultation),
        closes_on=services.closes_on(consultation),
    )


@bp.post("/<int:consultation_id>/translators")
@requires(Permission.manage_consultations)
def ask_translators(slug: str, consultation_id: int):
    consultation = load(consultation_id)
    form = AskTranslatorsForm()
    if form.validate_on_submit():
        asked = form.asked.data == "yes"
        with action() as done:
            services.share(consultation, asked, actor=current_user)
        if done:
            flash(
                _("The translators can now see this draft and translate it.")
                if asked
                else _("The translators no longer see this draft."),
                "success",
            )
    return redirect(consultation_url(consultation))


@bp.post("/<int:consultation_id>/agenda-item")
@requires(Permission.manage_consultations)
def bring_to_item(slug: str, consultation_id: int):
    """Bring the results to a meeting: an item of a meeting to come, or none."""
    consultation = load(consultation_id)
    form = ActionForm()
    if form.validate_on_submit():
        wanted = request.form.get("item", "")
        items = {str(item.id): item for item in services.items_to_bring_to(consultation.council)}
        with action() as done:
            if wanted and wanted not in items:
                raise DomainError(_("Choose an item of a meeting that has not ended."))
            services.bring_to_item(consultation, items.get(wanted), actor=current_user)
        if done:
            flash(
                _("The results are on the agenda of the meeting, with the item.")
                if wanted
                else _("The results are no longer linked to a meeting."),
                "success",
            )
    return redirect(consultation_url(consultation, _anchor="meeting"))


@bp.route("/<int:consultation_id>/answer", methods=["GET", "POST"])
@requires(Permission.manage_consultations)
def answer(slug: str, consultation_id: int):
    consultation = load(consultation_id)
    form = CouncilAnswerForm()
    if request.method == "GET":
        lang = consultation.answer.original if consultation.answer.texts else None
        form.lang.data = lang or consultation.title.original
        form.answer.data = consultation.answer.get(form.lang.data)
    if form.validate_on_submit():
        with action(form) as done:
            services.answer_consultation(
                consultation, form.answer.data, form.lang.data, actor=current_user
            )
        if done:
            flash(_("The council’s answer is published with the results."), "success")
            return redirect(consultation_url(consultation, _anchor="answer"))
    return render_template(
        "consultations/answer.html",
        form=form,
        council=consultation.council,
        consultation=consultation,
    )
