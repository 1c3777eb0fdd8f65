"""A local SMTP server (aiosmtpd) on a free port of 127.0.0.1 that keeps what it receives, for
the alert tests; and free ports for the service tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    subject: str
    body: str  # decoded, with \n line ends
    raw: str  # as sent (quoted-printable may split long lines)

    @property
    def text(self) -> str:
        return f"{self.subject}\n{self.body}"


@dataclass
class Mailbox:
    port: int
    messages: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.messages.append(
            Received(
                sender=envelope.mail_from,
                recipients=list(envelope.rcpt_tos),
                subject=str(message["Subject"]).strip(),  # folded when long
                body=message.get_content().replace("\r\n", "\n"),
                raw=envelope.original_content.decode("utf-8", errors="replace"),
            )
        )
        return "250 Message accepted"


@contextmanager
def smtp_server(login: tuple[str, str] | None = None) -> Iterator[Mailbox]:
    """An SMTP server without TLS; with `login`, it requires AUTH with that user and password
    (allowed in the clear here, on loopback, for the test only)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    mailbox = Mailbox(port=free_port())
    options = {}
    if login:

        def authenticate(server, session, envelope, mechanism, auth_data):
            ok = (auth_data.login.decode(), auth_data.password.decode()) == login
            if ok:
                mailbox.logins.append(auth_data.login.decode())
            return AuthResult(success=ok)

        options = {"authenticator": authenticate, "auth_required": True, "auth_require_tls": False}
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port, **options)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
