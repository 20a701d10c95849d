"""The outbox with a real SMTP server: delivery, retries, bounces, digests, and requests that
never wait for the mail server."""

from datetime import timedelta

from sqlalchemy import select

from app.database import utcnow
from app.extensions import db
from app.mail import next_digest, queue_email
from app.mail.models import Delivery, OutboxMessage
from app.mail.sender import BACKOFF, deliver_due, release_digests
from tests.helpers import post
from tests.mail.conftest import free_port


def messages():
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_batch_goes_over_one_connection_and_forgets_what_it_said(app, mail_server):
    for number in range(5):
        queue_email(f"person{number}@example.org", f"Notice {number}", "Private link: https://x/t")
    db.session.commit()
    result = deliver_due()
    assert (result.sent, result.retried, result.refused) == (5, 0, 0)
    assert mail_server.connections == 1
    assert [m["Subject"] for m in mail_server.inbox.messages] == [f"Notice {n}" for n in range(5)]
    for message in messages():
        assert message.state is Delivery.sent and message.sent_at is not None
        # The body held a private link; the address is only the council's to keep.
        assert message.body == "" and message.to_address.startswith("p…@")


def test_a_server_that_refuses_then_accepts_gets_the_message_later(app, mail_server):
    queue_email("amina@example.org", "Your proposal", "News")
    db.session.commit()
    mail_server.refuse = "451 4.3.0 Try again later"
    start = utcnow()
    assert deliver_due(start).retried == 1
    (message,) = messages()
    assert message.state is Delivery.queued and message.attempts == 1
    assert message.due_at == start + BACKOFF[0] and "451" in message.last_error
    # Not due yet: nothing is tried.
    assert deliver_due(start + timedelta(seconds=30)).handled == 0
    mail_server.refuse = None
    assert deliver_due(start + BACKOFF[0]).sent == 1
    assert [m["To"] for m in mail_server.inbox.messages] == ["amina@example.org"]
    assert messages()[0].state is Delivery.sent


def test_retries_wait_longer_each_time_and_stop(app, mail_server):
    queue_email("amina@example.org", "Your proposal", "News")
    db.session.commit()
    mail_server.refuse = "421 4.7.0 Busy"
    now = utcnow()
    waits = []
    for _ in range(len(BACKOFF) + 1):
        deliver_due(now)
        (message,) = messages()
        waits.append(message.due_at - now)
        now = message.due_at
    assert waits[: len(BACKOFF)] == BACKOFF
    assert message.state is Delivery.failed and message.attempts == len(BACKOFF) + 1


def test_an_address_refused_for_good_is_not_tried_again(app, mail_server):
    queue_email("nobody@example.org", "Your proposal", "News")
    db.session.commit()
    mail_server.refuse = "550 5.1.1 No such user"
    assert deliver_due().refused == 1
    (message,) = messages()
    assert message.state is Delivery.bounced and "550" in message.last_error
    assert deliver_due(utcnow() + timedelta(days=2)).handled == 0


def test_a_stopped_server_keeps_everything_and_the_page_answers_at_once(app, make_council):
    """The submission is stored and answered while the mail server is away; the receipt
    waits in the outbox and leaves once the server is back."""
    council = make_council()
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    client = app.test_client()
    page = f"/councils/{council.slug}/proposals/new"
    response = post(
        client,
        page,
        {
            "lang": "en",
            "title": "More benches",
            "body": "In the park.",
            "topic": "other",
            "contact_email": "amina@example.org",
            "contact_consent": "y",
        },
        page=page,
    )
    assert response.status_code == 302
    (message,) = messages()
    assert message.state is Delivery.queued and message.attempts == 1
    assert "Connection" in message.last_error and "/track/" in message.body

    from aiosmtpd.controller import Controller

    from tests.mail.conftest import Server

    server = Server()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert deliver_due(utcnow() + BACKOFF[0]).sent == 1
    finally:
        controller.stop()
    (received,) = server.inbox.messages
    assert "/track/" in received.get_body(("plain",)).get_content()


def test_a_sender_that_died_mid_batch_leaves_its_messages_to_another(app, mail_server):
    message = queue_email("amina@example.org", "Your proposal", "News")
    message.state, message.lease_until = Delivery.sending, utcnow() + timedelta(minutes=10)
    db.session.commit()
    assert deliver_due().handled == 0  # another sender holds it
    assert deliver_due(utcnow() + timedelta(minutes=11)).sent == 1
    assert len(mail_server.inbox.messages) == 1


def test_weekly_notices_leave_as_one_digest_per_address(app, mail_server):
    now = utcnow()
    for subject in ("Meeting: March", "Minutes: February"):
        queue_email("amina@example.org", subject, f"About {subject}", weekly=True, locale="en")
    queue_email("karim@example.org", "Meeting: March", "About it", weekly=True, locale="en")
    queue_email("amina@example.org", "Your password", "A link")  # not a notice: at once
    db.session.commit()
    deliver_due()
    assert [m["Subject"] for m in mail_server.inbox.messages] == ["Your password"]
    assert release_digests(now) == 0  # the week is not over
    monday = next_digest(now)
    assert monday > now and monday.weekday() == 0 and monday - now <= timedelta(days=7)
    assert release_digests(monday) == 2
    deliver_due(monday)
    digests = {m["To"]: m for m in mail_server.inbox.messages[1:]}
    assert set(digests) == {"amina@example.org", "karim@example.org"}
    amina = digests["amina@example.org"]
    assert "(2)" in amina["Subject"]
    body = amina.get_body(("plain",)).get_content()
    assert body.index("Meeting: March") < body.index("Minutes: February")
    assert "About Minutes: February" in body
    held = [m for m in messages() if m.state is Delivery.digested]
    assert len(held) == 3 and all(m.body == "" for m in held)


def test_the_sender_thread_delivers_as_soon_as_the_work_is_saved(app, mail_server):
    """A server process's sender wakes when a commit queued mail: no poll interval to wait."""
    import time

    app.config.update(OUTBOX_SENDER=True, OUTBOX_POLL_SECONDS=600)
    app.extensions["outbox"].start()
    time.sleep(0.2)  # its first look finds nothing; now it sleeps for ten minutes
    queue_email("amina@example.org", "Your proposal", "News")
    db.session.commit()
    deadline = time.monotonic() + 10
    while not mail_server.inbox.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    app.extensions["outbox"].stop()
    assert [m["To"] for m in mail_server.inbox.messages] == ["amina@example.org"]


def test_the_outbox_commands_say_what_waits_and_send_it(app, mail_server):
    queue_email("amina@example.org", "Your proposal", "News")
    db.session.commit()
    runner = app.test_cli_runner()
    assert "Waiting: 1" in runner.invoke(args=["outbox", "status"]).output
    assert "Sent: 1" in runner.invoke(args=["outbox", "send"]).output
    assert "Waiting: 0" in runner.invoke(args=["outbox", "status"]).output


def test_delivery_records_are_kept_ninety_days(app, mail_server):
    from app.mail.models import Notice
    from app.mail.sender import KEPT, forget_old

    queue_email("amina@example.org", "Old news", "…")
    queue_email("karim@example.org", "Waiting", "…")
    db.session.commit()
    deliver_due()
    old, waiting = messages()
    waiting.state = Delivery.queued  # the server never took it
    db.session.commit()
    forget_old(utcnow() + KEPT + timedelta(days=1))
    db.session.commit()
    assert [m.subject for m in messages()] == ["Waiting"]
    assert db.session.scalars(select(Notice)).all() == []
