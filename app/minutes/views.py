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
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Access, Permission, can, current_council, get_in_council_or_404, requires
from app.forms import ActionForm
from app.i18n import UI_LOCALES, current_locale, format_local, language_name
from app.meetings.models import Meeting
from app.minutes import services
from app.minutes.forms import ApprovalForm, CorrectionForm, DraftForm, MinutesForm
from app.minutes.models import Minutes, MinutesState
from app.minutes.pdf import pdf_response, stylesheet
from app.transactions import action
from app.urls import external_url
from app.voting.register import FEED_SOURCES, MINUTES, FeedEntry

bp = Blueprint("minutes", __name__, url_prefix="/councils/<slug>")


class ForTheRegister:
    """What the register of decisions (``app.voting``, below this domain) shows of minutes:
    links to the published minutes of its meetings, and entries in its feed."""

    @staticmethod
    def links(meeting_ids: set[int]) -> dict[int, str]:
        slug = current_council().slug
        return {
            meeting_id: external_url("minutes.minutes", slug=slug, minutes_id=minutes_id)
            for minutes_id, meeting_id in services.published_ids(meeting_ids)
        }

    @staticmethod
    def feed(council, limit: int) -> list[FeedEntry]:
        host = urlsplit(external_url("site.home")).hostname or "localhost"
        entries = []
        for minutes in services.published(council, limit):
            summary = _(
                "Minutes of the meeting of %(date)s, version %(number)s.",
                date=format_local(minutes.meeting_starts_at, council.timezone, "long", "date"),
                number=minutes.revision,
            )
            if minutes.correction:
                summary += " " + _("Corrected: %(note)s", note=minutes.correction)
            published = minutes.published_at
            entries.append(
                FeedEntry(
                    id=f"tag:{host},{published.date().isoformat()}:{council.slug}/minutes/"
                    f"{minutes.id}",
                    title=_("Minutes: %(meeting)s", meeting=minutes.meeting_title.shown().text),
                    updated=max(published, minutes.revised_at or published),
                    link=external_url("minutes.minutes", slug=council.slug, minutes_id=minutes.id),
                    summary=summary,
                )
            )
        return entries


@bp.record_once
def offer_to_the_register(state) -> None:
    state.app.extensions[MINUTES] = ForTheRegister
    state.app.extensions.setdefault(FEED_SOURCES, []).append(ForTheRegister.feed)


def minutes_url(minutes: Minutes, endpoint: str = "minutes.minutes", **kwargs) -> str:
    return url_for(endpoint, slug=minutes.council.slug, minutes_id=minutes.id, **kwargs)


def load(minutes_id: int) -> Minutes:
    return get_in_council_or_404(Minutes, minutes_id)


@bp.app_template_global()
def meeting_minutes(meeting: Meeting) -> Minutes | None:
    """The minutes of a meeting page, if its reader may see them."""
    minutes = services.minutes_of(meeting)
    if minutes is None or minutes.is_public:
        return minutes
    return minutes if can(current_user, Permission.manage_meetings, meeting.council) else None


@bp.get("/meetings/<int:meeting_id>/minutes")
@requires(Access.anyone)
def for_meeting(slug: str, meeting_id: int):
    """The minutes of a meeting, or for its officers, the way to draft them."""
    meeting = get_in_council_or_404(Meeting, meeting_id)
    minutes = services.minutes_of(meeting)
    officer = can(current_user, Permission.manage_meetings, meeting.council)
    if minutes is not None and (minutes.is_public or officer):
        return redirect(minutes_url(minutes))
    if not officer:
        abort(404)
    form = DraftForm()
    form.lang.choices = draft_languages(meeting)
    form.lang.data = current_locale()
    return render_template("minutes/none.html", meeting=meeting, council=meeting.council, form=form)


def draft_languages(meeting: Meeting) -> list[tuple[str, str]]:
    """The council's languages the interface speaks: the draft's headings are in it."""
    codes = [code for code in meeting.council.languages if code in UI_LOCALES] or ["en"]
    if current_locale() in UI_LOCALES and current_locale() not in codes:
        codes.insert(0, current_locale())
    return [(code, language_name(code)) for code in codes]


@bp.post("/meetings/<int:meeting_id>/minutes")
@requires(Permission.manage_meetings)
def start(slug: str, meeting_id: int):
    meeting = get_in_council_or_404(Meeting, meeting_id)
    form = DraftForm()
    form.lang.choices = draft_languages(meeting)
    if not form.validate_on_submit():
        flash(_("Choose the language of the minutes."), "error")
        return redirect(url_for("minutes.for_meeting", slug=slug, meeting_id=meeting.id))
    with action() as done:
        minutes = services.start_draft(meeting, form.lang.data, actor=current_user)
    if not done:
        return redirect(url_for("minutes.for_meeting", slug=slug, meeting_id=meeting.id))
    flash(_("The draft is ready: check it and write what the meeting said."), "success")
    return redirect(minutes_url(minutes, "minutes.edit"))


@bp.get("/minutes/<int:minutes_id>")
@requires(Access.anyone)
def minutes(slug: str, minutes_id: int):
    minutes = load(minutes_id)
    meeting = minutes.meeting
    return render_template(
        "minutes/minutes.html",
        minutes=minutes,
        meeting=meeting,
        council=meeting.council,
        officer=can(current_user, Permission.manage_meetings, meeting.council),
        form=ActionForm(),
        State=MinutesState,
    )


@bp.get("/minutes/<int:minutes_id>.pdf")
@requires(Access.anyone)
def pdf(slug: str, minutes_id: int):
    minutes = load(minutes_id)
    meeting = minutes.meeting
    page = render_template(
        "minutes/document.html",
        minutes=minutes,
        meeting=meeting,
        council=meeting.council,
        State=MinutesState,
        stylesheet=stylesheet(current_app.static_folder or ""),
    )
    return pdf_response(page, f"minutes-{meeting.starts_at:%Y-%m-%d}-{minutes.id}.pdf")


