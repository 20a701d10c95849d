from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from app.accounts import services as accounts
from app.accounts.views import sign_in
from app.auth import Permission, Role, admin_required, can, require, set_council
from app.councils import services
from app.councils.forms import (
    AcceptInvitationForm,
    CouncilForm,
    InvitationForm,
    MembershipForm,
    NewCouncilForm,
)
from app.councils.models import Council, Invitation, Membership
from app.errors import DomainError
from app.extensions import db
from app.forms import ActionForm
from app.i18n import current_locale
from app.mail import mail_enabled, send_email
from app.meetings import services as meetings
from app.web import load_council

bp = Blueprint("councils", __name__)


def load_membership(council: Council, membership_id: int) -> Membership:
    membership = db.get_or_404(Membership, membership_id)
    if membership.council_id != council.id:
        abort(404)
    return membership


def council_fields(form: CouncilForm) -> dict:
    return {
        "name": form.name.data,
        "lang": form.lang.data,
        "municipality": form.municipality.data,
        "description": form.description.data or "",
        "participation": form.participation.data or "",
        "languages": form.languages.data,
        "default_language": form.default_language.data,
        "timezone": form.timezone.data,
        "quorum_rule": form.quorum_rule.data,
        "endorsement_threshold": form.endorsement_threshold.data,
    }


@bp.get("/")
def home():
    councils = db.session.scalars(select(Council).order_by(Council.municipality)).all()
    return render_template("councils/index.html", councils=councils)


@bp.get("/councils/<slug>")
def council(slug: str):
    council = load_council(slug)
    listed = [m for m in council.current_memberships if m.listed]
    officer = can(current_user, Permission.manage_meetings, council)
    return render_template(
        "councils/council.html",
        council=council,
        listed=listed,
        next_meeting=db.session.scalar(
            meetings.upcoming_meetings(council, include_drafts=False).limit(1)
        ),
        officer=officer,
        membership=council.current_membership_of(current_user),
        can_manage=can(current_user, Permission.manage_members, council),
        form=ActionForm(),
    )


@bp.route("/admin/councils/new", methods=["GET", "POST"])
@admin_required
def new_council():
    form = NewCouncilForm()
    if request.method == "GET":
        form.lang.data = form.default_language.data = current_locale()
        form.languages.data = ["en", "ar", "fr", "uk"]
    if form.validate_on_submit():
        try:
            council = services.create_council(**council_fields(form), slug=form.slug.data or None)
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The council is created. Now invite its chair and secretary."), "success")
            return redirect(url_for("councils.members", slug=council.slug))
    return render_template("councils/edit.html", form=form, council=None)


@bp.route("/councils/<slug>/edit", methods=["GET", "POST"])
@login_required
def edit_council(slug: str):
    council = load_council(slug)
    require(Permission.edit_council, council)
    lang = request.values.get("lang_edit") or request.form.get("lang") or council.name.original
    form = CouncilForm(
        obj=council,
        data={
            "lang": lang,
            "name": council.name.get(lang),
            "description": council.description.get(lang),
            "participation": council.participation.get(lang),
        }
        if request.method == "GET"
        else None,
    )
    if form.validate_on_submit():
        try:
            services.update_council(council, **council_fields(form))
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(_("The council's details are saved."), "success")
            return redirect(url_for("councils.council", slug=council.slug))
    return render_template("councils/edit.html", form=form, council=council)


@bp.get("/councils/<slug>/members")
@login_required
def members(slug: str):
    council = load_council(slug)
    require(Permission.see_members, council)
    can_manage = can(current_user, Permission.manage_members, council)
    past = [m for m in council.memberships if not m.is_current]
    return render_template(
        "councils/members.html",
        council=council,
        current=sorted(council.current_memberships, key=lambda m: m.user.display_name.lower()),
        past=past,
        invitations=services.pending_invitations(council) if can_manage else [],
        can_manage=can_manage,
        form=ActionForm(),
    )


@bp.route("/councils/<slug>/members/<int:membership_id>/edit", methods=["GET", "POST"])
@login_required
def edit_membership(slug: str, membership_id: int):
    council = load_council(slug)
    require(Permission.manage_members, council)
    membership = load_membership(council, membership_id)
    form = MembershipForm(obj=membership)
    if form.validate_on_submit():
        try:
            services.update_membership(
                membership,
                role=form.role.data,
                voting_right=form.voting_right.data,
                term_start=form.term_start.data,
                term_end=form.term_end.data,
            )
        except DomainError as error:
            form.form_errors.append(error.message)
        else:
            db.session.commit()
            flash(
                _("The membership of %(name)s is saved.", name=membership.user.display_name),
                "success",
            )
            return redirect(url_for("councils.members", slug=council.slug))
    return render_template(
        "councils/edit_membership.html", form=form, council=council, membership=membership
    )


