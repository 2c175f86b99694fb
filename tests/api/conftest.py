"""Fixtures for the API tests: admission control in front of an application that holds requests, and a
real SMTP server on loopback (tests/mail_fixtures.py)."""

from __future__ import annotations

import asyncio

import pytest

from commentdesk.api.admission import AdmissionControl
from mail_fixtures import smtp  # noqa: F401 - a fixture


class Gate:
    """An application that holds each request until released."""

    def __init__(self):
        self.release = asyncio.Event()
        self.started = 0

    async def __call__(self, scope, receive, send):
        self.started += 1
        await self.release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


@pytest.fixture
def gated_admission():
    """Makes admission control with the limits given, in front of a fresh Gate; returns (gate, control)."""

    def admit(
        *, max_active: int, max_waiting: int, max_wait_s: float, max_active_writes: int | None = None
    ) -> tuple[Gate, AdmissionControl]:
        gate = Gate()
        return gate, AdmissionControl(
            gate, max_active=max_active, max_waiting=max_waiting, max_wait_s=max_wait_s, max_active_writes=max_active_writes
        )

    return admit
