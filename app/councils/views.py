from functools import cache

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import bindparam, func, select

from app.accounts import login
from app.accounts import services as accounts
from app.auth import (
    Access,
    Permission,
    Role,
    can,
    current_council,
    get_in_council_or_404,
    requires,
    set_council,
)
from app.councils import notices, services
from app.councils.forms import (
    AcceptInvitationForm,
    CouncilForm,
    FollowForm,
    InvitationForm,
    ListingForm,
    MembershipForm,
    NewCouncilForm,
)
from app.councils.models import Council, Invitation, Membership
from app.errors import DomainError
from app.extensions import db
from app.forms import ActionForm
from app.i18n import current_locale
from app.mail import mail_enabled, outbox, queue_email
from app.mail.models import Notice
from app.tokens import new_token
from app.transactions import action
from app.urls import external_url
from app.web import never_stored, paginate

#: Members per page: a council of 200 reads in four pages.
MEMBERS_PER_PAGE = 50

bp = Blueprint("councils", __name__)


@cache
def _council_by_slug():
    """Built once: it runs on every council page, every vote and every live count."""
    return select(Council).where(Council.slug == bindparam("slug"))


@bp.app_url_value_preprocessor
def load_council(_endpoint, values) -> None:
    """Every URL under /councils/<slug> is about that council: loaded once, or 404."""
    if values and "slug" in values:
        council = db.session.scalar(_council_by_slug(), {"slug": values["slug"]})
        if council is None:
            abort(404)
        set_council(council)


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


def members_url(council: Council) -> str:
    return url_for("councils.members", slug=council.slug)


@bp.route("/admin/councils/new", methods=["GET", "POST"])
@requires(Access.admin)
def new_council():
    form = NewCouncilForm()
    if request.method == "GET":
        form.lang.data = form.default_language.data = current_locale()
        form.languages.data = ["en", "ar", "fr", "uk"]
    if form.validate_on_submit():
        with action(form) as done:
            council = services.create_council(
                **council_fields(form), slug=form.slug.data or None, actor=current_user
            )
        if done:
            flash(_("The council is created. Now invite its chair and secretary."), "success")
            return redirect(members_url(council))
    return render_template("councils/edit.html", form=form, council=None)


@bp.route("/councils/<slug>/edit", methods=["GET", "POST"])
@requires(Permission.edit_council)
def edit_council(slug: str):
    council = current_council()
    lang = request.values.get("lang_edit") or request.form.get("lang") or council.name.original
    form = CouncilForm()
    if request.method == "GET":
        # Texts in the language being edited; a POST reads only what was sent (never the
        # stored translated values, which are not text).
        form.process(
            obj=council,
            data={
                "lang": lang,
                "name": council.name.get(lang),
                "description": council.description.get(lang),
                "participation": council.participation.get(lang),
            },
        )
    if form.validate_on_submit():
        with action(form) as done:
            services.update_council(council, **council_fields(form), actor=current_user)
        if done:
            flash(_("The council's details are saved."), "success")
            return redirect(url_for("site.council", slug=council.slug))
    return render_template("councils/edit.html", form=form, council=council)


@bp.get("/councils/<slug>/members")
@requires(Permission.see_members)
def members(slug: str):
    council = current_council()
    can_manage = can(current_user, Permission.manage_members, council)
    return render_template(
        "councils/members.html",
        council=council,
        page=paginate(services.current_members(council), per_page=MEMBERS_PER_PAGE),
        former=db.session.scalar(
            select(func.count()).select_from(services.former_members(council).subquery())
        ),
        invitations=services.pending_invitations(council) if can_manage else [],
        can_manage=can_manage,
        form=ActionForm(),
    )


@bp.get("/councils/<slug>/members/former")
@requires(Permission.see_members)
def former_members(slug: str):
    council = current_council()
    return render_template(
        "councils/former_members.html",
        council=council,
        page=paginate(services.former_members(council), per_page=MEMBERS_PER_PAGE),
    )


