"""Fixtures for monitoring: payments, a real local SMTP server and a webhook receiver."""

import email
import email.policy
import json
import socket
import threading
from datetime import date
from decimal import Decimal
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from perf.projects.models import Project
from perf.spending.models import Payment


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """Collects what the SMTP server accepted."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"

    def subjects(self) -> list[str]:
        return sorted(str(make_header(decode_header(m["Subject"]))) for m in self.messages)

    def to(self) -> list[str]:
        return sorted(m["To"] for m in self.messages)


@pytest.fixture
def smtp(app):
    """A real SMTP server on localhost; perf is pointed at it for the test."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {k: app.config[k] for k in ("MAIL_HOST", "MAIL_PORT")}
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=port)
    yield mailbox
    app.config.update(saved)
    controller.stop()


class Hook(BaseHTTPRequestHandler):
    received: ClassVar[list] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        Hook.received.append(json.loads(self.rfile.read(length)))
        body = b'{"errcode": 0, "errmsg": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook(app):
    """A robot webhook receiver on localhost."""
    Hook.received = []
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["WEBHOOK_URL"] = f"http://127.0.0.1:{server.server_port}/robot"
    yield Hook.received
    app.config["WEBHOOK_URL"] = ""
    server.shutdown()
    server.server_close()


@pytest.fixture
def people(users, session):
    """The test users, with e-mail addresses."""
    for user in users.values():
        user.email = f"{user.username}@example.gov.cn"
    session.commit()
    return users


@pytest.fixture
def pay(session):
    """pay(code, "2024-05-10", "115150.00", refund_of=None) records a payment directly."""
    counter = iter(range(1, 10_000))

    def record(code: str, day: str, amount: str, refund_of: str | None = None) -> Payment:
        project = session.scalar(sa.select(Project).where(Project.code == code))
        payment = Payment(
            project_id=project.id,
            paid_on=date.fromisoformat(day),
            amount=Decimal(amount),
            voucher_no=f"T{next(counter):04d}",
            refund_of=refund_of,
            source="fiscal",
        )
        session.add(payment)
        session.commit()
        return payment

    return record
