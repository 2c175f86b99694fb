"""A deadline's action runs once it passes, unless cancelled first; one failing action stops no other."""

import threading

from commentdesk.moderation.deadlines import Deadlines


def test_an_action_runs_when_its_deadline_passes():
    ran = threading.Event()
    Deadlines().after(0.05, ran.set)
    assert ran.wait(10)


def test_a_cancelled_action_never_runs_and_the_others_still_do():
    deadlines = Deadlines()
    ran: list[str] = []
    last = threading.Event()
    deadlines.after(0.05, lambda: ran.append("cancelled")).cancel()
    deadlines.after(0.1, lambda: ran.append("kept"))
    deadlines.after(0.2, last.set)
    assert last.wait(10)
    assert ran == ["kept"]


def test_an_earlier_deadline_set_later_is_not_kept_waiting_behind_a_later_one():
    deadlines = Deadlines()
    late, early = threading.Event(), threading.Event()
    deadlines.after(60, late.set)
    deadlines.after(0.05, early.set)
    assert early.wait(10) and not late.is_set()


def test_an_action_that_fails_does_not_stop_the_watchdog():
    deadlines = Deadlines()
    after = threading.Event()
    deadlines.after(0.01, lambda: 1 / 0)
    deadlines.after(0.05, after.set)
    assert after.wait(10)
