"""A real SMTP server (aiosmtpd) on loopback and the settings that send to it: for the tests of
e-mail to readers and notifiers. Imported by the test modules that use it."""

from __future__ import annotations

import re
import socket
import time
from email import message_from_bytes, policy
from email.message import Message

import pytest
from aiosmtpd.controller import Controller

from commentdesk.config import Settings


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [message for message in self.messages if message["To"] == address]

    def wait_for(self, address: str, count: int, timeout: float = 30) -> list[Message]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.to(address)) >= count:
                return self.to(address)
            time.sleep(0.1)
        raise AssertionError(
            f"{address} received {len(self.to(address))} messages, expected {count}: {[m['Subject'] for m in self.messages]}"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def mail_settings(tmp_path, database_url, port, **extra) -> Settings:
    """Settings that send mail to the SMTP server on `port`; `extra` adds or changes settings."""
    return Settings(
        **{
            "data_dir": tmp_path / "data",
            "database_url": database_url,
            "secret_key": "test-secret",
            "smtp_host": "127.0.0.1",
            "smtp_port": port,
            "smtp_security": "none",
            "mail_from": "Courier comments <comments@courier.example>",
            "public_url": "http://testserver",
            "check_wait_ms": 60_000,  # decided before the answer, however loaded the machine (tests/conftest.py)
            **extra,
        }
    )


def link(message: Message, path: str) -> str:
    """The path and token of the link to `path` in a message."""
    found = re.search(r"http://testserver(" + re.escape(path) + r"\?token=[\w.\-]+)", message.get_content())
    assert found, message.get_content()
    return found.group(1)
