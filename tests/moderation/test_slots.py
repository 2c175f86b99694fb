"""Slots are given out in the order they were asked for, never more at once than there are."""

import threading

import pytest
from tests.waiting import wait_until

from commentdesk.moderation.slots import Slots


def test_no_more_holders_than_slots_and_a_freed_slot_goes_to_the_longest_waiting():
    slots = Slots(2)
    slots.take()
    slots.take()
    order: list[int] = []

    def wait_for_a_slot(number: int) -> None:
        slots.take()
        order.append(number)

    waiters = []
    for number in range(3):
        waiter = threading.Thread(target=wait_for_a_slot, args=(number,), daemon=True)
        waiter.start()
        waiters.append(waiter)
        wait_until(lambda n=number: len(slots._waiting) == n + 1)  # queued in this order
    assert order == []  # both slots are held
    slots.give_back()
    wait_until(lambda: order == [0])
    # A newcomer does not jump the queue: the next freed slot goes to waiter 1.
    newcomer = threading.Thread(target=wait_for_a_slot, args=(9,), daemon=True)
    newcomer.start()
    wait_until(lambda: len(slots._waiting) == 3)
    slots.give_back()
    wait_until(lambda: order == [0, 1])
    slots.give_back()  # one at a time: two woken threads may note their turns in either order
    wait_until(lambda: order == [0, 1, 2])
    slots.give_back()
    wait_until(lambda: order == [0, 1, 2, 9])


def test_as_a_block_the_slot_is_given_back_even_on_an_error():
    slots = Slots(1)
    with pytest.raises(RuntimeError), slots:
        raise RuntimeError("a failed pass")
    with slots:  # not held by the failed pass
        pass


def test_a_count_below_one_is_refused():
    with pytest.raises(ValueError):
        Slots(0)
