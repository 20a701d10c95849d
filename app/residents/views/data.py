"""A resident's own data, found with their tracking link: what the council keeps, as a page
and as a JSON file, and a request to delete it; the secretary's list of such requests."""

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import Access, Permission, current_council, get_in_council_or_404, requires
from app.forms import ActionForm
from app.proposals import services as proposals
from app.proposals import tracking
from app.proposals.models import Proposal
from app.residents import services
from app.residents.forms import DeletionForm
from app.residents.models import DeletionRequest
from app.transactions import action
from app.web import paginate

bp = Blueprint("personal_data", __name__, url_prefix="/councils/<slug>")
PER_PAGE = 20
PRIVATE = ("personal_data.mine", "personal_data.download", "personal_data.delete")


@bp.after_request
def keep_secret_links_private(response):
    """These pages carry the tracking link and personal data: never cached, never indexed."""
    if request.endpoint in PRIVATE:
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response


def _tracked(token: str) -> Proposal:
    proposal = proposals.find_by_token(token)
    if proposal is None or proposal.council_id != current_council().id:
        abort(404)
    return proposal


@bp.get("/my-data/<token>")
@requires(Access.anyone)
def mine(slug: str, token: str):
    proposal = _tracked(token)
    return render_template(
        "residents/mine.html",
        council=proposal.council,
        proposal=proposal,
        token=token,
        data=services.personal_data(proposal),
        requested=services.open_request(proposal),
        keeps_text=services.keeps_public_text(proposal),
        form=DeletionForm(formdata=None),
    )


@bp.get("/my-data/<token>/data.json")
@requires(Access.anyone)
def download(slug: str, token: str):
    proposal = _tracked(token)
    body = json.dumps(services.personal_data(proposal), ensure_ascii=False, indent=2)
    name = f"consulta-{proposal.reference}.json"
    return (
        body,
        200,
        {
            "Content-Type": "application/json; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


@bp.post("/my-data/<token>/delete")
@requires(Access.anyone)
def delete(slug: str, token: str):
    """The first press shows what deleting means for this proposal; the second asks."""
    proposal = _tracked(token)
    here = url_for("personal_data.mine", slug=slug, token=token)
    if services.open_request(proposal) is not None:
        flash(_("You have already asked for this: the council's secretary will do it."), "info")
        return redirect(here)
    form = DeletionForm()
    if form.validate_on_submit() and form.confirmed.data == "yes":
        with action() as done:
            services.request_deletion(proposal)
        if done:
            flash(_("Your request is sent. The council's secretary will complete it."), "success")
        return redirect(here)
    return render_template(
        "residents/confirm_deletion.html",
        council=proposal.council,
        proposal=proposal,
        token=token,
        keeps_text=services.keeps_public_text(proposal),
        form=DeletionForm(formdata=None),
    )


@bp.get("/data-requests")
@requires(Permission.manage_proposals)
def requests(slug: str):
    council = current_council()
    return render_template(
        "residents/requests.html",
        council=council,
        page=paginate(services.open_requests(council), per_page=PER_PAGE),
        format_reference=tracking.format_reference,
    )


@bp.route("/data-requests/<int:request_id>", methods=["GET", "POST"])
@requires(Permission.manage_proposals)
def complete(slug: str, request_id: int):
    council = current_council()
    found = get_in_council_or_404(DeletionRequest, request_id)
    back = url_for("personal_data.requests", slug=slug)
    if not found.is_open:
        flash(_("This request was already completed."), "info")
        return redirect(back)
    form = ActionForm()
    proposal = found.proposal
    keeps_text = proposal is not None and services.keeps_public_text(proposal)
    if form.validate_on_submit():
        with action() as done:
            outcome = services.complete_deletion(found, actor=current_user)
        if done and outcome == "anonymised":
            flash(
                _("Done: the personal data is deleted. The proposal’s text stays public."),
                "success",
            )
        elif done:
            flash(_("Done: the proposal and its personal data are deleted."), "success")
        return redirect(back)
    return render_template(
        "residents/complete.html",
        council=council,
        request_=found,
        proposal=proposal,
        keeps_text=keeps_text,
        form=form,
        reference=tracking.format_reference(found.reference),
    )