@bp.route("/councils/<slug>/members/<int:membership_id>/edit", methods=["GET", "POST"])
@requires(Permission.manage_members)
def edit_membership(slug: str, membership_id: int):
    council = current_council()
    membership = get_in_council_or_404(Membership, membership_id)
    form = MembershipForm(obj=membership)
    if form.validate_on_submit():
        with action(form) as done:
            services.update_membership(
                membership,
                role=form.role.data,
                voting_right=form.voting_right.data,
                term_start=form.term_start.data,
                term_end=form.term_end.data,
                actor=current_user,
            )
        if done:
            flash(
                _("The membership of %(name)s is saved.", name=membership.user.display_name),
                "success",
            )
            return redirect(members_url(council))
    return render_template(
        "councils/edit_membership.html", form=form, council=council, membership=membership
    )


@bp.route("/councils/<slug>/members/<int:membership_id>/end", methods=["GET", "POST"])
@requires(Permission.manage_members)
def end_membership(slug: str, membership_id: int):
    council = current_council()
    membership = get_in_council_or_404(Membership, membership_id)
    if request.method == "POST":
        with action() as done:
            services.end_membership(membership, actor=current_user)
        if done:
            flash(
                _(
                    "The membership of %(name)s has ended. It stays in the council's history.",
                    name=membership.user.display_name,
                ),
                "success",
            )
        return redirect(members_url(council))
    return render_template(
        "councils/end_membership.html", form=ActionForm(), council=council, membership=membership
    )


@bp.route("/councils/<slug>/invitations/new", methods=["GET", "POST"])
@requires(Permission.manage_members)
@never_stored
def invite(slug: str):
    council = current_council()
    form = InvitationForm()
    if form.validate_on_submit():
        with action(form) as done:
            token = services.create_invitation(
                council,
                form.email.data,
                form.role.data,
                voting_right=form.voting_right.data,
                actor=current_user,
            )
            link = external_url("councils.accept_invitation", token=token)
            emailed = email_invitation(council, form.email.data, Role(form.role.data), link)
        if done:
            return render_template(
                "councils/invitation_created.html",
                council=council,
                link=link,
                email=form.email.data,
                emailed=emailed,
            )
    return render_template("councils/invite.html", form=form, council=council)


def email_invitation(council: Council, email: str, role: Role, link: str) -> bool:
    """Queue the invitation (with the rest of the request's work); False without email."""
    locale = council.default_language
    with force_locale(locale):
        message = queue_email(
            email,
            _("Invitation to %(council)s", council=council.name.shown().text),
            render_template("councils/email/invitation.txt", council=council, link=link, role=role),
            locale=locale,
        )
    return message is not None


@bp.post("/councils/<slug>/invitations/<int:invitation_id>/withdraw")
@requires(Permission.manage_members)
def withdraw_invitation(slug: str, invitation_id: int):
    council = current_council()
    invitation = get_in_council_or_404(Invitation, invitation_id)
    with action() as done:
        services.withdraw_invitation(invitation, actor=current_user)
    if done:
        flash(
            _(
                "The invitation for %(email)s is withdrawn; its link no longer works.",
                email=invitation.email,
            ),
            "success",
        )
    return redirect(members_url(council))


@bp.post("/councils/<slug>/listing")
@requires(Permission.set_listing)
def set_listing(slug: str):
    council = current_council()
    form = ListingForm()
    if form.validate_on_submit():
        listed = form.listed.data == "1"
        with action() as done:
            services.set_listed(
                council.current_membership_of(current_user), listed, actor=current_user
            )
        if done and listed:
            flash(_("Your name is now shown on the council's public page."), "success")
        elif done:
            flash(_("Your name is no longer shown on the council's public page."), "success")
    return redirect(url_for("site.council", slug=council.slug))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@requires(Access.anyone)
@never_stored
def accept_invitation(token: str):
    """One page whether or not the address has an account, so that the page does not tell
    whoever holds the link. Someone who has one joins by signing in first, or by typing its
    password in the form."""
    invitation = services.find_invitation(token)
    if invitation is None:
        return render_template("accounts/link_invalid.html"), 404
    set_council(invitation.council)
    if current_user.is_authenticated and current_user.email == invitation.email:
        return accept_signed_in(invitation)
    form = AcceptInvitationForm()
    if request.method == "GET":
        form.locale.data = current_locale()
    if form.validate_on_submit():
        if accounts.find_user(invitation.email) is not None:
            return accept_with_password(invitation, form)
        with action(form) as done:
            membership = services.accept_invitation(
                invitation,
                display_name=form.display_name.data,
                password=form.password.data,
                locale=form.locale.data,
            )
            login.sign_in(membership.user)
        if done:
            flash(
                _("Welcome! Your account is ready and you are a member of the council."), "success"
            )
            return redirect(url_for("site.council", slug=invitation.council.slug))
    return render_template("councils/accept_invitation.html", form=form, invitation=invitation)


