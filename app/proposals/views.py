import logging
import secrets
import smtplib

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Access, Permission, can, current_council, get_in_council_or_404, requires
from app.forms import ActionForm
from app.i18n import current_locale, endonym
from app.mail import mail_enabled, send_email
from app.proposals import services
from app.proposals.forms import (
    AnswerForm,
    AnswerStep,
    FilterForm,
    PrivacyEditForm,
    ProposalForm,
    ResubmitForm,
    answer_steps,
)
from app.proposals.models import PUBLIC_STATES, Proposal, ProposalState, Topic
from app.transactions import action
from app.urls import external_url
from app.web import paginate

bp = Blueprint("proposals", __name__, url_prefix="/councils/<slug>/proposals")
log = logging.getLogger(__name__)
PER_PAGE = 20
#: Receipts kept in the session so that a double click shows the same receipt.
RECEIPTS_KEPT = 5


@bp.after_request
def keep_secret_links_private(response):
    """Receipts and tracking pages carry a secret link: never cache them, never index them."""
    if request.endpoint in ("proposals.receipt", "proposals.track"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def proposal_url(proposal: Proposal, **kwargs) -> str:
    return url_for(
        "proposals.proposal", slug=proposal.council.slug, proposal_id=proposal.id, **kwargs
    )


def language_choices(council) -> list[tuple[str, str]]:
    return [(code, endonym(code)) for code in council.languages] + [
        ("other", _("Another language"))
    ]


@bp.get("")
@requires(Access.anyone)
def proposals(slug: str):
    council = current_council()
    form = FilterForm(request.args)
    filters = services.Filters(**form.filters())
    page = paginate(services.public_proposals(council, filters), per_page=PER_PAGE)
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
    receipts[key] = {"id": proposal.id, "token": token}
    session["receipts"] = dict(list(receipts.items())[-RECEIPTS_KEPT:])


def _email_receipt(proposal: Proposal, token: str) -> bool | None:
    """Send the author their tracking link; None when there is nobody or nothing to send with."""
    if not proposal.contact_email or not mail_enabled():
        return None
    link = external_url("proposals.track", slug=proposal.council.slug, token=token)
    body = render_template("proposals/email/receipt.txt", proposal=proposal, link=link)
    try:
        return send_email(
            proposal.contact_email, _("Your proposal: %(title)s", title=proposal.title), body
        )
    except (smtplib.SMTPException, OSError):
        log.exception("Could not email the receipt of proposal %s", proposal.id)
        return False


@bp.route("/new", methods=["GET", "POST"])
@requires(Access.anyone)
def new(slug: str):
    council = current_council()
    form = ProposalForm()
    form.lang.choices = language_choices(council)
    if request.method == "GET":
        form.submission_key.data = secrets.token_urlsafe(16)
        locale = current_locale()
        form.lang.data = locale if locale in council.languages else council.default_language
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
                    other_language=form.other_language.data or "",
                    author_name=form.author_name.data or "",
                    contact_email=form.contact_email.data or "",
                    contact_consent=form.contact_consent.data,
                    website=form.website.data or "",
                ),
                author=current_user,
                address=request.remote_addr,
                submission_key=key,
            )
        if done:
            if proposal is None or token is None:
                # A robot filled the hidden field: answer as if all went well; nothing was stored.
                return render_template("proposals/received.html", council=council, token=None)
            _remember_receipt(key, proposal, token)
            emailed = _email_receipt(proposal, token)
            if emailed:
                flash(_("We emailed you the tracking link."), "success")
            elif emailed is False:
                flash(
                    _("We could not email you the tracking link: keep it from this page."), "error"
                )
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
    if not receipt:
        abort(404)
    proposal = get_in_council_or_404(Proposal, receipt["id"], by_private_link=True)
    return render_template(
        "proposals/received.html", council=council, proposal=proposal, token=receipt["token"]
    )


@bp.route("/track/<token>", methods=["GET", "POST"])
@requires(Access.anyone)
def track(slug: str, token: str):
    """The author's private page: the whole history, and changes when the council asks."""
    council = current_council()
    proposal = services.find_by_token(token)
    if proposal is None or proposal.council_id != council.id:
        abort(404)
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
    return render_template(
        "proposals/track.html", council=council, proposal=proposal, form=form, token=token
    )


@bp.get("/<int:proposal_id>")
@requires(Access.anyone)
def proposal(slug: str, proposal_id: int):
    proposal = get_in_council_or_404(Proposal, proposal_id)
    council = proposal.council
    return render_template(
        "proposals/proposal.html",
        council=council,
        proposal=proposal,
        moderator=can(current_user, Permission.manage_proposals, council),
        endorsed=services.has_endorsed(proposal, current_user),
        needs_agenda=services.needs_agenda(proposal),
        form=ActionForm(),
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
        locale = current_locale()
        form.lang.data = locale if locale in council.languages else council.default_language
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
