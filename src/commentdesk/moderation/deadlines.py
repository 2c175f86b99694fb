"""Actions run when their deadline passes, unless cancelled first, all kept by one thread.

The moderation process runs a comment's models in the thread that took the call, and sets a
deadline at the end of the models' budget: if they are not done by then, the comment's answer is
the timeout failure, sent at that moment. One watchdog thread keeps every deadline, so a comment
costs no thread of its own and no hand-over: deadlines almost always end cancelled.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

# The watchdog wakes this long after a deadline, so the deadlines of comments that arrive
# together are looked at in one wake rather than one each (a budget is seconds long).
SLACK_S = 0.05


class Deadline:
    """One pending action; `cancel` keeps it from running (when it has not started already)."""

    __slots__ = ("_keeper", "_number")

    def __init__(self, keeper: Deadlines, number: int) -> None:
        self._keeper, self._number = keeper, number

    def cancel(self) -> None:
        self._keeper._forget(self._number)


class Deadlines:
    def __init__(self, name: str = "deadlines") -> None:
        self._name = name
        self._condition = threading.Condition()
        self._heap: list[tuple[float, int]] = []
        self._actions: dict[int, Callable[[], None]] = {}  # pending, by number: cancelling deletes
        self._numbers = itertools.count()
        self._thread: threading.Thread | None = None

    def after(self, seconds: float, action: Callable[[], None]) -> Deadline:
        """Run `action` on the watchdog thread `seconds` from now, unless cancelled by then."""
        when = time.monotonic() + seconds
        with self._condition:
            number = next(self._numbers)
            self._actions[number] = action
            heapq.heappush(self._heap, (when, number))
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name=self._name, daemon=True)
                self._thread.start()
            elif self._heap[0][1] == number:
                self._condition.notify()  # the watchdog sleeps until a later deadline
        return Deadline(self, number)

    def _forget(self, number: int) -> None:
        with self._condition:
            self._actions.pop(number, None)

    def _watch(self) -> None:
        while True:
            due = []
            with self._condition:
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    _when, number = heapq.heappop(self._heap)
                    action = self._actions.pop(number, None)
                    if action is not None:
                        due.append(action)
                if not due:
                    self._condition.wait(self._heap[0][0] - now + SLACK_S if self._heap else None)
            for action in due:
                try:
                    action()
                except Exception:  # one failing action must not stop the deadlines of the others
                    log.exception("a deadline's action failed")
