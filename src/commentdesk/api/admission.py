"""Admission control: a bounded number of requests at work, a bounded queue, quick refusals.

At most `max_active` requests are worked on at once, and of them at most `max_active_writes`
writes. The database pool and the worker threads are sized from `max_active` (config.Settings),
so an admitted request never waits for a connection or a thread. Others wait their turn in
arrival order, for at most `max_wait_s`; when `max_waiting` already wait, or the wait runs out,
the answer is 503 with Retry-After and the usual JSON error body. Nothing waits without bound.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from commentdesk.api.errors import error_body
from commentdesk.i18n import N_
from commentdesk.i18n import gettext as _

log = logging.getLogger(__name__)
# A refused client may try again this many seconds later; a turn usually frees within it.
RETRY_AFTER_SECONDS = 1
BUSY_MESSAGE = N_("The server is busy. Please try again in a moment.")  # worded in the request's language where sent


# Methods that only read; any other request is a write.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Turns:
    """At most `limit` holders at once; the others wait in arrival order, at most `max_waiting` of them."""

    def __init__(self, limit: int, max_waiting: int) -> None:
        self.limit, self.max_waiting = limit, max_waiting
        self.active = 0
        # Futures of the requests waiting for a turn, oldest first; a finished request hands
        # its turn to the first one still waiting.
        self._waiting: deque[asyncio.Future] = deque()

    @property
    def waiting(self) -> int:
        return sum(1 for future in self._waiting if not future.done())

    async def take(self, wait_s: float) -> bool:
        """Whether a turn came within `wait_s` seconds (False at once when the queue is full)."""
        if self.active < self.limit and not self._waiting:
            self.active += 1
            return True
        if len(self._waiting) >= self.max_waiting:
            return False
        turn = asyncio.get_running_loop().create_future()
        self._waiting.append(turn)
        try:
            await asyncio.wait_for(asyncio.shield(turn), max(wait_s, 0.0))
            return True
        except TimeoutError:
            if turn.done():  # the turn arrived as the wait ran out: take it
                return True
            turn.cancel()
            self._forget(turn)
            return False
        except asyncio.CancelledError:  # the client went away while waiting
            if turn.done() and not turn.cancelled():
                self.give_back()
            else:
                turn.cancel()
                self._forget(turn)
            raise

    def give_back(self) -> None:
        while self._waiting:
            turn = self._waiting.popleft()
            if not turn.done():
                turn.set_result(None)  # the turn passes on; the active count stays
                return
        self.active -= 1

    def _forget(self, turn: asyncio.Future) -> None:
        try:
            self._waiting.remove(turn)
        except ValueError:
            pass


class AdmissionControl:
    """Every request takes one of `max_active` turns; a write (a post, an edit, a moderator's
    action) first takes one of `max_active_writes`. Few writes at once serve more of them: a
    post waits for the models and, on SQLite, for the single writer, and posts that work side
    by side only contend for the processor and its lock (figures: docs/operations.md)."""

    def __init__(
        self, app, *, max_active: int, max_waiting: int, max_wait_s: float, max_active_writes: int | None = None
    ) -> None:
        if max_active < 1 or max_waiting < 0 or max_wait_s < 0 or (max_active_writes is not None and max_active_writes < 1):
            raise ValueError(
                "max_active and max_active_writes must be at least 1; max_waiting and max_wait_s must not be negative"
            )
        self.app = app
        self.max_wait_s = max_wait_s
        self.turns = Turns(max_active, max_waiting)
        self.write_turns = Turns(min(max_active_writes or max_active, max_active), max_waiting)

    @property
    def active(self) -> int:
        return self.turns.active

    @property
    def waiting(self) -> int:
        return self.turns.waiting + self.write_turns.waiting

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        lanes = (self.turns,) if scope["method"] in READ_METHODS else (self.write_turns, self.turns)
        taken: list[Turns] = []
        clock = asyncio.get_running_loop()
        deadline = clock.time() + self.max_wait_s  # one wait for both turns, not one each
        try:
            for lane in lanes:
                if not await lane.take(deadline - clock.time()):
                    return await _refuse(send)
                taken.append(lane)
            await self.app(scope, receive, send)
        finally:
            for lane in reversed(taken):
                lane.give_back()


async def _refuse(send) -> None:
    body = json.dumps(error_body("server_busy", _(BUSY_MESSAGE))).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 503,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(RETRY_AFTER_SECONDS).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def busy_response() -> JSONResponse:
    return JSONResponse(
        error_body("server_busy", _(BUSY_MESSAGE)), status_code=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
    )


async def _pool_exhausted(request: Request, _error: PoolTimeout) -> JSONResponse:
    log.warning("no database connection free for %s %s within the pool timeout", request.method, request.url.path)
    return busy_response()


async def _database_error(request: Request, error: OperationalError) -> JSONResponse:
    # SQLite's single write lock stayed taken past its busy timeout (a long import, say):
    # nothing was written, so the client may simply try again.
    if "database is locked" in str(error.orig):
        log.warning("database locked for %s %s", request.method, request.url.path)
        return busy_response()
    raise error


def install(app) -> None:
    """Answer a busy database like a busy server: 503 with Retry-After, never a 500."""
    app.add_exception_handler(PoolTimeout, _pool_exhausted)
    app.add_exception_handler(OperationalError, _database_error)
