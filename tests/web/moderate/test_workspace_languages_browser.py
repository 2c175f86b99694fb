"""In a real browser: the Urdu workspace queue reads right to left, with each count drawn on the
reading side of its word, and the workspace's bar mirrored (the brand at the right edge)."""

from __future__ import annotations

import pytest
from moderate_helpers import PASSWORD

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

# The drawn [left, right] of a part of an element's first text node.
PART_BOX = """([element, part]) => {
  const text = element.firstChild, start = text.textContent.indexOf(part), range = document.createRange();
  range.setStart(text, start); range.setEnd(text, start + part.length);
  const rect = range.getBoundingClientRect();
  return [rect.left, rect.right];
}"""


def test_the_urdu_queue_reads_right_to_left(live_server, page, world, screenshot):
    world.add_comment("The lanes are overdue, the council dithered for years", name="Ana")
    page.goto(f"{live_server.url}/moderate/login")
    page.fill("input[name=username]", "mod")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Held")
    page.goto(f"{live_server.url}/moderate/queue/held?lang=ur")
    expect(page.locator("#workspace.ready")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ur")

    heading = page.locator("h1")
    expect(heading).to_contain_text("روکے گئے")
    word = page.evaluate(PART_BOX, [heading.element_handle(), "روکے گئے"])
    count = page.locator("h1 .count").bounding_box()
    assert word[0] >= count["x"] + count["width"] - 1, f"the heading's count is drawn before its word: {word} {count}"

    record = page.locator(".card .record").first
    expect(record).to_contain_text("0 شائع")
    number, published = (
        page.evaluate(PART_BOX, [record.element_handle(), "0"]),
        page.evaluate(PART_BOX, [record.element_handle(), "شائع"]),
    )
    assert number[0] >= published[1] - 1, f"the number is drawn left of its word: {number} {published}"

    # The layout mirrors: the brand at the right, the sign-out form at the left; the comment keeps its own direction.
    brand, whoami = page.locator(".brand").bounding_box(), page.locator(".whoami").bounding_box()
    assert brand["x"] > whoami["x"]
    text = page.locator(".card .text").first
    expect(text).to_have_attribute("dir", "auto")
    assert text.evaluate("node => getComputedStyle(node).direction") == "ltr"
    expect(page.get_by_role("button", name="مسترد کریں").first).to_be_visible()
    screenshot(page, "urdu-queue")


def test_the_scripts_status_line_and_counter_in_german(live_server, page, world):
    for number in range(2):
        world.add_comment(f"Comment number {number} about the harbour road lanes")
    page.goto(f"{live_server.url}/moderate/login")
    page.fill("input[name=username]", "mod")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/moderate/queue/held?lang=de")
    expect(page.locator("#workspace.ready")).to_have_count(1)
    page.keyboard.press("X")
    expect(page.locator("#selected-count")).to_have_text("2 ausgewählt")
    page.keyboard.press("a")
    expect(page.locator("#status")).to_have_text("2 Kommentare freigegeben. Mit u rückgängig machen.")
    with page.expect_navigation():  # the undone comments come back: the queue is drawn again
        page.keyboard.press("u")
    expect(page.locator("#workspace.ready")).to_have_count(1)
    expect(page.locator("#status")).to_contain_text("rückgängig gemacht")  # the undo's summary, in German too
    page.keyboard.press("2")
    expect(page.locator("#status")).to_have_text("Grund: Themenfremd.")
