from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.auth import Role
from app.councils import services
from app.councils.models import Invitation
from app.database import utcnow
from app.errors import DomainError
from app.extensions import db


def test_council_texts_start_in_their_language_and_keep_other_versions(make_council):
    council = make_council("Conseil des migrants", lang="fr", default_language="fr")
    assert council.slug == "conseil-des-migrants"
    assert council.name.original == "fr"
    services.update_council(
        council,
        name="Migrant Council",
        lang="en",
        municipality="Riverside",
        languages=["fr", "en"],
        default_language="fr",
        timezone="Europe/Paris",
    )
    assert council.name.texts == {"fr": "Conseil des migrants", "en": "Migrant Council"}
    assert council.name.original == "fr"


def test_slugs_are_unique_and_readable(make_council):
    first = make_council("Migrant Council")
    second = make_council("Migrant Council")
    arabic_only = make_council("مجلس المهاجرين", lang="ar")
    assert (first.slug, second.slug) == ("migrant-council", "migrant-council-2")
    assert arabic_only.slug == "council"


def test_main_language_must_be_offered(app):
    with pytest.raises(DomainError):
        services.create_council(
            name="X",
            lang="en",
            municipality="Y",
            languages=["fr"],
            default_language="en",
            timezone="Europe/Paris",
        )


def test_one_current_membership_per_person(make_council, make_user, add_member):
    council, user = make_council(), make_user()
    add_member(council, user)
    with pytest.raises(DomainError, match="already a member"):
        services.add_membership(council, user, Role.observer)


def test_term_cannot_end_before_it_starts(make_council, make_user, today):
    with pytest.raises(DomainError, match="end of the term"):
        services.add_membership(
            make_council(),
            make_user(),
            Role.member,
            term_start=today,
            term_end=today - timedelta(days=1),
        )


def test_ending_a_membership_keeps_it_as_history(make_council, make_user, add_member, today):
    council, user = make_council(), make_user()
    membership = add_member(council, user, Role.chair)
    services.end_membership(membership)
    db.session.commit()
    assert not membership.is_current
    assert membership.term_end == today
    assert council.current_membership_of(user) is None
    assert membership in council.memberships
    with pytest.raises(DomainError):
        services.end_membership(membership)
    # The person can be given a new seat later; the old one stays.
    services.add_membership(council, user, Role.member)
    assert len([m for m in council.memberships if m.user_id == user.id]) == 2


def test_future_and_past_terms_are_not_current(make_council, make_user, add_member, today):
    council = make_council()
    future = add_member(council, make_user(), term_start=today + timedelta(days=3))
    past = add_member(
        council,
        make_user(),
        term_start=today - timedelta(days=30),
        term_end=today - timedelta(days=1),
    )
    assert not future.is_current and not past.is_current


def test_membership_changes_are_audited(make_council, make_user, add_member, today):
    membership = add_member(make_council(), make_user())
    services.update_membership(
        membership, role=Role.secretary, voting_right=False, term_start=today, term_end=None
    )
    services.end_membership(membership)
    db.session.commit()
    actions = list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "Membership")
            .order_by(AuditEvent.id)
        )
    )
    assert actions == ["membership.added", "membership.changed", "membership.ended"]


def test_invitation_is_single_use(make_council, make_user):
    council, secretary = make_council(), make_user()
    token = services.create_invitation(
        council, "New@Example.org", Role.member, voting_right=True, actor=secretary
    )
    db.session.commit()
    invitation = services.find_invitation(token)
    assert invitation.email == "new@example.org"
    assert token not in invitation.token_hash

    membership = services.accept_invitation(
        invitation, display_name="Nadia", password="long enough secret", locale="ar"
    )
    db.session.commit()
    assert membership.voting_right and membership.role is Role.member
    assert membership.user.locale == "ar"
    assert services.find_invitation(token) is None
    with pytest.raises(DomainError):
        services.accept_invitation(invitation, display_name="Again", password="long enough secret")


def test_invitation_expires(app, make_council, make_user):
    token = services.create_invitation(
        make_council(), "new@example.org", Role.member, voting_right=True, actor=make_user()
    )
    invitation = db.session.scalar(select(Invitation))
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert services.find_invitation(token) is None


def test_withdrawn_invitation_no_longer_works(make_council, make_user):
    token = services.create_invitation(
        make_council(), "new@example.org", Role.member, voting_right=True, actor=make_user()
    )
    services.withdraw_invitation(services.find_invitation(token))
    db.session.commit()
    assert services.find_invitation(token) is None


def test_existing_account_joins_with_its_own_email_only(make_council, make_user):
    council = make_council()
    invited, other = make_user("invited@example.org"), make_user("other@example.org")
    token = services.create_invitation(
        council, invited.email, Role.observer, voting_right=False, actor=other
    )
    db.session.commit()
    invitation = services.find_invitation(token)
    with pytest.raises(DomainError, match="another email"):
        services.accept_invitation(invitation, user=other)
    db.session.rollback()
    membership = services.accept_invitation(services.find_invitation(token), user=invited)
    assert membership.role is Role.observer