@bp.route("/councils/<slug>/members/<int:membership_id>/end", methods=["GET", "POST"])
@login_required
def end_membership(slug: str, membership_id: int):
    council = load_council(slug)
    require(Permission.manage_members, council)
    membership = load_membership(council, membership_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.end_membership(membership)
        except DomainError as error:
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(
                _(
                    "The membership of %(name)s has ended. It stays in the council's history.",
                    name=membership.user.display_name,
                ),
                "success",
            )
        return redirect(url_for("councils.members", slug=council.slug))
    return render_template(
        "councils/end_membership.html", form=form, council=council, membership=membership
    )


@bp.route("/councils/<slug>/invitations/new", methods=["GET", "POST"])
@login_required
def invite(slug: str):
    council = load_council(slug)
    require(Permission.manage_members, council)
    form = InvitationForm()
    if form.validate_on_submit():
        token = services.create_invitation(
            council,
            form.email.data,
            form.role.data,
            voting_right=form.voting_right.data,
            created_by=current_user,
        )
        db.session.commit()
        link = url_for("councils.accept_invitation", token=token, _external=True)
        emailed = False
        if mail_enabled():
            with force_locale(council.default_language):
                emailed = send_email(
                    form.email.data,
                    _("Invitation to %(council)s", council=council.name.shown().text),
                    render_template(
                        "councils/email/invitation.txt",
                        council=council,
                        link=link,
                        role=Role(form.role.data),
                    ),
                )
        return render_template(
            "councils/invitation_created.html",
            council=council,
            link=link,
            email=form.email.data,
            emailed=emailed,
        )
    return render_template("councils/invite.html", form=form, council=council)


@bp.post("/councils/<slug>/invitations/<int:invitation_id>/withdraw")
@login_required
def withdraw_invitation(slug: str, invitation_id: int):
    council = load_council(slug)
    require(Permission.manage_members, council)
    invitation = db.get_or_404(Invitation, invitation_id)
    if invitation.council_id != council.id or not ActionForm().validate_on_submit():
        abort(404)
    services.withdraw_invitation(invitation)
    db.session.commit()
    flash(
        _(
            "The invitation for %(email)s is withdrawn; its link no longer works.",
            email=invitation.email,
        ),
        "success",
    )
    return redirect(url_for("councils.members", slug=council.slug))


@bp.post("/councils/<slug>/listing")
@login_required
def set_listing(slug: str):
    council = load_council(slug)
    membership = council.current_membership_of(current_user)
    if membership is None:
        abort(403)
    if not ActionForm().validate_on_submit():
        abort(400)
    listed = request.form.get("listed") == "1"
    services.set_listed(membership, listed)
    db.session.commit()
    if listed:
        flash(_("Your name is now shown on the council's public page."), "success")
    else:
        flash(_("Your name is no longer shown on the council's public page."), "success")
    return redirect(url_for("councils.council", slug=council.slug))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = services.find_invitation(token)
    if invitation is None:
        return render_template("accounts/link_invalid.html"), 404
    set_council(invitation.council)
    existing = accounts.find_user(invitation.email)
    if existing is not None:
        return accept_as_existing_user(invitation, existing)
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.locale.data = current_locale()
    if form.validate_on_submit():
        try:
            membership = services.accept_invitation(
                invitation,
                display_name=form.display_name.data,
                password=form.password.data,
                locale=form.locale.data,
            )
        except DomainError as error:
            db.session.rollback()
            form.form_errors.append(error.message)
        else:
            sign_in(membership.user)
            db.session.commit()
            flash(
                _("Welcome! Your account is ready and you are a member of the council."), "success"
            )
            return redirect(url_for("councils.council", slug=invitation.council.slug))
    return render_template("councils/accept_invitation.html", form=form, invitation=invitation)


def accept_as_existing_user(invitation: Invitation, user):
    """Someone who already has an account joins by signing in as that account."""
    form = ActionForm()
    signed_in_as_invitee = current_user.is_authenticated and current_user.id == user.id
    if signed_in_as_invitee and form.validate_on_submit():
        try:
            services.accept_invitation(invitation, user=current_user)
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("You are now a member of the council."), "success")
        return redirect(url_for("councils.council", slug=invitation.council.slug))
    return render_template(
        "councils/accept_existing.html",
        form=form,
        invitation=invitation,
        signed_in_as_invitee=signed_in_as_invitee,
    )
