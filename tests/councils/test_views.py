import re

import pytest
from sqlalchemy import select

from app.auth import Role
from app.councils import services
from app.councils.models import Council, Invitation, Membership
from app.extensions import db
from tests.helpers import PASSWORD, post, sign_in

ROLES = ["chair", "secretary", "member", "observer", "translator", "outsider", "admin"]
MANAGERS = {"chair", "secretary", "admin"}


@pytest.fixture
def world(make_council, make_user, add_member):
    """Council A with one person per role, council B with its own secretary."""
    a, b = make_council("Council A"), make_council("Council B")
    people = {}
    for role in ["chair", "secretary", "member", "observer", "translator"]:
        people[role] = make_user(f"{role}@a.example", display_name=f"{role.title()} Person")
        add_member(a, people[role], Role(role), voting_right=role in {"chair", "member"})
    people["outsider"] = make_user("secretary@b.example")
    add_member(b, people["outsider"], Role.secretary)
    people["admin"] = make_user("admin@example.org", is_admin=True)
    target = next(m for m in a.memberships if m.role is Role.member)
    return {"a": a, "b": b, "people": people, "target": target}


def as_role(app, world, role):
    client = app.test_client()
    sign_in(client, world["people"][role].email)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_member_list_is_for_the_councils_own_people(app, world, role):
    response = as_role(app, world, role).get("/councils/council-a/members")
    assert response.status_code == (403 if role == "outsider" else 200)
    html = response.get_data(as_text=True)
    # E-mail addresses are shown to those who manage members only.
    assert ("member@a.example" in html) == (role in MANAGERS)


def test_a_secretary_cannot_reach_another_councils_memberships_through_their_own(app, world):
    client = as_role(app, world, "outsider")  # secretary of council B
    target = world["target"]  # a membership of council A
    assert client.get(f"/councils/council-b/members/{target.id}/edit").status_code == 404
    assert post(client, f"/councils/council-b/members/{target.id}/end").status_code == 404
    db.session.refresh(target)
    assert target.ended_at is None


def test_admin_creates_a_council(app, world):
    client = as_role(app, world, "admin")
    response = post(
        client,
        "/admin/councils/new",
        {
            "lang": "ar",
            "name": "مجلس المهاجرين",
            "municipality": "Lyon",
            "description": "نحن نقدم المشورة للمدينة.",
            "participation": "",
            "languages": ["ar", "fr"],
            "default_language": "fr",
            "timezone": "Europe/Paris",
            "slug": "lyon",
        },
        page="/admin/councils/new",
    )
    assert response.status_code == 302
    council = db.session.scalar(select(Council).filter_by(slug="lyon"))
    assert council.name.original == "ar" and council.languages == ["ar", "fr"]
    html = client.get("/councils/lyon?lang=fr").get_data(as_text=True)
    assert '<span lang="ar" dir="rtl">مجلس المهاجرين</span>' in html


