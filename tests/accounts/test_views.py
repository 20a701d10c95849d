import re
from datetime import timedelta

from sqlalchemy import select

from app.accounts import services
from app.accounts.models import LoginFailure, PasswordReset
from app.audit import AuditEvent
from app.database import utcnow
from app.extensions import db
from app.mail.models import Delivery, OutboxMessage
from tests.helpers import PASSWORD, csrf_token, post, sign_in, sign_out


def session_cookie(client):
    return client.get_cookie("consulta_session").value


def is_signed_in(client) -> bool:
    return client.get("/profile").status_code == 200


def test_sign_in_and_out(client, make_user):
    make_user("amina@example.org")
    response = sign_in(client, "Amina@Example.org ")
    assert response.headers["Location"] == "/start"  # the start page of a signed-in person
    assert "You are signed in." in client.get("/").get_data(as_text=True)
    assert is_signed_in(client)

    response = sign_out(client)
    assert response.status_code == 302
    assert not is_signed_in(client)


def test_sign_in_refuses_wrong_password_without_saying_which_part(client, make_user):
    make_user("amina@example.org")
    wrong_password = post(client, "/sign-in", {"email": "amina@example.org", "password": "nope"})
    no_account = post(client, "/sign-in", {"email": "nobody@example.org", "password": "nope"})
    for response in (wrong_password, no_account):
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "The email address or password is not right." in html
    # What was typed stays in the form.
    assert 'value="nobody@example.org"' in no_account.get_data(as_text=True)
    assert not is_signed_in(client)


def test_sign_in_rotates_the_session(client, make_user):
    make_user("amina@example.org")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = session_cookie(client)
    sign_in(client, "amina@example.org")
    assert session_cookie(client) != before
    with client.session_transaction() as session:
        assert "planted" not in session


def test_session_is_dead_after_sign_out_even_if_the_cookie_was_copied(app, make_user):
    make_user("amina@example.org")
    phone = app.test_client()
    sign_in(phone, "amina@example.org")
    stolen = session_cookie(phone)
    sign_out(phone)

    thief = app.test_client()
    thief.set_cookie("consulta_session", stolen)
    assert not is_signed_in(thief)