@bp.route("/minutes/<int:minutes_id>/edit", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def edit(slug: str, minutes_id: int):
    minutes = load(minutes_id)
    if minutes.state is MinutesState.published:
        return redirect(minutes_url(minutes, "minutes.correct"))
    form = MinutesForm()
    return _editing(minutes, form, "minutes/edit.html", save=_save_draft)


@bp.route("/minutes/<int:minutes_id>/correct", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def correct(slug: str, minutes_id: int):
    minutes = load(minutes_id)
    if minutes.state is not MinutesState.published:
        return redirect(minutes_url(minutes, "minutes.edit"))
    form = CorrectionForm()
    return _editing(minutes, form, "minutes/correct.html", save=_save_correction)


def _save_draft(minutes: Minutes, form: MinutesForm) -> None:
    if services.save_text(minutes, form.text.data, base=form.base.data, actor=current_user):
        flash(_("The minutes are saved (version %(number)s).", number=minutes.revision), "success")
    else:
        flash(_("Nothing changed: the minutes are as they were."), "info")


def _save_correction(minutes: Minutes, form: CorrectionForm) -> None:
    services.correct(
        minutes, form.text.data, form.note.data, base=form.base.data, actor=current_user
    )
    flash(_("The correction is published with its note."), "success")


def _editing(minutes: Minutes, form, template: str, *, save):
    """One page for writing: Preview shows the text as readers will see it, keeping what was
    typed; Save stores it, unless someone saved since (then both versions are shown)."""
    current = services.current_revision(minutes)
    conflict = None
    preview = None
    if request.method == "GET":
        form.text.data = current.text
        form.base.data = minutes.revision
    elif form.validate_on_submit():
        if "preview" in request.form:
            preview = form.text.data
        else:
            with action(form) as done:
                save(minutes, form)
            if done:
                return redirect(minutes_url(minutes))
            if isinstance(done.exception, services.StaleSave):
                conflict = services.diff(done.exception.current.text, form.text.data)
                # Saving again now starts from the current version, on purpose.
                form.base.data = minutes.revision
                form.base.raw_data = [str(minutes.revision)]
    return render_template(
        template,
        minutes=minutes,
        meeting=minutes.meeting,
        council=minutes.council,
        form=form,
        current=current,
        preview=preview,
        conflict=conflict,
        lang=current.lang,
    )


@bp.get("/minutes/<int:minutes_id>/history")
@requires(Permission.manage_meetings)
def history(slug: str, minutes_id: int):
    """Every version, and what changed between any two (?from=&to=)."""
    minutes = load(minutes_id)
    last = minutes.revision
    new_number = request.args.get("to", last, type=int)
    old_number = request.args.get("from", max(new_number - 1, 1), type=int)
    new = services.revision(minutes, new_number) or services.current_revision(minutes)
    old = services.revision(minutes, old_number) or minutes.revisions[0]
    return render_template(
        "minutes/history.html",
        minutes=minutes,
        meeting=minutes.meeting,
        council=minutes.council,
        old=old,
        new=new,
        lines=services.diff(old.text, new.text),
    )


@bp.route("/minutes/<int:minutes_id>/approve", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def approve(slug: str, minutes_id: int):
    minutes = load(minutes_id)
    form = ApprovalForm()
    items = services.approvable_items(minutes)
    form.item.choices = [(0, _("Choose an item"))] + [
        (
            item.id,
            f"{format_day(item.meeting)} – {item.position}. {item.title.shown().text}",
        )
        for item in items
    ]
    chair = can(current_user, Permission.approve_minutes, minutes.council)
    if request.method == "GET":
        form.by.data = "chair" if chair else "meeting"
    elif form.validate_on_submit():
        at_item = None
        if form.by.data == "meeting":
            at_item = next((item for item in items if item.id == form.item.data), None)
            if at_item is None:
                form.item.errors = [_("Choose the item at which the council approved them.")]
        if not form.item.errors:
            with action(form) as done:
                services.approve(minutes, actor=current_user, at_item=at_item)
            if done:
                flash(_("The minutes are approved. They can now be published."), "success")
                return redirect(minutes_url(minutes))
    return render_template(
        "minutes/approve.html",
        minutes=minutes,
        meeting=minutes.meeting,
        council=minutes.council,
        form=form,
        chair=chair,
        items=items,
    )


def format_day(meeting: Meeting) -> str:
    return format_local(meeting.starts_at, meeting.council.timezone, "medium", "date")


@bp.post("/minutes/<int:minutes_id>/reopen")
@requires(Permission.manage_meetings)
def reopen(slug: str, minutes_id: int):
    minutes = load(minutes_id)
    with action() as done:
        services.reopen(minutes, actor=current_user)
    if done:
        flash(_("The minutes are a draft again; they need a new approval."), "success")
    return redirect(minutes_url(minutes))


@bp.route("/minutes/<int:minutes_id>/publish", methods=["GET", "POST"])
@requires(Permission.manage_meetings)
def publish(slug: str, minutes_id: int):
    minutes = load(minutes_id)
    form = ActionForm()
    if form.validate_on_submit():
        with action() as done:
            services.publish(minutes, actor=current_user)
        if done:
            flash(_("The minutes are published: anyone can read them."), "success")
        return redirect(minutes_url(minutes))
    return render_template(
        "minutes/confirm_publish.html",
        minutes=minutes,
        meeting=minutes.meeting,
        council=minutes.council,
        form=form,
    )
