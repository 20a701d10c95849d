import logging
import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app import web
from app.auth import Access, Permission, can, current_council, get_in_council_or_404, requires
from app.background import after_response
from app.forms import ActionForm, AskTranslatorsForm
from app.i18n import UNKNOWN, all_languages, current_locale, endonym
from app.mail import mail_enabled, queue_email
from app.proposals import emails, links, services, supporters, tracking
from app.proposals.forms import (
    AnswerForm,
    AnswerStep,
    ContactForm,
    FilterForm,
    LostLinkForm,
    PrivacyEditForm,
    ProposalForm,
    ResubmitForm,
    SupportByEmailForm,
    answer_steps,
)
from app.proposals.models import PUBLIC_STATES, Proposal, ProposalState, Topic
from app.tokens import new_token, seal_text, unseal_text
from app.transactions import action
from app.urls import external_url
from app.web import paginate

bp = Blueprint("proposals", __name__, url_prefix="/councils/<slug>/proposals")
log = logging.getLogger(__name__)
PER_PAGE = 20
#: Receipts kept in the session so that a double click shows the same receipt.
RECEIPTS_KEPT = 5
#: What receipts in the session cookie are sealed for.
RECEIPT = "proposal receipt"


@bp.after_request
def keep_secret_links_private(response):
    """Receipts and tracking pages carry a secret link: never cache them, never index them."""
    if request.endpoint in ("proposals.receipt", "proposals.track", "proposals.confirm_email"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def proposal_url(proposal: Proposal, **kwargs) -> str:
    return url_for(
        "proposals.proposal", slug=proposal.council.slug, proposal_id=proposal.id, **kwargs
    )


def language_choices(council) -> list[tuple[str, str]]:
    """The list's language filter: the council's languages, and all the others together."""
    return [(code, endonym(code)) for code in council.languages] + [
        (services.OTHER_LANGUAGES, _("Other languages"))
    ]


def answer_language(proposal: Proposal) -> str:
    """The author reads the answer first: in the proposal's language when the council offers
    it, else in the language of the person writing (or the council's own)."""
    council = proposal.council
    for code in (proposal.lang, current_locale()):
        if code in council.languages:
            return code
    return council.default_language


def writing_languages(council) -> dict[str, list[tuple[str, str]]]:
    """What a proposal may be written in: the council's languages first, then every other
    language named in the reader's language and in itself, then "not in the list"."""
    offered = set(council.languages)
    return {
        _("Languages of the council"): [(code, endonym(code)) for code in council.languages],
        _("All languages"): [(c, label) for c, label in all_languages() if c not in offered]
        + [(UNKNOWN, _("Another language (not in the list)"))],
    }


def qr_code(link: str) -> Markup:
    """The link as a QR code to photograph: inline SVG, drawn on the server."""
    return web.qr_code(link, _("QR code of your tracking link"))


def keep_link(council, proposal: Proposal, token: str) -> dict:
    """What the receipt and the tracking page show to keep a proposal: link, code, QR code."""
    link = external_url("proposals.track", slug=council.slug, token=token)
    return {
        "link": link,
        "reference": tracking.format_reference(proposal.reference),
        "qr": qr_code(link),
    }


@bp.get("")
@requires(Access.anyone)
def proposals(slug: str):
    council = current_council()
    form = FilterForm(request.args)
    filters = services.Filters(**form.filters())
    page = paginate(services.public_proposals(council, filters), per_page=PER_PAGE, by_key=True)
    return render_template(
        "proposals/list.html",
        council=council,
        page=page,
        filters=filters,
        topics=Topic,
        states=[s for s in ProposalState if s in PUBLIC_STATES],
        languages=language_choices(council),
        moderator=can(current_user, Permission.manage_proposals, council),
    )


def _remember_receipt(key: str, proposal: Proposal, token: str) -> None:
    receipts = dict(session.get("receipts", {}))
    # Sealed: Flask signs its session cookie but does not encrypt it.
    receipts[key] = {"id": proposal.id, "token": seal_text(RECEIPT, token)}
    session["receipts"] = dict(list(receipts.items())[-RECEIPTS_KEPT:])


def _email_receipt(proposal: Proposal, token: str) -> bool:
    """Queue the author's tracking link; False when there is nobody or nothing to send with."""
    if not proposal.contact_email or not mail_enabled():
        return False
    link = external_url("proposals.track", slug=proposal.council.slug, token=token)
    body = render_template(
        "proposals/email/receipt.txt",
        proposal=proposal,
        link=link,
        reference=tracking.format_reference(proposal.reference),
    )
    subject = _("Your proposal: %(title)s", title=proposal.title.shown().text)
    queue_email(proposal.contact_email, subject, body, locale=current_locale())
    return True


@bp.route("/new", methods=["GET", "POST"])
@requires(Access.anyone)
def new(slug: str):
    council = current_council()
    form = ProposalForm()
    form.lang.choices = writing_languages(council)
    if request.method == "GET":
        form.submission_key.data = secrets.token_urlsafe(16)
        locale = current_locale()
        form.lang.data = council.language_or_default(locale)
    if form.validate_on_submit():
        key = (form.submission_key.data or "")[:64] or secrets.token_urlsafe(16)
        with action(form) as done:
            proposal, token = services.submit(
                council,
                services.Submission(
                    title=form.title.data,
                    body=form.body.data,
                    topic=form.topic.data,
                    lang=form.lang.data,
                    author_name=form.author_name.data or "",
                    contact_email=form.contact_email.data or "",
                    contact_consent=form.contact_consent.data,
                    contact_locale=current_locale(),
                    website=form.website.data or "",
                ),
                author=current_user,
                address=request.remote_addr,
                submission_key=key,
            )
            emailed = proposal is not None and token is not None and _email_receipt(proposal, token)
        if done:
            if proposal is None or token is None:
                # A robot filled the hidden field: answer as if all went well; nothing was stored.
                return render_template("proposals/received.html", council=council, keep=None)
            _remember_receipt(key, proposal, token)
            if emailed:
                flash(_("We are emailing you the tracking link."), "success")
            return redirect(url_for("proposals.receipt", slug=slug, key=key))
        if isinstance(done.exception, services.AlreadyReceived) and key in session.get(
            "receipts", {}
        ):
            form.form_errors.clear()
            flash(_("Your proposal was already received: it is stored only once."), "info")
            return redirect(url_for("proposals.receipt", slug=slug, key=key))
    return render_template("proposals/new.html", form=form, council=council)


@bp.get("/received/<key>")
@requires(Access.anyone)
def receipt(slug: str, key: str):
    """What was just sent, with its tracking link: only in the session that sent it."""
    council = current_council()
    receipt = session.get("receipts", {}).get(key)
    token = unseal_text(RECEIPT, receipt.get("token", "")) if isinstance(receipt, dict) else None
    if token is None:
        abort(404)
    proposal = get_in_council_or_404(Proposal, receipt["id"], by_private_link=True)
    return render_template(
        "proposals/received.html",
        council=council,
        proposal=proposal,
        keep=keep_link(council, proposal, token),
    )


@bp.route("/track/<token>", methods=["GET", "POST"])
@requires(Access.anyone)
def track(slug: str, token: str):
    """The author's private page: the whole history, and changes when the council asks."""
    council = current_council()
    proposal = _tracked(council, token)
    form = ResubmitForm()
    if request.method == "GET":
        form.process(
            data={
                "title": proposal.title.get(proposal.title.original),
                "body": proposal.body.get(proposal.body.original),
            }
        )
    if proposal.state is ProposalState.changes_requested and form.validate_on_submit():
        with action(form) as done:
            services.resubmit(proposal, title=form.title.data, body=form.body.data)
        if done:
            flash(_("Thank you. The council will look at the new version."), "success")
            return redirect(url_for("proposals.track", slug=slug, token=token))
    return _tracking_page(council, proposal, token, form=form)


def _tracked(council, token: str) -> Proposal:
    proposal = services.find_by_token(token)
    if proposal is None or proposal.council_id != council.id:
        abort(404)
    return proposal


def _tracking_page(council, proposal, token, *, form=None, contact_form=None):
    return render_template(
        "proposals/track.html",
        council=council,
        proposal=proposal,
        form=form or ResubmitForm(formdata=None),
        token=token,
        keep=keep_link(council, proposal, token),
        contact_form=contact_form or ContactForm(formdata=None),
        usual_days=tracking.usual_answer_days(council),
        mail=mail_enabled(),
    )


@bp.post("/track/<token>/email")
@requires(Access.anyone)
def add_contact(slug: str, token: str):
    """The author gives an address after all: it is saved once the link sent to it is opened."""
    council = current_council()
    proposal = _tracked(council, token)
    if not mail_enabled():
        abort(404)
    form = ContactForm()
    if form.validate_on_submit():
        confirm_token = new_token()[0]
        link = external_url("proposals.confirm_email", slug=slug, token=confirm_token)
        with action(form) as done:
            tracking.request_contact(proposal, form.email.data, confirm_token)
            emails.send_contact_link(proposal, form.email.data, link)
        if done:
            return redirect(url_for("proposals.check_inbox", slug=slug, about="contact"))
    return _tracking_page(council, proposal, token, contact_form=form)


@bp.route("/lost-link", methods=["GET", "POST"])
@requires(Access.anyone)
def lost_link(slug: str):
    """The tracking link again, for the reference code and the author's address. Whether they
    match is found out after the response: every code and address get the same page."""
    council = current_council()
    form = LostLinkForm()
    if mail_enabled() and form.validate_on_submit():
        token = new_token()[0]
        link = external_url("proposals.track", slug=slug, token=token)
        reference, address = form.reference.data, form.email.data
        after_response(
            emails.link_requested, council.id, reference, address, token, link, current_locale()
        )
        return redirect(url_for("proposals.check_inbox", slug=slug, about="link"))
    return render_template(
        "proposals/lost_link.html", council=council, form=form, mail=mail_enabled()
    )


@bp.get("/check-inbox")
@requires(Access.anyone)
def check_inbox(slug: str):
    about = request.args.get("about", "")
    return render_template(
        "proposals/check_inbox.html",
        council=current_council(),
        about=about if about in ("support", "contact", "link") else "link",
        link_hours=int(current_app.config["EMAIL_LINK_LIFETIME"].total_seconds() // 3600),
    )


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@requires(Access.anyone)
def confirm_email(slug: str, token: str):
    """A link sent by email: a support to count, or an author's address to save. Opening it
    changes nothing (mail scanners open links); the button on the page does."""
    council = current_council()
    found = links.find_request(token)
    if found is None or found.proposal.council_id != council.id:
        return render_template("proposals/link_invalid.html", council=council), 404
    proposal, purpose = found.proposal, found.purpose
    form = ActionForm()
    if form.validate_on_submit():
        with action() as done:
            if purpose == "support":
                added = supporters.confirm_support(found)
            else:
                tracking.confirm_contact(found)
        if done and purpose == "support":
            if added:
                flash(_("Thank you: your support is counted."), "success")
            else:
                flash(_("Your support was already counted."), "info")
        elif done:
            flash(_("Your email address is saved."), "success")
            return redirect(url_for("proposals.proposals", slug=slug))
        return redirect(proposal_url(proposal))
    return render_template(
        "proposals/confirm_email.html",
        council=council,
        proposal=proposal,
        purpose=purpose,
        form=form,
    )


@bp.get("/<int:proposal_id>")
@requires(Access.anyone)
def proposal(slug: str, proposal_id: int):
    return _proposal_page(get_in_council_or_404(Proposal, proposal_id))


def _proposal_page(proposal: Proposal, support_form=None):
    council = proposal.council
    return render_template(
        "proposals/proposal.html",
        council=council,
        proposal=proposal,
        moderator=can(current_user, Permission.manage_proposals, council),
        endorsed=services.has_endorsed(proposal, current_user),
        needs_agenda=services.needs_agenda(proposal),
        form=ActionForm(),
        support_form=support_form or SupportByEmailForm(formdata=None),
        mail=mail_enabled(),
        show_original=request.args.get("original") == "1",
    )


@bp.post("/<int:proposal_id>/support")
@requires(Access.signed_in)
def endorse(slug: str, proposal_id: int):
    proposal = get_in_council_or_404(Proposal, proposal_id)
    with action() as done:
        added = services.endorse(proposal, current_user)
    if done and added:
        flash(_("Thank you: your support is counted."), "success")
    elif done:
        flash(_("You already support this proposal."), "info")
    return redirect(proposal_url(proposal))


@bp.post("/<int:proposal_id>/support-by-email")
@requires(Access.anyone)
def support_by_email(slug: str, proposal_id: int):
    """Support without an account. Whether the address supports it already is found out after
    the response: every address gets the same page in the same time."""
    proposal = get_in_council_or_404(Proposal, proposal_id)
    if not mail_enabled():
        abort(404)
    if proposal.state not in supporters.SUPPORTABLE:
        flash(_("This proposal cannot be supported any more."), "error")
        return redirect(proposal_url(proposal))
    form = SupportByEmailForm()
    if not form.validate_on_submit():
        return _proposal_page(proposal, support_form=form)
    token = new_token()[0]
    link = external_url("proposals.confirm_email", slug=slug, token=token)
    after_response(
        emails.support_requested, proposal.id, form.email.data, token, link, current_locale()
    )
    return redirect(url_for("proposals.check_inbox", slug=slug, about="support"))


@bp.get("/review")
@requires(Permission.manage_proposals)
def queue(slug: str):
    council = current_council()
    page = paginate(services.moderation_queue(council), per_page=PER_PAGE)
    return render_template(
        "proposals/queue.html", council=council, page=page, needs_agenda=services.needs_agenda
    )


@bp.route("/<int:proposal_id>/answer", methods=["GET", "POST"])
@requires(Permission.manage_proposals)
def answer(slug: str, proposal_id: int):
    """Nothing is chosen in advance: each step is its own button, and a final one (decline,
    reject) is asked again on a confirmation page before anything changes."""
    proposal = get_in_council_or_404(Proposal, proposal_id)
    council = proposal.council
    steps = answer_steps(proposal)
    if not steps:
        flash(_("This proposal has reached its final state."), "info")
        return redirect(proposal_url(proposal))
    form = AnswerForm()
    form.lang.choices = [(code, endonym(code)) for code in council.languages]
    if request.method == "GET":
        form.lang.data = answer_language(proposal)
    if form.validate_on_submit() and not form.change.data:
        step = steps.get(form.step.data or "")
        if step is None:
            form.form_errors.append(_("Choose what the council does with the proposal."))
        elif step.final and form.confirmed.data != step.value:
            with action(form) as done:
                services.check_step(
                    proposal, step.target, answer=form.answer.data or "", lang=form.lang.data
                )
            if done:
                return render_template(
                    "proposals/confirm_answer.html",
                    council=council,
                    proposal=proposal,
                    form=form,
                    step=step,
                )
        elif _take_step(proposal, step, form):
            flash(_("Saved: the proposal is now “%(state)s”.", state=step.target.label), "success")
            return redirect(proposal_url(proposal))
    return render_template(
        "proposals/answer.html",
        council=council,
        proposal=proposal,
        form=form,
        steps=steps.values(),
        plan_a_meeting=_could_be_scheduled(proposal) and not any(s.meeting for s in steps.values()),
    )


@bp.post("/<int:proposal_id>/translators")
@requires(Permission.manage_proposals)
def ask_translators(slug: str, proposal_id: int):
    """A proposal under review, read in the officers' own language: the translators see its
    text (never who sent it)."""
    proposal = get_in_council_or_404(Proposal, proposal_id)
    form = AskTranslatorsForm()
    if form.validate_on_submit():
        asked = form.asked.data == "yes"
        with action() as done:
            changed = services.ask_translators(proposal, asked, actor=current_user)
        if done and asked:
            flash(
                _("The translators can now see the text of this proposal, and translate it."),
                "success" if changed else "info",
            )
        elif done:
            flash(
                _("The translators no longer see this proposal."), "success" if changed else "info"
            )
    return redirect(proposal_url(proposal))


def _could_be_scheduled(proposal: Proposal) -> bool:
    allowed = services.allowed_steps(proposal)
    return ProposalState.scheduled in allowed or ProposalState.accepted in allowed


def _take_step(proposal: Proposal, step: AnswerStep, form: AnswerForm) -> bool:
    answer = {"answer": form.answer.data or "", "lang": form.lang.data, "actor": current_user}
    with action(form) as done:
        if step.meeting is not None:
            services.accept_and_schedule(proposal, step.meeting.id, **answer)
        else:
            services.change_state(proposal, step.target, **answer)
    return bool(done)


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@requires(Permission.manage_proposals)
def privacy_edit(slug: str, proposal_id: int):
    proposal = get_in_council_or_404(Proposal, proposal_id)
    form = PrivacyEditForm()
    if request.method == "GET":
        form.process(
            data={
                "title": proposal.title.get(proposal.title.original),
                "body": proposal.body.get(proposal.body.original),
            }
        )
    if form.validate_on_submit():
        with action(form) as done:
            services.edit_for_privacy(
                proposal,
                title=form.title.data,
                body=form.body.data,
                reason=form.reason.data,
                actor=current_user,
            )
        if done:
            flash(_("The text is edited and the reason recorded."), "success")
            return redirect(proposal_url(proposal))
    return render_template(
        "proposals/privacy_edit.html", council=proposal.council, proposal=proposal, form=form
    )