def test_password_change_signs_out_other_devices_but_not_this_one(app, make_user):
    make_user("amina@example.org")
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, "amina@example.org")
    sign_in(phone, "amina@example.org")

    response = post(
        laptop,
        "/profile/password",
        {
            "current_password": PASSWORD,
            "password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert response.status_code == 302
    assert is_signed_in(laptop)
    assert not is_signed_in(phone)
    sign_in(app.test_client(), "amina@example.org", "a brand new secret")


def test_password_change_needs_the_current_password(client, make_user):
    make_user("amina@example.org")
    sign_in(client, "amina@example.org")
    response = post(
        client,
        "/profile/password",
        {
            "current_password": "wrong",
            "password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert response.status_code == 200
    assert "Your current password is not right." in response.get_data(as_text=True)


def test_deactivation_signs_the_person_out_everywhere(app, make_user):
    make_user("admin@example.org", is_admin=True)
    member = make_user("member@example.org")
    admin, phone = app.test_client(), app.test_client()
    sign_in(admin, "admin@example.org")
    sign_in(phone, "member@example.org")

    confirm = admin.get(f"/admin/users/{member.id}/deactivate")
    assert "Deactivate the account of" in confirm.get_data(as_text=True)
    assert is_signed_in(phone)  # nothing happens before the confirmation
    post(admin, f"/admin/users/{member.id}/deactivate", page=f"/admin/users/{member.id}/deactivate")
    assert not is_signed_in(phone)
    response = post(phone, "/sign-in", {"email": "member@example.org", "password": PASSWORD})
    assert "This account has been deactivated." in response.get_data(as_text=True)


def test_failed_sign_ins_are_throttled_per_account(client, app, make_user):
    make_user("amina@example.org")
    limit = app.config["LOGIN_FAILURES_BEFORE_DELAY"]
    for _ in range(limit):
        post(client, "/sign-in", {"email": "amina@example.org", "password": "guess"})
    # Even the right password is refused for a while: the guesser cannot tell it was right.
    response = post(client, "/sign-in", {"email": "amina@example.org", "password": PASSWORD})
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)
    assert not is_signed_in(client)

    # The same answer for an address that has no account: nothing reveals which exist.
    for _ in range(limit):
        post(client, "/sign-in", {"email": "ghost@example.org", "password": "guess"})
    response = post(client, "/sign-in", {"email": "ghost@example.org", "password": "guess"})
    assert "Too many failed sign-in attempts" in response.get_data(as_text=True)


def test_throttle_counts_in_the_database_and_the_wait_grows(app, make_user):
    from app.accounts.models import LoginFailure

    make_user("amina@example.org")
    limit = app.config["LOGIN_FAILURES_BEFORE_DELAY"]
    first = app.config["LOGIN_FIRST_DELAY"]

    def attempt(password):
        # Each attempt from a different worker process would see the same rows.
        response = post(
            app.test_client(), "/sign-in", {"email": "amina@example.org", "password": password}
        )
        return "Too many failed sign-in attempts" not in response.get_data(as_text=True)

    def wait(delay):
        for failure in db.session.scalars(select(LoginFailure)):
            failure.at -= delay
        db.session.commit()

    for _ in range(limit):
        assert attempt("guess")
    assert not attempt(PASSWORD)
    wait(first + timedelta(seconds=1))
    assert attempt("guess again")  # one more try after the first wait, and it fails
    wait(first + timedelta(seconds=1))
    assert not attempt(PASSWORD)  # the wait has doubled
    wait(first)
    assert sign_in(app.test_client(), "amina@example.org").status_code == 302


def test_guesses_from_a_shared_connection_lock_nobody_else_out(client, app, make_user):
    """Behind the reverse proxy the README recommends, or a community centre's one
    connection, everybody has the same address: 30 failed sign-ins with made-up emails
    used to lock the chair out."""
    make_user("chair@example.org")
    for n in range(30):
        post(client, "/sign-in", {"email": f"guess{n}@example.org", "password": "guess"})
    assert sign_in(app.test_client(), "chair@example.org").status_code == 302


def test_behind_a_proxy_each_client_counts_on_its_own(make_user, app):
    """With CONSULTA_PROXIES=1, the address is the one the proxy forwards."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # as create_app sets it up
    make_user("amina@example.org")
    guesser = app.test_client()
    guesser.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.5"
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_DELAY"]):
        post(guesser, "/sign-in", {"email": "amina@example.org", "password": "guess"})
    refused = post(guesser, "/sign-in", {"email": "amina@example.org", "password": PASSWORD})
    assert "Too many failed sign-in attempts" in refused.get_data(as_text=True)
    assert set(db.session.scalars(select(LoginFailure.address))) == {"203.0.113.5"}
    amina = app.test_client()
    amina.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    assert sign_in(amina, "amina@example.org").status_code == 302


def test_sign_ins_and_failures_are_audited(client, make_user):
    user = make_user("amina@example.org")
    post(client, "/sign-in", {"email": "amina@example.org", "password": "guess"})
    sign_in(client, "amina@example.org")
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id == user.id))
    assert {"account.sign_in_failed", "account.sign_in"} <= set(actions)


def test_forms_without_csrf_token_are_refused(client, make_user):
    make_user("amina@example.org")
    response = client.post("/sign-in", data={"email": "amina@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_sign_out_is_not_possible_by_a_link(client, make_user):
    make_user("amina@example.org")
    sign_in(client, "amina@example.org")
    assert client.get("/sign-out").status_code == 405
    assert is_signed_in(client)


def test_a_signed_in_page_sends_people_to_sign_in_and_back(client, make_user):
    make_user("amina@example.org")
    response = client.get("/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=/profile")
    response = post(
        client, "/sign-in?next=/profile", {"email": "amina@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/profile"


def test_sign_in_never_redirects_to_another_site(client, make_user):
    make_user("amina@example.org")
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = post(
            client, f"/sign-in?next={target}", {"email": "amina@example.org", "password": PASSWORD}
        )
        assert response.headers["Location"] == "/start"  # their own start page, never elsewhere
        sign_out(client)


def test_profile_changes_name_and_language(client, make_user):
    make_user("amina@example.org")
    sign_in(client, "amina@example.org")
    response = post(
        client, "/profile", {"display_name": "Amina H.", "locale": "ar"}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert 'value="Amina H."' in html


def test_password_reset_link_works_once(app, client, make_user):
    make_user("admin@example.org", is_admin=True)
    member = make_user("member@example.org")
    sign_in(client, "admin@example.org")
    response = post(client, f"/admin/users/{member.id}/reset-link", page="/admin/users")
    html = response.get_data(as_text=True)
    assert "No email was sent" in html
    link = html.split('<code class="copyable">')[1].split("</code>")[0]
    assert link.startswith("https://consulta.test/reset-password/")
    path = link.replace("https://consulta.test", "")

    stranger = app.test_client()
    response = post(
        stranger, path, {"password": "new secret words", "confirm": "new secret words"}, page=path
    )
    assert response.status_code == 302
    assert is_signed_in(stranger)
    # Used once: the link is dead now.
    assert app.test_client().get(path).status_code == 404
    sign_in(app.test_client(), "member@example.org", "new secret words")


def test_password_reset_link_expires(app, client, make_user):
    member = make_user("member@example.org")
    token = services.create_password_reset(member)
    db.session.commit()
    reset = db.session.scalar(select(PasswordReset))
    reset.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/reset-password/{token}")
    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)


def test_reset_tokens_are_stored_only_as_hashes(app, make_user):
    member = make_user("member@example.org")
    token = services.create_password_reset(member)
    db.session.commit()
    stored = db.session.scalar(select(PasswordReset.token_hash))
    assert token not in stored and len(stored) == 64


def test_forgotten_password_page_never_reveals_accounts(client, make_user):
    make_user("amina@example.org")
    html = client.get("/forgot-password").get_data(as_text=True)
    # Without email set up, people are told whom to ask.
    assert "Ask your council" in html


def test_admin_pages_are_for_admins_only(client, make_user):
    member = make_user("member@example.org")
    sign_in(client, "member@example.org")
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/admin/users/{member.id}/deactivate").status_code == 403
    assert post(client, f"/admin/users/{member.id}/reset-link").status_code == 403


def test_a_reset_link_never_takes_its_address_from_the_host_header(app, client, make_user, smtp):
    """Whoever sends the request chooses its Host header: a link built from it would carry the
    reset token to their site."""
    make_user("amina@example.org")
    page = client.get("/forgot-password", headers={"Host": "evil.example"}).get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/forgot-password",
        data={"csrf_token": csrf, "email": "amina@example.org"},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 302
    (message,) = smtp.to("amina@example.org")
    body = message.get_content()
    assert "evil.example" not in body
    assert "https://consulta.test/reset-password/" in body


def test_using_a_reset_link_or_changing_the_password_cancels_the_other_links(app, make_user):
    member = make_user("member@example.org")
    first = services.create_password_reset(member)
    second = services.create_password_reset(member)
    third = services.create_password_reset(member)
    db.session.commit()
    path = f"/reset-password/{second}"
    post(
        app.test_client(),
        path,
        {"password": "new secret words", "confirm": "new secret words"},
        page=path,
    )
    assert app.test_client().get(f"/reset-password/{first}").status_code == 404
    assert app.test_client().get(f"/reset-password/{third}").status_code == 404
    fourth = services.create_password_reset(member)
    db.session.commit()
    client = app.test_client()
    sign_in(client, "member@example.org", "new secret words")
    post(
        client,
        "/profile/password",
        {
            "current_password": "new secret words",
            "password": "other secret words",
            "confirm": "other secret words",
        },
        page="/profile/password",
    )
    assert app.test_client().get(f"/reset-password/{fourth}").status_code == 404


def test_a_refusing_mail_server_does_not_lose_the_reset_link(app, make_user):
    """The link and its email are saved together: if the mail server refuses, the page still
    answers with the link, and the email waits in the outbox for the next try."""
    import socket

    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    member = make_user("member@example.org")
    make_user("admin@example.org", is_admin=True)
    client = app.test_client()
    sign_in(client, "admin@example.org")
    response = post(client, f"/admin/users/{member.id}/reset-link", page="/admin/users")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "https://consulta.test/reset-password/" in html and "being emailed" in html
    waiting = db.session.scalars(select(OutboxMessage)).one()
    assert waiting.to_address == "member@example.org" and waiting.state is Delivery.queued
    assert waiting.attempts == 1 and "Connection" in waiting.last_error
    assert "https://consulta.test/reset-password/" in waiting.body


def test_asking_for_a_reset_link_takes_the_same_work_whatever_the_address(
    app, client, make_user, smtp
):
    """A known address took 54 ms and an unknown one 6 ms: the time alone said who has an
    account. The request now does the same thing for every address (the search, the link and
    the email happen after the response), so its time and its answer say nothing."""
    import threading

    from sqlalchemy import event

    make_user("amina@example.org")
    statements: list[str] = []

    def on_request_thread(conn, cursor, statement, *args):
        if threading.current_thread() is threading.main_thread():
            statements.append(statement)

    def ask(email):
        page = "/forgot-password"
        token = csrf_token(client, page)
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", on_request_thread)
        try:
            response = client.post(page, data={"csrf_token": token, "email": email})
        finally:
            event.remove(db.engine, "before_cursor_execute", on_request_thread)
        page_after = client.get(response.location).get_data(as_text=True)
        # The form's CSRF token carries the second it was made: not part of the answer.
        return response, list(statements), re.sub(r'value="[^"]*\.[^"]*"', "", page_after)

    known, known_work, known_page = ask("amina@example.org")
    unknown, unknown_work, unknown_page = ask("ghost@example.org")
    assert known_work == unknown_work
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    assert known_page == unknown_page
    (message,) = smtp.to("amina@example.org")
    assert "https://consulta.test/reset-password/" in message.get_content()
    assert smtp.to("ghost@example.org") == []


def test_asking_for_reset_links_cannot_flood_a_mailbox(app, client, make_user, smtp):
    make_user("amina@example.org")
    for _ in range(6):
        post(client, "/forgot-password", {"email": "amina@example.org"}, page="/forgot-password")
        post(client, "/forgot-password", {"email": "ghost@example.org"}, page="/forgot-password")
    assert len(smtp.to("amina@example.org")) == app.config["PASSWORD_RESETS_PER_HOUR"]
    assert smtp.to("ghost@example.org") == []
