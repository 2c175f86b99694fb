"""What the background queues (moderation jobs, webhook deliveries, the mail outbox) share: a
loop on its own thread that works in rounds, renews this server's leases and gives them back
when it stops (store/leases.py), and the wait before a failed try is tried again.

Each queue subclasses `BackgroundLoop` and keeps only its own work: `work_round` (and, where it
holds rows longer than one round, `renew_leases`), `release_leases`, and any pools it needs
(`on_start`, `on_stop`).
"""

from __future__ import annotations

import logging
import os
import random
import secrets
import socket
import threading
import time
from collections.abc import Sequence
from typing import Self

log = logging.getLogger(__name__)


def claimer_name() -> str:
    """Who holds a lease: this process, uniquely (a restarted server gets a new name)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def retry_delay_s(attempts: int, delays: Sequence[float], jitter: tuple[float, float] = (1.0, 1.0)) -> float:
    """Seconds before the next try after `attempts` failed ones: the attempts-th of `delays` (the
    last repeats once they run out), times a random factor between the two of `jitter`, so that
    many rows failing together are not all tried again at the same moment."""
    if not delays:
        return 0.0
    delay = delays[min(max(attempts, 1), len(delays)) - 1]
    low, high = jitter
    return delay * (random.uniform(low, high) if low != high else low)


def doubling(base_s: float, cap_s: float, count: int) -> tuple[float, ...]:
    """`count` delays doubling from `base_s`, none above `cap_s`."""
    return tuple(min(cap_s, base_s * 2.0 ** min(step, 1000)) for step in range(max(count, 1)))


class BackgroundLoop:
    """A thread that calls `work_round` until stopped: at once again when it says there is more
    to do, else after `poll_s` or as soon as `wake` is called. An exception in a round is logged
    and the next round tried (the database may be away for a moment). When `renew_every_s` is
    set, `renew_leases` is called that often. `stop` lets the current round end, then gives back
    what this server holds, so that another server takes it at once.

    One app can be started by more than one server at once (a test client beside a live server):
    the loop runs from the first `start` and stops at the last `stop`."""

    thread_name = "background"
    # How long `stop` waits for the round under way, unless told.
    stop_wait_s = 10.0

    def __init__(self, *, poll_s: float, renew_every_s: float | None = None, name: str | None = None) -> None:
        self.poll_s, self.renew_every_s = poll_s, renew_every_s
        self.name = name or claimer_name()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._loop: threading.Thread | None = None
        self._starts = 0

    # --- what each queue does ------------------------------------------------------------------

    def work_round(self) -> bool:
        """One round of work; True when there may be more to do right now."""
        raise NotImplementedError

    def renew_leases(self) -> None:
        """Extend the leases on the rows this server is still working on."""

    def release_leases(self) -> None:
        """Give back the rows this server holds but will not finish."""

    def on_start(self) -> None:
        """Set up what the rounds use, before the thread starts."""

    def on_stop(self) -> None:
        """Let go of what the rounds used, once the thread has ended (or was waited for long enough)."""

    # --- running -------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._loop is not None

    @property
    def stopping(self) -> bool:
        """Whether `stop` was called: a long round ends early, leaving the rest to be given back."""
        return self._stopping.is_set()

    def start(self) -> Self:
        with self._lock:
            self._starts += 1
            if self._loop is not None:
                return self
            # A new event for each thread: one that outlived the wait of an earlier stop still stops.
            self._stopping = threading.Event()
            self.on_start()
            self._loop = threading.Thread(target=self._run, args=(self._stopping,), name=self.thread_name, daemon=True)
            self._loop.start()
        return self

    def stop(self, wait_s: float | None = None) -> None:
        """Stop taking work, wait up to `wait_s` for the round under way, and give back the rest."""
        with self._lock:
            self._starts = max(0, self._starts - 1)
            if self._starts or self._loop is None:
                return  # another server still runs this app, or it never started
            loop = self._loop
        self._stopping.set()
        self._wake.set()
        loop.join(timeout=self.stop_wait_s if wait_s is None else wait_s)
        self.on_stop()
        with self._lock:
            self._loop = None
        try:
            self.release_leases()
        except Exception:  # the leases run out by themselves
            log.warning("%s could not give back its work at shutdown", self.thread_name, exc_info=True)

    def wake(self) -> None:
        """There is work now: start the next round rather than wait for the poll."""
        self._wake.set()

    def _run(self, stopping: threading.Event) -> None:
        renewed = time.monotonic()
        while not stopping.is_set():
            self._wake.clear()
            more = False
            try:
                more = self.work_round()
            except Exception:
                log.warning("%s failed a round; it tries again shortly", self.thread_name, exc_info=True)
            # Renewed even when the round failed: the rows being worked on are still this server's.
            if self.renew_every_s is not None and time.monotonic() - renewed >= self.renew_every_s:
                try:
                    self.renew_leases()
                    renewed = time.monotonic()
                except Exception:
                    log.warning("%s could not renew its leases; it tries again shortly", self.thread_name, exc_info=True)
            if not more:
                self._wake.wait(self.poll_s)