def test_a_failed_form_keeps_what_was_typed_and_explains(app, world):
    client = as_role(app, world, "admin")
    response = post(
        client,
        "/admin/councils/new",
        {
            "lang": "en",
            "name": "",
            "municipality": "Ghent",
            "description": "Typed with care",
            "languages": ["en"],
            "default_language": "fr",
            "timezone": "Europe/Brussels",
        },
        page="/admin/councils/new",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert '<a href="#name">Enter the name of the council.</a>' in html
    assert 'aria-describedby="name-error"' in html
    assert 'value="Ghent"' in html and "Typed with care" in html


def test_secretary_edits_a_translation_without_losing_the_others(app, world):
    client = as_role(app, world, "secretary")
    council = world["a"]
    form = client.get("/councils/council-a/edit?lang_edit=fr").get_data(as_text=True)
    assert 'option selected value="fr"' in form or 'selected value="fr"' in form
    response = post(
        client,
        "/councils/council-a/edit",
        {
            "lang": "fr",
            "name": "Conseil A",
            "municipality": "Riverside",
            "description": "Nous conseillons.",
            "participation": "",
            "languages": ["en", "fr"],
            "default_language": "en",
            "timezone": "Europe/Brussels",
        },
        page="/councils/council-a/edit",
    )
    assert response.status_code == 302
    db.session.refresh(council)
    assert council.name.texts == {"en": "Council A", "fr": "Conseil A"}
    html = client.get("/councils/council-a?lang=fr").get_data(as_text=True)
    assert "Conseil A" in html and "Nous conseillons." in html


def test_invitation_journey(app, world):
    secretary = as_role(app, world, "secretary")
    response = post(
        secretary,
        "/councils/council-a/invitations/new",
        {"email": "newcomer@example.org", "role": "member", "voting_right": "y"},
        page="/councils/council-a/invitations/new",
    )
    html = response.get_data(as_text=True)
    assert "No email was sent" in html
    path = re.search(r"https://consulta\.test(/invitations/[^<\s]+)", html).group(1)

    newcomer = app.test_client()
    page = newcomer.get(path).get_data(as_text=True)
    assert "You are invited to join" in page
    response = post(
        newcomer,
        path,
        {"display_name": "Nadia", "password": PASSWORD, "confirm": PASSWORD, "locale": "uk"},
        page=path,
    )
    assert response.status_code == 302
    # Signed in straight away, in the language they chose.
    assert '<html lang="uk" dir="ltr">' in newcomer.get("/profile").get_data(as_text=True)
    membership = db.session.scalar(
        select(Membership)
        .join(Membership.user)
        .where(Membership.council_id == world["a"].id)
        .where(Membership.user.has(email="newcomer@example.org"))
    )
    assert membership.voting_right and membership.role is Role.member
    # Single use.
    assert app.test_client().get(path).status_code == 404


def test_an_invitation_link_does_not_say_whether_the_address_has_an_account(app, world):
    """Whoever holds a link (the secretary who made it, whoever it was forwarded to) must not
    learn from the page whether the address already has an account here."""

    def page_for(email):
        token = services.create_invitation(
            world["a"], email, Role.member, voting_right=True, actor=world["people"]["secretary"]
        )
        db.session.commit()
        html = app.test_client().get(f"/invitations/{token}").get_data(as_text=True)
        html = html.replace(token, "TOKEN").replace(email, "EMAIL")
        return re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "CSRF", html)

    assert page_for("secretary@b.example") == page_for("nobody-yet@example.org")


def test_someone_with_an_account_joins_from_the_invitation_with_their_password(app, world):
    token = services.create_invitation(
        world["a"],
        "secretary@b.example",
        Role.observer,
        voting_right=False,
        actor=world["people"]["secretary"],
    )
    db.session.commit()
    path = f"/invitations/{token}"
    invitee = app.test_client()
    typed = {"display_name": "Someone", "locale": "fr"}
    wrong = post(invitee, path, {**typed, "password": "not it at all", "confirm": "not it at all"})
    assert wrong.status_code == 200
    assert "type its password" in wrong.get_data(as_text=True)
    assert services.find_invitation(token) is not None  # still usable
    right = post(invitee, path, {**typed, "password": PASSWORD, "confirm": PASSWORD}, page=path)
    assert right.status_code == 302
    outsider = world["people"]["outsider"]
    db.session.refresh(outsider)
    assert outsider.display_name != "Someone"  # the account is theirs: nothing else changes
    assert {m.council.slug for m in outsider.memberships} == {"council-a", "council-b"}
    assert "Sign out" in invitee.get("/profile").get_data(as_text=True)


def test_invitation_form_rejects_a_bad_email_and_keeps_choices(app, world):
    secretary = as_role(app, world, "secretary")
    response = post(
        secretary,
        "/councils/council-a/invitations/new",
        {"email": "not-an-email", "role": "observer"},
        page="/councils/council-a/invitations/new",
    )
    html = response.get_data(as_text=True)
    assert "Enter an email address like name@example.org." in html
    assert re.search(r'checked[^>]*value="observer"|value="observer"[^>]*checked', html)


def test_members_choose_whether_they_are_named_publicly(app, world):
    client = as_role(app, world, "member")
    name = world["people"]["member"].display_name
    assert name not in app.test_client().get("/councils/council-a").get_data(as_text=True)
    post(client, "/councils/council-a/listing", {"listed": "1"}, page="/councils/council-a")
    assert name in app.test_client().get("/councils/council-a").get_data(as_text=True)
    post(client, "/councils/council-a/listing", {"listed": "0"}, page="/councils/council-a")
    assert name not in app.test_client().get("/councils/council-a").get_data(as_text=True)


def test_outsiders_cannot_change_listing(app, world):
    client = as_role(app, world, "outsider")
    assert post(client, "/councils/council-a/listing", {"listed": "1"}).status_code == 403


