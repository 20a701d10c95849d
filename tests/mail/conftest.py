import contextlib
import socket

import pytest


class Server:
    """A real SMTP server whose answers a test decides: it refuses every recipient with
    ``refuse`` (e.g. "451 Try again later") while that is set, and counts connections."""

    def __init__(self):
        from tests.conftest import Inbox

        self.inbox = Inbox()
        self.refuse: str | None = None
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return await self.inbox.handle_DATA(server, session, envelope)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def mail_server(app):
    """The server, on a port the app sends to; ``stop()``/``start()`` take it away and back."""
    from aiosmtpd.controller import Controller

    server = Server()
    port = free_port()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    server.controller = controller
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="council@example.org")
    yield server
    with contextlib.suppress(AssertionError):  # a test stopped it already
        controller.stop()
