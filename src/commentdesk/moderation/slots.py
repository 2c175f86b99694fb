"""A fixed number of slots, given out in the order they were asked for.

`threading.Semaphore` lets a newcomer take a slot ahead of a thread woken for it, which then
queues again at the back: under a steady load a few comments wait far longer than the others.
Here a freed slot goes straight to the longest-waiting thread.
"""

from __future__ import annotations

import threading
from collections import deque


class Slots:
    def __init__(self, count: int) -> None:
        if count < 1:
            raise ValueError("at least one slot")
        self._free = count
        self._lock = threading.Lock()
        self._waiting: deque[threading.Lock] = deque()  # each held until its thread is given a slot

    def take(self) -> None:
        """Wait for a slot; the caller gives it back with `give_back`, once."""
        with self._lock:
            if self._free and not self._waiting:
                self._free -= 1
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiting.append(turn)
        turn.acquire()  # released by `give_back`, with the slot already counted as taken

    def give_back(self) -> None:
        with self._lock:
            if self._waiting:
                self._waiting.popleft().release()
            else:
                self._free += 1

    def __enter__(self) -> Slots:
        self.take()
        return self

    def __exit__(self, *_exc) -> None:
        self.give_back()