def accept_with_password(invitation: Invitation, form: AcceptInvitationForm):
    """The address already has an account: the password typed must be that account's."""
    with action(form, keep_changes_on_error=True) as done:
        try:
            user = accounts.authenticate(
                invitation.email, form.password.data, request.remote_addr or ""
            )
        except DomainError as refused:
            raise DomainError(
                _(
                    "An account already uses this address: type its password to join with it, "
                    "or sign in first. %(reason)s",
                    reason=str(refused),
                )
            ) from refused
        services.accept_invitation(invitation, user=user)
        login.sign_in(user)
    if done:
        flash(_("Welcome back! You joined the council with your account."), "success")
        return redirect(url_for("site.council", slug=invitation.council.slug))
    return render_template("councils/accept_invitation.html", form=form, invitation=invitation)


def accept_signed_in(invitation: Invitation):
    """The invitee, signed in: one button."""
    form = ActionForm()
    if form.validate_on_submit():
        with action() as done:
            services.accept_invitation(invitation, user=current_user)
        if done:
            flash(_("You are now a member of the council."), "success")
        return redirect(url_for("site.council", slug=invitation.council.slug))
    return render_template("councils/accept_signed_in.html", form=form, invitation=invitation)


@bp.route("/councils/<slug>/follow", methods=["GET", "POST"])
@requires(Access.anyone)
def follow(slug: str):
    """Anyone can follow a council by email; nothing is sent before the address is confirmed."""
    council = current_council()
    form = FollowForm()
    if not mail_enabled():
        return render_template("councils/follow.html", council=council, form=None)
    if form.validate_on_submit():
        token = new_token()[0]
        locale = current_locale()
        link = external_url("councils.confirm_follow", token=token)
        with action(form) as done:
            weekly = form.frequency.data == "weekly"
            if notices.follow(council, form.email.data, locale, weekly, token):
                with force_locale(locale):
                    queue_email(
                        form.email.data,
                        _("Confirm that you follow %(council)s", council=council.name.shown().text),
                        render_template("councils/email/follow.txt", council=council, link=link),
                        locale=locale,
                    )
        if done:
            return redirect(url_for("councils.follow_sent", slug=slug))
    return render_template("councils/follow.html", council=council, form=form)


@bp.get("/councils/<slug>/follow/sent")
@requires(Access.anyone)
def follow_sent(slug: str):
    return render_template("councils/follow_sent.html", council=current_council())


@bp.route("/follow/<token>", methods=["GET", "POST"])
@requires(Access.anyone)
def confirm_follow(token: str):
    """The link from the email: a page with a button, so that a mail scanner opening the link
    confirms nothing."""
    follower = notices.follower_by_token(token)
    if follower is None:
        return render_template("councils/follow_invalid.html"), 404
    council = follower.council
    set_council(council)
    form = ActionForm()
    if form.validate_on_submit():
        with action() as done:
            notices.confirm_follower(follower)
        if done:
            return render_template("councils/following.html", council=council, follower=follower)
    return render_template("councils/confirm_follow.html", council=council, form=form)


@bp.get("/councils/<slug>/notices")
@requires(Permission.manage_meetings)
def notices_report(slug: str):
    """What the council told people by email, and whether it arrived."""
    council = current_council()
    page = paginate(outbox.notices_of(council.id), per_page=20)
    return render_template(
        "councils/notices.html",
        council=council,
        page=page,
        tallies=outbox.tallies([notice.id for notice in page.items]),
        mail=mail_enabled(),
    )


@bp.get("/councils/<slug>/notices/<int:notice_id>")
@requires(Permission.manage_meetings)
def notice_report(slug: str, notice_id: int):
    council = current_council()
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.council_id != council.id:
        abort(404)
    page = paginate(outbox.messages_of(notice.id), per_page=50)
    return render_template("councils/notice.html", council=council, notice=notice, page=page)
