"""The background queues' shared loop and retry schedule (services/background.py): rounds until
stopped, a wake-up instead of a wait, exceptions logged and survived, leases renewed and given
back, and the waits before a failed try is tried again."""

from __future__ import annotations

import logging
import os
import threading
import time

import pytest

from commentdesk.services import moderation_queue, webhook_delivery
from commentdesk.services.background import BackgroundLoop, doubling, retry_delay_s
from commentdesk.services.notifications import sender

LONG_POLL_S = 60.0  # far longer than any test: a round that happens was woken, not polled
WAIT_S = 10.0


class Recorder(BackgroundLoop):
    """Does nothing but note what the loop asks of it; a round may be told to fail or to ask for more."""

    thread_name = "recorder"

    def __init__(
        self, *, fail_first: bool = False, fail_renewals: bool = False, more_rounds: int = 0, renew_every_s: float | None = None
    ) -> None:
        super().__init__(poll_s=LONG_POLL_S, renew_every_s=renew_every_s, name="recorder-1")
        self.rounds = 0
        self.renewals = self.releases = self.starts = self.stops = 0
        self.fail_first, self.fail_renewals, self.more_rounds = fail_first, fail_renewals, more_rounds
        self.round_done = threading.Event()

    def work_round(self) -> bool:
        self.rounds += 1
        self.round_done.set()
        if self.fail_first and self.rounds == 1:
            raise RuntimeError("the database is away")
        return self.rounds <= self.more_rounds

    def renew_leases(self) -> None:
        self.renewals += 1
        if self.fail_renewals:
            raise RuntimeError("the lease could not be renewed")

    def release_leases(self) -> None:
        self.releases += 1

    def on_start(self) -> None:
        self.starts += 1

    def on_stop(self) -> None:
        self.stops += 1

    def next_round(self) -> None:
        self.round_done.clear()
        self.wake()
        assert self.round_done.wait(WAIT_S)


def eventually(condition) -> bool:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@pytest.fixture
def loops():
    started: list[Recorder] = []

    def make(**options) -> Recorder:
        loop = Recorder(**options)
        started.append(loop)
        return loop

    yield make
    for loop in started:
        while loop.running:
            loop.stop(wait_s=WAIT_S)


def test_a_round_runs_at_start_and_again_when_woken_and_stop_gives_the_work_back(loops):
    loop = loops().start()
    assert loop.round_done.wait(WAIT_S)
    loop.next_round()
    assert loop.rounds == 2 and not loop.stopping
    thread = loop._loop
    loop.stop(wait_s=WAIT_S)
    assert loop.stopping  # a long round asks this to end early
    # Stopped at once although the next poll was a minute away; what it held is given back.
    assert thread is not None and not thread.is_alive()
    assert (loop.running, loop.starts, loop.stops, loop.releases) == (False, 1, 1, 1)


def test_an_exception_in_a_round_is_logged_and_the_loop_goes_on(loops, caplog):
    loop = loops(fail_first=True)
    with caplog.at_level(logging.WARNING, logger="commentdesk.services.background"):
        loop.start()
        assert loop.round_done.wait(WAIT_S)
        loop.next_round()
    assert loop.rounds == 2 and loop.running
    (failure,) = [record for record in caplog.records if record.exc_info]
    assert "recorder" in failure.getMessage() and str(failure.exc_info[1]) == "the database is away"


def test_a_round_with_more_to_do_is_followed_by_another_without_a_wait(loops):
    loop = loops(more_rounds=3).start()
    # Four rounds without a wake-up (the first three said there was more), then the poll's wait.
    assert eventually(lambda: loop.rounds == 4)


def test_leases_are_renewed_after_each_round_even_a_failed_one_when_asked_and_not_otherwise(loops):
    renewing, not_renewing = loops(renew_every_s=0.0, fail_first=True).start(), loops().start()
    for loop in (renewing, not_renewing):
        assert loop.round_done.wait(WAIT_S)
        loop.next_round()
        loop.stop(wait_s=WAIT_S)
    assert (renewing.rounds, renewing.renewals) == (2, 2)
    assert not_renewing.renewals == 0


def test_a_failed_renewal_is_logged_and_the_loop_goes_on(loops, caplog):
    loop = loops(renew_every_s=0.0, fail_renewals=True)
    with caplog.at_level(logging.WARNING, logger="commentdesk.services.background"):
        loop.start()
        assert loop.round_done.wait(WAIT_S)
        loop.next_round()
        loop.stop(wait_s=WAIT_S)
    assert loop.rounds == 2 and loop.renewals == 2
    assert [record.getMessage() for record in caplog.records] == [
        "recorder could not renew its leases; it tries again shortly"
    ] * 2


def test_every_loop_claims_under_a_name_of_its_own():
    first, second = BackgroundLoop(poll_s=1), BackgroundLoop(poll_s=1)
    assert first.name != second.name and first.name.split(":")[1] == str(os.getpid())
    assert BackgroundLoop(poll_s=1, name="server-a").name == "server-a"


def test_the_loop_runs_until_the_last_of_its_starts_is_stopped(loops):
    loop = loops()
    loop.stop()  # never started: nothing to stop or give back
    assert (loop.stops, loop.releases) == (0, 0)
    loop.start()
    loop.start()  # a second server on the same app
    loop.stop(wait_s=WAIT_S)
    assert loop.running and loop.releases == 0
    loop.next_round()
    loop.stop(wait_s=WAIT_S)
    assert not loop.running and (loop.starts, loop.stops, loop.releases) == (1, 1, 1)
    loop.start()  # and it can be started again
    loop.next_round()
    assert loop.running and loop.starts == 2


def test_a_failed_release_at_shutdown_is_logged_not_raised(loops, caplog):
    loop = loops()

    def cannot_release() -> None:
        raise OSError("connection refused")

    loop.release_leases = cannot_release
    loop.start()
    with caplog.at_level(logging.WARNING, logger="commentdesk.services.background"):
        loop.stop(wait_s=WAIT_S)
    assert not loop.running
    assert any("could not give back" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    ("delays", "attempts", "expected"),
    [
        (moderation_queue.RETRY_AFTER_S, 1, 5),
        (moderation_queue.RETRY_AFTER_S, 2, 30),
        (moderation_queue.RETRY_AFTER_S, 7, 30),  # past the end the last wait repeats
        (moderation_queue.RETRY_AFTER_S, 0, 5),
        ((), 3, 0),
    ],
)
def test_a_schedule_gives_the_wait_after_each_failed_try(delays, attempts, expected):
    assert retry_delay_s(attempts, delays) == expected


@pytest.mark.parametrize(
    ("delays", "jitter"),
    [
        (sender.RETRY_AFTER_S, (0.8, 1.2)),
        (doubling(10, webhook_delivery.RETRY_MAX_S, 12), (0.5, 1.0)),
    ],
)
def test_jitter_spreads_each_wait_within_its_bounds(delays, jitter):
    low, high = jitter
    for attempts, delay in enumerate(delays, start=1):
        waits = {retry_delay_s(attempts, delays, jitter) for _ in range(50)}
        assert all(delay * low <= wait <= delay * high for wait in waits)
        assert len(waits) > 1  # spread, not one value for every row


def test_doubling_starts_from_the_base_and_stops_at_the_cap():
    assert doubling(10, 100, 6) == (10, 20, 40, 80, 100, 100)
    assert doubling(10, 3600, 0) == (10,)
    assert doubling(0, 3600, 3) == (0, 0, 0)
    assert doubling(1, 5, 5000)[-1] == 5  # many tries do not overflow