def test_secretary_changes_a_role_and_the_term_is_checked(app, world, today):
    client = as_role(app, world, "secretary")
    target = world["target"]
    path = f"/councils/council-a/members/{target.id}/edit"
    response = post(
        client,
        path,
        {"role": "observer", "term_start": "2026-01-10", "term_end": "2025-01-01"},
        page=path,
    )
    assert "The end of the term cannot be before its start." in response.get_data(as_text=True)
    response = post(client, path, {"role": "observer", "term_start": "2026-01-10"}, page=path)
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.role is Role.observer and not target.voting_right


def test_withdrawing_an_invitation(app, world):
    secretary = world["people"]["secretary"]
    token = services.create_invitation(
        world["a"], "x@example.org", Role.member, voting_right=True, actor=secretary
    )
    db.session.commit()
    invitation = services.find_invitation(token)
    outsider = as_role(app, world, "outsider")
    assert (
        post(outsider, f"/councils/council-a/invitations/{invitation.id}/withdraw").status_code
        == 403
    )
    client = as_role(app, world, "secretary")
    post(
        client,
        f"/councils/council-a/invitations/{invitation.id}/withdraw",
        page="/councils/council-a/members",
    )
    assert app.test_client().get(f"/invitations/{token}").status_code == 404


def test_an_observer_invited_with_the_box_ticked_gets_no_vote(app, world):
    """The invitation form used to tick "right to vote" for every role, and the vote checked
    only that box: an observer or a translator invited that way could vote."""
    secretary = as_role(app, world, "secretary")
    page = "/councils/council-a/invitations/new"
    for role in ("observer", "translator"):
        email = f"new-{role}@example.org"
        response = post(
            secretary, page, {"email": email, "role": role, "voting_right": "y"}, page=page
        )
        assert response.status_code == 200
        assert "can have a vote" in response.get_data(as_text=True)
        assert db.session.scalar(select(Invitation).filter_by(email=email)) is None
        post(secretary, page, {"email": email, "role": role}, page=page)
    invited = {i.email: i for i in db.session.scalars(select(Invitation))}
    assert not invited["new-observer@example.org"].voting_right
    assert not invited["new-translator@example.org"].voting_right


def test_a_refusing_mail_server_does_not_lose_the_invitation_link(app, world):
    """The invitation is saved before its email goes: a mail server that refuses the
    connection leaves the secretary with the link to pass on, not an error page."""
    import socket

    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    secretary = as_role(app, world, "secretary")
    page = "/councils/council-a/invitations/new"
    response = post(
        secretary,
        page,
        {"email": "newcomer@example.org", "role": "member", "voting_right": "y"},
        page=page,
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "being emailed" in html
    path = re.search(r"https://consulta\.test(/invitations/[^<\s]+)", html).group(1)
    assert "You are invited to join" in app.test_client().get(path).get_data(as_text=True)


def names_on(html: str) -> list[str]:
    return re.findall(r'<h3 dir="auto">([^<]+)</h3>', html)


def test_a_big_council_lists_its_members_by_name_fifty_a_page(app, world, make_user, add_member):
    for n in range(60, 0, -1):  # joined in the reverse of their names' order
        add_member(world["a"], make_user(display_name=f"Resident {n:02d}"), Role.member)
    for n in range(3):
        services.end_membership(
            add_member(world["a"], make_user(display_name=f"Left {n}"), Role.member)
        )
    db.session.commit()
    client = as_role(app, world, "member")

    first = client.get("/councils/council-a/members").get_data(as_text=True)
    assert "65 current members, by name." in first
    shown = names_on(first)
    assert len(shown) == 50
    assert shown[:6] == ["Chair Person", "Member Person", "Observer Person"] + [
        "Resident 01",
        "Resident 02",
        "Resident 03",
    ]
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "Left 0" not in first and "See the 3 former members" in first

    second = client.get("/councils/council-a/members?page=2").get_data(as_text=True)
    assert names_on(second) == [f"Resident {n}" for n in range(48, 61)] + [
        "Secretary Person",
        "Translator Person",
    ]

    former = client.get("/councils/council-a/members/former").get_data(as_text=True)
    assert "3 former members, by name." in former
    assert re.findall(r'<span dir="auto">(Left \d)</span>', former) == [
        "Left 0",
        "Left 1",
        "Left 2",
    ]
    assert (
        as_role(app, world, "outsider").get("/councils/council-a/members/former").status_code == 403
    )
