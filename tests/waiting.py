"""Waiting in a test for another thread to reach a state, with a deadline instead of a sleep."""

import time


def wait_until(condition, within_s: float = 30.0) -> None:
    """Return once `condition()` holds; fail the test if it has not within `within_s` seconds."""
    deadline = time.monotonic() + within_s
    while not condition():
        assert time.monotonic() < deadline, "condition never held"
        time.sleep(0.005)
