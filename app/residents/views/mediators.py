"""A community mediator's pages: a proposal typed in for a resident, the slip to print and
hand over, and what the mediator has typed in so far."""

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.auth import Permission, current_council, get_in_council_or_404, refuse, requires
from app.consultations.services import open_consultations
from app.i18n import UI_LOCALES, UNKNOWN, all_languages, current_locale, endonym
from app.mail import mail_enabled, queue_email
from app.proposals import services as proposals
from app.proposals import tracking
from app.proposals.models import Proposal
from app.residents import services
from app.residents.forms import MediatedProposalForm
from app.tokens import seal_text, unseal_text
from app.transactions import action
from app.urls import external_url
from app.web import paginate, qr_code

bp = Blueprint("mediators", __name__, url_prefix="/councils/<slug>/for-residents")
#: Slips kept in the session so that a double click, or going back, shows the same slip.
SLIPS_KEPT = 5
#: What the tracking token in the session cookie is sealed for.
SLIP = "mediator slip"
PER_PAGE = 20


@bp.after_request
def keep_secret_links_private(response):
    """The slip carries the resident's secret link: never cache it, never index it."""
    if request.endpoint == "mediators.slip":
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def writing_languages(council) -> dict[str, list[tuple[str, str]]]:
    """The council's languages first, then every other language, then "not in the list"."""
    offered = set(council.languages)
    return {
        _("Languages of the council"): [(code, endonym(code)) for code in council.languages],
        _("All languages"): [(c, label) for c, label in all_languages() if c not in offered]
        + [(UNKNOWN, _("Another language (not in the list)"))],
    }


def _membership():
    return current_council().current_membership_of(current_user)


@bp.get("")
@requires(Permission.submit_for_residents)
def start(slug: str):
    council = current_council()
    membership = _membership()
    page = paginate(services.helped_with(membership), per_page=PER_PAGE) if membership else None
    return render_template(
        "residents/mediator.html",
        council=council,
        page=page,
        consultations=open_consultations(council),
        format_reference=tracking.format_reference,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Permission.submit_for_residents)
def new(slug: str):
    council = current_council()
    form = MediatedProposalForm()
    form.lang.choices = form.resident_lang.choices = writing_languages(council)
    if request.method == "GET":
        form.submission_key.data = secrets.token_urlsafe(16)
        form.council.data = str(council.id)
        form.lang.data = form.resident_lang.data = council.language_or_default(current_locale())
    elif form.council.data != str(council.id):
        refuse(_("This form was opened for another council: nothing was saved."))
    membership = _membership()
    if membership is None:  # the permission needs a seat: only a race with its end
        abort(403)
    if form.validate_on_submit():
        key = (form.submission_key.data or "")[:64] or secrets.token_urlsafe(16)
        with action(form) as done:
            proposal, token = proposals.submit_for_resident(
                council,
                proposals.Submission(
                    title=form.title.data,
                    body=form.body.data,
                    topic=form.topic.data,
                    lang=form.lang.data,
                    author_name=form.author_name.data or "",
                    contact_email=form.contact_email.data or "",
                    contact_consent=form.contact_consent.data,
                ),
                mediator=membership,
                received_as=form.received_as.data,
                resident_lang=form.resident_lang.data,
                submission_key=key,
            )
            # The resident hears of their proposal in their language, not the mediator's.
            proposal.contact_locale = slip_language(proposal)
            emailed = _email_the_resident(proposal, token)
        if done:
            _remember_slip(key, proposal, token)
            flash(_("The proposal is saved. Print the slip below for the resident."), "success")
            if emailed:
                flash(_("The tracking link was also emailed to the resident."), "success")
            return redirect(url_for("mediators.slip", slug=slug, key=key))
        if isinstance(done.exception, proposals.AlreadyReceived) and key in session.get(
            "slips", {}
        ):
            form.form_errors.clear()
            flash(_("This proposal was already saved: it is stored only once."), "info")
            return redirect(url_for("mediators.slip", slug=slug, key=key))
    return render_template("residents/new.html", form=form, council=council)


def _remember_slip(key: str, proposal: Proposal, token: str) -> None:
    slips = dict(session.get("slips", {}))
    # Sealed: Flask signs its session cookie but does not encrypt it.
    slips[key] = {"id": proposal.id, "token": seal_text(SLIP, token)}
    session["slips"] = dict(list(slips.items())[-SLIPS_KEPT:])


def _email_the_resident(proposal: Proposal, token: str) -> bool:
    """Queue the tracking link to the resident's address when they gave one, in their
    language (with the rest of the submission's work)."""
    if not proposal.contact_email or not mail_enabled():
        return False
    link = external_url("proposals.track", slug=proposal.council.slug, token=token)
    with force_locale(slip_language(proposal)):
        body = render_template(
            "proposals/email/receipt.txt",
            proposal=proposal,
            link=link,
            reference=tracking.format_reference(proposal.reference),
        )
        subject = _("Your proposal: %(title)s", title=proposal.title.shown().text)
    queue_email(proposal.contact_email, subject, body, locale=proposal.contact_locale)
    return True


def slip_language(proposal: Proposal) -> str:
    """The resident's language when the site speaks it, else the council's own."""
    council = proposal.council
    if proposal.resident_lang in UI_LOCALES:
        return proposal.resident_lang
    return council.default_language if council.default_language in UI_LOCALES else "en"


@bp.get("/slip/<key>")
@requires(Permission.submit_for_residents)
def slip(slug: str, key: str):
    """The slip for the resident: only in the session that typed the proposal in."""
    council = current_council()
    kept = session.get("slips", {}).get(key)
    token = unseal_text(SLIP, kept.get("token", "")) if isinstance(kept, dict) else None
    if token is None:
        abort(404)
    proposal = get_in_council_or_404(Proposal, kept["id"], by_private_link=True)
    lang = slip_language(proposal)
    link = external_url("proposals.track", slug=council.slug, token=token)
    with force_locale(lang):
        slip_html = Markup(  # noqa: S704 - a template rendered with autoescaping
            render_template(
                "residents/_slip.html",
                council=council,
                proposal=proposal,
                link=link,
                reference=tracking.format_reference(proposal.reference),
                qr=qr_code(link, _("QR code of your tracking link")),
                usual_days=tracking.usual_answer_days(council),
                lang=lang,
            )
        )
    return render_template(
        "residents/slip.html", council=council, proposal=proposal, slip=slip_html, lang=lang
    )
